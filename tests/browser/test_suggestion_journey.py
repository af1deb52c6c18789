"""Suggest a resource end to end in Chromium: the public form (checked with axe-core at desktop and
phone widths, with and without errors), then a curator accepts it in the admin and the draft exists."""

import pytest
from playwright.sync_api import expect

from resources.models import Resource
from suggestions.models import Suggestion
from tests.browser.conftest import assert_accessible
from tests.outbox import sent_mail
from tests.pledges.factories import UserFactory
from tests.resources.factories import ensure_curators_group, ensure_seeded_vocabularies

CURATOR_PASSWORD = "a-long-test-password"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_suggest_page_and_its_errors_are_accessible(open_page, viewport):
    page = open_page("/resources/suggest/", viewport=viewport)
    assert_accessible(page)

    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_text("Enter the title of the resource.").first).to_be_visible()
    expect(page.locator("h1")).to_have_text("Suggest a resource")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_suggest_then_a_curator_accepts_and_the_draft_exists(open_page, live_server):
    ensure_seeded_vocabularies()
    curator = UserFactory(username="curator", email="curator@example.org")
    curator.groups.add(ensure_curators_group())

    # 1. A visitor suggests a resource.
    page = open_page("/resources/suggest/")
    page.fill("#id_title", "Crisis line hand-off checklist")
    page.fill("#id_url", "https://www.example.org/checklist.pdf")
    page.fill("#id_reason", "Dispatchers use it to pass calls to the 988 line.")
    page.fill("#id_email", "pat@example.org")
    page.get_by_role("button", name="Send the suggestion").click()
    assert page.locator("h1").inner_text() == "Thank you for your suggestion"
    assert_accessible(page)
    suggestion = Suggestion.objects.get()

    # 2. A curator accepts it in the admin.
    admin = open_page("/admin/login/")
    admin.fill("#id_username", curator.username)
    admin.fill("#id_password", CURATOR_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto(f"{live_server.url}/admin/suggestions/suggestion/")
    admin.get_by_role("link", name="Crisis line hand-off checklist").click()
    admin.get_by_label("Accept: create a draft resource from it").check()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("is ready to edit")).to_be_visible()

    # 3. The draft exists, linked, and the suggester was told.
    draft = Resource.objects.get()
    assert draft.status == Resource.Status.DRAFT
    assert draft.title == "Crisis line hand-off checklist"
    assert draft.external_url == "https://www.example.org/checklist.pdf"
    suggestion.refresh_from_db()
    assert suggestion.resource == draft
    assert [message.to for message in sent_mail()] == [["pat@example.org"]]
