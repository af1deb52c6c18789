"""`make audit`: Lighthouse on the main public pages, served as in production, with the seed content.

    make audit [AUDIT_ARGS="--pages home,catalog --runs 3"]
    python -m benchmarks.audit --help

A throwaway SQLite database (or `--database-url`) is migrated and loaded with the seed catalog and
the demo agencies; collectstatic writes hashed, compressed files into a temporary folder; gunicorn
serves the portal with DEBUG=0 and WhiteNoise (benchmarks.server, benchmarks.environment); then
Lighthouse (npm, pinned in package.json) drives Debian's Chromium (CHROME_PATH, default
/usr/bin/chromium) over each page with its default mobile profile (simulated slow 4G, a mid-range
phone's CPU). It prints the four category scores, largest contentful paint and the bytes
transferred for each page, and exits 1 when a page misses a target: performance ≥ 95 and largest
contentful paint ≤ 2.0 s (of the run with the median performance score), the
other three 100. Nothing stays running; the temporary files are removed.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from benchmarks.environment import FORWARDED_PROTO_HEADER, production_environment
from benchmarks.server import BASE_DIR, Server, collect_static

LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
LCP_TARGET_MS = 2000  # largest contentful paint on Lighthouse's mobile profile
# Chromium as root in a container: no sandbox; no GPU on the machines.
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
LIGHTHOUSE_ATTEMPTS = 3
PAGE_KEYS = ("home", "catalog", "resource", "pledge", "roster")

log = partial(print, file=sys.stderr, flush=True)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.audit", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGE_KEYS), help=f"comma-separated, of {', '.join(PAGE_KEYS)}")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs a page; the median score is shown")
    parser.add_argument("--database-url", help="a database to load instead of a throwaway SQLite file")
    parser.add_argument("--keep-reports", type=Path, help="write each page's Lighthouse JSON report here")
    return parser.parse_args(argv)


def manage(environment, *arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=environment, check=True)


def page_paths(environment):
    """{page key: path}; the resource page is the first published seed resource."""
    script = (
        "import json; from django.urls import reverse; from resources.models import Resource; "
        "resource = Resource.objects.filter(status='published').order_by('pk').first(); "
        "print(json.dumps({'home': reverse('home'), 'catalog': reverse('resources:list'), "
        "'resource': resource.get_absolute_url(), 'pledge': reverse('pledges:start'), "
        "'roster': reverse('pledges:roster')}))"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_lighthouse(url, report_path, keep_reports=None):
    environment = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    header_name, header_value = FORWARDED_PROTO_HEADER
    command = [
        str(LIGHTHOUSE), url,
        "--output=json", f"--output-path={report_path}", "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        # As the TLS-terminating load balancer does, so production settings answer 200 over plain HTTP.
        f"--extra-headers={json.dumps({header_name: header_value})}",
    ]  # fmt: skip
    # A Lighthouse run now and then fails on its own: "Something went wrong with recording the
    # trace" (NO_NAVSTART), twice in a row on a page that passed before and after. More attempts,
    # with Lighthouse's error printed for each failure.
    for attempt in range(LIGHTHOUSE_ATTEMPTS):
        completed = subprocess.run(command, env=environment, capture_output=True, text=True)
        if completed.returncode == 0:
            break
        log(f"Lighthouse failed on {url} (attempt {attempt + 1}): {completed.stderr.strip()[-2000:]}")
    else:
        raise RuntimeError(f"Lighthouse could not audit {url} in {LIGHTHOUSE_ATTEMPTS} attempts")
    if keep_reports:
        keep_reports.mkdir(parents=True, exist_ok=True)
        shutil.copy(report_path, keep_reports / Path(report_path).name)
    report = json.loads(Path(report_path).read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not audit {url}: {report['runtimeError']}")
    audits = report["audits"]
    return {
        "scores": {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES},
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "failed_audits": sorted(
            audit_id
            for category in CATEGORIES
            if category != "performance"
            for ref in report["categories"][category]["auditRefs"]
            if ref["weight"] and (audit_id := ref["id"]) and audits[audit_id]["score"] not in (None, 1)
        ),
    }


def median_result(results):
    by_performance = sorted(results, key=lambda result: result["scores"]["performance"])
    return by_performance[len(by_performance) // 2]


def main(argv=None):
    arguments = parse_arguments(argv)
    keys = [key.strip() for key in arguments.pages.split(",") if key.strip()]
    unknown = set(keys) - set(PAGE_KEYS)
    if unknown:
        sys.exit(f"Unknown pages: {', '.join(sorted(unknown))}")
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is missing at {LIGHTHOUSE}: run `npm ci` (make install)")
    temporary = Path(tempfile.mkdtemp(prefix="clearinghouse-audit-"))
    try:
        database_url = arguments.database_url or f"sqlite:///{temporary / 'audit.sqlite3'}"
        environment, notes = production_environment(database_url, static_root=temporary / "static")
        # Lighthouse fetches robots.txt without its extra headers, so that one request would be
        # redirected to https, which nothing serves here. Every other setting stays as in production.
        environment["SECURE_SSL_REDIRECT"] = "0"
        notes.append("SECURE_SSL_REDIRECT=0: Lighthouse fetches robots.txt without X-Forwarded-Proto.")
        for note in notes:
            log(note)
        log("Loading the seed content and collecting static files…")
        manage(environment, "migrate", "--noinput", "--verbosity", "0")
        manage(environment, "load_seed")
        manage(environment, "load_demo_pledges")
        collect_static(environment)
        paths = page_paths(environment)
        rows = []
        with Server(environment) as server:
            log(f"gunicorn is serving on {server.base_url}; running Lighthouse (mobile profile)…")
            for key in keys:
                results = []
                for run in range(arguments.runs):
                    report_path = temporary / f"{key}-{run}.json"
                    results.append(run_lighthouse(server.base_url + paths[key], report_path, arguments.keep_reports))
                rows.append((key, paths[key], median_result(results)))
        return report(rows)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def report(rows):
    header = f"{'page':<9} {'path':<46} {'perf':>4} {'a11y':>4} {'b.p.':>4} {'seo':>4} {'LCP':>7} {'KiB':>7}  result"
    print(header)
    print("-" * len(header))
    failures = 0
    for key, path, result in rows:
        scores = result["scores"]
        missed = [name for name, target in TARGETS.items() if scores[name] < target]
        if result["lcp_ms"] > LCP_TARGET_MS:
            missed.append("LCP")
        failures += bool(missed)
        outcome = "PASS" if not missed else "FAIL: " + ", ".join(missed)
        if result["failed_audits"]:
            outcome += f" (audits not passed: {', '.join(result['failed_audits'])})"
        print(
            f"{key:<9} {path[:46]:<46} {scores['performance']:>4} {scores['accessibility']:>4} "
            f"{scores['best-practices']:>4} {scores['seo']:>4} {result['lcp_ms'] / 1000:>6.2f}s "
            f"{result['bytes'] / 1024:>7.1f}  {outcome}"
        )
    print(
        f"Targets: performance ≥ {TARGETS['performance']}, LCP ≤ {LCP_TARGET_MS / 1000:.1f}s, "
        "accessibility, best practices and SEO 100."
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
