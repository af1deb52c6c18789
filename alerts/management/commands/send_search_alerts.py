"""The weekly digest of search alerts (cron): see README."""

from django.core.management.base import BaseCommand

from alerts import services


class Command(BaseCommand):
    help = (
        "Email each confirmed search alert the resources published since its last digest, once a week. "
        "Safe to run daily or more: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send and record nothing.")

    def handle(self, *args, **options):
        run = services.send_digests(dry_run=options["dry_run"])
        verbosity = options["verbosity"]
        if verbosity >= 2 or options["dry_run"]:
            for alert, resources in run.sent:
                verb = "Would send" if options["dry_run"] else "Sent"
                self.stdout.write(f"{verb} alert {alert.pk} ({alert.description}): {len(resources)} new resources.")
        if verbosity >= 1:
            prefix = "Dry run: " if options["dry_run"] else ""
            self.stdout.write(
                f"{prefix}{len(run.sent)} digests {'to send' if options['dry_run'] else 'sent'}, "
                f"{len(run.nothing_new)} alerts with nothing new, {run.not_due} not due this week."
            )
