"""The admin login form with a two-factor code, and the form that confirms a new authenticator app."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction

from staff_auth.two_factor import confirmed_device

CODE_WIDGET_ATTRIBUTES = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "maxlength": "8",
    "size": "8",
}


def normalise_code(value):
    """A code as typed ("123 456", " 123456 ") with spaces removed."""
    return "".join((value or "").split())


class StaffLoginForm(AdminAuthenticationForm):
    """Username, password and, for staff who set up two-factor authentication, a 6-digit code.

    The password is checked first (through django-axes, which counts failures and refuses
    locked-out usernames and addresses). A staff member with an authenticator app must also
    give its current code; a wrong code counts as a failed login for the lockout too.
    """

    otp_token = forms.CharField(
        label="Two-factor code",
        required=False,
        help_text="The 6-digit code from your authenticator app, if you set one up.",
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRIBUTES, "aria-describedby": "id_otp_token_helptext"}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "token_required": "Enter the 6-digit code from your authenticator app.",
        "invalid_token": "That code is not right or has expired. Enter the code your authenticator app shows now.",
        "throttled": "Too many wrong codes. Wait a minute, then enter the code your authenticator app shows.",
    }

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is not None:
            self.check_code(user, normalise_code(cleaned_data.get("otp_token")))
        return cleaned_data

    def check_code(self, user, token):
        device = confirmed_device(user)
        if device is None:
            return
        if not token:
            raise forms.ValidationError(self.error_messages["token_required"], code="token_required")
        with transaction.atomic():
            device = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, _details = device.verify_is_allowed()
            verified = allowed and device.verify_token(token)
        if not verified:
            # Counted by django-axes like a wrong password: the lockout bounds code guessing too.
            user_login_failed.send(
                sender=type(self), credentials={"username": user.get_username()}, request=self.request
            )
            self.user_cache = None
            code = "invalid_token" if allowed else "throttled"
            raise forms.ValidationError(self.error_messages[code], code=code)
        # django_otp marks the session as signed in with this device when the view logs the user in.
        user.otp_device = device


class ConfirmDeviceForm(forms.Form):
    """The code from a newly added authenticator app, proving it holds the secret."""

    otp_token = forms.CharField(
        label="Code from your authenticator app",
        help_text="Six digits. A new code appears every 30 seconds; enter the one shown now.",
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRIBUTES, "aria-describedby": "id_otp_token_helptext"}),
    )

    def clean_otp_token(self):
        token = normalise_code(self.cleaned_data["otp_token"])
        if not token.isdigit() or len(token) not in (6, 8):
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows.")
        return token
