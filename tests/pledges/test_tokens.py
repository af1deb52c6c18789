"""Signed links: verification (7 days, single use) and progress (no expiry, revocable)."""

import time

import pytest
from django.core import signing
from django.urls import resolve

from pledges import services, tokens
from pledges.models import Pledge
from tests.pledges.factories import ReviewerFactory, pledge_in_status

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


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


def tamper(token):
    """Change one character of the payload part, keeping the token well-formed."""
    index = 2
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


# --- Verification link --------------------------------------------------------------------------


def test_a_fresh_verification_token_reads_back_to_its_pledge():
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    assert tokens.read_verification_token(tokens.make_verification_token(pledge)) == pledge


def test_verification_url_is_absolute_and_names_the_verify_route(settings):
    settings.SITE_URL = "https://clearinghouse.example.org"
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    url = tokens.verification_url(pledge)
    assert url.startswith("https://clearinghouse.example.org/pledge/verify/")
    match = resolve(url.removeprefix("https://clearinghouse.example.org"))
    assert match.view_name == "pledges:verify"
    assert tokens.read_verification_token(match.kwargs["token"]) == pledge


@pytest.mark.parametrize(
    "make_bad_token",
    [
        pytest.param(lambda token: tamper(token), id="payload-changed"),
        pytest.param(lambda token: token[:-1], id="signature-truncated"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(lambda token: signing.dumps([1, "x"], salt="another.purpose"), id="other-salt"),
    ],
)
def test_a_tampered_verification_token_is_invalid(make_bad_token):
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    with pytest.raises(tokens.LinkInvalid) as caught:
        tokens.read_verification_token(make_bad_token(tokens.make_verification_token(pledge)))
    assert caught.value.pledge is None


def test_a_progress_token_is_not_a_verification_token():
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    with pytest.raises(tokens.LinkInvalid):
        tokens.read_verification_token(tokens.make_progress_token(pledge))


def test_a_verification_token_for_a_deleted_pledge_is_invalid():
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    token = tokens.make_verification_token(pledge)
    Pledge.objects.filter(pk=pledge.pk).delete()
    with pytest.raises(tokens.LinkInvalid):
        tokens.read_verification_token(token)


def test_the_verification_link_works_for_seven_days_then_expires(clock):
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    token = tokens.make_verification_token(pledge)
    clock.advance(7 * DAY - 60)
    assert tokens.read_verification_token(token) == pledge
    clock.advance(120)
    with pytest.raises(tokens.LinkExpired) as caught:
        tokens.read_verification_token(token)
    assert caught.value.pledge == pledge  # so the page can offer a new email


def test_an_expired_link_can_be_replaced_by_resending(
    clock, mailoutbox, django_capture_on_commit_callbacks, deliver_mail
):
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    old_token = tokens.make_verification_token(pledge)
    clock.advance(8 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_resend_verification(pledge=pledge)
    deliver_mail()
    new_token = mailoutbox[-1].body.split("/pledge/verify/")[1].split("/")[0]
    with pytest.raises(tokens.LinkExpired):
        services.pledge_verify_email(token=old_token)
    assert services.pledge_verify_email(token=new_token).status == Pledge.Status.EMAIL_VERIFIED


def test_a_verification_link_works_once(django_capture_on_commit_callbacks):
    ReviewerFactory()
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    token = tokens.make_verification_token(pledge)
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_verify_email(token=token)
    with pytest.raises(tokens.LinkAlreadyUsed) as caught:
        services.pledge_verify_email(token=token)
    assert caught.value.pledge == pledge
    assert pledge.transitions.filter(to_status=Pledge.Status.EMAIL_VERIFIED).count() == 1


def test_an_old_used_link_reports_already_used_rather_than_expired(clock):
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    token = tokens.make_verification_token(pledge)
    services.pledge_verify_email(token=token)
    clock.advance(30 * DAY)
    with pytest.raises(tokens.LinkAlreadyUsed):
        tokens.read_verification_token(token)


def test_every_verification_email_sent_works_until_one_is_used():
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    first, second = tokens.make_verification_token(pledge), tokens.make_verification_token(pledge)
    services.pledge_verify_email(token=second)
    with pytest.raises(tokens.LinkAlreadyUsed):
        services.pledge_verify_email(token=first)


def test_a_verification_link_for_a_pledge_closed_before_confirmation_is_revoked():
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    token = tokens.make_verification_token(pledge)
    services.pledge_withdraw(pledge=pledge, reason="Submitted twice by mistake.")
    with pytest.raises(tokens.LinkRevoked) as caught:
        services.pledge_verify_email(token=token)
    assert caught.value.pledge == pledge
    assert "closed" in caught.value.message


def test_a_token_signed_for_an_old_nonce_is_revoked():
    pledge = pledge_in_status(Pledge.Status.SUBMITTED)
    token = tokens.make_verification_token(pledge)
    Pledge.objects.filter(pk=pledge.pk).update(verification_nonce="replaced")
    with pytest.raises(tokens.LinkRevoked):
        tokens.read_verification_token(token)


# --- Progress link ----------------------------------------------------------------------------------


def test_a_progress_token_reads_back_to_its_pledge_and_never_expires(clock):
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    token = tokens.make_progress_token(pledge)
    clock.advance(3 * 365 * DAY)
    assert tokens.read_progress_token(token) == pledge


def test_progress_url_is_absolute_and_names_the_progress_route(settings):
    settings.SITE_URL = "https://clearinghouse.example.org"
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    url = tokens.progress_url(pledge)
    match = resolve(url.removeprefix("https://clearinghouse.example.org"))
    assert match.view_name == "pledges:progress"
    assert tokens.read_progress_token(match.kwargs["token"]) == pledge


def test_a_tampered_progress_token_is_invalid():
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    token = tokens.make_progress_token(pledge)
    with pytest.raises(tokens.LinkInvalid):
        tokens.read_progress_token(tamper(token))
    with pytest.raises(tokens.LinkInvalid):
        tokens.read_progress_token(tokens.make_verification_token(pledge))


def test_reissuing_revokes_the_old_progress_link(mailoutbox, django_capture_on_commit_callbacks, deliver_mail):
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    old_token = tokens.make_progress_token(pledge)
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_link_reissue(pledge=pledge, actor=ReviewerFactory())
    deliver_mail()
    with pytest.raises(tokens.LinkRevoked) as caught:
        tokens.read_progress_token(old_token)
    assert caught.value.pledge == pledge
    new_token = tokens.make_progress_token(pledge)
    assert new_token != old_token
    assert tokens.read_progress_token(new_token) == pledge
    assert mailoutbox[-1].to == [pledge.contact_email]
    assert f"/pledge/progress/{new_token}/" in mailoutbox[-1].body


def test_a_pledge_not_yet_approved_has_no_progress_link():
    pledge = pledge_in_status(Pledge.Status.EMAIL_VERIFIED)
    with pytest.raises(ValueError, match="no progress link"):
        tokens.make_progress_token(pledge)
