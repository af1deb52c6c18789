"""The audit trail in Chromium: a reviewer approves a pledge, then reads the change on the pledge's History
page and in the trail's list; a Curator's trail shows none of it. Both pages pass axe-core."""

import pytest
from django.contrib.auth.models import Group, Permission

from pledges.models import Pledge
from tests.browser.conftest import assert_accessible
from tests.browser.test_pledge_journey import REVIEWER_PASSWORD, make_reviewer
from tests.pledges.factories import UserFactory, pledge_in_status

pytestmark = pytest.mark.django_db(transaction=True)

TRAIL = "/admin/audit/audittrailentry/"


def sign_in(open_page, username):
    page = open_page("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", REVIEWER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def test_a_reviewer_reads_the_approval_in_the_trail_and_a_curator_does_not(open_page, live_server):
    reviewer = make_reviewer()
    pledge = pledge_in_status(Pledge.Status.EMAIL_VERIFIED, agency__name="Springfield Police Department")

    page = sign_in(open_page, reviewer.username)
    page.goto(f"{live_server.url}/admin/pledges/pledge/{pledge.pk}/change/")
    page.get_by_role("button", name="Approve").click()
    page.goto(f"{live_server.url}/admin/pledges/pledge/{pledge.pk}/history/")

    trail_section = page.locator("#audit-trail")
    assert "Status: Email verified → Approved" in " ".join(trail_section.inner_text().split())
    assert "reviewer" in trail_section.inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}{TRAIL}?q=Springfield")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 1
    assert "Email verified → Approved" in " ".join(page.locator("#result_list").inner_text().split())
    assert_accessible(page)

    curators, _created = Group.objects.get_or_create(name="Curators")
    curators.permissions.set(Permission.objects.filter(content_type__app_label="resources"))
    curator = UserFactory(username="curator")
    curator.groups.add(curators)
    curator_page = sign_in(open_page, curator.username)
    curator_page.goto(f"{live_server.url}{TRAIL}?q=Springfield")
    assert "Springfield" not in curator_page.locator("#content").inner_text()
