"""The search selector: full-text search with ranking, snippets and a typo fallback on PostgreSQL,
a simpler match on SQLite, and HTML-safe snippets on both."""

import pytest
from django.db import connection
from django.http import QueryDict

from clearinghouse.one_mind import Practice
from resources.filters import ResourceFilterSet
from resources.models import Resource, ResourcePractice
from resources.search import (
    attach_search_snippets,
    highlight_terms,
    parse_search_terms,
    prepare_search,
    search_resources,
    search_snippet,
)
from resources.search.base import MatchMode
from tests.resources.factories import AudienceFactory, ResourceFactory, ResourceKindFactory, TopicFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


def search(query):
    return search_resources(Resource.objects.published(), query).order_by("-search_rank", "title")


def highlighted(query):
    """The results for `query` with the database's highlighted passages, as a page of results gets them."""
    prepared = prepare_search(Resource.objects.published(), query)
    return prepared.with_headlines(prepared.apply(Resource.objects.published()))


def titles(queryset):
    return [resource.title for resource in queryset]


# --- On every database -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_query_returns_everything_unchanged():
    ResourceFactory.create_batch(2)
    assert search_resources(Resource.objects.all(), "   ").count() == 2


@pytest.mark.django_db
def test_every_word_must_match_when_enough_resources_do():
    for place in ("Ohio", "Utah", "Iowa"):
        ResourceFactory(title=f"Mobile crisis teams in {place}", summary="Clinicians respond with officers.")
    ResourceFactory(title="Mobile data terminals", summary="Laptops in patrol cars.")
    assert sorted(titles(search("mobile crisis"))) == [
        "Mobile crisis teams in Iowa",
        "Mobile crisis teams in Ohio",
        "Mobile crisis teams in Utah",
    ]


@postgresql_only
@pytest.mark.django_db
def test_too_few_matches_for_every_word_add_those_matching_most_words_ranked_after():
    # Not "mobile crisis": that is a curated synonym, searched as one phrase.
    ResourceFactory(title="Mobile outreach teams", summary="Clinicians respond with officers.")
    ResourceFactory(title="Mobile data terminals", summary="Laptops in patrol cars.")
    ResourceFactory(title="Officer wellness", summary="Peer support.")
    prepared = prepare_search(Resource.objects.published(), "mobile outreach")
    assert prepared.mode == MatchMode.MOST_WORDS
    assert prepared.full_match_count == 1
    assert titles(search("mobile outreach")) == ["Mobile outreach teams", "Mobile data terminals"]


@postgresql_only
@pytest.mark.django_db
def test_most_words_means_a_majority_of_three_or_more():
    ResourceFactory(title="Crisis lines for rural veterans")
    ResourceFactory(title="Crisis lines", summary="In cities.")
    ResourceFactory(title="Rural policing")
    assert titles(search("crisis lines rural")) == ["Crisis lines for rural veterans", "Crisis lines"]


@pytest.mark.django_db
def test_search_is_case_insensitive():
    ResourceFactory(title="Naloxone for patrol officers")
    assert titles(search("NALOXONE")) == ["Naloxone for patrol officers"]


@pytest.mark.django_db
def test_a_title_match_outranks_a_body_match():
    ResourceFactory(title="Dispatch protocols", summary="For call takers.", body="Naloxone is mentioned here.")
    ResourceFactory(title="Naloxone programs", summary="For call takers.", body="Nothing else.")
    ResourceFactory(title="Naloxone and more", summary="Naloxone, again.", body="Naloxone, and naloxone.")
    ranked = titles(search("naloxone"))
    assert ranked.index("Naloxone programs") < ranked.index("Dispatch protocols")
    assert ranked.index("Naloxone and more") < ranked.index("Dispatch protocols")


@pytest.mark.django_db
def test_a_summary_match_outranks_a_body_match():
    ResourceFactory(title="Guide one", summary="About diversion programs.", body="")
    ResourceFactory(title="Guide two", summary="About other things.", body="Diversion appears in the body.")
    assert titles(search("diversion")) == ["Guide one", "Guide two"]


@pytest.mark.django_db
def test_excluded_words_are_left_out():
    ResourceFactory(title="Opioid overdose response")
    ResourceFactory(title="Opioid prescribing and heroin")
    assert titles(search("opioid -heroin")) == ["Opioid overdose response"]


@pytest.mark.django_db
def test_a_quoted_phrase_must_appear_as_written():
    ResourceFactory(title="Mental health courts", summary="Specialised dockets.")
    ResourceFactory(title="Courts and mental illness", summary="Health of the court system.")
    assert titles(search('"mental health courts"')) == ["Mental health courts"]


