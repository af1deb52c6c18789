"""The email outbox (issue 7, finding 1; decision 0013) against a real SMTP server.

With the mail server down (a closed port), every admin action and public form that
sends mail succeeds and leaves its message queued; the worker's attempts fail, are
recorded and retried with a growing wait; once a real SMTP server (aiosmtpd) listens
on that port, the worker delivers every message, read back from the server.
"""

import datetime
import email
import io
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from clearinghouse.mail import deliver_queued_mail, retry_delay
from pledges import services, tokens
from pledges.models import Pledge
from tests.pledges.factories import AgencyFactory, ReviewerFactory, UserFactory, pledge_in_status
from tests.pledges.test_views_signup import form_data
from tests.resources.factories import ensure_curators_group

pytestmark = pytest.mark.django_db

Status = Pledge.Status
OUTBOX = reverse("admin:post_office_email_changelist")


def free_port():
    """A port nothing listens on (bound, read and released): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkHandler:
    """Keeps every message the SMTP server accepts: (envelope recipients, parsed message)."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on `port`, started when the test says the mail server is back."""

    def __init__(self, port):
        self.port = port
        self.handler = SinkHandler()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return self.handler.received

    def subjects_by_recipient(self):
        return {recipients[0]: message["Subject"] for recipients, message in self.received}


@pytest.fixture
def smtp(settings):
    """The mail server the worker delivers to: down (nothing listening) until the test calls smtp.start()."""
    server = SmtpServer(free_port())
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def queued():
    return Email.objects.filter(status__in=[STATUS.queued, STATUS.requeued])


def retry_time_has_come():
    """Move every scheduled retry to now, as if the wait had passed."""
    Email.objects.filter(status=STATUS.requeued).update(scheduled_time=timezone.now())


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def admin_url(name, pledge):
    return reverse(f"admin:pledges_pledge_{name}", args=[pledge.pk])


# --- Finding 1: admin actions with the mail server down -------------------------------------------------------


def test_every_admin_action_that_sends_mail_succeeds_with_smtp_down_and_its_mail_arrives_later(admin_client, smtp):
    to_approve = pledge_in_status(Status.EMAIL_VERIFIED)
    to_reject = pledge_in_status(Status.EMAIL_VERIFIED)
    to_withdraw = pledge_in_status(Status.APPROVED)
    to_relink = pledge_in_status(Status.APPROVED)
    to_reverify = pledge_in_status(Status.SUBMITTED)
    to_extend = pledge_in_status(Status.APPROVED, deadline=timezone.localdate() + datetime.timedelta(days=10))
    old_progress_token = tokens.make_progress_token(to_relink)

    responses = [
        admin_client.post(admin_url("approve", to_approve), follow=True),
        admin_client.post(
            reverse("admin:pledges_pledge_reject") + f"?ids={to_reject.pk}", {"reason": "Not an agency."}, follow=True
        ),
        admin_client.post(admin_url("withdraw", to_withdraw), {"reason": "The agency asked."}, follow=True),
        admin_client.post(admin_url("reissue_progress_link", to_relink), follow=True),
        admin_client.post(admin_url("reissue_verification_link", to_reverify), follow=True),
        admin_client.post(
            admin_url("extend_deadline", to_extend),
            {"new_deadline": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(), "reason": "Academy."},
            follow=True,
        ),
    ]

    assert [response.status_code for response in responses] == [200] * 6
    assert all(messages_of(response) for response in responses)
    assert "queued" in messages_of(responses[0])[0]
    assert "queued" in messages_of(responses[3])[0]
    statuses = {pledge.pk: pledge.status for pledge in Pledge.objects.all()}
    assert statuses[to_approve.pk] == Status.APPROVED
    assert statuses[to_reject.pk] == Status.REJECTED
    assert statuses[to_withdraw.pk] == Status.WITHDRAWN
    with pytest.raises(tokens.LinkRevoked):  # the link rotated, and the new one is waiting in the outbox
        tokens.read_progress_token(old_progress_token)
    expected = {
        to_approve.contact_email,
        to_reject.contact_email,
        to_withdraw.contact_email,
        to_relink.contact_email,
        to_reverify.contact_email,
        to_extend.contact_email,
    }
    assert {address for message in queued() for address in message.to} == expected

    assert deliver_queued_mail() == (0, 0, 6)  # the server is down: every attempt fails and waits to retry
    assert queued().count() == 6

    smtp.start()
    retry_time_has_come()
    assert deliver_queued_mail() == (6, 0, 0)

    subjects = smtp.subjects_by_recipient()
    assert set(subjects) == expected
    assert subjects[to_approve.contact_email] == f"The One Mind pledge of {to_approve.agency.name} is approved"
    relinked = next(message for recipients, message in smtp.received if recipients == [to_relink.contact_email])
    new_link = f"/pledge/progress/{tokens.make_progress_token(Pledge.objects.get(pk=to_relink.pk))}/"
    assert new_link in relinked.get_payload(decode=True).decode()
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


