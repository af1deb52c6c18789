import pytest

from tests.browser.conftest import assert_accessible


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_skip_link_leads_to_main_content(open_page, viewport):
    page = open_page("/", viewport=viewport)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("element => element === document.activeElement")
    skip_link.press("Enter")
    assert page.url.endswith("#main-content")


@pytest.mark.django_db(transaction=True)
def test_navigation_is_reachable_without_javascript_on_a_phone(open_page):
    page = open_page("/", viewport="phone", javascript=False)
    assert page.get_by_role("link", name="Participating agencies").first.is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_base_layout_has_no_serious_accessibility_violations(open_page, viewport):
    assert_accessible(open_page("/", viewport=viewport))
