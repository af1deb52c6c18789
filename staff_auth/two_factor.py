"""Two-factor authentication for staff: who needs it, enrolment, and recovery (decision 0014).

A staff member has at most one authenticator app: one confirmed TOTP device
(django_otp.plugins.otp_totp). Enrolling creates an unconfirmed device, shows its
secret, and confirms it when the staff member types a code the app made; confirming
replaces any earlier device.
"""

import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from pledges.constants import PERMISSION_VIEW_CONTACT

DEVICE_NAME = "Authenticator app"


def two_factor_required(user):
    """Whether `user` must sign in with a code: STAFF_2FA_REQUIRED is on and they can see pledge contacts.

    That is the "Pledge reviewers" group and superusers (contact details are personal data).
    """
    if not (settings.STAFF_2FA_REQUIRED and user.is_active and user.is_staff):
        return False
    return user.has_perm(f"pledges.{PERMISSION_VIEW_CONTACT}")


def confirmed_device(user):
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_device(user):
    """The device being enrolled (created on first call, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_for_display(device):
    """The device's secret key in base32, as authenticator apps take it typed in, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device):
    """The device's otpauth:// address as an SVG QR code (markup to put in the page; drawn here, no CDN)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=4)
    output = io.BytesIO()
    image.save(output)
    svg = output.getvalue().decode()
    # Drop the XML declaration: the markup goes inside an HTML page.
    return svg[svg.index("<svg") :]


def confirm_enrolment(request, device, token):
    """Confirm `device` if `token` is a current code from it; then it replaces the user's other devices.

    The session counts as signed in with two factors from then on. Returns whether it was confirmed.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if not device.verify_is_allowed()[0] or not device.verify_token(token):
            return False
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def verify_session(request, device, token):
    """Mark this session as signed in with two factors if `token` is a current code from the user's `device`."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=True)
        if not device.verify_is_allowed()[0] or not device.verify_token(token):
            return False
    otp_login(request, device)
    return True


def remove_devices(user):
    """Remove every authenticator app of `user` (recovery from a lost phone). Returns how many."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    return count
