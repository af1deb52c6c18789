"""ResourceFilterSet: one line per case, params in, count out (STYLE.md convention 11)."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from resources.filters import ResourceFilterSet, SortOrder
from resources.models import Resource
from tests.resources.factories import (
    AudienceFactory,
    ResolutionFactory,
    ResourceFactory,
    ResourceKindFactory,
    TopicFactory,
)

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def catalog(db):
    """Five published resources, one draft and one archived one, with known facets:

    - Crisis curriculum: report, 2010; topics training, crisis-teams; officers; practice cit.
    - Policy on crisis calls: model policy, 2018; topics policy, crisis-teams; leadership; practice policy.
    - Partnership policy: model policy, 2014; topic policy; officers, leadership; practices policy, partnership.
    - Resolution on courts: resolution adopted 2014 (expired); topic policy.
    - Resolution on training: resolution adopted last year (in force); topic training.
    """
    report = ResourceKindFactory(slug="report", name="Report")
    model_policy = ResourceKindFactory(slug="model-policy", name="Model policy")
    training = TopicFactory(slug="training", name="Training")
    crisis_teams = TopicFactory(slug="crisis-teams", name="Crisis intervention teams")
    policy = TopicFactory(slug="policy", name="Policy")
    # Terms are listed in the vocabulary's order; fix it (the seeded one may have been flushed).
    for sort_order, topic in enumerate([training, crisis_teams, policy]):
        topic.sort_order = sort_order
        topic.save()
    officers = AudienceFactory(slug="officers", name="Officers")
    leadership = AudienceFactory(slug="leadership", name="Leadership")
    resources = {
        "curriculum": ResourceFactory(
            title="Crisis curriculum",
            kind=report,
            topics=[training, crisis_teams],
            audiences=[officers],
            practices=["cit"],
            year_published=2010,
        ),
        "crisis_policy": ResourceFactory(
            title="Policy on crisis calls",
            kind=model_policy,
            topics=[policy, crisis_teams],
            audiences=[leadership],
            practices=["policy"],
            year_published=2018,
        ),
        "partnership_policy": ResourceFactory(
            title="Partnership policy",
            kind=model_policy,
            topics=[policy],
            audiences=[officers, leadership],
            practices=["policy", "partnership"],
            year_published=2014,
        ),
        "expired_resolution": ResolutionFactory(title="Resolution on courts", topics=[policy], year_adopted=2014),
        "current_resolution": ResolutionFactory(
            title="Resolution on training", topics=[training], year_adopted=LAST_YEAR
        ),
        "draft": ResourceFactory(
            title="Draft curriculum", kind=report, topics=[training], status=Resource.Status.DRAFT
        ),
        "archived": ResourceFactory(title="Archived curriculum", kind=report, status=Resource.Status.ARCHIVED),
    }
    return resources


def filter_resources(query_string):
    return ResourceFilterSet(QueryDict(query_string), queryset=Resource.objects.published())


@pytest.mark.parametrize(
    ("query_string", "expected_count"),
    [
        ("", 5),
        ("kind=report", 1),
        ("kind=model-policy", 2),
        ("kind=report&kind=model-policy", 3),
        ("kind=resolution", 2),
        ("topic=policy", 3),
        ("topic=crisis-teams", 2),
        ("topic=policy&topic=training", 5),
        ("audience=officers", 2),
        ("audience=leadership", 2),
        ("audience=officers&audience=leadership", 3),
        ("practice=policy", 2),
        ("practice=cit", 1),
        ("practice=cit&practice=partnership", 2),
        ("practice=mhfa", 0),
        ("year_min=2014", 4),
        ("year_max=2014", 3),
        ("year_min=2014&year_max=2014", 2),
        ("year_min=2015&year_max=2020", 1),
        ("in_force=yes", 1),
        ("in_force=no", 1),
        ("q=curriculum", 1),
        ("q=summary", 5),
        ("q=policy", 3),  # Two by their titles, the resolution on courts by its topic (Policy).
        ("sort=title", 5),
        # Combined: facets AND together, values within a facet OR.
        ("kind=model-policy&topic=policy&audience=officers", 1),
        ("topic=policy&year_min=2015", 1),
        ("topic=policy&kind=resolution&in_force=no", 1),
        ("topic=training&kind=resolution&in_force=no", 0),
        ("practice=policy&audience=leadership&year_max=2014", 1),
        ("q=curriculum&kind=report", 1),
        ("q=curriculum&kind=model-policy", 0),
        ("q=policy&topic=crisis-teams", 1),
        # Invalid values are ignored, never an error page.
        ("kind=no-such-kind", 5),
        ("topic=no-such-topic&kind=report", 1),
        ("practice=no-such-practice", 5),
        ("year_min=abc", 5),
        ("year_min=99999", 5),
        ("year_max=1e400", 5),
        ("year_min=2020&year_max=2010", 1),
        ("in_force=maybe", 5),
        ("sort=sideways", 5),
        ("q=" + "x" * 500, 5),
        ("page=-1&format=rss&unknown=1", 5),
    ],
)
def test_filter_counts(catalog, query_string, expected_count):
    assert filter_resources(query_string).qs.count() == expected_count


def test_drafts_and_archived_resources_never_match(catalog):
    titles = set(filter_resources("q=curriculum").qs.values_list("title", flat=True))
    assert titles == {"Crisis curriculum"}


def test_invalid_values_are_reported_on_the_form(catalog):
    filterset = filter_resources("kind=no-such-kind&year_min=abc&in_force=maybe")
    assert set(filterset.form.errors) == {"kind", "year_min", "in_force"}


def test_a_backwards_year_range_is_reported_and_only_the_start_applies(catalog):
    filterset = filter_resources("year_min=2018&year_max=2010")
    assert "year_max" in filterset.form.errors
    assert set(filterset.qs.values_list("title", flat=True)) == {"Policy on crisis calls", "Resolution on training"}


@pytest.mark.parametrize(
    ("query_string", "expected_titles"),
    [
        ("sort=title", ["Crisis curriculum", "Partnership policy", "Policy on crisis calls"]),
        ("sort=year", ["Policy on crisis calls", "Partnership policy", "Crisis curriculum"]),
    ],
)
def test_sort_orders(catalog, query_string, expected_titles):
    filterset = filter_resources(f"kind=report&kind=model-policy&{query_string}")
    assert list(filterset.qs.values_list("title", flat=True)) == expected_titles


def test_newest_first_by_default_without_a_query(catalog):
    Resource.objects.filter(pk=catalog["curriculum"].pk).update(published_at=timezone.now() + datetime.timedelta(1))
    filterset = filter_resources("")
    assert filterset.sort_order == SortOrder.NEWEST
    assert filterset.qs.first().title == "Crisis curriculum"


def test_best_match_by_default_with_a_query_and_never_without_one(catalog):
    assert filter_resources("q=policy").sort_order == SortOrder.RELEVANCE
    assert filter_resources("sort=relevance").sort_order == SortOrder.NEWEST


def facet_counts(filterset):
    return {facet.param: {option.value: option.count for option in facet.options} for facet in filterset.facets()}


def test_facet_counts_with_no_filter_count_the_whole_catalog(catalog):
    counts = facet_counts(filter_resources(""))
    assert counts["kind"] == {"report": 1, "model-policy": 2, "resolution": 2}
    assert counts["topic"] == {"training": 2, "crisis-teams": 2, "policy": 3}
    assert counts["audience"] == {"officers": 2, "leadership": 2}
    assert counts["practice"] == {"partnership": 1, "policy": 2, "cit": 1}
    assert counts["in_force"] == {"yes": 1, "no": 1}


def test_a_facets_counts_ignore_its_own_selection_but_apply_the_others(catalog):
    counts = facet_counts(filter_resources("topic=policy"))
    # Topic options still show what ticking another topic would add.
    assert counts["topic"] == {"training": 2, "crisis-teams": 2, "policy": 3}
    # Other facets count within the three policy resources; options with no match are left out.
    assert counts["kind"] == {"model-policy": 2, "resolution": 1}
    assert counts["in_force"] == {"no": 1}


def test_selected_options_are_marked_and_kept_even_with_no_match(catalog):
    facets = {facet.param: facet for facet in filter_resources("kind=report&topic=policy").facets()}
    kind_options = {option.value: option for option in facets["kind"].options}
    assert kind_options["report"].selected
    topic_options = {option.value: option for option in facets["topic"].options}
    assert topic_options["policy"].selected
    assert topic_options["policy"].count == 0


def test_facets_cost_one_query_each_whatever_the_catalog_size(catalog, django_assert_max_num_queries):
    filterset = filter_resources("q=policy&topic=policy&kind=model-policy&practice=policy")
    filterset.form.is_valid()  # Validating the chosen terms is the form's cost, counted elsewhere.
    # Three facet counts, and resolving the search: synonyms, compiling, counting matches.
    with django_assert_max_num_queries(6):
        filterset.facets()


@pytest.mark.parametrize(
    ("query_string", "expected_title"),
    [
        ("", "Clearinghouse resources"),
        ("topic=training&topic=crisis-teams", "Clearinghouse resources: Training, Crisis intervention teams"),
        ("kind=report&topic=training", "Clearinghouse resources: Report, Training"),
        ("q=crisis", "Clearinghouse resources matching “crisis”"),
        ("q=crisis&year_min=2010&year_max=2015", "Clearinghouse resources matching “crisis”: from 2010, up to 2015"),
        ("in_force=yes", "Clearinghouse resources: resolutions in force"),
        ("practice=cit", "Clearinghouse resources: One Mind practice “Crisis Intervention Team (CIT) training”"),
        ("topic=no-such-topic", "Clearinghouse resources"),
    ],
)
def test_describe_names_the_filters(catalog, query_string, expected_title):
    assert filter_resources(query_string).describe() == expected_title


def test_active_filters_list_each_value_once(catalog):
    labels = [
        active.label for active in filter_resources("q=crisis&topic=policy&kind=report&year_min=2010").active_filters()
    ]
    assert labels == ["Search: “crisis”", "Kind: Report", "Topic: Policy", "From year: 2010"]
