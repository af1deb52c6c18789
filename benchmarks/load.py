"""Load a database with the benchmark's catalog, agencies and pledges, and keep it for profiling.

    DATABASE_URL=postgres://…/clearinghouse python -m benchmarks.load --database h_bench_data \\
        [--resources 100000] [--agencies 20000] [--seed 2016]

creates (dropping it first if it exists) the database named by --database on DATABASE_URL's
server, migrates it, fills it and runs VACUUM ANALYZE. Run it again to reload, for example
after a migration changed the schema. `make bench` uses `load_database` the same way for its
throwaway database. Settings are production's (benchmarks.environment), as the benchmark's.

Rows are generated in Python (benchmarks.catalog, benchmarks.agencies: one seeded random
stream: the same seed gives the same text, tags and shares; dates are counted back from now) and
written with COPY (benchmarks.database).
"""

import argparse
import contextlib
import itertools
import os
import queue
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial

DEFAULT_RESOURCES = 100_000
DEFAULT_AGENCIES = 20_000
DEFAULT_SEED = 2016
# Resources generated and written per round: bounds memory whatever the catalog size.
RESOURCE_CHUNK = 10_000


@dataclass
class LoadReport:
    """What a load wrote and how long each step took (seconds)."""

    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @property
    def seconds(self):
        return sum(self.timings.values())


def _after_catalog_load(resource_ids):
    """What the COPY bypassed of the catalog's bulk-writer duties (resources.search.documents):
    the facet arrays (the rows came with their search_tags, so the trigger already computed
    their vectors and this update leaves them) and the word list of "did you mean"."""
    from resources.search.documents import refresh_facet_arrays
    from resources.search.suggestions import refresh_search_words

    refresh_facet_arrays()
    refresh_search_words()


def load_catalog(count, *, rng, report, log):
    """Write `count` resources with their topics, audiences and practices; return their ids."""
    from benchmarks.catalog import ResourceGenerator, Vocabularies
    from benchmarks.database import next_id, reset_sequences, write_rows
    from resources.models import Resource, ResourcePractice

    vocabularies = Vocabularies.from_database()
    generator = ResourceGenerator(rng, vocabularies)
    first_id = next_id(Resource)
    TopicLink, AudienceLink = Resource.topics.through, Resource.audiences.through
    chunks = _in_background(_chunks(generator.generate(count, first_id=first_id), RESOURCE_CHUNK))
    resource_ids = []
    links = {"topic links": 0, "audience links": 0, "practice tags": 0}
    started = time.perf_counter()
    # A resource may name a later one as its replacement: foreign keys are checked at commit.
    for generated in chunks:
        write_rows(Resource, (item.resource for item in generated))
        links["topic links"] += write_rows(
            TopicLink,
            (
                TopicLink(resource_id=item.resource.pk, topic_id=vocabularies.topics[slug])
                for item in generated
                for slug in item.topic_slugs
            ),
        )
        links["audience links"] += write_rows(
            AudienceLink,
            (
                AudienceLink(resource_id=item.resource.pk, audience_id=vocabularies.audiences[slug])
                for item in generated
                for slug in item.audience_slugs
            ),
        )
        links["practice tags"] += write_rows(
            ResourcePractice,
            (
                ResourcePractice(resource_id=item.resource.pk, practice=practice)
                for item in generated
                for practice in item.practices
            ),
        )
        resource_ids.extend(item.resource.pk for item in generated)
        log(f"  resources: {len(resource_ids):,} of {count:,} ({time.perf_counter() - started:.0f} s)")
    reset_sequences(Resource)
    report.counts["resources"] = len(resource_ids)
    report.counts.update(links)
    return resource_ids


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _in_background(chunks, depth=2):
    """Iterate `chunks` made by a thread, up to `depth` ahead: Python generates the next chunk while
    PostgreSQL digests the last one (psycopg2 releases the GIL while it waits for the server)."""
    handoff = queue.Queue(maxsize=depth)
    finished = object()

    def produce():
        try:
            for chunk in chunks:
                handoff.put(chunk)
        except BaseException as error:  # handed over, raised in the consumer
            handoff.put(error)
        handoff.put(finished)

    threading.Thread(target=produce, daemon=True, name="generate-resources").start()
    while (item := handoff.get()) is not finished:
        if isinstance(item, BaseException):
            raise item
        yield item


def load_pledges(count, *, rng, report, log):
    """Write `count` agencies with their pledges, practice progress, reports and history."""
    from benchmarks.agencies import PledgeGenerator
    from benchmarks.database import next_id, reset_sequences, write_rows
    from pledges.models import Agency, DeadlineExtension, Pledge, PledgeTransition, PracticeProgress, ProgressReport
    from resources.models import Resource

    policy_ids = list(
        Resource.objects.published().filter(kind__slug="model-policy").order_by("pk").values_list("pk", flat=True)
    )
    generator = PledgeGenerator(rng, policy_resource_ids=policy_ids)
    started = time.perf_counter()
    generated = generator.generate(count, first_agency_id=next_id(Agency), first_pledge_id=next_id(Pledge))
    log(f"  agencies and pledges generated ({time.perf_counter() - started:.0f} s)")
    for name, model, rows in (
        ("agencies", Agency, generated.agencies),
        ("pledges", Pledge, generated.pledges),
        ("practice progress rows", PracticeProgress, generated.progress),
        ("progress reports", ProgressReport, generated.reports),
        ("pledge transitions", PledgeTransition, generated.transitions),
        ("deadline extensions", DeadlineExtension, generated.extensions),
    ):
        report.counts[name] = write_rows(model, rows)
    reset_sequences(Agency, Pledge)
    log(f"  agencies and pledges written ({time.perf_counter() - started:.0f} s)")


