"""Staff sign-in in Chromium: set up two-factor authentication, sign in with a code, the lockout page.

axe-core checks the login page (with and without an error), the two-factor set-up page and the
lockout page: no serious or critical violation.
"""

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.pledges.factories import UserFactory
from tests.staff_auth.helpers import PASSWORD, code_for

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username, password=PASSWORD, code=None):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    if code is not None:
        page.get_by_label("Two-factor code").fill(code)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_staff_set_up_two_factor_and_then_sign_in_with_a_code(open_page, live_server, viewport):
    user = UserFactory(username=f"editor-{viewport}")
    page = open_page("/admin/login/", viewport)
    assert_accessible(page)

    # 1. Sign in with the password and open the two-factor page from the admin's header.
    sign_in(page, user.username)
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.locator("h1")).to_have_text("Two-factor authentication")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)

    # 2. The app (here: the test, with the secret) makes a code; entering it turns two-factor on.
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    assert "Two-factor authentication is on" in page.locator(".messagelist").inner_text()

    # 3. Sign out; signing in again asks for the code.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/admin/login/")
    sign_in(page, user.username)
    assert "Enter the 6-digit code from your authenticator app." in page.locator(".errornote").inner_text()
    assert_accessible(page)
    # The code from enrolment was used once; the app's next code is accepted (one step of tolerance).
    sign_in(page, user.username, code=code_for(device, steps_ahead=1))
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()


def test_the_lockout_page_is_accessible(open_page):
    UserFactory(username="editor")
    page = open_page("/admin/login/")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, "editor", "not-the-password")

    assert page.locator("h1").inner_text() == "Too many failed sign-in attempts"
    assert "You can try again in 30 minutes" in page.locator("#content-main").inner_text()
    assert_accessible(page)
