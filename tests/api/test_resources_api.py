"""/api/v1/resources/: the catalog page's FilterSet and results, keyset pages, errors, caching, CORS, limits."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle

from clearinghouse import content_versions
from resources.models import Resource
from tests.resources.factories import (
    AudienceFactory,
    ResolutionFactory,
    ResourceFactory,
    ResourceKindFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:resource_list")
CATALOG_URL = reverse("resources:list")


@pytest.fixture
def catalog():
    """Published resources across kinds, topics, audiences, practices and years; a draft and an archived one."""
    training = TopicFactory(slug="training", name="Training")
    policy_topic = TopicFactory(slug="policy-topic", name="Policy topic")
    officers = AudienceFactory(slug="officers", name="Officers")
    policy = ResourceKindFactory(slug="model-policy", name="Model policy")
    today = timezone.localdate()
    ResourceFactory(
        title="Crisis intervention team curriculum",
        year_published=2016,
        topics=[training],
        practices=["cit"],
        audiences=[officers],
    )
    ResourceFactory(title="CIT program evaluation", year_published=2014, topics=[training], practices=["cit"])
    ResourceFactory(title="Mental health first aid guide", year_published=2019, practices=["mhfa"])
    ResourceFactory(
        title="Model policy on crisis response",
        kind=policy,
        year_published=2018,
        topics=[policy_topic],
        practices=["policy"],
    )
    ResourceFactory(title="Undated community partnership note", year_published=None, practices=["partnership"])
    ResourceFactory(title="Another undated note", year_published=None, topics=[training])
    ResolutionFactory(title="Resolution in force", year_adopted=today.year - 1)
    ResolutionFactory(title="Resolution expired", year_adopted=2000)
    ResourceFactory(title="Draft about crisis training", status=Resource.Status.DRAFT, topics=[training])
    ResourceFactory(title="Archived crisis report", status=Resource.Status.ARCHIVED, topics=[training])


def fetch_all(client, query, page_size=2):
    """Every record of a list, following `next` from page to page."""
    response = client.get(LIST_URL, {**query, "page_size": page_size})
    assert response.status_code == 200, response.content
    records = list(response.json()["results"])
    count = response.json()["count"]
    while response.json()["next"]:
        response = client.get(response.json()["next"])
        assert response.status_code == 200, response.content
        records += response.json()["results"]
    return count, records


def html_slugs(client, query):
    """The slugs of the catalog page's results (one page of up to 20: the fixture has fewer)."""
    response = client.get(CATALOG_URL, query)
    return [resource.slug for resource in response.context["resources"]]


QUERIES = [
    {},
    {"topic": "training"},
    {"topic": ["training", "policy-topic"]},
    {"kind": "model-policy"},
    {"kind": ["model-policy", "resolution"]},
    {"audience": "officers"},
    {"practice": "cit"},
    {"practice": ["cit", "mhfa"]},
    {"year_min": 2015},
    {"year_max": 2016},
    {"year_min": 2015, "year_max": 2018},
    {"in_force": "yes"},
    {"in_force": "no"},
    {"sort": "title"},
    {"sort": "year"},
    {"sort": "newest"},
    {"q": "crisis"},
    {"q": "crisis", "sort": "title"},
    {"q": "cit"},
    {"q": "crisis", "topic": "training"},
    {"practice": "cit", "year_min": 2015},
]


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_the_api_lists_what_the_catalog_page_shows_in_the_same_order(client, catalog, query):
    count, records = fetch_all(client, query)
    expected = html_slugs(client, query)
    assert [record["slug"] for record in records] == expected
    assert count == len(expected)


@pytest.mark.parametrize(
    ("query", "expected_count"),
    [
        ({}, 8),
        ({"topic": "training"}, 3),
        ({"kind": "resolution"}, 2),
        ({"audience": "officers"}, 1),
        ({"practice": "cit"}, 2),
        ({"year_min": 2015}, 4),  # 2016, 2018, 2019 and the resolution adopted last year
        ({"in_force": "yes"}, 1),
        ({"in_force": "no"}, 1),
        ({"practice": "cit", "year_min": 2015}, 1),
    ],
    ids=str,
)
def test_filters(client, catalog, query, expected_count):
    count, records = fetch_all(client, query, page_size=50)
    assert count == len(records) == expected_count


