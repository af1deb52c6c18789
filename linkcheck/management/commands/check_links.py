"""Check the external link of every published resource (daily, from cron): see README and decision 0021."""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linkcheck import services
from linkcheck.checker import LinkChecker, Politeness


class Command(BaseCommand):
    help = (
        "Check every published resource's external URL (HEAD, then GET if refused; redirects followed) and "
        "record the result; a link failing --broken-after checks in a row is shown as broken."
    )

    def add_arguments(self, parser):
        defaults = Politeness()
        parser.add_argument("--concurrency", type=int, default=defaults.concurrency, help="Requests in flight at most.")
        parser.add_argument("--per-host", type=int, default=defaults.per_host, help="Requests in flight per host.")
        parser.add_argument(
            "--delay", type=float, default=defaults.delay, help="Seconds between two requests to the same host."
        )
        parser.add_argument("--timeout", type=float, default=defaults.timeout, help="Seconds to wait for an answer.")
        parser.add_argument(
            "--broken-after",
            type=int,
            default=services.DEFAULT_BROKEN_AFTER,
            help="Failed checks in a row after which a link counts as broken.",
        )
        parser.add_argument("--resource", action="append", dest="slugs", help="Check only this resource (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Check and print, but record nothing.")

    def handle(self, *args, **options):
        for name in ("concurrency", "per_host", "broken_after"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        if options["delay"] < 0 or options["timeout"] <= 0:
            raise CommandError("--delay must be 0 or more and --timeout more than 0.")
        politeness = Politeness(
            concurrency=options["concurrency"],
            per_host=options["per_host"],
            delay=options["delay"],
            timeout=options["timeout"],
            connect_timeout=min(options["timeout"], Politeness().connect_timeout),
            user_agent=f"ClearinghouseLinkChecker/1.0 (+{settings.SITE_URL}/)",
        )
        links = services.links_to_check(slugs=options["slugs"])
        urls = list(dict.fromkeys(url for _pk, url in links))  # Each address once, however many resources use it.
        verbosity = options["verbosity"]
        if verbosity < 3:
            logging.getLogger("httpx").setLevel(logging.WARNING)  # Not a log line per request in cron mail.

        def report(result):
            if verbosity >= 2 or (verbosity >= 1 and options["dry_run"]):
                self.stdout.write(_describe(result))

        started = time.monotonic()
        results = LinkChecker(politeness).check(urls, on_result=report)
        elapsed = time.monotonic() - started
        if options["dry_run"]:
            self.stdout.write(f"Checked {len(urls)} addresses in {elapsed:.1f} s; nothing recorded (dry run).")
            return
        summary = services.record_link_results(
            links=links,
            results_by_url={result.url: result for result in results},
            broken_after=options["broken_after"],
        )
        forgotten = services.forget_unchecked_links()
        if verbosity >= 1:
            counts = ", ".join(f"{count} {state}" for state, count in summary.counts.items())
            self.stdout.write(
                f"Checked {len(urls)} addresses of {len(links)} resources in {elapsed:.1f} s: {counts}; "
                f"{len(summary.newly_broken)} newly broken, {len(summary.repaired)} working again"
                + (f", {forgotten} old checks dropped." if forgotten else ".")
            )


def _describe(result):
    hops = "".join(f" → {status} {location}" for status, location in result.redirects)
    outcome = result.error or str(result.status_code)
    return f"{result.url}{hops}: {outcome} ({result.method}, {result.elapsed:.2f} s)"
