"""Curated search synonyms: what curators may enter, the admin, how a query is expanded, what search finds."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from resources.models import Resource, SearchSynonym
from resources.search import prepare_search, search_resources
from resources.search.query import Term, TermGroup, parse_search_query
from resources.search.synonyms import build_synonym_index, expand_synonyms, load_synonyms
from tests.migration_data import run_data_migration
from tests.resources.factories import ResourceFactory, ensure_curators_group, ensure_seeded_synonyms

INDEX = build_synonym_index(
    (
        "CIT, crisis intervention team",
        "MHFA, mental health first aid",
        "MOU, memorandum of understanding",
        "stats\nstatistics",
    )
)


def expand(query, index=INDEX):
    return expand_synonyms(parse_search_query(query), index)


def group(*typed, synonyms=()):
    return TermGroup(tuple(Term(text) for text in typed), tuple(Term(text) for text in synonyms))


def titles(query):
    results = search_resources(Resource.objects.published(), query).order_by("-search_rank", "title")
    return [resource.title for resource in results]


# --- What a query becomes ------------------------------------------------------------------


@pytest.mark.parametrize("query", ["CIT", "cit", "(CIT)"])
def test_an_abbreviation_gets_its_spelled_out_equivalent(query):
    assert expand(query).groups == (group("cit", synonyms=["crisis intervention team"]),)


def test_the_spelled_out_term_typed_word_by_word_becomes_one_phrase_with_the_abbreviation():
    parsed = expand("mental health first aid training")

    assert parsed.groups == (group("mental health first aid", synonyms=["mhfa"]), group("training"))
    assert parsed.text == "mental health first aid training"  # What the page shows and highlights.


def test_a_quoted_phrase_is_recognised_too():
    assert expand('"crisis intervention team" policy').groups == (
        group("crisis intervention team", synonyms=["cit"]),
        group("policy"),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("crisis intervention teams", group("crisis intervention teams", synonyms=["cit"])),
        ("MOUs", group("mous", synonyms=["memorandum of understanding"])),
        ("statistics", group("statistics", synonyms=["stats"])),
    ],
)
def test_a_final_s_does_not_matter(query, expected):
    assert expand(query).groups == (expected,)


def test_alternatives_joined_by_or_each_get_their_equivalents():
    assert expand("CIT or MHFA").groups == (
        group("cit", "mhfa", synonyms=["crisis intervention team", "mental health first aid"]),
    )


def test_an_excluded_term_excludes_its_equivalents_too():
    parsed = expand("training -CIT")

    assert parsed.groups == (group("training"),)
    assert parsed.excluded == (Term("cit"), Term("crisis intervention team"))


@pytest.mark.parametrize("query", ["mental health", "crisis intervention", "mental or health first aid", "citation"])
def test_part_of_a_term_or_a_longer_word_is_left_alone(query):
    parsed = parse_search_query(query)
    assert expand(query) == parsed


def test_rows_a_search_could_never_match_are_skipped():
    index = build_synonym_index(('"quoted", CIT', "lonely", "988, suicide and crisis lifeline"))

    assert expand("quoted", index).groups == (group("quoted"),)
    assert expand("CIT", index).groups == (group("cit"),)
    assert expand("988", index).groups == (group("988", synonyms=["suicide and crisis lifeline"]),)


# --- What search finds, on every database ----------------------------------------------------


@pytest.mark.django_db
def test_an_abbreviation_finds_the_spelled_out_term_and_the_other_way_round():
    ensure_seeded_synonyms()
    ResourceFactory(title="Crisis intervention team programs")
    ResourceFactory(title="Starting a CIT in a rural county")
    ResourceFactory(title="Officer wellness")

    expected = ["Crisis intervention team programs", "Starting a CIT in a rural county"]
    assert sorted(titles("CIT")) == expected
    assert sorted(titles("crisis intervention team")) == expected


@pytest.mark.django_db
def test_a_multi_word_synonym_typed_word_by_word_finds_the_abbreviation():
    ensure_seeded_synonyms()
    ResourceFactory(title="MHFA course for dispatchers", summary="Training for call takers.")
    ResourceFactory(title="Wellness for patrol officers", summary="Peer support.")

    assert titles("mental health first aid training") == ["MHFA course for dispatchers"]


@pytest.mark.django_db
def test_an_edit_in_the_admin_applies_to_the_next_search():
    ResourceFactory(title="Peer support for officers")
    assert titles("counseling") == []

    synonym = SearchSynonym.objects.create(terms="counseling, peer support")
    assert titles("counseling") == ["Peer support for officers"]

    synonym.terms = "counseling, therapy"
    synonym.save()
    assert titles("counseling") == []

    synonym.terms = "counseling, peer support"
    synonym.save()
    synonym.delete()
    assert titles("counseling") == []


@pytest.mark.django_db
def test_the_synonyms_cost_one_query_per_search(django_assert_num_queries):
    ensure_seeded_synonyms()
    with django_assert_num_queries(1):
        load_synonyms()
    # The index is built once per process for the same rows.
    assert load_synonyms() is load_synonyms()
    assert prepare_search(Resource.objects.published(), "CIT").parsed.groups[0].synonyms


# --- What curators may enter -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("Memphis model", "Give at least two terms that mean the same."),
        ("Memphis model, , crisis model", "One of the terms is empty: remove the extra comma or blank line."),
        ("Memphis model, memphis MODEL", "“memphis MODEL” is listed twice."),
        ("memphis model, memphis models", "“memphis model” and “memphis models” are the same to search"),
        ('"Memphis model", crisis model', "leave out quotation marks"),
        ("-Memphis, crisis model", "a term cannot start with “-”"),
        ("Memphis or Chicago, crisis model", "“or” separates alternatives in a search"),
        ("Memphis model, ...", "“...” has no word a search could match."),
    ],
)
def test_invalid_synonyms_are_refused_with_the_reason(terms, message):
    with pytest.raises(ValidationError) as error:
        SearchSynonym(terms=terms).full_clean()
    assert any(message in text for text in error.value.message_dict["terms"])


@pytest.mark.django_db
def test_a_term_already_in_another_set_is_refused_naming_that_set():
    existing = SearchSynonym.objects.create(terms="Memphis model, crisis intervention model")

    with pytest.raises(ValidationError) as error:
        SearchSynonym(terms="memphis MODEL, CIT model").full_clean()

    assert error.value.message_dict["terms"] == [
        "“memphis MODEL” is already in the synonyms “Memphis model, crisis intervention model”: "
        "add these terms there instead."
    ]
    existing.terms = "Memphis model, crisis intervention model, CIT model\n"
    existing.full_clean()  # Editing the set itself is no conflict; a final newline is fine.


@pytest.mark.django_db
def test_the_seeded_synonyms_cover_the_fields_abbreviations_and_leave_out_ambiguous_ones():
    ensure_seeded_synonyms()
    index = load_synonyms()

    for abbreviation, meaning in [
        ("cit", "crisis intervention team"),
        ("crit", "crisis response and intervention training"),
        ("mhfa", "mental health first aid"),
        ("aot", "assisted outpatient treatment"),
        ("988", "suicide and crisis lifeline"),
        ("sim", "sequential intercept model"),
        ("co-responder", "co-responder team"),
        ("stats", "statistics"),
        ("samhsa", "substance abuse and mental health services administration"),
        ("deescalation", "de-escalation"),
        ("mou", "memorandum of understanding"),
        ("exds", "excited delirium"),
    ]:
        assert Term(meaning) in index.equivalents(Term(abbreviation)), abbreviation
    assert index.equivalents(Term("ed")) == ()  # Also "emergency department".
    for synonym in SearchSynonym.objects.all():
        synonym.full_clean()  # Every seeded set is one curators could have entered.


@pytest.mark.django_db
def test_seeding_again_adds_nothing_and_keeps_curators_edits():
    ensure_seeded_synonyms()
    count = SearchSynonym.objects.count()
    cit = SearchSynonym.objects.get(terms__startswith="CIT,")
    cit.terms = "CIT, crisis intervention team, Memphis model"
    cit.save()

    run_data_migration("resources.migrations.0008_search_synonyms", "seed_synonyms")

    assert SearchSynonym.objects.count() == count
    cit.refresh_from_db()
    assert cit.terms == "CIT, crisis intervention team, Memphis model"


# --- The admin -------------------------------------------------------------------------------


@pytest.fixture
def curator_client(client, django_user_model):
    curator = django_user_model.objects.create_user("curator", password="not-used-here", is_staff=True)
    curator.groups.add(ensure_curators_group())
    client.force_login(curator)
    return client


@pytest.mark.django_db
def test_curators_may_manage_synonyms():
    codenames = set(ensure_curators_group().permissions.values_list("codename", flat=True))
    assert {"add_searchsynonym", "change_searchsynonym", "delete_searchsynonym", "view_searchsynonym"} <= codenames
    assert not Permission.objects.filter(group__name="Curators", codename__endswith="searchword").exists()


@pytest.mark.django_db
def test_a_curator_lists_searches_and_adds_synonyms_in_the_admin(curator_client):
    ensure_seeded_synonyms()
    changelist = reverse("admin:resources_searchsynonym_changelist")

    page = curator_client.get(changelist, {"q": "intervention"}).content.decode()
    assert "CIT, crisis intervention team" in page
    assert "Searches the terms and the notes." in page

    response = curator_client.post(
        reverse("admin:resources_searchsynonym_add"),
        {"terms": "Memphis model\ncrisis intervention model", "note": "The program's origin."},
    )
    assert response.status_code == 302
    assert SearchSynonym.objects.filter(terms="Memphis model\ncrisis intervention model").exists()


@pytest.mark.django_db
def test_the_admin_explains_a_refused_synonym(curator_client):
    response = curator_client.post(reverse("admin:resources_searchsynonym_add"), {"terms": "Memphis model", "note": ""})

    assert response.status_code == 200
    assert "Give at least two terms that mean the same." in response.content.decode()
    assert not SearchSynonym.objects.filter(terms="Memphis model").exists()