def test_drafts_and_archived_resources_never_appear(client, catalog):
    _count, records = fetch_all(client, {"q": "crisis"}, page_size=50)
    titles = {record["title"] for record in records}
    assert "Draft about crisis training" not in titles
    assert "Archived crisis report" not in titles
    draft = Resource.objects.get(title="Draft about crisis training")
    assert client.get(reverse("api:resource_detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("api:resource_detail", args=["no-such-resource"])).json() == {
        "detail": "No published resource has this slug."
    }


def test_a_resource_names_its_published_replacement_only(client, db):
    draft_replacement = ResourceFactory(title="Draft replacement", status=Resource.Status.DRAFT)
    replaced = ResourceFactory(title="Old", superseded_by=draft_replacement)
    assert client.get(reverse("api:resource_detail", args=[replaced.slug])).json()["superseded_by"] is None
    published_replacement = ResourceFactory(title="New")
    replaced.superseded_by = published_replacement
    replaced.save()
    assert client.get(reverse("api:resource_detail", args=[replaced.slug])).json()["superseded_by"] == "new"


def test_a_resource_record_carries_its_public_fields(client, db):
    training = TopicFactory(slug="training", name="Training")
    resolution = ResolutionFactory(
        title="Resolution in force",
        year_adopted=timezone.localdate().year,
        identifier="NDD.028.a07",
        topics=[training],
        practices=["cit", "policy"],
        partners="NAMI\nIACP",
    )
    record = client.get(reverse("api:resource_detail", args=[resolution.slug])).json()
    assert record["url"] == f"http://testserver/resources/{resolution.slug}/"
    assert record["kind"] == "resolution"
    assert record["topics"] == ["training"]
    assert sorted(record["practices"]) == ["cit", "policy"]
    assert record["partners"] == ["NAMI", "IACP"]
    assert record["in_force"] is True
    assert record["sunset_date"] == datetime.date(timezone.localdate().year + 5, 12, 31).isoformat()
    assert record["file_url"] is None
    assert record["file_type"] is None
    assert record["external_url"] == f"https://example.org/{resolution.slug}"
    assert {"created_at", "updated_at", "published_at", "identifier"} <= set(record)
    assert "status" not in record
    assert "search_tags" not in record


@pytest.mark.parametrize("sort", ["newest", "year", "title"])
def test_cursor_pages_neither_skip_nor_repeat_when_keys_tie(client, db, sort):
    # Same titles and years (some missing): only the pk tells them apart.
    for number, year in enumerate((2020, 2020, None, None, 2019) * 2):
        ResourceFactory(title="Same title", slug=f"same-{number}", year_published=year)
    _count, one_by_one = fetch_all(client, {"sort": sort}, page_size=1)
    _count, all_at_once = fetch_all(client, {"sort": sort}, page_size=200)
    assert [record["slug"] for record in one_by_one] == [record["slug"] for record in all_at_once]
    assert len({record["slug"] for record in one_by_one}) == 10
    if sort == "year":  # Resources without a year come last, as on the catalog page.
        assert [record["year_published"] for record in one_by_one][-4:] == [None] * 4


def test_the_list_costs_the_same_queries_whatever_the_page_size(client, db):
    topic = TopicFactory(slug="training", name="Training")
    audience = AudienceFactory(slug="officers", name="Officers")
    for number in range(30):
        ResourceFactory(title=f"Resource {number}", topics=[topic], audiences=[audience], practices=["cit"])

    def queries_for(page_size, **query):
        cache.clear()
        content_versions.forget_versions()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST_URL, {"page_size": page_size, **query}).status_code == 200
        return len(queries)

    for query in ({}, {"topic": "training"}, {"sort": "title"}, {"q": "resource"}):
        small, large = queries_for(1, **query), queries_for(30, **query)
        assert small == large, query
        assert large <= 12, query


