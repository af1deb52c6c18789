"""Signed links of search alerts (django.core.signing): confirm (7 days) and unsubscribe (no expiry)."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "alerts.confirm"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


def confirm_url(alert):
    token = signing.dumps(alert.pk, salt=CONFIRM_SALT)
    return settings.SITE_URL + reverse("resources:alert_confirm", args=[token])


def unsubscribe_url(alert):
    token = signing.dumps(alert.pk, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("resources:alert_unsubscribe", args=[token])


def read_confirm_token(token):
    """The alert id, or raises signing.BadSignature (SignatureExpired after 7 days)."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def read_unsubscribe_token(token):
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)
