"""The cron command send_pledge_reminders and the demo loader, run as an operator would run them."""

import datetime
import io
from smtplib import SMTPException

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone

from clearinghouse.mail import deliver_queued_mail
from pledges import emails
from pledges.management.commands import send_pledge_reminders
from pledges.models import Agency, DeadlineReminder, Pledge
from pledges.services import DEMO_AGENCIES
from tests.pledges.factories import AgencyFactory, UserFactory, ensure_pledge_reviewers_group, pledge_in_status

pytestmark = pytest.mark.django_db

Status = Pledge.Status
TODAY = datetime.date(2026, 3, 2)


def run(*args):
    """Run send_pledge_reminders, then the mail worker (what it queued reaches mail.outbox); return what it printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("send_pledge_reminders", *args, stdout=out, stderr=err)
    finally:
        deliver_queued_mail()
    return out.getvalue()


@pytest.fixture
def reviewer():
    user = UserFactory(username="reviewer", email="reviewer@clearinghouse.example.org")
    user.groups.add(ensure_pledge_reviewers_group())
    return user


@pytest.fixture
def due_pledges():
    """One pledge due a 30-day reminder on TODAY, one overdue (to lapse), one awaiting review."""
    return {
        "reminded": pledge_in_status(
            Status.APPROVED,
            agency=AgencyFactory(name="Springfield Police Department"),
            deadline=TODAY + datetime.timedelta(days=30),
        ),
        "overdue": pledge_in_status(
            Status.APPROVED,
            agency=AgencyFactory(name="Granite County Police Department"),
            deadline=TODAY - datetime.timedelta(days=1),
        ),
        "waiting": pledge_in_status(Status.EMAIL_VERIFIED, agency=AgencyFactory(name="Cedar Valley Police")),
    }


def contact_mail(mailoutbox, pledge):
    return [message for message in mailoutbox if message.to == [pledge.contact_email]]


def test_the_command_reminds_lapses_and_tells_the_reviewers(
    due_pledges, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = run("--date", TODAY.isoformat(), "-v", "2")

    reminded, overdue = due_pledges["reminded"], due_pledges["overdue"]
    assert "Deadline reminders queued: 1" in output
    assert "Springfield Police Department: 30-day reminder" in output
    assert "Pledges marked lapsed: 1" in output
    assert "Pledges awaiting review: 1" in output
    assert "Reviewers' summary: queued for 1 reviewer" in output
    overdue.refresh_from_db()
    assert overdue.status == Status.LAPSED
    assert overdue.transitions.last().actor_label == "system"
    assert len(contact_mail(mailoutbox, reminded)) == 1
    assert len(contact_mail(mailoutbox, overdue)) == 1  # the lapse notice

    (summary,) = [message for message in mailoutbox if message.to == [reviewer.email]]
    assert summary.subject == "One Mind pledges, March 2, 2026: 1 reminder sent, 1 lapsed"
    assert "Springfield Police Department (Town" in summary.body
    assert "30-day reminder" in summary.body
    assert "Granite County Police Department" in summary.body
    assert f"/admin/pledges/pledge/{overdue.pk}/change/" in summary.body
    assert "Pledges awaiting review: 1" in summary.body
    assert "Cedar Valley Police" in summary.body
    assert "/admin/pledges/pledgeawaitingreview/" in summary.body


def test_running_twice_sends_nothing_twice(due_pledges, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("--date", TODAY.isoformat())
    sent = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--date", TODAY.isoformat())

    assert len(mailoutbox) == sent
    assert "Deadline reminders queued: 0" in output
    assert "Pledges marked lapsed: 0" in output
    assert "Reviewers' summary: not sent (nothing happened)" in output
    assert DeadlineReminder.objects.filter(was_sent=True).count() == 1


def test_the_90_day_reminder_then_the_30_day_reminder_on_their_days(reviewer, mailoutbox):
    pledge = pledge_in_status(Status.APPROVED, deadline=TODAY + datetime.timedelta(days=90))

    run("--date", TODAY.isoformat())
    run("--date", (TODAY + datetime.timedelta(days=1)).isoformat())
    run("--date", (TODAY + datetime.timedelta(days=60)).isoformat())

    reminders = contact_mail(mailoutbox, pledge)
    assert len(reminders) == 2
    assert sorted(pledge.deadline_reminders.values_list("days_before", flat=True)) == [30, 90]


def test_nothing_to_report_sends_no_summary(reviewer, mailoutbox):
    pledge_in_status(Status.EMAIL_VERIFIED)
    pledge_in_status(Status.APPROVED, deadline=TODAY + datetime.timedelta(days=200))

    output = run("--date", TODAY.isoformat())

    assert mailoutbox == []
    assert "Pledges awaiting review: 1" in output
    assert "Reviewers' summary: not sent (nothing happened)" in output


def test_without_reviewer_addresses_the_run_still_succeeds(due_pledges, mailoutbox, settings):
    settings.PLEDGE_REVIEW_NOTIFY_EMAILS = []

    output = run("--date", TODAY.isoformat())

    assert "Reviewers' summary: not sent (no pledge reviewer has an email address)" in output


def test_the_summary_goes_to_the_configured_mailbox_when_no_reviewer_has_an_address(due_pledges, mailoutbox, settings):
    settings.PLEDGE_REVIEW_NOTIFY_EMAILS = ["pledges@iacp.example.org"]

    run("--date", TODAY.isoformat())

    assert [message.to for message in mailoutbox if message.subject.startswith("One Mind pledges")] == [
        ["pledges@iacp.example.org"]
    ]


def test_a_dry_run_sends_and_changes_nothing_and_says_what_a_real_run_would_do(
    due_pledges, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = run("--date", TODAY.isoformat(), "--dry-run", "-v", "2")

    assert mailoutbox == []
    assert not DeadlineReminder.objects.exists()
    assert Pledge.objects.filter(status=Status.LAPSED).count() == 0
    assert "nothing is sent or changed" in output
    assert "Deadline reminders that would be sent: 1" in output
    assert "Springfield Police Department: 30-day reminder" in output
    assert "Pledges that would be marked lapsed: 1" in output
    assert "Granite County Police Department" in output

    real = run("--date", TODAY.isoformat())
    assert "Deadline reminders queued: 1" in real
    assert "Pledges marked lapsed: 1" in real


def test_a_failed_reminder_is_reported_retried_next_time_and_exits_non_zero(
    due_pledges, reviewer, mailoutbox, monkeypatch
):
    real_message = emails.deadline_reminder_message

    def failing(*args, **kwargs):
        raise SMTPException("mail server unavailable")

    monkeypatch.setattr(emails, "deadline_reminder_message", failing)
    with pytest.raises(CommandError, match="1 failure"):
        run("--date", TODAY.isoformat())

    assert not DeadlineReminder.objects.exists()  # rolled back, so the next run retries
    (summary,) = [message for message in mailoutbox if message.to == [reviewer.email]]
    assert "mail server unavailable" in summary.body
    assert "1 failed" in summary.subject

    monkeypatch.setattr(emails, "deadline_reminder_message", real_message)
    output = run("--date", TODAY.isoformat())
    assert "Deadline reminders queued: 1" in output


def test_a_failed_summary_exits_non_zero_after_doing_the_work(reviewer, monkeypatch):
    overdue = pledge_in_status(Status.APPROVED, deadline=TODAY - datetime.timedelta(days=1))

    def failing(*args, **kwargs):
        raise DatabaseError("the outbox could not be written")

    monkeypatch.setattr(send_pledge_reminders, "digest_message", failing)

    output = io.StringIO()
    with pytest.raises(CommandError, match="1 failure"):
        call_command("send_pledge_reminders", "--date", TODAY.isoformat(), stdout=output, stderr=io.StringIO())

    assert "Reviewers' summary: FAILED (see the log)" in output.getvalue()
    overdue.refresh_from_db()
    assert overdue.status == Status.LAPSED


def test_the_date_defaults_to_today(reviewer):
    output = run("--dry-run")

    assert f"Dry run for {timezone.localdate():%Y-%m-%d}" in output


def test_a_malformed_date_is_a_clear_error():
    with pytest.raises(CommandError, match="--date must be a date as YYYY-MM-DD"):
        run("--date", "02/03/2026")


def test_verbosity_zero_prints_nothing(due_pledges):
    assert run("--date", TODAY.isoformat(), "-v", "0") == ""


# --- load_demo_pledges -----------------------------------------------------------------------------------------


def test_the_demo_loader_is_idempotent_and_marks_everything_as_demo(mailoutbox):
    out = io.StringIO()
    call_command("load_demo_pledges", stdout=out)
    call_command("load_demo_pledges", stdout=out)

    assert out.getvalue().splitlines() == [
        f"Demo pledges: created {len(DEMO_AGENCIES)}, skipped 0 existing.",
        f"Demo pledges: created 0, skipped {len(DEMO_AGENCIES)} existing.",
    ]
    assert Agency.objects.count() == len(DEMO_AGENCIES)
    assert set(Agency.objects.values_list("is_demo", flat=True)) == {True}
    assert set(Pledge.objects.values_list("is_demo", flat=True)) == {True}
    assert all(name.startswith("Demo:") for name in Agency.objects.values_list("name", flat=True))
    assert mailoutbox == []
