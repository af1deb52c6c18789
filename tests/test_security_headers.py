"""Issue 7, finding 8: every response carries the Permissions-Policy header."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.pledges.factories import PledgeFactory, UserFactory
from tests.staff_auth.helpers import sign_in

TURNED_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")


def test_the_policy_turns_off_the_features_no_page_uses():
    features = dict(part.strip().split("=", 1) for part in settings.PERMISSIONS_POLICY.split(","))

    for feature in TURNED_OFF:
        assert features[feature] == "()"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/resources/",
        "/pledge/",
        "/admin/login/",
        "/no-such-page/",
        "/healthz",
        "/robots.txt",
        "/static/css/clearinghouse.css",
    ],
)
def test_every_kind_of_response_carries_the_permissions_policy(client, path):
    response = client.get(path)

    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY


@pytest.mark.django_db
def test_private_links_staff_pages_and_the_lockout_page_carry_it_too(client, admin_client):
    pledge = PledgeFactory(approved=True)
    UserFactory(username="editor")
    responses = [
        client.get(reverse("pledges:progress", kwargs={"token": "not-a-token"})),
        admin_client.get(reverse("admin:pledges_pledge_change", args=[pledge.pk])),
        *[sign_in(client, "editor", "wrong") for _ in range(settings.AXES_FAILURE_LIMIT)],
    ]

    assert responses[-1].status_code == 429
    for response in responses:
        assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY
