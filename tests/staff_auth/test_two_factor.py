"""Two-factor authentication for staff (django-otp TOTP): enrolment, login with a code, the requirement, recovery.

Optional for every staff member; required of staff who can see pledge contacts (the
"Pledge reviewers", superusers) when STAFF_2FA_REQUIRED is on.
"""

import io

import pytest
from axes.models import AccessFailureLog
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.pledges.factories import ReviewerFactory, UserFactory
from tests.resources.factories import ensure_curators_group
from tests.staff_auth.helpers import code_for, is_signed_in, sign_in

pytestmark = pytest.mark.django_db

TWO_FACTOR_URL = "/admin/two-factor/"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def page_text(response):
    return " ".join(response.content.decode().split())


def test_the_two_factor_page_is_in_the_admin(client):
    assert reverse("admin:two_factor") == TWO_FACTOR_URL
    # Anonymous visitors are sent to the login page like on every admin page.
    response = client.get(TWO_FACTOR_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_enrol_an_authenticator_app_by_scanning_and_entering_a_code(client):
    user = UserFactory(username="editor")
    client.force_login(user)

    page = client.get(TWO_FACTOR_URL)

    content = page.content.decode()
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.status_code == 200
    assert "<svg" in content
    assert "<path" in content
    assert 'aria-label="QR code for your authenticator app"' in content
    assert "otpauth://totp/Clearinghouse%20staff%3Aeditor?secret=" in content
    assert '<label for="id_otp_token"' in content
    # Reloading shows the same secret: the app the staff member already scanned stays valid.
    assert client.get(TWO_FACTOR_URL).content.decode().count(pending.config_url.split("secret=")[1][:32]) >= 1

    confirmed = client.post(TWO_FACTOR_URL, {"action": "confirm", "otp_token": code_for(pending)})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("admin:index")
    pending.refresh_from_db()
    assert pending.confirmed
    # This session now counts as signed in with two factors.
    assert client.session[DEVICE_ID_SESSION_KEY] == pending.persistent_id


def test_a_wrong_code_does_not_turn_two_factor_on(client):
    user = UserFactory(username="editor")
    client.force_login(user)
    client.get(TWO_FACTOR_URL)
    pending = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(pending)) + 1) % 1_000_000:06d}"

    response = client.post(TWO_FACTOR_URL, {"action": "confirm", "otp_token": wrong})

    assert response.status_code == 200
    assert "That code is not right" in page_text(response)
    pending.refresh_from_db()
    assert not pending.confirmed


def test_a_code_that_is_not_six_digits_is_refused_with_a_field_error(client):
    client.force_login(UserFactory(username="editor"))
    client.get(TWO_FACTOR_URL)

    response = client.post(TWO_FACTOR_URL, {"action": "confirm", "otp_token": "12ab"})

    assert "Enter the 6 digits your authenticator app shows." in page_text(response)


def test_re_enrolling_replaces_the_old_app(client):
    user = UserFactory(username="editor")
    old = enrolled(user)
    client.force_login(user)

    client.get(f"{TWO_FACTOR_URL}?replace=1")
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(TWO_FACTOR_URL, {"action": "confirm", "otp_token": code_for(new)})

    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_staff_with_an_app_must_give_its_code_to_sign_in(client):
    device = enrolled(UserFactory(username="editor"))

    without_code = sign_in(client, "editor")
    assert without_code.status_code == 200
    assert "Enter the 6-digit code from your authenticator app." in page_text(without_code)
    assert not is_signed_in(client)

    with_code = sign_in(client, "editor", code=code_for(device))
    assert with_code.status_code == 302
    assert is_signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_wrong_code_is_a_failed_login_that_counts_towards_the_lockout(client, settings):
    device = enrolled(UserFactory(username="editor"))
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"

    response = sign_in(client, "editor", code=wrong)

    assert response.status_code == 200
    assert "That code is not right or has expired" in page_text(response)
    assert not is_signed_in(client)
    assert AccessFailureLog.objects.filter(username="editor").count() == 1

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "editor", code=wrong)
    assert response.status_code == 429


def test_staff_without_an_app_sign_in_with_their_password_alone(client):
    UserFactory(username="editor")

    response = sign_in(client, "editor")

    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_login_form_labels_every_field(client):
    content = client.get(reverse("admin:login")).content.decode()

    for field in ("username", "password", "otp_token"):
        assert f'<label for="id_{field}"' in content
    assert 'autocomplete="one-time-code"' in content
    assert 'aria-describedby="id_otp_token_helptext"' in content
    assert 'id="id_otp_token_helptext"' in content


@pytest.fixture
def two_factor_required(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.mark.usefixtures("two_factor_required")
def test_when_required_a_reviewer_without_an_app_must_set_one_up_before_any_admin_page(client):
    reviewer = ReviewerFactory(username="reviewer")

    assert sign_in(client, "reviewer").status_code == 302
    for path in (reverse("admin:index"), reverse("admin:pledges_pledge_changelist")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == TWO_FACTOR_URL

    page = client.get(TWO_FACTOR_URL)
    assert "you must set up two-factor authentication before you continue" in page_text(page)
    pending = TOTPDevice.objects.get(user=reviewer)
    client.post(TWO_FACTOR_URL, {"action": "confirm", "otp_token": code_for(pending)})

    assert client.get(reverse("admin:pledges_pledge_changelist")).status_code == 200


@pytest.mark.usefixtures("two_factor_required")
def test_when_required_a_reviewer_signed_in_before_must_enter_a_code_from_their_app(client):
    reviewer = ReviewerFactory(username="reviewer")
    device = enrolled(reviewer)
    client.force_login(reviewer)  # a session from before the requirement: not signed in with a code

    assert client.get(reverse("admin:index"))["Location"] == TWO_FACTOR_URL
    assert "Enter a code from your authenticator app to continue" in page_text(client.get(TWO_FACTOR_URL))
    response = client.post(TWO_FACTOR_URL, {"action": "verify", "otp_token": code_for(device)})

    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:pledges_pledge_changelist")).status_code == 200


@pytest.mark.usefixtures("two_factor_required")
def test_when_required_it_applies_to_superusers_but_not_to_curators(client, django_user_model):
    curator = UserFactory(username="curator")
    curator.groups.add(ensure_curators_group())
    client.force_login(curator)
    assert client.get(reverse("admin:index")).status_code == 200

    superuser_client = Client()
    superuser_client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x" * 20))
    assert superuser_client.get(reverse("admin:index"))["Location"] == TWO_FACTOR_URL


@pytest.mark.usefixtures("two_factor_required")
def test_when_required_a_reviewer_cannot_turn_it_off(client):
    reviewer = ReviewerFactory(username="reviewer")
    device = enrolled(reviewer)
    assert sign_in(client, "reviewer", code=code_for(device)).status_code == 302

    page = client.get(TWO_FACTOR_URL)
    client.post(TWO_FACTOR_URL, {"action": "remove"})

    assert "cannot be turned off" in page_text(page)
    assert TOTPDevice.objects.filter(user=reviewer).exists()


def test_when_not_required_a_reviewer_needs_no_app(client):
    ReviewerFactory(username="reviewer")

    sign_in(client, "reviewer")

    assert client.get(reverse("admin:pledges_pledge_changelist")).status_code == 200


def test_optional_two_factor_can_be_turned_off(client):
    user = UserFactory(username="editor")
    device = enrolled(user)
    sign_in(client, "editor", code=code_for(device))

    client.post(TWO_FACTOR_URL, {"action": "remove"})

    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_lost_phone_is_recovered_with_the_reset_command(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    reviewer = ReviewerFactory(username="reviewer")
    enrolled(reviewer)
    output = io.StringIO()

    call_command("reset_staff_two_factor", "reviewer", stdout=output)

    assert "Removed 1 two-factor device(s) of reviewer" in output.getvalue()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    # The reviewer signs in with the password and is asked to set up the new phone.
    assert sign_in(client, "reviewer").status_code == 302
    assert client.get(reverse("admin:index"))["Location"] == TWO_FACTOR_URL


def test_the_reset_command_refuses_an_unknown_username():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("reset_staff_two_factor", "nobody")


def test_superusers_remove_a_device_in_the_admin_without_seeing_its_secret(admin_client):
    device = enrolled(UserFactory(username="editor"))

    change_page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    admin_client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )

    assert change_page.status_code == 200
    assert device.key not in change_page.content.decode()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_every_admin_page_links_to_the_two_factor_settings(admin_client):
    content = admin_client.get(reverse("admin:index")).content.decode()

    assert f'<a href="{TWO_FACTOR_URL}">Two-factor authentication</a>' in content
