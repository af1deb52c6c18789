"""The benchmark's generators: valid data, distinct addresses that reach the right pages, a CSV the importer takes.

No load test runs here: numbers come from `make bench` only.
"""

import dataclasses
import random
from collections import Counter

import pytest
from django.urls import resolve

from benchmarks import pages
from benchmarks.catalog import ResourceGenerator, Vocabularies
from benchmarks.import_csv import write_import_csv
from benchmarks.load import load_data
from benchmarks.vocabulary import distinct_words
from clearinghouse.one_mind import Practice
from pledges.models import Agency, DeadlineExtension, Pledge, PledgeTransition, PracticeProgress, ProgressReport
from resources.importing import read_resource_csv
from resources.models import RESOLUTION_KIND_SLUG, Resource, ResourceKind

FACTS = pages.SiteFacts(
    published_slugs=[f"resource-{number}" for number in range(3000)],
    published_count=90_000,
    kinds=["report", "model-policy", "resolution", "training"],
    topics=["crisis-intervention-team", "de-escalation", "legislation", "training"],
    audiences=["officers", "leadership", "dispatch"],
    public_agency_slugs=[f"agency-{number}-il" for number in range(3000)],
    public_agency_count=14_000,
    roster_states=["CA", "IL", "TX"],
    roster_words=["Springfield", "Sheriff’s", "County", "University"],
    common_word="training",
    common_word_share=0.9,
    resource_keys=[
        (f"2024-01-01T00:{number // 60 % 60:02}:{number % 60:02}+00:00", f"Resource {number}", number)
        for number in range(3000)
    ],
)
COLD_PAGE_VIEWS = {
    "home": "home",
    "resource": "resources:detail",
    "catalog": "resources:list",
    "filtered": "resources:list",
    "roster": "pledges:roster",
    "search": "resources:list",
    "word": "resources:list",
    "feed": "resources:feed",
    "agency": "pledges:agency",
    "api": "api:resource_list",
    "apideep": "api:resource_list",
}


def view_name(path):
    return resolve(path.split("?")[0]).view_name


@pytest.mark.parametrize(
    ("key", "name", "generator", "_target"), pages.COLD_PAGES, ids=[key for key, *_rest in pages.COLD_PAGES]
)
def test_cold_addresses_are_distinct_and_reach_their_page(key, name, generator, _target):
    paths = generator(FACTS, 2000, random.Random(1))

    assert len(paths) == 2000
    assert len(set(paths)) == len(paths)
    assert {view_name(path) for path in paths} == {COLD_PAGE_VIEWS[key]}


def test_search_rows_search_and_the_common_word_row_searches_that_word():
    search = pages.search_paths(FACTS, 500, random.Random(2))
    common = pages.common_word_paths(FACTS, 500, random.Random(2))

    assert all("q=" in path for path in search)
    assert len({path.split("q=")[1].split("&")[0] for path in search}) >= 14  # a realistic mix of queries
    assert all("q=training" in path for path in common)


def test_each_page_measures_addresses_its_warm_up_did_not_request():
    rows = pages.build_pages(FACTS, sitemap_files=["/sitemap.xml"], cold_count=500, warm_up_count=50)

    cold = [row for row in rows if row.mode == "cold"]
    assert {row.key for row in cold} == {*COLD_PAGE_VIEWS, "sitemap"}
    for row in cold:
        assert not set(row.paths) & set(row.warm_up_paths), row.name
        assert len(set(row.paths)) == len(row.paths), row.name
    assert rows[0].paths == [pages.PLAIN_VIEW_PATH]
    assert {row.key for row in rows if row.mode == "warm"} == {"home", "catalog", "resource", "roster"}


def test_a_small_catalog_still_leaves_unseen_addresses_to_measure():
    few_agencies = dataclasses.replace(FACTS, public_agency_slugs=[f"agency-{number}-il" for number in range(40)])

    rows = pages.build_pages(few_agencies, sitemap_files=[], cold_count=500, warm_up_count=300, only={"agency"})

    agency = rows[1]
    assert len(agency.paths) == 36
    assert len(agency.warm_up_paths) == 4
    assert not set(agency.paths) & set(agency.warm_up_paths)