def test_a_reviewer_bulk_approves_50_pledges_with_smtp_down_and_all_50_emails_arrive_when_it_is_back(client, smtp):
    reviewer = ReviewerFactory(username="reviewer", email="")
    client.force_login(reviewer)
    pledges = [
        pledge_in_status(Status.EMAIL_VERIFIED, agency=AgencyFactory(name=f"Town {number} Police Department"))
        for number in range(50)
    ]

    response = client.post(
        reverse("admin:pledges_pledge_changelist"),
        {"action": "approve_selected", "_selected_action": [pledge.pk for pledge in pledges]},
        follow=True,
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "50 pledges approved; an email with the private progress link is queued for each contact."
    ]
    assert Pledge.objects.filter(status=Status.APPROVED).count() == 50
    assert queued().count() == 50
    assert deliver_queued_mail() == (0, 0, 50)

    smtp.start()
    retry_time_has_come()
    assert deliver_queued_mail() == (50, 0, 0)

    assert len(smtp.received) == 50
    assert smtp.subjects_by_recipient() == {
        pledge.contact_email: f"The One Mind pledge of {pledge.agency.name} is approved" for pledge in pledges
    }
    assert Email.objects.filter(status=STATUS.sent).count() == 50


# --- Finding 1: public forms with the mail server down --------------------------------------------------------


def test_every_public_form_that_sends_mail_succeeds_with_smtp_down_and_its_mail_arrives_later(client, smtp):
    ReviewerFactory(username="reviewer", email="reviewer@clearinghouse.example.org")
    expired = pledge_in_status(Status.SUBMITTED, contact_email="expired@town.example.org")
    waiting = pledge_in_status(Status.SUBMITTED, contact_email="waiting@town.example.org")
    Pledge.objects.filter(pk__in=[expired.pk, waiting.pk]).update(
        verification_sent_at=timezone.now() - datetime.timedelta(days=8)
    )
    approved = pledge_in_status(Status.APPROVED, agency__sworn_officers=100)
    progress_token = tokens.make_progress_token(approved)
    to_confirm = pledge_in_status(Status.SUBMITTED)

    submitted = client.post(reverse("pledges:start"), form_data(contact_email="new@town.example.org"))
    resent = client.post(reverse("pledges:resend"), {"email": "waiting@town.example.org"}, follow=True)
    confirmed = client.post(reverse("pledges:verify", args=[tokens.make_verification_token(to_confirm)]))
    reported = client.post(
        reverse("pledges:progress_report", kwargs={"token": progress_token, "practice": "cit"}),
        {"cit-sworn_trained": "25"},
    )
    withdrawn = client.post(
        reverse("pledges:progress_withdraw", kwargs={"token": progress_token}),
        {"withdraw-reason": "Budget cuts.", "withdraw-confirm": "on"},
    )

    assert [submitted.status_code, resent.status_code, confirmed.status_code] == [302, 200, 200]
    assert [reported.status_code, withdrawn.status_code] == [302, 302]
    assert "we have sent a new confirmation link" in " ".join(messages_of(resent))
    assert Pledge.objects.get(pk=approved.pk).status == Status.WITHDRAWN
    recipients = [message.to for message in queued()]
    assert sorted(recipients) == sorted(
        [
            ["new@town.example.org"],  # verification of the new pledge
            ["waiting@town.example.org"],  # resent verification
            ["reviewer@clearinghouse.example.org"],  # pledge awaiting review
            ["reviewer@clearinghouse.example.org"],  # practice reported met
            [approved.contact_email],  # withdrawal confirmed
        ]
    )

    assert deliver_queued_mail() == (0, 0, 5)
    smtp.start()
    retry_time_has_come()
    assert deliver_queued_mail() == (5, 0, 0)
    assert sorted(recipients for recipients, _message in smtp.received) == sorted(recipients)


# --- Transactions, retries, backoff ---------------------------------------------------------------------------


def test_a_rolled_back_change_queues_nothing():
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)

    queued_inside = []

    def approve_then_fail():
        with transaction.atomic():
            services.pledge_approve(pledge=pledge, actor=UserFactory())
            queued_inside.append(Email.objects.count())
            raise RuntimeError("something later in the same transaction failed")

    with pytest.raises(RuntimeError):
        approve_then_fail()

    assert queued_inside == [1]  # queued inside the transaction...

    assert Email.objects.count() == 0  # ...and gone with it
    assert Pledge.objects.get(pk=pledge.pk).status == Status.EMAIL_VERIFIED


