"""Page benchmarks: `make bench`, or `python -m benchmarks.run [--size 5000] [--requests 30]`.

Builds a throwaway database with Django's test-database machinery (migrations
included), fills it at a realistic scale, then requests each page with the Django
test client: the median and 95th-percentile latency over --requests requests, and
the number of SQL queries one request makes and the time the database took for
them ("SQL ms", the median over five more requests). No network is needed.

The database is whatever the settings select: SQLite by default (a throwaway file,
var/bench.sqlite3), PostgreSQL when DATABASE_URL is set (a throwaway database named
bench_<name>). It is created at the start and dropped at the end.

`--slowest 3` also prints each page's three slowest SQL statements.

Adding pages: a suite is a module with `populate(size)` that creates its rows and
returns a list of benchmarks.cases.Case; list the module in SUITES below (for
example "benchmarks.pledges" for the roster and agency pages).
"""

import argparse
import importlib
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass

SUITES = ["benchmarks.catalog"]
WARM_UP_REQUESTS = 2
SQL_SAMPLE_REQUESTS = 5


@dataclass
class Measurement:
    name: str
    path: str
    status: int
    queries: int
    sql_ms: float
    median_ms: float
    p95_ms: float
    kilobytes: float
    slowest_queries: list


SLOWEST_SQL_CHARACTERS = 300


def nearest_rank_percentile(samples, percentile):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(percentile / 100 * len(ordered)) - 1)]


def measure(client, case, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP_REQUESTS):
        client.get(case.path)
    # The database time of a few requests, apart from the timed ones (logging queries costs a little).
    sql_samples = []
    for _ in range(SQL_SAMPLE_REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(case.path)
        # Copy now: captured_queries is a view of the connection's log, which the next request clears.
        sql_samples.append(list(captured.captured_queries))
    queries = sql_samples[0]
    query_count = len(queries)
    sql_ms = statistics.median(sum(float(query["time"]) for query in sample) * 1000 for sample in sql_samples)
    slowest_queries = sorted(queries, key=lambda query: float(query["time"]), reverse=True)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(case.path)
        timings.append((time.perf_counter() - started) * 1000)
    return Measurement(
        name=case.name,
        path=case.path,
        status=response.status_code,
        queries=query_count,
        sql_ms=sql_ms,
        median_ms=statistics.median(timings),
        p95_ms=nearest_rank_percentile(timings, 95),
        kilobytes=len(response.content) / 1024,
        slowest_queries=slowest_queries,
    )


def print_table(measurements, heading):
    print(heading)
    name_width = max(len("page"), *(len(m.name) for m in measurements))
    print(f"{'page':<{name_width}}  status  queries  SQL ms  median ms  p95 ms    KB  path")
    for m in measurements:
        print(
            f"{m.name:<{name_width}}  {m.status:>6}  {m.queries:>7}  {m.sql_ms:>6.1f}"
            f"  {m.median_ms:>9.1f}  {m.p95_ms:>6.1f}  {m.kilobytes:>4.0f}  {m.path}"
        )


def print_slowest_queries(measurements, count):
    for m in measurements:
        print(f"\n{m.name}: the {min(count, len(m.slowest_queries))} slowest of {m.queries} queries")
        for query in m.slowest_queries[:count]:
            sql = " ".join(query["sql"].split())
            print(f"  {float(query['time']) * 1000:7.1f} ms  {sql[:SLOWEST_SQL_CHARACTERS]}")


def use_throwaway_database():
    """Point the test-database machinery at a database named for the benchmark, never the real one."""
    from django.conf import settings
    from django.db import connection

    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(settings.BASE_DIR / "var" / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    return test_settings["NAME"]


def database_description(connection):
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="rows each suite creates (the catalog: resources)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--slowest", type=int, default=0, metavar="N", help="also print each page's N slowest queries")
    return parser.parse_args(argv)


def main(argv=None):
    arguments = parse_arguments(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
    # Development settings need no secrets; DEBUG itself is turned off below, as in production.
    os.environ.setdefault("DEBUG", "1")

    import django

    django.setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    setup_test_environment(debug=False)
    database_name = use_throwaway_database()
    print(f"Creating the throwaway database {database_name} (migrations included)…", file=sys.stderr)
    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set())
    try:
        cases = []
        for suite_name in SUITES:
            started = time.perf_counter()
            suite_cases = importlib.import_module(suite_name).populate(arguments.size)
            elapsed = time.perf_counter() - started
            print(f"{suite_name}: {arguments.size:,} rows created in {elapsed:.1f} s", file=sys.stderr)
            cases.extend(suite_cases)

        if connection.vendor == "postgresql":
            # What autovacuum soon does after a bulk load on a real server: planner statistics
            # (ANALYZE), the visibility map that lets index-only scans skip the table, and the
            # GIN indexes' pending lists merged into the indexes (VACUUM). Without it the
            # benchmark would measure a state no production catalog stays in for long.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

        # A page that raises is reported as its 500 rather than ending the run.
        client = Client(raise_request_exception=False)
        measurements = [measure(client, case, arguments.requests) for case in cases]
        heading = (
            f"\n{arguments.size:,} rows per suite on {database_description(connection)}, "
            f"{arguments.requests} requests per page, DEBUG off\n"
        )
        print_table(measurements, heading)
        if arguments.slowest:
            print_slowest_queries(measurements, arguments.slowest)
    finally:
        teardown_databases(old_config, verbosity=0)
        teardown_test_environment()

    failed = [m for m in measurements if m.status != 200]
    if failed:
        print(f"\n{len(failed)} page(s) did not answer 200: {', '.join(m.name for m in failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
