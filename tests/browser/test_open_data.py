"""The open-data pages in Chromium: accessible, and the interactive API reference runs under the site's policy."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.resources.factories import ResourceFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/data/", "/api/"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_data_page_and_the_api_guide_are_accessible(open_page, path, viewport):
    page = open_page(path, viewport=viewport)
    assert page.get_by_role("heading", level=1).count() == 1
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_catalog_links_its_downloads(open_page):
    ResourceFactory(title="Crisis intervention curriculum")
    page = open_page("/resources/?q=crisis")
    assert page.get_by_role("link", name="CSV").get_attribute("href") == "/resources/export.csv?q=crisis"


@pytest.mark.django_db(transaction=True)
def test_the_interactive_reference_renders_from_local_files_without_breaking_the_policy(browser, live_server):
    ResourceFactory(title="Crisis intervention curriculum")
    context = browser.new_context()  # No bypass_csp: the page's own Content-Security-Policy applies.
    page = context.new_page()
    violations, outside_requests = [], []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.on(
        "request",
        lambda request: (
            not request.url.startswith((live_server.url, "data:", "blob:")) and outside_requests.append(request.url)
        ),
    )
    page.goto(live_server.url + "/api/v1/docs/")
    page.get_by_text("/api/v1/resources/", exact=True).first.wait_for()
    assert page.get_by_text("Published resources, filtered like the catalog page").is_visible()
    assert violations == []
    assert outside_requests == []
    context.close()