def test_a_failed_attempt_records_the_error_and_retries_with_a_growing_wait_then_gives_up(smtp, settings):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 2}
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)
    services.pledge_approve(pledge=pledge, actor=UserFactory())
    [message] = Email.objects.all()

    before = timezone.now()
    assert deliver_queued_mail() == (0, 0, 1)
    message.refresh_from_db()
    assert (message.status, message.number_of_retries) == (STATUS.requeued, 1)
    [log] = message.logs.all()
    assert log.status == STATUS.failed
    assert "refused" in log.message.lower()
    first_wait = message.scheduled_time - before
    assert retry_delay(1) <= first_wait <= retry_delay(1) + datetime.timedelta(seconds=5)

    assert deliver_queued_mail() == (0, 0, 0)  # not yet due: no attempt
    assert message.logs.count() == 1

    retry_time_has_come()
    before = timezone.now()
    assert deliver_queued_mail() == (0, 0, 1)
    message.refresh_from_db()
    assert message.number_of_retries == 2
    assert message.scheduled_time - before >= 2 * retry_delay(1)  # the wait doubled

    retry_time_has_come()
    assert deliver_queued_mail() == (0, 1, 0)
    message.refresh_from_db()
    assert message.status == STATUS.failed
    assert message.logs.filter(status=STATUS.failed).count() == 3


def test_a_message_is_stored_and_delivered_exactly_as_written(smtp):
    """Text that looks like template syntax reaches the reader as written (post_office's own backend renders it)."""
    smtp.start()
    ReviewerFactory(username="reviewer", email="reviewer@clearinghouse.example.org")
    pledge = pledge_in_status(Status.SUBMITTED, agency=AgencyFactory(name="{{ x }} {% now Y %} Police"))

    services.pledge_verify_email(token=tokens.make_verification_token(pledge))
    deliver_queued_mail()

    [(recipients, message)] = smtp.received
    assert recipients == ["reviewer@clearinghouse.example.org"]
    assert message["Subject"] == "Pledge awaiting review: {{ x }} {% now Y %} Police"


def test_the_worker_command_delivers_once(smtp):
    smtp.start()
    services.pledge_approve(pledge=pledge_in_status(Status.EMAIL_VERIFIED), actor=UserFactory())

    output = io.StringIO()
    call_command("run_mail_worker", "--once", stdout=output)

    assert "1 sent" in output.getvalue()
    assert len(smtp.received) == 1


# --- The outbox in the admin --------------------------------------------------------------------------------------


def test_reviewers_see_each_message_state_attempts_and_last_error_and_can_send_it_again(client, smtp):
    reviewer = ReviewerFactory(username="reviewer", email="")
    client.force_login(reviewer)
    pledge = pledge_in_status(Status.EMAIL_VERIFIED, contact_email="chief@springfield.example.org")
    services.pledge_approve(pledge=pledge, actor=reviewer)
    deliver_queued_mail()  # fails: the server is down
    [message] = Email.objects.all()

    listing = client.get(OUTBOX)
    page = listing.content.decode()
    assert listing.status_code == 200
    assert "chief@springfield.example.org" in page
    assert "Queued, retrying after a failure" in page
    assert "refused" in page.lower()

    detail = client.get(reverse("admin:post_office_email_change", args=[message.pk]))
    assert detail.status_code == 200
    assert "Delivery attempts" in detail.content.decode()
    assert "Send again" in detail.content.decode()
    assert client.get(reverse("admin:resend", args=[message.pk])).status_code == 405  # never on a GET

    response = client.post(reverse("admin:resend", args=[message.pk]), follow=True)
    assert "queued to be sent again" in messages_of(response)[0]
    message.refresh_from_db()
    assert (message.status, message.scheduled_time, message.number_of_retries) == (STATUS.queued, None, 0)

    smtp.start()
    assert deliver_queued_mail() == (1, 0, 0)
    assert [recipients for recipients, _message in smtp.received] == [["chief@springfield.example.org"]]
    listing = client.get(OUTBOX + f"?status__exact={STATUS.sent}")
    assert "chief@springfield.example.org" in listing.content.decode()


def test_the_outbox_list_keeps_a_bounded_number_of_queries(admin_client, django_assert_max_num_queries):
    for _ in range(20):
        services.pledge_approve(pledge=pledge_in_status(Status.EMAIL_VERIFIED), actor=UserFactory())
    with django_assert_max_num_queries(8):
        response = admin_client.get(OUTBOX)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 20


def test_curators_and_staff_without_the_permission_never_see_the_outbox(client):
    services.pledge_approve(pledge=pledge_in_status(Status.EMAIL_VERIFIED), actor=UserFactory())
    [message] = Email.objects.all()
    curator = UserFactory(username="curator")
    curator.groups.add(ensure_curators_group())
    for user in (curator, UserFactory(username="plain-staff")):
        client.force_login(user)
        assert client.get(OUTBOX).status_code == 403
        assert client.get(reverse("admin:post_office_email_change", args=[message.pk])).status_code in (302, 403)
        assert client.post(reverse("admin:resend", args=[message.pk])).status_code == 403
        assert "Email outbox" not in client.get(reverse("admin:index")).content.decode()