@contextlib.contextmanager
def _indexes_rebuilt_after_catalog(log):
    from benchmarks.database import indexes_rebuilt_after
    from resources.models import Resource, ResourcePractice

    with indexes_rebuilt_after(Resource, Resource.topics.through, Resource.audiences.through, ResourcePractice):
        yield
        log("  rebuilding the catalog's indexes…")


@contextlib.contextmanager
def _indexes_rebuilt_after_pledges(log):
    from benchmarks.database import indexes_rebuilt_after
    from pledges.models import Agency, Pledge, PledgeTransition, PracticeProgress, ProgressReport

    with indexes_rebuilt_after(Agency, Pledge, PracticeProgress, ProgressReport, PledgeTransition):
        yield
        log("  rebuilding the pledges' indexes…")


def vacuum_analyze():
    """What autovacuum soon does after a bulk load on a real server: planner statistics, the visibility
    map (index-only scans) and the GIN indexes' pending lists merged. Without it the benchmark would
    measure a state no production catalog stays in for long."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def load_data(*, resources, agencies, seed=DEFAULT_SEED, log=print, vacuum=True):
    """Fill the current (migrated, empty) database; returns a LoadReport. PostgreSQL or not (tests).

    `vacuum=False` skips VACUUM ANALYZE, which cannot run inside a transaction (a test's).
    """
    from django.db import transaction

    from pledges.models import Agency
    from pledges.services.workflow import refresh_roster_entries

    report = LoadReport()
    rng = random.Random(seed)

    started = time.perf_counter()
    log(f"Loading {resources:,} resources…")
    with transaction.atomic(), _indexes_rebuilt_after_catalog(log):
        resource_ids = load_catalog(resources, rng=rng, report=report, log=log)
    report.timings["catalog"] = time.perf_counter() - started

    started = time.perf_counter()
    _after_catalog_load(resource_ids)
    report.timings["after catalog load"] = time.perf_counter() - started

    started = time.perf_counter()
    log(f"Loading {agencies:,} agencies with their pledges…")
    with transaction.atomic(), _indexes_rebuilt_after_pledges(log):
        load_pledges(agencies, rng=rng, report=report, log=log)
    with transaction.atomic():
        # What the workflow's transition() keeps on each agency, in one statement: after the
        # pledges' indexes are back (it looks up each agency's latest public pledge).
        refresh_roster_entries(Agency.objects.all())
    report.timings["agencies and pledges"] = time.perf_counter() - started

    if vacuum:
        started = time.perf_counter()
        log("VACUUM ANALYZE…")
        vacuum_analyze()
        report.timings["vacuum analyze"] = time.perf_counter() - started
    return report


def migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def load_database(database_url, name, *, resources, agencies, seed=DEFAULT_SEED, log=print):
    """Create database `name` on DATABASE_URL's server (replacing it), migrate and fill it.

    Django must be set up with DATABASE_URL pointing at `name` (benchmarks.environment does).
    Returns (LoadReport, seconds taken by CREATE DATABASE and migrate).
    """
    from django.db import connections

    from benchmarks.database import apply_database_settings, create_database

    started = time.perf_counter()
    connections.close_all()
    create_database(database_url, name)
    apply_database_settings(database_url, name)
    migrate()
    set_up_seconds = time.perf_counter() - started
    log(f"Created and migrated the database {name} in {set_up_seconds:.0f} s.")
    return load_data(resources=resources, agencies=agencies, seed=seed, log=log), set_up_seconds


def describe_counts(report):
    return ", ".join(f"{count:,} {name}" for name, count in report.counts.items())


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", required=True, help="the database to create (replaced if it exists), e.g. h_bench_data"
    )
    parser.add_argument("--resources", type=int, default=DEFAULT_RESOURCES, help="resources to create (100,000)")
    parser.add_argument("--agencies", type=int, default=DEFAULT_AGENCIES, help="agencies to create (20,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed: the same seed, the same data")
    return parser.parse_args(argv)


def main(argv=None):
    from benchmarks.database import BenchmarkError, parse_postgresql_url, url_for_database
    from benchmarks.environment import apply_environment, production_environment

    arguments = parse_arguments(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    try:
        base = parse_postgresql_url(database_url)
        if arguments.database == base["NAME"]:
            raise BenchmarkError(
                f"--database {arguments.database} is the database DATABASE_URL names: the loader replaces the "
                "database it loads, so give another name."
            )
        environment, _notes = production_environment(url_for_database(database_url, arguments.database))
        apply_environment(environment)
        import django

        django.setup()
        report, set_up_seconds = load_database(
            database_url,
            arguments.database,
            resources=arguments.resources,
            agencies=arguments.agencies,
            seed=arguments.seed,
            log=partial(print, flush=True),
        )
    except BenchmarkError as error:
        print(error, file=sys.stderr)
        return 2
    print(
        f"\nLoaded {arguments.database} in {report.seconds:.0f} s (plus {set_up_seconds:.0f} s to create and migrate):"
    )
    print(f"  {describe_counts(report)}")
    print("  " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in report.timings.items()))
    print(f"The database {arguments.database} is kept; run this again to reload it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
