"""HTML validity gate: the W3C Nu HTML Checker (npm vnu-jar, pinned) on every public page and state.

The pages are fetched with Django's test client (tests/public_pages.py), saved to one folder
and checked by a single Java process, so the whole gate costs one JVM start. Zero errors
allowed; warnings are not errors. Needs Java (`java` on the PATH; .ci/run installs it): without
it the test skips, except under REQUIRE_BROWSER=1 (CI), where it fails.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.public_pages import EMPTY_STATES, filled_states

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def fetch_states(client, states, folder, start):
    saved = {}
    for number, (label, method, path, data) in enumerate(states, start=start):
        response = client.post(path, data) if method == "POST" else client.get(path)
        assert response["Content-Type"].startswith("text/html"), f"{label}: {path} is not HTML"
        file = folder / f"page-{number:03d}.html"
        file.write_bytes(response.content)
        saved[file.name] = f"{label} ({method} {path}, {response.status_code})"
    return saved


@pytest.mark.django_db
def test_every_public_page_is_valid_html(client, tmp_path):
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        message = f"The Nu HTML Checker needs java on the PATH and {VNU_JAR} (npm ci)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REQUIRE_BROWSER=1, so this fails instead of skipping)")
        pytest.skip(message)
    folder = tmp_path / "pages"
    folder.mkdir()
    saved = fetch_states(client, EMPTY_STATES, folder, start=0)
    saved |= fetch_states(client, filled_states(), folder, start=len(saved))

    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors = [
        f"{saved.get(Path(m.get('url', '')).name, m.get('url'))}, line {m.get('lastLine')}: {m.get('message')} "
        f"[{m.get('extract', '').strip()[:120]}]"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert len(saved) > 20, f"only {len(saved)} pages were checked"
    assert not errors, "The Nu HTML Checker found errors:\n" + "\n".join(errors)
