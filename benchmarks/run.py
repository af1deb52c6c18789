"""`make bench`: the portal at full size, in production settings, under concurrent HTTP load.

    DATABASE_URL=postgres://… make bench [BENCH_ARGS="--only catalog,search --duration 5"]
    DATABASE_URL=postgres://… python -m benchmarks.run --help

1. Data: a throwaway PostgreSQL database beside DATABASE_URL's (named <name>_bench), migrated
   and loaded with 100,000 resources and 20,000 agencies with pledges (benchmarks.load; target
   under 5 minutes), then VACUUM ANALYZE. `--keep-database NAME` loads NAME once and reuses it.
2. Pages: collectstatic into a temporary folder, gunicorn in production settings
   (benchmarks.server), and wrk at 8 connections (benchmarks.driver) on each page for a fixed
   time after a warm-up: a plain Django view (/healthz) for the baseline, every page cold
   (each request a distinct address) and the busiest pages warm (repeated addresses), each
   against its target (benchmarks.pages). One table (benchmarks.report).
3. Import: a 100,000-row CSV through `manage.py import_resources` into a fresh database,
   timed, with the child's peak memory (benchmarks.import_csv).

Refuses to run on SQLite. Databases it creates are dropped at the end unless kept; nothing
stays running. docs/decisions/0007-benchmark-harness.md explains the choices.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.database import BenchmarkError, describe_database_settings, parse_postgresql_url, url_for_database
from benchmarks.load import DEFAULT_AGENCIES, DEFAULT_RESOURCES, DEFAULT_SEED

DEFAULT_DURATION = 10
DEFAULT_WARM_UP = 2
DEFAULT_CONNECTIONS = 8
DEFAULT_COLD_PATHS = 20_000
WARM_UP_PATHS = 300
# An import still running at twice its target has failed: stop it, so the whole run stays near 15 minutes.
DEFAULT_IMPORT_TIMEOUT = 240
LOAD_SECONDS_TARGET = 300
# After a run whose slowest response took longer than this (or with too few responses to tell),
# requests wrk abandoned at the end may still be running in the workers: restart gunicorn so they
# cannot slow the next row.
RESTART_AFTER_MAX_MS = 1000

log = partial(print, file=sys.stderr, flush=True)


def parse_arguments(argv):
    from benchmarks.pages import PAGE_KEYS
    from benchmarks.server import DEFAULT_WORKERS

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="The portal at full size in production settings under concurrent HTTP load (make bench).",
    )
    parser.add_argument("--resources", type=int, default=DEFAULT_RESOURCES, help="resources to load (100,000)")
    parser.add_argument("--agencies", type=int, default=DEFAULT_AGENCIES, help="agencies to load (20,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the generated data")
    parser.add_argument(
        "--keep-database",
        metavar="NAME",
        help="load database NAME if it does not exist yet, reuse it if it does, and keep it afterwards",
    )
    parser.add_argument("--duration", type=int, default=DEFAULT_DURATION, help="seconds measured per row (10)")
    parser.add_argument("--warm-up", type=int, default=DEFAULT_WARM_UP, help="seconds of warm-up per row (2)")
    parser.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS, help="concurrent connections (8)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn workers (2: see server.py)")
    parser.add_argument(
        "--cold-paths", type=int, default=DEFAULT_COLD_PATHS, help="distinct addresses per cold row (20,000)"
    )
    parser.add_argument("--only", help=f"comma-separated pages to measure, of: {', '.join(PAGE_KEYS)}")
    parser.add_argument("--skip-pages", action="store_true", help="measure no pages (no server, no wrk)")
    parser.add_argument("--skip-import", action="store_true", help="do not measure the CSV import")
    parser.add_argument(
        "--skip-relevance", action="store_true", help="do not score search on the relevance set (seed catalog)"
    )
    parser.add_argument("--import-rows", type=int, help="rows in the import CSV (default: --resources)")
    parser.add_argument(
        "--import-timeout",
        type=int,
        default=DEFAULT_IMPORT_TIMEOUT,
        help="stop the import after this many seconds and report it unfinished (240: twice the target)",
    )
    arguments = parser.parse_args(argv)
    if arguments.only:
        arguments.only = {key.strip() for key in arguments.only.split(",") if key.strip()}
        unknown = arguments.only - set(PAGE_KEYS)
        if unknown:
            parser.error(
                f"unknown page(s) for --only: {', '.join(sorted(unknown))}; choose from {', '.join(PAGE_KEYS)}"
            )
    return arguments


def discover_sitemap_files(base_url):
    """The sitemap files to measure: /sitemap.xml itself, or each file it lists if it is an index."""
    from benchmarks.server import fetch

    try:
        status, body = fetch(base_url + "/sitemap.xml", timeout=300)
    except OSError as error:
        log(f"  /sitemap.xml did not answer ({error}): measuring it as it is.")
        return ["/sitemap.xml"]
    if status != 200:
        log(f"  /sitemap.xml answered {status}: measuring it as it is.")
        return ["/sitemap.xml"]
    root = ElementTree.fromstring(body)
    if not root.tag.endswith("sitemapindex"):
        return ["/sitemap.xml"]
    paths = []
    for location in root.iter():
        if location.tag.endswith("loc") and location.text:
            parts = urlsplit(location.text.strip())
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths or ["/sitemap.xml"]


def prepare_data(arguments, database_url, name, reuse):
    """Load (or reuse) the benchmark database; returns (LoadReport or None if reused, set-up seconds)."""
    from benchmarks.database import database_exists
    from benchmarks.load import load_database, migrate

    if reuse and database_exists(database_url, name):
        from benchmarks.database import apply_database_settings
        from resources.models import Resource

        apply_database_settings(database_url, name)
        migrate()
        if Resource.objects.exists():
            log(f"Reusing the loaded database {name} (migrated to the current schema; --keep-database).")
            return None, 0.0
    return load_database(
        database_url, name, resources=arguments.resources, agencies=arguments.agencies, seed=arguments.seed, log=log
    )


def measure_pages(arguments, environment, wrk):
    """Serve the portal and measure every page; returns (rows, notes)."""
    from django.db import connections

    from benchmarks.driver import Measurement, run_wrk, warm_up
    from benchmarks.pages import SiteFacts, build_pages
    from benchmarks.report import FEW_SAMPLES, Row
    from benchmarks.server import Server, collect_static

    notes = []
    started = time.perf_counter()
    log("Collecting static files…")
    collect_static(environment)
    facts = SiteFacts.from_database(random.Random(arguments.seed))
    connections.close_all()
    notes.append(
        f"“{facts.common_word}” (the word in most resources) is in {facts.common_word_share:.0%} of the "
        f"{facts.published_count:,} published resources; the roster lists {facts.public_agency_count:,} agencies."
    )
    rows = []
    load_averages = []
    with Server(environment, workers=arguments.workers) as server:
        log(f"gunicorn is serving on {server.base_url} with {arguments.workers} workers.")
        sitemap_files = (
            discover_sitemap_files(server.base_url) if not arguments.only or "sitemap" in arguments.only else []
        )
        if sitemap_files != ["/sitemap.xml"] and sitemap_files:
            notes.append(f"/sitemap.xml is an index of {len(sitemap_files)} files, each measured.")
        pages = build_pages(
            facts,
            sitemap_files=sitemap_files,
            cold_count=arguments.cold_paths,
            warm_up_count=WARM_UP_PATHS,
            only=arguments.only,
        )
        for page in pages:
            warm = warm_up(
                server.base_url, page.warm_up_paths, seconds=arguments.warm_up, concurrency=arguments.workers
            )
            if warm.failing:
                path, status = next(iter(warm.failing.items()))
                answer = f"answered {status}" if status else "got no answer"
                log(f"  warning: during the warm-up {path} {answer} ({len(warm.failing)} such addresses)")
            if warm.unanswered:
                server.restart()  # the requests it gave up on may still be running
            try:
                measurement = run_wrk(
                    wrk, server.base_url, page.paths, seconds=arguments.duration, connections=arguments.connections
                )
            except RuntimeError as error:
                notes.append(f"{page.name} ({page.mode}): not measured: {error}")
                measurement = Measurement.not_measured()
            rows.append(Row(page, measurement))
            load_averages.append(os.getloadavg()[0])
            log(
                f"  {page.name} ({page.mode}): {measurement.requests_per_second:,.1f} req/s, "
                f"p95 {measurement.p95_ms:,.0f} ms, {measurement.errors} errors "
                f"({(time.perf_counter() - started) / 60:.1f} min)"
            )
            if measurement.requests < FEW_SAMPLES and warm.median_ms is not None:
                notes.append(
                    f"{page.name} ({page.mode}): {measurement.requests} responses in {arguments.duration} s; during "
                    f"the warm-up, {arguments.workers} at a time, a request took {warm.median_ms:,.0f} ms (median of "
                    f"{len(warm.seconds)})."
                )
            # Requests still running may slow the next row: slow ones, or any when too few answered to know.
            if (
                measurement.max_ms > RESTART_AFTER_MAX_MS
                or measurement.timeouts
                or measurement.requests < arguments.connections
            ):
                server.restart()
            else:
                time.sleep(0.5)
    notes.append(
        f"Machine: {os.cpu_count()} cores; 1-minute load average after each row {min(load_averages):.1f} to "
        f"{max(load_averages):.1f} (above {os.cpu_count()}, other processes competed for the cores)."
    )
    return rows, notes


def measure_import(arguments, database_url, import_name, temporary):
    from benchmarks.catalog import Vocabularies
    from benchmarks.database import apply_database_settings, count_rows, create_database
    from benchmarks.environment import production_environment
    from benchmarks.import_csv import run_import, write_import_csv

    rows = arguments.import_rows or arguments.resources
    csv_path = Path(temporary, "import.csv")
    log(f"Writing the {rows:,}-row import CSV…")
    write_import_csv(csv_path, rows, Vocabularies.from_database())
    create_database(database_url, import_name)
    apply_database_settings(database_url, import_name)
    environment, _notes = production_environment(url_for_database(database_url, import_name))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        check=True,
    )
    log(f"Importing {rows:,} rows (stopped after {arguments.import_timeout} s)…")
    return run_import(
        csv_path,
        rows,
        environment,
        timeout_seconds=arguments.import_timeout,
        count_imported=lambda: count_rows(database_url, import_name, "resources_resource"),
    )


def measure_relevance(database_url, relevance_name):
    """The relevance set's score (resources/seed/relevance.json, `manage.py search_relevance`) on the
    seed catalog, in a database of its own: the set's expectations are about the seed's resources.
    Returns the command's summary line."""
    from benchmarks.database import apply_database_settings, create_database
    from benchmarks.environment import production_environment

    create_database(database_url, relevance_name)
    apply_database_settings(database_url, relevance_name)
    environment, _notes = production_environment(url_for_database(database_url, relevance_name))
    base_dir = Path(__file__).resolve().parent.parent

    def manage(*arguments):
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=base_dir,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    log("Scoring search on the relevance set (the seed catalog)…")
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("load_seed", "--verbosity", "0")
    lines = [line for line in manage("search_relevance").splitlines() if line.strip()]
    return "Search relevance (manage.py search_relevance, seed catalog): " + (lines[-1] if lines else "no output")


