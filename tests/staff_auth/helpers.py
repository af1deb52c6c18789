"""Shared helpers for the staff login tests: signing in through the real admin login form."""

import time

from django.urls import reverse
from django_otp.oath import TOTP

PASSWORD = "a-long-test-password"  # tests.pledges.factories.UserFactory's


def sign_in(client, username, password=PASSWORD, code="", **headers):
    """POST the admin login form as a browser would; returns the response (not followed)."""
    data = {"username": username, "password": password, "otp_token": code, "next": reverse("admin:index")}
    return client.post(reverse("admin:login"), data, **headers)


def is_signed_in(client):
    return "_auth_user_id" in client.session


def code_for(device, steps_ahead=0):
    """The code the staff member's authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