@pytest.mark.django_db
def test_snippets_of_hostile_text_are_escaped_and_highlighted():
    ResourceFactory(
        title="<script>alert('title')</script> Crisis lines",
        summary="<script>alert('summary')</script> Crisis <b>lines</b> & 988 <img src=x onerror=alert(1)>",
    )
    resource = search("crisis").get()
    snippet = search_snippet(resource, "crisis")
    # The only markup is the highlight; the hostile tags are shown as text.
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;/script&gt;" in snippet
    assert "&lt;b&gt;" in snippet
    assert "<mark>Crisis</mark>" in snippet


@pytest.mark.django_db
def test_a_passage_of_the_body_is_shown_when_only_the_body_matches():
    filler = "Background on agency staffing and budgets. " * 20
    ResourceFactory(title="Guide", summary="An overview.", body=f"{filler}Officers met the embedded clinician daily.")
    resource = search("clinician").get()
    snippet = search_snippet(resource, "clinician")
    assert "<mark>clinician</mark>" in snippet
    assert "An overview" not in snippet
    assert len(snippet) < 600


@pytest.mark.django_db
def test_attach_search_snippets_sets_none_when_there_is_no_query():
    resources = attach_search_snippets([ResourceFactory()], "")
    assert resources[0].snippet is None


def test_highlight_terms_escapes_before_marking():
    assert highlight_terms("Tom & <Jerry> crisis", ["crisis", "amp", "jerry"]) == (
        "Tom &amp; &lt;<mark>Jerry</mark>&gt; <mark>crisis</mark>"
    )


@pytest.mark.parametrize(
    ("query", "required", "excluded"),
    [
        ("crisis intervention", ["crisis", "intervention"], []),
        ('"model policy" -draft', ["model policy"], ["draft"]),
        ("opioids or heroin", ["opioids", "heroin"], []),
        ("  Crisis,  ", ["crisis"], []),
        ("", [], []),
    ],
)
def test_parse_search_terms(query, required, excluded):
    assert parse_search_terms(query) == (required, excluded)


# --- PostgreSQL -------------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db
def test_the_trigger_keeps_the_search_vector_current():
    resource = ResourceFactory(title="Officer wellness")
    assert titles(search("wellness")) == ["Officer wellness"]
    resource.title = "Officer resilience"
    resource.save()
    assert titles(search("resilience")) == ["Officer resilience"]
    assert titles(search("wellness")) == []


@postgresql_only
@pytest.mark.django_db
def test_words_are_matched_by_their_stem():
    ResourceFactory(title="Training officers in de-escalation")
    assert titles(search("trained officer")) == ["Training officers in de-escalation"]


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("misspelled_query", "expected_title"),
    [
        ("crisis intervantion", "Crisis intervention teams"),
        ("delirum", "Excited Delirium Syndrome"),
        ("narcan programme", "Narcan programs for patrol"),
    ],
)
def test_a_misspelled_query_still_finds_the_resource_by_its_title(misspelled_query, expected_title):
    ResourceFactory(title="Crisis intervention teams")
    ResourceFactory(title="Excited Delirium Syndrome")
    ResourceFactory(title="Narcan programs for patrol")
    ResourceFactory(title="Officer wellness")
    assert titles(search(misspelled_query))[0] == expected_title
    assert "Officer wellness" not in titles(search(misspelled_query))


@postgresql_only
@pytest.mark.django_db
def test_the_typo_fallback_reaches_down_to_its_own_threshold_not_pg_trgms_default():
    # Word similarity of "descalation tactics" to "De-escalation" is about 0.48: above the
    # fallback's threshold (0.3), below pg_trgm's default for the indexable %> operator (0.6).
    # ("deescalation" itself is a curated synonym of "de-escalation": found without the fallback.)
    ResourceFactory(title="De-escalation")
    ResourceFactory(title="Officer wellness")
    assert prepare_search(Resource.objects.published(), "descalation tactics").mode == MatchMode.SIMILAR_SPELLING
    assert titles(search("descalation tactics")) == ["De-escalation"]


@postgresql_only
@pytest.mark.django_db
def test_results_and_facet_counts_share_one_typo_fallback():
    training = TopicFactory(slug="training", name="Training")
    ResourceFactory(title="Crisis intervention teams", topics=[training])
    ResourceFactory(title="Officer wellness", topics=[training])
    filterset = ResourceFilterSet(QueryDict("q=crisis+intervantion"), queryset=Resource.objects.published())
    assert titles(filterset.qs) == ["Crisis intervention teams"]
    topic_facet = next(facet for facet in filterset.facets() if facet.param == "topic")
    assert [(option.value, option.count) for option in topic_facet.options] == [("training", 1)]


