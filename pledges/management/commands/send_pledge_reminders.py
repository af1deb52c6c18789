"""The daily pledge job, run by cron: deadline reminders, lapsing overdue pledges, a summary for reviewers.

    0 6 * * * cd /srv/clearinghouse && .venv/bin/python manage.py send_pledge_reminders

Idempotent: reminders are recorded per pledge, deadline and lead time, lapsed pledges
are no longer approved, and the reviewers' summary goes out only when this run sent
a reminder, lapsed a pledge or failed at something, so a second run the same day
sends nothing at all.

Emails are queued in the outbox (decision 0013) in the same transaction as the record
that they were sent, and delivered by the mail worker, which retries; "sent" below
means queued for delivery.

Exit status: 0 when everything went through; 1 (a CommandError) when any reminder,
lapse or the summary failed, after doing everything else, so cron and monitoring
notice. Failed reminders are retried on the next run.
"""

import datetime
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from pledges import emails, selectors, services
from pledges.constants import REMINDER_DAYS_BEFORE

logger = logging.getLogger(__name__)

# How many of the oldest pledges awaiting review the summary names.
DIGEST_QUEUE_LISTED = 10


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}.") from error


def planned_reminders(today):
    """The reminders send_deadline_reminders would send `today`: [(pledge, days_before)]. Reads only.

    Mirrors the service's rule: of the lead times due, only the closest is sent, and
    only if not already recorded for the current deadline.
    """
    planned = []
    for pledge in selectors.pledges_due_for_reminders(today=today, longest_lead_days=max(REMINDER_DAYS_BEFORE)):
        days_left = (pledge.deadline - today).days
        due = sorted(days for days in REMINDER_DAYS_BEFORE if days_left <= days)
        recorded = {
            reminder.days_before for reminder in pledge.deadline_reminders.all() if reminder.deadline == pledge.deadline
        }
        if due and due[0] not in recorded:
            planned.append((pledge, due[0]))
    return planned


def digest_message(*, today, reminders, lapses, awaiting):
    """The reviewers' summary of a run, or None when no reviewer has an email address."""
    recipients = selectors.reviewer_email_addresses()
    if not recipients:
        return None
    failures = [
        f"Reminder ({days_before} days) to {pledge.agency.name}: {error}"
        for pledge, days_before, error in reminders.failed
    ]
    failures += [f"Marking {pledge.agency.name} lapsed: {error}" for pledge, error in lapses.failed]
    for pledge in lapses.lapsed:
        pledge.admin_url = emails.review_url(pledge)
    parts = []
    if reminders.sent:
        parts.append(f"{len(reminders.sent)} reminder{'s' if len(reminders.sent) != 1 else ''} sent")
    if lapses.lapsed:
        parts.append(f"{len(lapses.lapsed)} lapsed")
    if failures:
        parts.append(f"{len(failures)} failed")
    oldest = awaiting[:DIGEST_QUEUE_LISTED]
    return emails.build_message(
        template_name="reviewer_digest",
        to=recipients,
        context={
            "today": today,
            "headline": ", ".join(parts),
            "reminders_sent": reminders.sent,
            "lapsed": lapses.lapsed,
            "failures": failures,
            "awaiting_count": len(awaiting),
            "awaiting_oldest": oldest,
            "awaiting_more": len(awaiting) - len(oldest),
            "review_queue_url": settings.SITE_URL + reverse("admin:pledges_pledgeawaitingreview_changelist"),
        },
    )


class Command(BaseCommand):
    help = (
        "Daily pledge job: email deadline reminders (90 and 30 days before), mark overdue pledges lapsed, "
        "and email the pledge reviewers a summary when anything happened. Safe to run more than once a day. "
        "Exits with status 1 if any email or lapse failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=parse_date,
            help="Run as if today were this date (YYYY-MM-DD), e.g. to catch up a missed day. Default: today.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent and lapsed; send and change nothing."
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        today = date or timezone.localdate()
        self.verbosity = options.get("verbosity", 1)
        if dry_run:
            self.dry_run(today)
            return

        reminders = services.send_deadline_reminders(today=today)
        lapses = services.lapse_overdue_pledges(today=today)
        awaiting = list(selectors.review_queue())

        digest_note, digest_failed = "not sent (nothing happened)", False
        if reminders.sent or reminders.failed or lapses.lapsed or lapses.failed:
            try:
                message = digest_message(today=today, reminders=reminders, lapses=lapses, awaiting=awaiting)
                if message is None:
                    digest_note = "not sent (no pledge reviewer has an email address)"
                    logger.warning("No pledge reviewer has an email address; the daily summary was not sent.")
                else:
                    emails.queue(message)
                    digest_note = f"queued for {len(message.to)} reviewer{'s' if len(message.to) != 1 else ''}"
            except Exception:  # The summary failing must not hide what the run did.
                logger.exception("The pledge reviewers' daily summary could not be sent")
                digest_note, digest_failed = "FAILED (see the log)", True

        self.report(f"Pledge reminders for {today:%Y-%m-%d}:")
        self.report(f"  Deadline reminders queued: {len(reminders.sent)}")
        for pledge, days_before in reminders.sent:
            self.detail(f"    {pledge.agency.name}: {days_before}-day reminder, deadline {pledge.deadline:%Y-%m-%d}")
        self.report(f"  Pledges marked lapsed: {len(lapses.lapsed)}")
        for pledge in lapses.lapsed:
            self.detail(f"    {pledge.agency.name}: deadline {pledge.deadline:%Y-%m-%d}")
        self.report(f"  Pledges awaiting review: {len(awaiting)}")
        self.report(f"  Reviewers' summary: {digest_note}")

        for pledge, days_before, error in reminders.failed:
            self.stderr.write(f"Reminder ({days_before} days) to {pledge.agency.name} failed: {error}")
        for pledge, error in lapses.failed:
            self.stderr.write(f"Marking {pledge.agency.name} lapsed failed: {error}")
        failures = len(reminders.failed) + len(lapses.failed) + int(digest_failed)
        if failures:
            raise CommandError(
                f"{failures} failure{'s' if failures != 1 else ''}; see above and the log. "
                "Failed reminders are retried on the next run."
            )

    def dry_run(self, today):
        reminders = planned_reminders(today)
        overdue = list(selectors.overdue_pledges(today=today))
        awaiting = selectors.review_queue().count()
        self.report(f"Dry run for {today:%Y-%m-%d}: nothing is sent or changed.")
        self.report(f"  Deadline reminders that would be sent: {len(reminders)}")
        for pledge, days_before in reminders:
            self.detail(f"    {pledge.agency.name}: {days_before}-day reminder, deadline {pledge.deadline:%Y-%m-%d}")
        self.report(f"  Pledges that would be marked lapsed: {len(overdue)}")
        for pledge in overdue:
            self.detail(f"    {pledge.agency.name}: deadline {pledge.deadline:%Y-%m-%d}")
        self.report(f"  Pledges awaiting review: {awaiting}")

    def report(self, line):
        if self.verbosity >= 1:
            self.stdout.write(line)

    def detail(self, line):
        if self.verbosity >= 2:
            self.stdout.write(line)
