"""Issue 7, finding 6: no log line and no error email carries a private-link token or an email address.

The filter (clearinghouse/log_redaction.py) is attached to every handler in settings.LOGGING
and rewrites the record it passes, so pytest's caplog, which sees each record after the
root's console handler, sees what the console prints. The gunicorn access log is proven
in tests/test_gunicorn_logging.py.
"""

import logging
import sys

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from clearinghouse.log_redaction import EMAIL_PLACEHOLDER, TOKEN_PLACEHOLDER, RedactSecretsFilter, redact
from pledges import tokens
from pledges.models import Pledge
from tests.pledges.factories import PledgeFactory, ReviewerFactory


def unsaved_pledge():
    return Pledge(pk=4812, verification_nonce="n" * 32, progress_link_nonce="p" * 32)


@pytest.fixture
def live_progress_token(db):
    return tokens.make_progress_token(PledgeFactory(approved=True))


def everything_logged(caplog):
    return caplog.text + "\n".join(record.getMessage() for record in caplog.records)


# --- The redaction itself -----------------------------------------------------------


@pytest.mark.parametrize("make", [tokens.make_progress_token, tokens.make_verification_token])
def test_a_token_is_redacted_wherever_it_appears(make):
    token = make(unsaved_pledge())
    lines = [
        f"Not Found: /pledge/progress/{token}/documents/x/",
        f'"GET /pledge/verify/{token}/ HTTP/1.1" 200',
        f"Referer: https://clearinghouse.example.org/pledge/progress/{token}/",
        f"/admin/login/?next=/pledge/progress/{token}/",
        f"BadSignature: Signature {token} does not match",
        f"/pledge/progress/{token.replace(':', '%3A')}/",
    ]

    for line in lines:
        redacted = redact(line)
        assert token not in redacted
        assert token.replace(":", "%3A") not in redacted
        assert token.split(":")[-1] not in redacted  # not even the signature
        assert TOKEN_PLACEHOLDER in redacted


@pytest.mark.parametrize(
    "text",
    [
        "search for casey.morgan+pledge@agency.example.org",
        "GET /admin/pledges/pledge/?q=casey.morgan%40agency.example.org HTTP/1.1",
        "GET /admin/login/?next=/admin/pledges/pledge/%3Fq%3Dcasey.morgan%2540agency.example.org HTTP/1.1",
        "Key (contact_email)=(CASEY.MORGAN@AGENCY.EXAMPLE.ORG) already exists.",
    ],
)
def test_an_email_address_is_redacted_plain_or_percent_encoded(text):
    redacted = redact(text)

    assert "agency.example.org" not in redacted.lower()
    assert EMAIL_PLACEHOLDER in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Listening at: http://127.0.0.1:8000 (1234)",
        '127.0.0.1 - - [02/Dec/2026:10:30:45 +0000] "GET /resources/?q=crisis+team&page=2 HTTP/1.1" 200 5120',
        "Not Found: /resources/crisis-intervention-team-training/",
        "Booting worker with pid: 4242",
    ],
)
def test_ordinary_log_lines_are_left_alone(text):
    assert redact(text) == text


def test_the_filter_redacts_arguments_and_tracebacks_and_keeps_the_record():
    token = tokens.make_progress_token(unsaved_pledge())
    try:
        raise ValueError(f"bad link /pledge/progress/{token}/ for casey@agency.example.org")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Failed: %s", (token,), sys.exc_info())

    assert RedactSecretsFilter().filter(record) is True
    formatted = logging.Formatter().format(record)

    assert token not in formatted
    assert "casey@agency.example.org" not in formatted
    assert "ValueError: bad link /pledge/progress/[token]/ for [email]" in formatted


# --- Settings: every handler redacts --------------------------------------------------


@pytest.mark.parametrize("logger_name", ["", "django", "django.request", "django.security.csrf", "django.server"])
def test_every_handler_a_django_log_line_reaches_redacts_it(logger_name):
    logger = logging.getLogger(logger_name)
    handlers = []
    while logger:
        # pytest's own capture handlers are not the app's.
        handlers += [handler for handler in logger.handlers if "_pytest" not in type(handler).__module__]
        logger = logger.parent if logger.propagate else None

    assert handlers
    for handler in handlers:
        assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters), handler


