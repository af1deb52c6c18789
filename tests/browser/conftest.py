"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live_server.

Never `playwright install`: it downloads a browser and fails here. Without a browser
these tests skip, except under REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import json
import os
from pathlib import Path

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# Chromium flags for a closed network and a root user (see DEVELOPERS notes in the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The Playwright sync API runs an event loop in the test thread; the ORM calls made by
# the tests themselves (factories, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM_PATH).exists():
        message = f"No Chromium at {CHROMIUM_PATH}: apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REQUIRE_BROWSER=1, so this fails instead of skipping)")
        pytest.skip(message)
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run `npm ci`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """Open a page at a viewport ("desktop" or "phone"); the URL is relative to live_server."""
    contexts = []

    def open_page_at(path, viewport="desktop", javascript=True):
        # bypass_csp lets the test inject axe-core; the site's own CSP stays in force otherwise.
        context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + path)
        return page

    yield open_page_at
    for context in contexts:
        context.close()


def serious_axe_violations(page):
    """Run axe-core in the page and return its serious and critical violations (needs JavaScript on)."""
    page.add_script_tag(path=str(AXE_PATH))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in results["violations"] if violation["impact"] in ("serious", "critical")]


def assert_accessible(page):
    violations = serious_axe_violations(page)
    summary = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in violations
    ]
    assert not violations, f"axe-core found serious violations on {page.url}:\n{json.dumps(summary, indent=2)}"
