"""The public accessibility gate: axe-core on every public page and state, at desktop and phone widths.

Pages and states come from tests/public_pages.py (the URL configuration's public pages, then
empty, filled, error and no-result states and the private links). No serious or critical
violation is allowed on any of them, and there is no per-page exception. One browser page
goes through all of them per width, so the gate costs page loads, not browser starts.
"""

import json

import pytest

from tests.browser.conftest import serious_axe_violations
from tests.public_pages import EMPTY_STATES, filled_states

# Posts the form data the way the page's own form would (with the CSRF token the pledge form
# page carries), so an error state is the page a visitor sees after submitting.
POST_FORM = """([action, token, data]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  for (const [name, value] of Object.entries({csrfmiddlewaretoken: token, ...data})) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}"""


def open_state(page, base_url, method, path, data):
    if method == "GET":
        page.goto(base_url + path)
        return
    page.goto(base_url + "/pledge/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    with page.expect_navigation():
        page.evaluate(POST_FORM, [path, token, data or {}])


def violations_on(page, base_url, states):
    found = {}
    for label, method, path, data in states:
        open_state(page, base_url, method, path, data)
        assert page.locator("h1").count() == 1, f"{label}: {page.url} has no single <h1>"
        violations = serious_axe_violations(page)
        if violations:
            found[f"{label} ({method} {path})"] = [
                {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
                for v in violations
            ]
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_public_page_and_state_has_no_serious_accessibility_violations(open_page, live_server, viewport):
    page = open_page("/", viewport=viewport)
    failures = violations_on(page, live_server.url, EMPTY_STATES)
    states = filled_states()
    failures |= violations_on(page, live_server.url, states)

    assert len(EMPTY_STATES) + len(states) > 20
    assert not failures, f"axe-core found serious violations ({viewport}):\n{json.dumps(failures, indent=2)}"
