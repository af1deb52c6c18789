"""Keyboard-only journeys: no mouse, only Tab, Enter, Space, arrows and typing, with visible focus throughout.

At every stop of the Tab key the focused element must show where it is: an outline or a box
shadow on it (for USWDS's visually hidden checkboxes and radios, on the box their label draws).
The address bar is used as a person would type it: to open a page, never to submit a form.
"""

import re

import pytest

from pledges import tokens
from pledges.models import Pledge
from tests.browser.test_pledge_journey import REVIEWER_PASSWORD, make_reviewer
from tests.pledges.factories import pledge_in_status
from tests.resources.factories import ResourceFactory, ensure_seeded_vocabularies

MAX_TABS = 150

# "" when the focused element shows its focus, else what is wrong.
FOCUS_PROBLEM = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return "nothing has the focus";
  let styled = element, pseudo = null;
  if (element.matches(".usa-checkbox__input, .usa-radio__input")) {
    styled = document.querySelector(`label[for="${element.id}"]`);
    pseudo = "::before";
  }
  const style = getComputedStyle(styled, pseudo);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return outline || shadow ? "" : `no visible focus on ${element.outerHTML.slice(0, 160)}`;
}"""


def assert_focus_visible(page):
    problem = page.evaluate(FOCUS_PROBLEM)
    assert not problem, f"{page.url}: {problem}"


def tab_to(page, selector, *, backwards=False):
    """Press Tab until `selector` has the focus, checking the focus is visible at every stop."""
    target = page.locator(selector).first
    if target.evaluate("element => element === document.activeElement"):  # e.g. autofocus
        assert_focus_visible(page)
        return
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert_focus_visible(page)
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} was not reached with the Tab key on {page.url}")


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page, selector, value):
    """Pick an option of a <select> with the arrow keys."""
    tab_to(page, selector)
    select = page.locator(selector)
    page.keyboard.press("Home")
    for _ in range(200):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{value} is not an option of {selector}")


def h1(page):
    return page.locator("h1").inner_text().strip()


@pytest.mark.django_db(transaction=True)
def test_search_and_filter_the_catalog_with_the_keyboard(open_page):
    ensure_seeded_vocabularies()
    ResourceFactory(title="Model policy on crisis response")
    ResourceFactory(title="Crisis intervention team training guide")

    page = open_page("/resources/")
    type_into(page, "#id_q", "crisis")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/resources/\?q=crisis"))
    assert "2 resources" in page.inner_text("main")

    # The first filter choice (a checkbox or radio), then "Apply filters".
    first_choice = page.locator("#catalog-filter-panel input[type=checkbox], #catalog-filter-panel input[type=radio]")
    first_choice = first_choice.nth(0 if first_choice.first.get_attribute("value") else 1)
    choice_id = first_choice.get_attribute("id")
    tab_to(page, f"#{choice_id}")
    page.keyboard.press("Space")
    assert first_choice.is_checked()
    tab_to(page, "#catalog-filter-panel button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=crisis" in page.url
    assert page.locator(f"#{choice_id}").is_checked()
    assert page.locator(".catalog-chip").count() >= 1


@pytest.mark.django_db(transaction=True)
def test_take_the_pledge_with_the_keyboard(open_page):
    page = open_page("/pledge/")
    type_into(page, "#id_name", "Springfield Police Department")
    choose(page, "#id_agency_type", "municipal_police")
    type_into(page, "#id_city", "Springfield")
    choose(page, "#id_country", "US")
    choose(page, "#id_state", "IL")
    type_into(page, "#id_sworn_officers", "40")
    type_into(page, "#id_non_sworn_staff", "10")
    type_into(page, "#id_chief_executive_name", "Jordan Rivera")
    type_into(page, "#id_chief_executive_title", "Chief of Police")
    tab_to(page, "#id_attestation")
    page.keyboard.press("Space")
    assert page.locator("#id_attestation").is_checked()
    type_into(page, "#id_contact_name", "Casey Morgan")
    type_into(page, "#id_contact_title", "Coordinator")
    type_into(page, "#id_contact_email", "casey@springfield.example.org")
    type_into(page, "#id_contact_phone", "217-555-0100")
    tab_to(page, "#id_target_months")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("24")
    tab_to(page, "form.pledge-form button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r".*/pledge/check-your-email/"))
    assert h1(page) == "Check your email"
    assert Pledge.objects.get().agency.name == "Springfield Police Department"


@pytest.mark.django_db(transaction=True)
def test_report_progress_through_the_private_link_with_the_keyboard(open_page):
    pledge = pledge_in_status(Pledge.Status.APPROVED, agency__name="Springfield Police Department")
    page = open_page(f"/pledge/progress/{tokens.make_progress_token(pledge)}/")
    assert h1(page) == "Springfield Police Department"

    tab_to(page, "#practice-cit summary")
    page.keyboard.press("Enter")
    tab_to(page, "#id_cit-sworn_trained")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("10")
    tab_to(page, "#practice-cit button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "is saved" in page.locator(".usa-alert--success").first.inner_text()
    assert pledge.practices.get(practice="cit").sworn_trained == 10


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_approves_a_pledge_in_the_admin_with_the_keyboard(open_page, live_server):
    reviewer = make_reviewer()
    pledge = pledge_in_status(Pledge.Status.EMAIL_VERIFIED, agency__name="Springfield Police Department")

    page = open_page("/admin/login/")
    type_into(page, "#id_username", reviewer.username)
    type_into(page, "#id_password", REVIEWER_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")

    page.goto(f"{live_server.url}/admin/pledges/pledgeawaitingreview/")
    tab_to(page, "#result_list a:text('Springfield Police Department')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/pledges/pledge/{pledge.pk}/change/")
    tab_to(page, "button:text-is('Approve')")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert "approved" in page.locator(".messagelist").inner_text().lower()
