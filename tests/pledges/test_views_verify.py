"""Confirming the contact's email address through the signed verification link."""

import re
import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from pledges import services, tokens
from pledges.models import Pledge
from tests.pledges.factories import ReviewerFactory, pledge_in_status

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


@pytest.fixture
def client(client, django_capture_on_commit_callbacks, deliver_mail):
    """The test client, running each POST's after-commit callbacks (the services' emails) as a commit would."""
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(*args, **kwargs)
        deliver_mail()  # the mail worker's next pass: what the POST queued reaches mail.outbox
        return response

    client.post = post_and_commit
    return client


@pytest.fixture
def clock(monkeypatch):
    """Move django.core.signing's clock: clock.advance(seconds) makes tokens look that much older."""

    class Clock:
        offset = 0

        def advance(self, seconds):
            self.offset += seconds

    state = Clock()
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + state.offset)
    return state


@pytest.fixture
def pledge():
    return pledge_in_status(Pledge.Status.SUBMITTED, agency__name="Springfield Police Department")


def verify_url(token):
    return reverse("pledges:verify", kwargs={"token": token})


def h1(response):
    """The page's one <h1> (every page has exactly one)."""
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert len(headings) == 1, headings
    return " ".join(headings[0].split())


def assert_private(response):
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


# --- A valid link ----------------------------------------------------------------------------------


def test_opening_the_link_asks_for_a_confirmation_and_changes_nothing(client, pledge):
    # Mail scanners fetch links: a GET must not use up the single-use link.
    response = client.get(verify_url(tokens.make_verification_token(pledge)))

    assert response.status_code == 200
    assert h1(response) == "Confirm your email address"
    html = response.content.decode()
    assert "Springfield Police Department" in html
    assert '<form method="post"' in html
    assert "Confirm my email address" in html
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert_private(response)


def test_confirming_verifies_the_address_and_says_what_happens_next(client, pledge):
    ReviewerFactory(email="reviewer@clearinghouse.example.org")

    response = client.post(verify_url(tokens.make_verification_token(pledge)))

    assert response.status_code == 200
    assert h1(response) == "Email address confirmed"
    assert "What happens next" in response.content.decode()
    assert "reviewers" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.EMAIL_VERIFIED
    # The reviewers are told a pledge awaits review.
    assert [message.to for message in mail.outbox] == [["reviewer@clearinghouse.example.org"]]
    assert_private(response)


def test_the_email_link_from_the_pledge_form_works_end_to_end(client):
    client.post(
        reverse("pledges:start"),
        {
            "name": "Shelbyville Police Department",
            "agency_type": "municipal_police",
            "city": "Shelbyville",
            "country": "US",
            "state": "IL",
            "sworn_officers": "40",
            "chief_executive_name": "Pat Quinn",
            "chief_executive_title": "Chief",
            "attestation": "on",
            "contact_name": "Sam Lee",
            "contact_title": "Sergeant",
            "contact_email": "sam@shelbyville.example.org",
            "contact_phone": "217-555-0111",
            "target_months": "18",
        },
    )
    link = re.search(r"https?://\S+/pledge/verify/\S+/", mail.outbox[0].body).group(0)
    path = link[link.index("/pledge/") :]

    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    assert Pledge.objects.get().status == Pledge.Status.EMAIL_VERIFIED


# --- Links that cannot be used -------------------------------------------------------------------------


def test_an_expired_link_offers_a_new_one(client, pledge, clock):
    token = tokens.make_verification_token(pledge)
    clock.advance(8 * DAY)

    response = client.get(verify_url(token))

    assert response.status_code == 410
    assert h1(response) == "This link has expired"
    assert reverse("pledges:verify_resend", kwargs={"token": token}) in response.content.decode()
    assert_private(response)


def test_confirming_with_an_expired_link_is_refused(client, pledge, clock):
    token = tokens.make_verification_token(pledge)
    clock.advance(8 * DAY)

    response = client.post(verify_url(token))

    assert response.status_code == 410
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_a_new_link_from_an_expired_one_is_emailed_and_works(client, pledge, clock):
    token = tokens.make_verification_token(pledge)
    clock.advance(8 * DAY)

    response = client.post(reverse("pledges:verify_resend", kwargs={"token": token}), follow=True)

    assert response.status_code == 200
    assert "We have sent a new confirmation link" in response.content.decode()
    assert [message.to for message in mail.outbox] == [[pledge.contact_email]]
    new_link = re.search(r"/pledge/verify/\S+/", mail.outbox[0].body).group(0)
    assert client.post(new_link).status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.EMAIL_VERIFIED


def test_asking_twice_in_a_row_for_a_new_link_explains_the_wait(client, pledge, clock):
    token = tokens.make_verification_token(pledge)
    clock.advance(8 * DAY)
    client.post(reverse("pledges:verify_resend", kwargs={"token": token}))

    response = client.post(reverse("pledges:verify_resend", kwargs={"token": token}))

    assert response.status_code == 410
    assert "try again in a few minutes" in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "make_bad_token",
    [
        pytest.param(lambda token: token[:2] + ("A" if token[2] != "A" else "B") + token[3:], id="payload-changed"),
        pytest.param(lambda token: token[:-1], id="signature-truncated"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(lambda token: token + "%00", id="null-byte"),
    ],
)
def test_a_tampered_link_is_not_valid(client, pledge, make_bad_token):
    token = make_bad_token(tokens.make_verification_token(pledge))

    for response in (client.get(verify_url(token)), client.post(verify_url(token))):
        assert response.status_code == 404
        assert h1(response) == "This link is not valid"
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_resending_from_a_tampered_link_is_refused(client, pledge):
    response = client.post(reverse("pledges:verify_resend", kwargs={"token": "not-a-token"}))

    assert response.status_code == 404
    assert not mail.outbox


def test_a_used_link_says_the_address_is_already_confirmed(client, pledge):
    token = tokens.make_verification_token(pledge)
    client.post(verify_url(token))

    for response in (client.get(verify_url(token)), client.post(verify_url(token))):
        assert response.status_code == 200
        assert h1(response) == "Email address already confirmed"


def test_a_link_of_a_withdrawn_pledge_no_longer_works(client, pledge):
    token = tokens.make_verification_token(pledge)
    services.pledge_withdraw(pledge=pledge, reason="Submitted by mistake.")

    response = client.get(verify_url(token))

    assert response.status_code == 410
    assert h1(response) == "This link no longer works"
    assert "closed before its email address was confirmed" in response.content.decode()


def test_a_link_of_a_rejected_pledge_no_longer_works(client, pledge):
    token = tokens.make_verification_token(pledge)
    services.pledge_reject(pledge=pledge, actor=ReviewerFactory(), reason="Not an agency.")

    assert client.post(verify_url(token)).status_code == 410


def test_the_verify_pages_are_kept_out_of_caches_and_referrers(client, pledge):
    for response in (
        client.get(verify_url("not-a-token")),
        client.post(verify_url("not-a-token")),
        client.post(reverse("pledges:verify_resend", kwargs={"token": "not-a-token"})),
    ):
        assert_private(response)


def test_verify_refuses_other_methods(client, pledge):
    assert client.put(verify_url(tokens.make_verification_token(pledge))).status_code == 405


def test_confirming_needs_the_csrf_token_of_the_confirm_page(pledge):
    url = verify_url(tokens.make_verification_token(pledge))
    browser = Client(enforce_csrf_checks=True)

    assert browser.post(url).status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED

    browser.get(url)
    response = browser.post(url, {"csrfmiddlewaretoken": browser.cookies[settings.CSRF_COOKIE_NAME].value})
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.EMAIL_VERIFIED