def test_a_deep_cursor_page_costs_the_same_queries_as_the_first(client, db, django_assert_max_num_queries):
    for number in range(12):
        ResourceFactory(title=f"Resource {number:02}")
    first = client.get(LIST_URL, {"page_size": 2, "sort": "title"}).json()
    cursor_url = first["next"]
    for _page in range(4):
        cursor_url = client.get(cursor_url).json()["next"]
    cache.clear()
    content_versions.forget_versions()
    with django_assert_max_num_queries(12):
        deep = client.get(cursor_url).json()
    assert [record["title"] for record in deep["results"]] == ["Resource 10", "Resource 11"]
    assert deep["next"] is None


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"year_min": "abc"}, "year_min"),
        ({"year_min": "1200"}, "year_min"),
        ({"year_min": "2020", "year_max": "2010"}, "year_max"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"kind": "no-such-kind"}, "kind"),
        ({"practice": "juggling"}, "practice"),
        ({"in_force": "maybe"}, "in_force"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 201}, "q"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "²"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJvcmRlciI6InRpdGxlIiwiYWZ0ZXIiOlsiYSIsMV19", "sort": "newest"}, "cursor"),  # a title cursor
        ({"cursor": "eyJvcmRlciI6InRpdGxlIiwiYWZ0ZXIiOlsiYSIsMWU5OV19", "sort": "title"}, "cursor"),  # huge pk
        ({"topics": "training"}, "topics"),  # a typo: not silently the whole catalog
    ],
    ids=str,
)
def test_a_bad_parameter_is_a_400_naming_it(client, catalog, query, parameter):
    response = client.get(LIST_URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert parameter in body["errors"], body
    assert parameter in body["detail"]


def test_control_characters_in_a_search_are_cleaned_as_on_the_catalog_page(client, catalog):
    """The search box drops control characters (decision 0016); the API shares its FilterSet."""
    response = client.get(LIST_URL, {"q": "crisis\x00\x0c"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert "Crisis intervention team curriculum" in [item["title"] for item in results]
    assert results == client.get(LIST_URL, {"q": "crisis"}).json()["results"]


def test_answers_carry_validators_and_unchanged_ones_are_304(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # Committed changes raise the catalog's version.
        ResourceFactory(title="Something old")
    response = client.get(LIST_URL)
    assert response["Cache-Control"] == "public, max-age=300"
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get(LIST_URL, headers={"if-none-match": etag}).status_code == 304
    assert client.get(LIST_URL, headers={"if-modified-since": last_modified}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        ResourceFactory(title="Something new")
    content_versions.forget_versions()
    changed = client.get(LIST_URL, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["count"] == 2


def test_cors_allows_get_from_any_origin_on_the_api_only(client, catalog):
    response = client.get(LIST_URL, headers={"origin": "https://research.example.edu"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        LIST_URL, headers={"origin": "https://research.example.edu", "access-control-request-method": "GET"}
    )
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    page = client.get(CATALOG_URL, headers={"origin": "https://research.example.edu"})
    assert "Access-Control-Allow-Origin" not in page


def test_unknown_and_invalid_parameters_are_reported_together(client, catalog):
    errors = client.get(LIST_URL, {"topics": "training", "year_min": "abc"}).json()["errors"]
    assert set(errors) == {"topics", "year_min"}
    assert client.get(reverse("api:kind_list"), {"x": "1"}).json()["errors"] == {
        "x": ["Unknown parameter. This endpoint takes: no parameters."]
    }


def test_writes_are_refused(client, catalog):
    response = client.post(LIST_URL, {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "POST" not allowed.'


def test_anonymous_clients_past_the_limit_get_429_with_retry_after(client, catalog, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    # Distinct addresses: answers served from the page cache are not counted.
    statuses = [client.get(LIST_URL, {"page_size": size}).status_code for size in (1, 2, 3)]
    assert statuses == [200, 200, 200]
    refused = client.get(LIST_URL, {"page_size": 4})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.json()["detail"]


def test_vocabularies_count_published_resources(client, catalog):
    topics = {term["slug"]: term["published_resources"] for term in client.get(reverse("api:topic_list")).json()}
    assert topics["training"] == 3  # not the draft nor the archived one
    kinds = {term["slug"]: term["published_resources"] for term in client.get(reverse("api:kind_list")).json()}
    assert kinds["resolution"] == 2
    assert kinds["model-policy"] == 1
    audiences = {term["slug"]: term["published_resources"] for term in client.get(reverse("api:audience_list")).json()}
    assert audiences["officers"] == 1
    practices = {term["slug"]: term["published_resources"] for term in client.get(reverse("api:practice_list")).json()}
    assert practices == {"partnership": 1, "policy": 1, "mhfa": 1, "cit": 2}


def test_the_benchmarks_deep_pages_start_after_their_resource(client, catalog):
    import random

    from benchmarks.pages import SiteFacts, api_deep_page_paths

    facts = SiteFacts.from_database(random.Random(1))
    newest_first = [record["slug"] for record in fetch_all(client, {}, page_size=50)[1]]
    paths = api_deep_page_paths(facts, 3, random.Random(1))
    for path, (_published_at, _title, pk) in zip(paths, facts.resource_keys[:3], strict=True):
        after = Resource.objects.get(pk=pk).slug
        page = client.get(path).json()["results"]
        assert [record["slug"] for record in page] == newest_first[newest_first.index(after) + 1 :][:50]
