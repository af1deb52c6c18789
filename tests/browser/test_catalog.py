"""The catalog in a real browser: search, filter, unfilter, paginate, open a resource, keyboard-only
filtering, the phone layout with and without JavaScript, and axe-core on every catalog page."""

import re

import pytest
from playwright.sync_api import expect

from clearinghouse.one_mind import Practice
from tests.browser.conftest import assert_accessible
from tests.resources.factories import (
    AudienceFactory,
    ResolutionFactory,
    ResourceFactory,
    ResourceKindFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog():
    """22 crisis guides about training (two pages of results), a model policy and a resolution."""
    training = TopicFactory(slug="training", name="Training")
    policy = TopicFactory(slug="policy", name="Policy")
    officers = AudienceFactory(slug="officers", name="Officers")
    report = ResourceKindFactory(slug="report", name="Report")
    model_policy = ResourceKindFactory(slug="model-policy", name="Model policy")
    for number in range(22):
        ResourceFactory(title=f"Crisis guide {number:02d}", kind=report, topics=[training], audiences=[officers])
    ResourceFactory(
        title="Responding to Persons Experiencing a Mental Health Crisis",
        slug="responding-to-a-crisis",
        kind=model_policy,
        summary="A model policy on crisis response.",
        body="First paragraph.\n\nSecond paragraph.",
        topics=[policy, training],
        practices=[Practice.POLICY],
    )
    ResolutionFactory(
        title="Support for Mental Health Courts",
        slug="mental-health-courts",
        topics=[policy],
        caution_note="Read alongside later resolutions.",
    )


def result_count(page):
    return page.locator("#results-heading").inner_text()


def test_search_filter_unfilter_and_paginate(open_page, catalog):
    page = open_page("/")
    search_box = page.get_by_role("searchbox", name="Search the resource catalog")
    search_box.fill("crisis")
    search_box.press("Enter")
    expect(page).to_have_url(re.compile(r"/resources/\?q=crisis$"))
    expect(page.locator("#results-heading")).to_have_text("23 resources matching “crisis”")

    page.locator("label[for=topic-policy]").click()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"q=crisis.*topic=policy"))
    expect(page).not_to_have_url(re.compile("year_min="))  # Empty fields stay out of the address.
    expect(page.locator("#results-heading")).to_have_text("1 resource matching “crisis”")
    expect(page.get_by_role("link", name="Remove Topic: Policy")).to_be_visible()

    page.get_by_role("link", name="Remove Topic: Policy").click()
    expect(page).not_to_have_url(re.compile("topic="))
    expect(page).to_have_url(re.compile("q=crisis"))
    expect(page.locator("#results-heading")).to_have_text("23 resources matching “crisis”")

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"q=crisis.*page=2"))
    expect(page.get_by_text("Showing 21–23 of 23.")).to_be_visible()
    expect(page.get_by_role("link", name="Page 2, last page")).to_have_attribute("aria-current", "page")


def test_open_a_resource_and_follow_a_topic_link(open_page, catalog):
    page = open_page("/resources/?kind=model-policy")
    page.get_by_role("link", name="Responding to Persons Experiencing a Mental Health Crisis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Responding to Persons Experiencing a Mental Health Crisis"
    )
    expect(page.locator("link[rel=canonical]")).to_have_attribute(
        "href", re.compile("/resources/responding-to-a-crisis/$")
    )

    page.get_by_role("complementary").get_by_role("link", name="Policy", exact=True).click()
    expect(page).to_have_url(re.compile(r"/resources/\?topic=policy$"))
    expect(page.locator("#results-heading")).to_have_text("2 resources")
    expect(page.locator("#topic-policy")).to_be_checked()


def test_filters_work_with_the_keyboard_alone(open_page, catalog):
    page = open_page("/resources/")
    policy_checkbox = page.locator("#topic-policy")
    for _ in range(80):
        page.keyboard.press("Tab")
        if policy_checkbox.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Policy checkbox")
    page.keyboard.press("Space")
    expect(policy_checkbox).to_be_checked()

    apply_button = page.get_by_role("button", name="Apply filters")
    for _ in range(40):
        page.keyboard.press("Tab")
        if apply_button.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Apply filters button")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"topic=policy"))
    expect(page.locator("#results-heading")).to_have_text("2 resources")


def test_on_a_phone_the_filters_start_folded_and_open_on_request(open_page, catalog):
    page = open_page("/resources/", viewport="phone")
    toggle = page.get_by_role("button", name="Filter results")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#topic-policy")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.locator("label[for=topic-policy]").click()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_have_text("2 resources")


def test_filters_work_without_javascript(open_page, catalog):
    page = open_page("/resources/", viewport="phone", javascript=False)
    page.locator("label[for=topic-policy]").click()
    page.get_by_label("From year").fill("2014")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"topic=policy.*year_min=2014"))
    expect(page.locator("#results-heading")).to_have_text("2 resources")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_catalog_pages_have_no_serious_accessibility_violations(open_page, live_server, catalog, viewport):
    page = open_page("/", viewport=viewport)
    assert_accessible(page)
    # One browser tab for the rest, so the styles and scripts come from its cache.
    paths = ["/resources/", "/resources/?q=crisis&topic=training&kind=report&year_min=abc&page=2"]
    paths += ["/resources/responding-to-a-crisis/"]
    if viewport == "desktop":  # A resolution, with its alerts and tags: layout-independent, so once is enough.
        paths += ["/resources/mental-health-courts/"]
    for path in paths:
        page.goto(live_server.url + path)
        assert_accessible(page)