def main(argv=None):
    arguments = parse_arguments(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    try:
        base_name = parse_postgresql_url(database_url)["NAME"]
        from benchmarks.driver import ensure_wrk

        wrk = None if arguments.skip_pages else ensure_wrk()
    except BenchmarkError as error:
        print(error, file=sys.stderr)
        return 2
    bench_name = arguments.keep_database or f"{base_name}_bench"
    import_name = f"{base_name}_bench_import"
    relevance_name = f"{base_name}_bench_relevance"
    if base_name in (bench_name, import_name):
        print(f"--keep-database {bench_name} is the database DATABASE_URL names; choose another.", file=sys.stderr)
        return 2

    from benchmarks.environment import apply_environment, production_environment

    started = time.perf_counter()
    temporary = tempfile.mkdtemp(prefix="bench-")
    environment, notes = production_environment(
        url_for_database(database_url, bench_name), static_root=Path(temporary, "static")
    )
    notes.append(
        f"PostgreSQL: the benchmark databases have {describe_database_settings()}, as the README advises for "
        "production on SSDs; the server's other settings are its own."
    )
    apply_environment(environment)
    import django

    django.setup()
    from django.db import connections

    from benchmarks.database import drop_database
    from benchmarks.import_csv import IMPORT_ROWS_TARGET, format_import
    from benchmarks.load import describe_counts
    from benchmarks.report import format_table, verdict

    output = []
    failed = False
    try:
        load_report, set_up_seconds = prepare_data(arguments, database_url, bench_name, arguments.keep_database)
        full_size = arguments.resources >= DEFAULT_RESOURCES and arguments.agencies >= DEFAULT_AGENCIES
        if load_report:
            passed = load_report.seconds < LOAD_SECONDS_TARGET
            failed |= full_size and not passed
            output.append(
                f"Data: {arguments.resources:,} resources and {arguments.agencies:,} agencies with pledges loaded in "
                f"{load_report.seconds:.0f} s (target < {LOAD_SECONDS_TARGET} s; creating and migrating the database "
                f"took {set_up_seconds:.0f} s more)  "
                f"{verdict(passed) if full_size else 'not judged: the target is for the full size'}\n"
                f"  {describe_counts(load_report)}\n"
                "  " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in load_report.timings.items())
            )
        else:
            output.append(f"Data: reused the database {bench_name} (--keep-database): the load was not timed.")
        if not arguments.skip_pages:
            rows, page_notes = measure_pages(arguments, environment, wrk)
            failed |= any(row.verdict(rows[0].measurement.requests_per_second) == "FAIL" for row in rows)
            table = format_table(
                rows, connections=arguments.connections, seconds=arguments.duration, workers=arguments.workers
            )
            if not full_size:
                page_notes.append(
                    f"A smaller catalog than issue 6's ({DEFAULT_RESOURCES:,} resources, {DEFAULT_AGENCIES:,} "
                    "agencies), for which the targets are set: PASS and FAIL are indicative only."
                )
            output.append(table + "\n" + "\n".join(notes + page_notes))
        connections.close_all()
        if not arguments.skip_import:
            measurement = measure_import(arguments, database_url, import_name, temporary)
            judged = measurement.rows >= IMPORT_ROWS_TARGET
            failed |= judged and not measurement.passed
            output.append(format_import(measurement, timeout_seconds=arguments.import_timeout, judged=judged))
        if not arguments.skip_relevance:
            output.append(measure_relevance(database_url, relevance_name))
    except BenchmarkError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        connections.close_all()
        drop_database(database_url, import_name)
        drop_database(database_url, relevance_name)
        if not arguments.keep_database:
            drop_database(database_url, bench_name)
        shutil.rmtree(temporary, ignore_errors=True)

    print()
    print("\n\n".join(output))
    print(f"\nmake bench took {(time.perf_counter() - started) / 60:.1f} minutes.")
    if arguments.keep_database:
        print(f"The database {bench_name} is kept (--keep-database).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
