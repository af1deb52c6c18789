"""The mail worker: deliver the outbox's queued email, again and again (decision 0013).

    manage.py run_mail_worker             # runs until stopped (SIGTERM or Ctrl-C)
    manage.py run_mail_worker --once      # one pass, then exit (for cron or a systemd timer)

Each pass delivers every message that is due through the delivery backend
(POST_OFFICE["BACKENDS"]["default"]), batch by batch; failures are retried later with
a growing wait. Any number of workers may run, on any number of servers: on
PostgreSQL an advisory lock lets one deliver at a time (on SQLite a lock file).
A database or mail-server outage is logged and the worker keeps going.
"""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from clearinghouse.mail import deliver_queued_mail

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Deliver queued email from the outbox every few seconds (or once, with --once), retrying failures."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Deliver what is due once, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help=f"Seconds between passes (default EMAIL_WORKER_INTERVAL, now {settings.EMAIL_WORKER_INTERVAL}).",
        )

    def handle(self, *args, once=False, interval=None, **options):
        if once:
            self.report(deliver_queued_mail(), options["verbosity"])
            return
        interval = settings.EMAIL_WORKER_INTERVAL if interval is None else interval
        stopping = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stopping.set())
        self.stdout.write(f"Mail worker started: delivering queued email every {interval:g} seconds.")
        while not stopping.is_set():
            close_old_connections()
            try:
                self.report(deliver_queued_mail(), options["verbosity"], quiet_when_idle=True)
            except Exception:  # The database may be restarting: log it and try again next pass.
                logger.exception("The mail worker's pass failed; it tries again in %s seconds.", interval)
                connection.close()
            stopping.wait(interval)
        connection.close()
        self.stdout.write("Mail worker stopped.")

    def report(self, totals, verbosity, quiet_when_idle=False):
        if totals is None:
            if verbosity >= 1 and not quiet_when_idle:
                self.stdout.write("Another mail worker is delivering; nothing done.")
            return
        sent, failed, retrying = totals
        if verbosity >= 1 and (sent or failed or retrying or not quiet_when_idle):
            self.stdout.write(f"Email: {sent} sent, {retrying} to retry later, {failed} failed for good.")
