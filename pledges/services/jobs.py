"""The daily jobs: deadline reminders and lapsing overdue pledges (a management command runs them)."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from pledges import emails, selectors
from pledges.constants import REMINDER_DAYS_BEFORE
from pledges.models import DeadlineReminder, Pledge
from pledges.services.review import pledge_mark_lapsed
from pledges.services.workflow import lock_pledge

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    """What send_deadline_reminders did: `sent` (queued) [(pledge, days_before)], `failed` [(pledge, days, error)]."""

    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def send_deadline_reminders(*, today=None):
    """Email contacts of approved pledges REMINDER_DAYS_BEFORE (90 and 30) days before the deadline.

    Idempotent: a DeadlineReminder per (pledge, deadline, days_before) records each one,
    so running twice sends nothing twice, and extending the deadline makes them due
    again. When both are due (the job did not run for a while) only the closer one is
    sent; the other is recorded as skipped. Each pledge has its own transaction, and
    its reminder is queued in the outbox inside it: the record and the queued email
    commit together or not at all, so a reminder is never recorded without being
    queued, nor queued twice. The mail worker delivers it (and retries). Failures
    are logged and returned, not raised.
    """
    today = today or timezone.localdate()
    run = ReminderRun()
    for candidate in selectors.pledges_due_for_reminders(today=today, longest_lead_days=max(REMINDER_DAYS_BEFORE)):
        days_left = (candidate.deadline - today).days
        due = sorted(days for days in REMINDER_DAYS_BEFORE if days_left <= days)
        recorded = {
            reminder.days_before
            for reminder in candidate.deadline_reminders.all()
            if reminder.deadline == candidate.deadline
        }
        if all(days in recorded for days in due):
            continue
        closest = due[0]
        try:
            with transaction.atomic():
                pledge = candidate
                lock_pledge(pledge)
                if pledge.status != Pledge.Status.APPROVED or pledge.deadline != candidate.deadline:
                    continue
                recorded = set(
                    pledge.deadline_reminders.filter(deadline=pledge.deadline).values_list("days_before", flat=True)
                )
                if closest in recorded:
                    DeadlineReminder.objects.bulk_create(
                        [
                            DeadlineReminder(pledge=pledge, deadline=pledge.deadline, days_before=days, was_sent=False)
                            for days in due
                            if days not in recorded
                        ]
                    )
                    continue
                for days in due:
                    if days not in recorded:
                        DeadlineReminder.objects.create(
                            pledge=pledge, deadline=pledge.deadline, days_before=days, was_sent=days == closest
                        )
                prefetch_related_objects([pledge], "practices")
                unmet = [row for row in pledge.practice_progress() if not row.verified_at]
                emails.queue(
                    emails.deadline_reminder_message(
                        pledge, days_before=closest, days_left=days_left, unmet_practices=unmet
                    )
                )
            run.sent.append((pledge, closest))
        except Exception as error:  # One pledge's failure must not stop the others.
            logger.exception("Deadline reminder for pledge %s failed", candidate.pk)
            run.failed.append((candidate, closest, error))
    return run


@dataclass
class LapseRun:
    """What lapse_overdue_pledges did: `lapsed` [pledge], `failed` [(pledge, error)]."""

    lapsed: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def lapse_overdue_pledges(*, today=None):
    """Mark lapsed every approved pledge whose deadline is before `today` (the deadline day itself counts).

    Idempotent (a lapsed pledge is no longer approved). One transaction per pledge
    (pledge_mark_lapsed, by the system); failures are logged and returned.
    """
    today = today or timezone.localdate()
    run = LapseRun()
    for pledge in selectors.overdue_pledges(today=today):
        try:
            pledge_mark_lapsed(pledge=pledge, today=today)
        except ValidationError:
            continue  # Completed, extended or withdrawn since the query: nothing to do.
        except Exception as error:
            logger.exception("Marking pledge %s lapsed failed", pledge.pk)
            run.failed.append((pledge, error))
            continue
        run.lapsed.append(pledge)
    return run