def test_only_keeps_the_chosen_pages_and_the_plain_view():
    rows = pages.build_pages(
        FACTS, sitemap_files=["/sitemap.xml"], cold_count=10, warm_up_count=2, only={"catalog", "search"}
    )

    assert [(row.key, row.mode) for row in rows] == [
        ("plain", "plain"),
        ("catalog", "cold"),
        ("search", "cold"),
        ("catalog", "warm"),
    ]


def test_sitemap_rows_vary_a_harmless_parameter():
    assert pages.sitemap_file_paths("/sitemap-resources.xml?p=2", 2) == [
        "/sitemap-resources.xml?p=2&v=1",
        "/sitemap-resources.xml?p=2&v=2",
    ]


def test_the_text_is_written_in_thousands_of_distinct_words():
    assert len(distinct_words()) > 3000


@pytest.mark.django_db
def test_generated_resources_are_valid_and_varied():
    generator = ResourceGenerator(random.Random(3), Vocabularies.from_database())

    generated = list(generator.generate(400, first_id=1))

    for item in generated[:60]:
        # Each resource as the admin would validate it (the id and the replacement are not saved here).
        item.resource.superseded_by_id = None
        item.resource.full_clean(exclude=["id"], validate_unique=False)
        assert 1 <= len(item.topic_slugs) <= 3
        assert len(item.audience_slugs) <= 2
        assert len(item.practices) <= 2
        assert set(item.practices) <= set(Practice.values)
    kinds = Counter(item.kind_slug for item in generated)
    assert set(kinds) == set(ResourceKind.objects.values_list("slug", flat=True))
    resolutions = [item.resource for item in generated if item.kind_slug == RESOLUTION_KIND_SLUG]
    assert all(resolution.year_adopted and resolution.sunset_date for resolution in resolutions)
    assert all(len(resolution.identifier.split(".")) == 3 for resolution in resolutions)
    published = sum(item.resource.status == Resource.Status.PUBLISHED for item in generated)
    assert 0.8 < published / len(generated) < 0.97
    assert len({item.resource.slug for item in generated}) == len(generated)


@pytest.mark.django_db
def test_the_loader_writes_valid_resources_agencies_and_pledges():
    report = load_data(resources=120, agencies=60, seed=4, log=lambda message: None, vacuum=False)

    assert report.counts["resources"] == Resource.objects.count() == 120
    assert report.counts["agencies"] == Agency.objects.count() == 60
    for model in (Resource, Agency, Pledge, PracticeProgress, ProgressReport, PledgeTransition, DeadlineExtension):
        for row in model.objects.all()[:80]:
            row.full_clean()
    statuses = Counter(Pledge.objects.values_list("status", flat=True))
    assert statuses[Pledge.Status.APPROVED] > statuses[Pledge.Status.SUBMITTED]
    assert {Pledge.Status.APPROVED, Pledge.Status.COMPLETED} <= set(statuses)
    # As pledge_submit leaves them: four practice rows per pledge, and a submission transition.
    assert PracticeProgress.objects.count() == 4 * Pledge.objects.count()
    assert PledgeTransition.objects.filter(from_status="").count() == Pledge.objects.count()
    for pledge in Pledge.objects.filter(status=Pledge.Status.COMPLETED).prefetch_related("practices"):
        assert pledge.all_practices_verified


@pytest.mark.django_db
def test_the_import_csv_is_accepted_row_by_row_by_the_importer(tmp_path):
    path = tmp_path / "import.csv"

    write_import_csv(path, 80, Vocabularies.from_database())

    rows = read_resource_csv(path.read_text(encoding="utf-8"))
    assert len(rows) == 80
    assert [row.errors for row in rows if row.errors] == []