@postgresql_only
@pytest.mark.django_db
def test_the_typo_fallback_is_not_mixed_into_real_matches():
    ResourceFactory(title="Delirium", summary="The term itself.")
    ResourceFactory(title="Delirious", summary="A near miss by spelling.")
    assert titles(search("delirium")) == ["Delirium"]


@postgresql_only
@pytest.mark.django_db
def test_the_database_headline_marks_matches_in_escaped_text():
    ResourceFactory(title="Guide", summary='Crisis <em>lines</em> & "988"', body="More on <em>crisis</em> lines.")
    resource = highlighted("crisis").get()
    assert resource.search_summary_headline == "<mark>Crisis</mark> &lt;em&gt;lines&lt;/em&gt; &amp; &quot;988&quot;"
    assert "&lt;em&gt;<mark>crisis</mark>&lt;/em&gt;" in resource.search_body_headline


@postgresql_only
@pytest.mark.django_db
def test_snippets_mark_every_form_of_a_word():
    ResourceFactory(title="Guide", summary="Trained officers train others in training sessions.")
    snippet = search_snippet(highlighted("trains").get(), "trains")
    assert snippet == "<mark>Trained</mark> officers <mark>train</mark> others in <mark>training</mark> sessions."


# --- SQLite -----------------------------------------------------------------------------


@sqlite_only
@pytest.mark.django_db
def test_sqlite_matches_words_anywhere_in_title_summary_or_body():
    ResourceFactory(title="One", summary="About co-responders.")
    ResourceFactory(title="Two", body="Co-responders in rural areas.")
    ResourceFactory(title="Three")
    assert titles(search("co-responders")) == ["One", "Two"]


@sqlite_only
@pytest.mark.django_db
def test_sqlite_has_no_typo_fallback():
    ResourceFactory(title="Excited Delirium Syndrome")
    assert titles(search("delirum")) == []


@sqlite_only
@pytest.mark.django_db
def test_sqlite_snippets_highlight_in_python():
    ResourceFactory(title="Guide", summary="Crisis lines & <988>.")
    resource = search("crisis").get()
    assert not hasattr(resource, "search_summary_headline")
    assert search_snippet(resource, "crisis") == "<mark>Crisis</mark> lines &amp; &lt;988&gt;."


# --- Found by tags and resolution details, on every database -------------------------------


@pytest.mark.django_db
def test_a_resource_is_found_by_its_topic_kind_audience_and_practice_names():
    legislation = TopicFactory(slug="state-laws", name="Legislation and statutes")
    toolkit = ResourceKindFactory(slug="toolkit", name="Toolkit")
    resource = ResourceFactory(title="State rules compared", summary="A survey.", topics=[legislation], kind=toolkit)
    ResourceFactory(title="Officer wellness", summary="Peer support.")
    assert titles(search("legislation")) == ["State rules compared"]
    assert titles(search("toolkit")) == ["State rules compared"]
    ResourcePractice.objects.create(resource=resource, practice=Practice.CIT)
    assert titles(search("crisis intervention team")) == ["State rules compared"]
    resource.audiences.add(AudienceFactory(slug="call-takers", name="Call takers"))
    assert titles(search("call takers")) == ["State rules compared"]


@pytest.mark.django_db
def test_renaming_a_topic_or_removing_it_updates_what_search_finds():
    topic = TopicFactory(slug="laws", name="Lawmaking")
    resource = ResourceFactory(title="State statutes compared", summary="A survey.", topics=[topic])
    topic.name = "Statutory reform"
    topic.save()
    assert titles(search("reform")) == ["State statutes compared"]
    assert titles(search("lawmaking")) == []
    resource.topics.remove(topic)
    assert titles(search("reform")) == []


@postgresql_only
@pytest.mark.django_db
def test_a_resolution_is_found_by_its_identifier_and_a_title_match_outranks_a_tag_match():
    ResourceFactory(title="Resolution on crisis teams", identifier="NDD.028.a07", year_adopted=2007)
    assert titles(search("NDD.028.a07")) == ["Resolution on crisis teams"]
    training = TopicFactory(slug="training", name="Training")
    ResourceFactory(title="Field guide", summary="For patrol.", topics=[training])
    ResourceFactory(title="Training for dispatchers", summary="For call takers.")
    assert titles(search("training")) == ["Training for dispatchers", "Field guide"]
