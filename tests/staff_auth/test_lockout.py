"""Issue 7, finding 2: the admin login locks out repeated failures and records every attempt.

django-axes counts failed logins per username (from anywhere) and per client address
(for any usernames); AXES_FAILURE_LIMIT (10) failures lock either for AXES_COOLOFF_TIME
(30 minutes) after the last try. Every try goes through the real login form.
"""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.pledges.factories import ReviewerFactory, UserFactory
from tests.staff_auth.helpers import is_signed_in, sign_in

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
WRONG = "not-the-password"


def test_the_limit_and_cool_off_are_the_documented_ones():
    assert LIMIT == 10
    assert datetime.timedelta(minutes=30) == settings.AXES_COOLOFF_TIME


def test_thirty_wrong_passwords_lock_the_account_out_and_each_is_listed(client):
    reviewer = ReviewerFactory(username="reviewer")

    statuses = [sign_in(client, "reviewer", WRONG).status_code for _ in range(30)]

    # Up to the limit the form says the password is wrong; from the limit on, the lockout page.
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)
    assert statuses[LIMIT - 1 :] == [429] * (30 - LIMIT + 1)
    # The right password is refused too while the lockout lasts.
    refused = sign_in(client, "reviewer")
    assert refused.status_code == 429
    assert not is_signed_in(client)
    # Every try is recorded, the refused ones included.
    assert AccessFailureLog.objects.filter(username=reviewer.username).count() == 31
    assert AccessFailureLog.objects.filter(username=reviewer.username, locked_out=True).count() == 31 - LIMIT + 1


def test_a_wrong_password_below_the_limit_says_so_on_the_login_form(client):
    UserFactory(username="editor")

    response = sign_in(client, "editor", WRONG)

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_the_lockout_page_is_styled_says_how_long_and_answers_429(client):
    UserFactory(username="editor")
    for _ in range(LIMIT):
        response = sign_in(client, "editor", WRONG)

    content = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "1800"
    assert "<h1>Too many failed sign-in attempts</h1>" in content
    assert content.count("<h1") == 1
    assert "You can try again in 30 minutes" in content
    # The admin's look: its stylesheet and header, the portal's site header.
    assert "admin/css/base.css" in content
    assert "Mental Health Response Clearinghouse: staff" in content
    # It never says which of the username or the address is locked.
    assert "editor" not in content


def test_failures_for_one_username_from_many_addresses_lock_that_username(client):
    UserFactory(username="editor")
    for number in range(LIMIT):
        sign_in(client, "editor", WRONG, REMOTE_ADDR=f"198.51.100.{number + 1}")

    from_a_new_address = sign_in(Client(), "editor", REMOTE_ADDR="203.0.113.50")

    assert from_a_new_address.status_code == 429


def test_failures_for_many_usernames_from_one_address_lock_that_address(client):
    UserFactory(username="editor")
    for number in range(LIMIT):
        sign_in(client, f"guess{number}", WRONG, REMOTE_ADDR="198.51.100.7")

    same_address = sign_in(Client(), "editor", REMOTE_ADDR="198.51.100.7")
    other_address = Client()
    other = sign_in(other_address, "editor", REMOTE_ADDR="203.0.113.50")

    assert same_address.status_code == 429
    assert other.status_code == 302
    assert is_signed_in(other_address)


def test_a_made_up_forwarded_for_header_does_not_dodge_the_address_lockout(client, settings):
    settings.USE_X_FORWARDED_FOR = False
    for number in range(LIMIT):
        sign_in(client, f"guess{number}", WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{number + 1}")

    assert sign_in(client, "guess-more", WRONG, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_the_trusted_proxy_the_rightmost_forwarded_address_is_counted(client, settings):
    settings.USE_X_FORWARDED_FOR = True
    for number in range(LIMIT):
        # The client wrote the left entry itself; the proxy appended the right one.
        sign_in(client, f"guess{number}", WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{number + 1}, 198.51.100.7")

    assert AccessAttempt.objects.filter(ip_address="198.51.100.7").count() == LIMIT
    assert sign_in(client, "guess-more", WRONG, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7").status_code == 429
    # Another client behind the same proxy is not locked out.
    UserFactory(username="editor")
    other = sign_in(Client(), "editor", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    UserFactory(username="editor")
    for _ in range(LIMIT):
        sign_in(client, "editor", WRONG)
    assert sign_in(client, "editor").status_code == 429

    # 31 minutes later (the attempts are dated back rather than the clock moved forward).
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=31))

    response = sign_in(client, "editor")
    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("command", "argument"),
    [("axes_reset_username", "editor"), ("axes_reset_ip", "127.0.0.1"), ("axes_reset", None)],
)
def test_the_axes_reset_commands_unlock_at_once(client, command, argument):
    UserFactory(username="editor")
    for _ in range(LIMIT):
        sign_in(client, "editor", WRONG)
    assert sign_in(client, "editor").status_code == 429

    call_command(command, *([argument] if argument else []), stdout=open("/dev/null", "w"))  # noqa: SIM115

    response = sign_in(client, "editor")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_successful_login_is_recorded(client):
    UserFactory(username="editor")

    response = sign_in(client, "editor", HTTP_USER_AGENT="Test browser")

    assert response.status_code == 302
    login = AccessLog.objects.get()
    assert (login.username, login.ip_address, login.user_agent) == ("editor", "127.0.0.1", "Test browser")


def test_superusers_read_the_attempts_and_lockouts_in_the_admin(client, admin_client):
    UserFactory(username="editor")
    for _ in range(LIMIT):
        sign_in(client, "editor", WRONG, REMOTE_ADDR="198.51.100.7")

    failures = admin_client.get(reverse("admin:axes_accessfailurelog_changelist"))
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist"))

    assert failures.status_code == attempts.status_code == 200
    assert f"{LIMIT} access failures" in failures.content.decode()
    assert "198.51.100.7" in failures.content.decode()
    assert "editor" in attempts.content.decode()
    assert ">10<" in attempts.content.decode()  # failures counted on the one attempt row


def test_staff_who_are_not_superusers_cannot_read_the_attempts(client):
    client.force_login(ReviewerFactory(username="reviewer"))

    for name in ("accessattempt", "accessfailurelog", "accesslog"):
        assert client.get(reverse(f"admin:axes_{name}_changelist")).status_code == 403


def test_the_stored_attempt_keeps_no_password_code_or_csrf_token(client):
    UserFactory(username="editor")

    sign_in(client, "editor", "my-secret-guess", code="123456")

    post_data = AccessAttempt.objects.get().post_data
    assert "my-secret-guess" not in post_data
    assert "123456" not in post_data
    assert "editor" not in post_data