# --- The real request path --------------------------------------------------------------


@pytest.mark.django_db
def test_a_404_under_a_private_link_logs_no_token(client, caplog, live_progress_token):
    with caplog.at_level(logging.WARNING):
        response = client.get(f"/pledge/progress/{live_progress_token}/documents/no-such-practice/")

    assert response.status_code == 404
    logged = everything_logged(caplog)
    assert "Not Found: /pledge/progress/[token]/documents/no-such-practice/" in logged
    assert live_progress_token not in logged


@pytest.mark.django_db
def test_a_403_under_a_revoked_private_link_logs_no_token(client, caplog):
    pledge = PledgeFactory(approved=True)
    old_token = tokens.make_progress_token(pledge)
    Pledge.objects.filter(pk=pledge.pk).update(progress_link_nonce="replaced" * 4)

    with caplog.at_level(logging.WARNING):
        response = client.get(reverse("pledges:progress", kwargs={"token": old_token}))

    assert response.status_code == 403
    logged = everything_logged(caplog)
    assert "Forbidden: /pledge/progress/[token]/" in logged
    assert old_token not in logged


@pytest.mark.django_db
def test_a_refused_form_post_under_a_private_link_logs_no_token(caplog, live_progress_token):
    browser = Client(enforce_csrf_checks=True)

    with caplog.at_level(logging.WARNING):
        response = browser.post(f"/pledge/progress/{live_progress_token}/withdraw/", {"reason": "x"})

    assert response.status_code == 403
    logged = everything_logged(caplog)
    assert "Forbidden (CSRF cookie not set.): /pledge/progress/[token]/withdraw/" in logged
    assert live_progress_token not in logged


@pytest.mark.django_db
def test_a_404_under_a_verification_link_logs_no_token(client, caplog):
    token = tokens.make_verification_token(PledgeFactory())

    with caplog.at_level(logging.WARNING):
        response = client.get(f"/pledge/verify/{token}/no-such-page/")

    assert response.status_code == 404
    logged = everything_logged(caplog)
    assert "/pledge/verify/[token]/no-such-page/" in logged
    assert token not in logged


@pytest.mark.django_db
def test_an_admin_search_for_an_email_logs_no_address(client, caplog):
    pledge = PledgeFactory(contact_email="casey.morgan@agency.example.org")
    client.force_login(ReviewerFactory(username="reviewer"))

    with caplog.at_level(logging.DEBUG):
        response = client.get(reverse("admin:pledges_pledge_changelist"), {"q": "casey.morgan@agency.example.org"})
        # The same address in a path that answers 404 is logged, redacted.
        missing = client.get("/pledge/agencies/casey.morgan@agency.example.org/")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [pledge]
    assert missing.status_code == 404
    logged = everything_logged(caplog)
    assert "Not Found: /pledge/agencies/[email]/" in logged
    assert "casey.morgan" not in logged


@pytest.mark.django_db
def test_the_error_email_to_admins_carries_no_token_or_address(settings, rf, live_progress_token, deliver_mail):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.org")]
    request = rf.get(
        f"/pledge/progress/{live_progress_token}/?from=casey@agency.example.org",
        HTTP_REFERER=f"https://clearinghouse.example.org/pledge/progress/{live_progress_token}/",
    )
    try:
        raise RuntimeError(f"failed for casey@agency.example.org on {live_progress_token}")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=True, extra={"status_code": 500, "request": request}
        )
    deliver_mail()

    [message] = mail.outbox
    body = message.body + "".join(str(alternative[0]) for alternative in getattr(message, "alternatives", []))
    assert message.to == ["ops@example.org"]
    assert "Internal Server Error: /pledge/progress/[token]/" in message.subject
    for secret in (live_progress_token, live_progress_token.split(":")[-1], "casey@agency.example.org"):
        assert secret not in message.subject
        assert secret not in body
