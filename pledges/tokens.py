"""Signed links sent to an agency's contact (django.core.signing; SECRET_KEY_FALLBACKS honoured).

Two links, each a token in the URL:

- Verification link, URL name `pledges:verify` (path "verify/<token>/"): confirms the
  contact's email address. Expires VERIFICATION_LINK_MAX_AGE (7 days) after it was
  sent, and works once: confirming rotates the pledge's verification nonce and moves
  it out of "submitted". Every email sent carries its own timestamp, so an earlier
  email still works until it expires, whichever arrives first.
- Progress link, URL name `pledges:progress` (path "progress/<token>/"): the agency's
  private page for reporting progress. No expiry; revoked by rotating the pledge's
  progress-link nonce (services.progress_link_reissue).

Reading a token raises a distinct exception per failure, so a view can show the
right page: LinkInvalid (tampered, malformed, unknown pledge), LinkExpired,
LinkAlreadyUsed and LinkRevoked. All but LinkInvalid carry `.pledge`.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

from pledges.constants import VERIFICATION_LINK_MAX_AGE
from pledges.models import Pledge

VERIFICATION_SALT = "pledges.tokens.email-verification"
PROGRESS_SALT = "pledges.tokens.progress-link"


class PledgeLinkError(Exception):
    """A signed pledge link that cannot be used. `message` is fit to show the visitor."""

    message = "This link is not valid."

    def __init__(self, pledge=None, message=None):
        self.pledge = pledge
        if message:
            self.message = message
        super().__init__(self.message)


class LinkInvalid(PledgeLinkError):
    """The token was altered, truncated or made for another purpose, or its pledge no longer exists."""

    message = "This link is not valid. Check that you copied the whole address from the email."


class LinkExpired(PledgeLinkError):
    """A genuine verification link, older than its maximum age. `.pledge` is set: offer a new email."""

    message = "This link has expired. We can send you a new one."


class LinkAlreadyUsed(PledgeLinkError):
    """A genuine verification link for a pledge whose email address is already confirmed."""

    message = "This email address has already been confirmed. There is nothing more to do with this link."


class LinkRevoked(PledgeLinkError):
    """A genuine link that no longer works: a newer progress link replaced it, or the pledge was closed."""

    message = "This link is no longer valid. A newer link may have been sent to the pledge’s contact."


def _payload(value):
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int) or not isinstance(value[1], str):
        raise LinkInvalid()
    return value


def _pledge_or_invalid(pledge_id):
    pledge = Pledge.objects.select_related("agency").filter(pk=pledge_id).first()
    if pledge is None:
        raise LinkInvalid()
    return pledge


def _nonce_matches(expected, given):
    return bool(expected) and secrets.compare_digest(expected, given)


# --- Verification link -------------------------------------------------------------------


def make_verification_token(pledge):
    """A signed, timestamped token for the pledge's current verification nonce."""
    return signing.dumps([pledge.pk, pledge.verification_nonce], salt=VERIFICATION_SALT, compress=False)


def read_verification_token(token, *, max_age=VERIFICATION_LINK_MAX_AGE):
    """The pledge whose email the token confirms. Does not change anything.

    Raises LinkInvalid, then (for genuine tokens) LinkAlreadyUsed if the address is
    already confirmed, LinkRevoked if the pledge was closed or the nonce replaced,
    and LinkExpired if older than `max_age`, in that order: a visitor clicking an
    old link after confirming learns that all is well rather than that it expired.
    """
    try:
        pledge_id, nonce = _payload(signing.loads(token, salt=VERIFICATION_SALT, max_age=None))
    except signing.BadSignature as error:
        raise LinkInvalid() from error
    pledge = _pledge_or_invalid(pledge_id)
    if pledge.email_verified_at is not None:
        raise LinkAlreadyUsed(pledge)
    if pledge.status != Pledge.Status.SUBMITTED:
        raise LinkRevoked(pledge, "This pledge was closed before its email address was confirmed.")
    if not _nonce_matches(pledge.verification_nonce, nonce):
        raise LinkRevoked(pledge)
    try:
        signing.loads(token, salt=VERIFICATION_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired(pledge) from error
    return pledge


def verification_url(pledge):
    """Absolute URL of a new verification link (SITE_URL + `pledges:verify`)."""
    token = make_verification_token(pledge)
    return settings.SITE_URL + reverse("pledges:verify", kwargs={"token": token})


# --- Progress link -------------------------------------------------------------------------


def make_progress_token(pledge):
    """A signed token for the pledge's current progress-link nonce (no timestamp: it does not expire)."""
    if not pledge.progress_link_nonce:
        raise ValueError("This pledge has no progress link yet: it is issued on approval.")
    return signing.Signer(salt=PROGRESS_SALT).sign_object([pledge.pk, pledge.progress_link_nonce])


def read_progress_token(token):
    """The pledge the progress link belongs to, whatever its status (the view decides what it may do).

    Raises LinkInvalid (bad signature or unknown pledge) or LinkRevoked (the link was
    replaced by a reissue).
    """
    try:
        pledge_id, nonce = _payload(signing.Signer(salt=PROGRESS_SALT).unsign_object(token))
    except signing.BadSignature as error:
        raise LinkInvalid() from error
    pledge = _pledge_or_invalid(pledge_id)
    if not _nonce_matches(pledge.progress_link_nonce, nonce):
        raise LinkRevoked(pledge)
    return pledge


def progress_url(pledge):
    """Absolute URL of the pledge's current progress link (SITE_URL + `pledges:progress`)."""
    return settings.SITE_URL + reverse("pledges:progress", kwargs={"token": make_progress_token(pledge)})
