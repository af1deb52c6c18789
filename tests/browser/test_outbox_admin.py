"""The email outbox in the admin, in Chromium: a reviewer reads a failed message and sends it again (axe-checked)."""

import socket

import pytest
from playwright.sync_api import expect
from post_office.models import STATUS, Email

from clearinghouse.mail import deliver_queued_mail
from pledges import services
from pledges.models import Pledge
from tests.browser.conftest import assert_accessible
from tests.pledges.factories import UserFactory, ensure_pledge_reviewers_group, pledge_in_status

pytestmark = pytest.mark.django_db(transaction=True)

REVIEWER_PASSWORD = "a-long-test-password"


@pytest.fixture
def failed_message(settings):
    """A queued approval email whose first delivery attempt failed (nothing listens on the SMTP port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", closed_port, False
    pledge = pledge_in_status(Pledge.Status.EMAIL_VERIFIED, contact_email="chief@springfield.example.org")
    services.pledge_approve(pledge=pledge, actor=UserFactory(username="approver"))
    deliver_queued_mail()
    return Email.objects.get()


def test_a_reviewer_reads_the_outbox_and_sends_a_failed_message_again(open_page, live_server, failed_message):
    reviewer = UserFactory(username="reviewer")
    reviewer.groups.add(ensure_pledge_reviewers_group())
    page = open_page("/admin/login/")
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", REVIEWER_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/admin/post_office/email/")
    assert page.get_by_role("cell", name="Queued, retrying after a failure").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="chief@springfield.example.org").click()
    # expect() waits for the new page; is_visible() alone could read the list page still showing.
    expect(page.get_by_role("heading", name="Delivery attempts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send again").click()

    assert "queued to be sent again" in page.locator(".messagelist").inner_text()
    failed_message.refresh_from_db()
    assert (failed_message.status, failed_message.number_of_retries) == (STATUS.queued, 0)
