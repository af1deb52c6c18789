"""The lockout page and the two-factor set-up page, both in the admin's look."""

import math

from axes.helpers import get_cool_off
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from staff_auth import two_factor as staff_two_factor
from staff_auth.forms import ConfirmDeviceForm


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer to a refused login (AXES_LOCKOUT_CALLABLE): the lockout page, HTTP 429.

    It says how long to wait (Retry-After too) and how to get help, and never which of
    the username or the address is locked (that would tell a guesser which one works).
    """
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-in attempts",
        "cool_off_minutes": minutes,
    }
    response = TemplateResponse(request, "admin/staff_auth/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    response.render()
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request, *, admin_site):
    """Show the staff member's two-factor status; add (or replace) an authenticator app; turn it off.

    Adding: the page shows a QR code and the secret of a new, unconfirmed device; the app
    is on once the staff member enters a code it made. Turning off is refused to staff who
    are required to use it (STAFF_2FA_REQUIRED); a superuser can still remove their device.
    """
    user = request.user
    required = staff_two_factor.two_factor_required(user)
    device = staff_two_factor.confirmed_device(user)
    form = ConfirmDeviceForm()
    action = request.POST.get("action") if request.method == "POST" else None

    if action == "remove" and device is not None and not required:
        staff_two_factor.remove_devices(user)
        messages.success(request, "Two-factor authentication is off. You sign in with your password alone.")
        return HttpResponseRedirect(reverse("admin:two_factor"))

    # Signed in before the app was added or before it was required: a code from the app lets this session on.
    needs_code = device is not None and not user.is_verified()
    if action == "verify" and needs_code:
        form = ConfirmDeviceForm(request.POST)
        if form.is_valid():
            if staff_two_factor.verify_session(request, device, form.cleaned_data["otp_token"]):
                return HttpResponseRedirect(reverse("admin:index"))
            form.add_error("otp_token", "That code is not right. Enter the code your authenticator app shows now.")

    setting_up = device is None or request.GET.get("replace") == "1" or action == "confirm"
    pending = staff_two_factor.pending_device(user) if setting_up else None
    if action == "confirm":
        form = ConfirmDeviceForm(request.POST)
        if form.is_valid():
            if staff_two_factor.confirm_enrolment(request, pending, form.cleaned_data["otp_token"]):
                messages.success(
                    request, "Two-factor authentication is on. From now on, signing in asks for a code from your app."
                )
                return HttpResponseRedirect(reverse("admin:index"))
            form.add_error(
                "otp_token",
                "That code is not right. Check that the phone sets its clock automatically; enter the code shown now.",
            )

    context = {
        **admin_site.each_context(request),
        "title": "Two-factor authentication",
        "device": device,
        "required": required,
        "setting_up": setting_up,
        "needs_code": needs_code and not setting_up,
        "form": form,
    }
    if pending is not None:
        context.update(
            # Markup drawn here from the device's own address (no user input): safe to insert.
            qr_code_svg=mark_safe(staff_two_factor.qr_code_svg(pending)),
            secret=staff_two_factor.secret_for_display(pending),
            otpauth_url=pending.config_url,
        )
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/staff_auth/two_factor.html", context)
