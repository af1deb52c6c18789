"""Catalog search: full-text search with ranking, stems, fallbacks for too few matches and for
misspellings, and HTML-safe snippets, the same on PostgreSQL and on SQLite (FTS5)."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from clearinghouse.one_mind import Practice
from resources.filters import ResourceFilterSet
from resources.models import Resource, ResourcePractice
from resources.search import (
    attach_search_snippets,
    highlight_terms,
    parse_search_query,
    parse_search_terms,
    prepare_search,
    search_backend,
    search_resources,
    search_snippet,
)
from resources.search.base import MatchMode
from resources.search.sqlite import STOP_WORDS
from resources.search.sqlite_index import FULL_TEXT_TABLE, RANK_SQL, TABLES_SQL, TRIGGERS_SQL, repair_search_index
from resources.search.trigrams import word_similarity
from tests.resources.factories import AudienceFactory, ResourceFactory, ResourceKindFactory, TopicFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite full-text search (FTS5)")


def search(query):
    return search_resources(Resource.objects.published(), query).order_by("-search_rank", "title")


def spelled_alike(query):
    """The titles spelling fallback alone, as when the "did you mean" correction finds nothing either."""
    resources = Resource.objects.published()
    prepared = search_backend(resources.db).prepare(resources, parse_search_query(query))
    assert prepared.mode == MatchMode.SIMILAR_SPELLING
    return prepared.apply(resources).order_by("-search_rank", "title")


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


# --- Stems, misspellings and the index kept current, on every database ------------------------


@pytest.mark.django_db
def test_the_index_follows_every_edit_and_deletion():
    resource = ResourceFactory(title="Officer wellness")
    assert titles(search("wellness")) == ["Officer wellness"]
    resource.title = "Officer resilience"
    resource.save()
    assert titles(search("resilience")) == ["Officer resilience"]
    assert titles(search("wellness")) == []
    resource.delete()
    assert titles(search("resilience")) == []
    assert titles(search("resilence")) == []  # Nor by its misspelled title.


@pytest.mark.django_db
def test_words_are_matched_by_their_stem():
    ResourceFactory(title="Training officers in de-escalation")
    assert titles(search("trained officer")) == ["Training officers in de-escalation"]


@pytest.mark.django_db
def test_hyphenated_words_match_in_title_summary_or_body_summary_first():
    ResourceFactory(title="One", summary="About co-responders.")
    ResourceFactory(title="Two", body="Co-responders in rural areas.")
    ResourceFactory(title="Three")
    assert titles(search("co-responders")) == ["One", "Two"]


@pytest.mark.django_db
def test_stop_words_are_ignored_as_postgresql_ignores_them():
    # "for" and "the" are in none of the three: were they required, the three would not be found.
    ResourceFactory(title="Model policy", summary="Officers only.")
    ResourceFactory(title="Policy on patrol", summary="Officers in cars.")
    ResourceFactory(title="Policy handbook", summary="For officers.")
    ResourceFactory(title="Policy for dispatch", summary="Call takers.")
    assert sorted(titles(search("policy for the officers"))) == ["Model policy", "Policy handbook", "Policy on patrol"]
    assert prepare_search(Resource.objects.published(), "policy for the officers").mode == MatchMode.ALL_WORDS


@pytest.mark.django_db
def test_a_query_of_stop_words_alone_falls_back_to_similar_titles_without_error():
    ResourceFactory(title="The role of the dispatcher", summary="Call takers.")
    ResourceFactory(title="Officer wellness", summary="Peer support.")
    prepared = prepare_search(Resource.objects.published(), "the")
    assert prepared.mode == MatchMode.SIMILAR_SPELLING
    assert titles(search("the")) == ["The role of the dispatcher"]


NEAR_SCHOOLS = "Services near schools"
CRISIS_LINES = "Crisis lines: NEAR(a b)"
WELLNESS = "Officer wellness"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected_titles"),
    [
        # Words that are operators in FTS5 or in tsquery are searched as words; the rest is ignored.
        ("NEAR", [CRISIS_LINES, NEAR_SCHOOLS]),
        ("crisis*", [CRISIS_LINES]),
        ('"crisis lines', [CRISIS_LINES]),
        ("^crisis lines:", [CRISIS_LINES]),
        ('crisis "" lines', [CRISIS_LINES]),
        ("title:crisis", [CRISIS_LINES]),
        ("schools OR wellness", [WELLNESS, NEAR_SCHOOLS]),
        ("-schools", [CRISIS_LINES, WELLNESS]),
        ('* : ^ ( ) { } + - " " \' \x00 AND NOT', []),
    ],
)
def test_search_syntax_of_either_database_is_searched_as_plain_text(query, expected_titles):
    for title in (NEAR_SCHOOLS, CRISIS_LINES, WELLNESS):
        ResourceFactory(title=title, summary="A summary.")
    assert sorted(titles(search(query))) == sorted(expected_titles)


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


@pytest.mark.django_db
def test_the_typo_fallback_reaches_down_to_its_own_threshold_not_pg_trgms_default():
    # Word similarity of "descalation tactics" to "De-escalation" is about 0.48: above the
    # fallback's threshold (0.3), below pg_trgm's default for the indexable %> operator (0.6).
    # ("deescalation" itself is a curated synonym of "de-escalation": found without the fallback.)
    ResourceFactory(title="De-escalation")
    ResourceFactory(title="Officer wellness")
    assert titles(spelled_alike("descalation tactics")) == ["De-escalation"]


@pytest.mark.django_db
def test_the_typo_fallback_ranks_the_most_alike_title_first():
    ResourceFactory(title="Delegation of duties")  # Word similarity to "delirum": 0.375.
    ResourceFactory(title="Delirium and restraint")  # 0.625.
    ResourceFactory(title="Relief workers")  # 0.125: below the threshold.
    assert titles(spelled_alike("delirum")) == ["Delirium and restraint", "Delegation of duties"]


@pytest.mark.django_db
def test_results_and_facet_counts_share_one_typo_fallback():
    training = TopicFactory(slug="training", name="Training")
    ResourceFactory(title="Crisis intervention teams", topics=[training])
    ResourceFactory(title="Officer wellness", topics=[training])
    filterset = ResourceFilterSet(QueryDict("q=crisis+intervantion"), queryset=Resource.objects.published())
    assert titles(filterset.qs) == ["Crisis intervention teams"]
    topic_facet = next(facet for facet in filterset.facets() if facet.param == "topic")
    assert [(option.value, option.count) for option in topic_facet.options] == [("training", 1)]


@pytest.mark.django_db
def test_the_typo_fallback_is_not_mixed_into_real_matches():
    ResourceFactory(title="Delirium", summary="The term itself.")
    ResourceFactory(title="Delirious", summary="A near miss by spelling.")
    assert titles(search("delirium")) == ["Delirium"]


@pytest.mark.django_db
def test_search_results_can_be_used_within_another_query():
    # The ranked search joins tables of its own: nested in a subquery, Django renames them all.
    ResourceFactory(title="Crisis lines", summary="Call centres.")
    ResourceFactory(title="Officer wellness", summary="Peer support.")
    found = Resource.objects.filter(pk__in=search("crisis").values("pk"))
    assert titles(found) == ["Crisis lines"]
    assert titles(Resource.objects.exclude(pk__in=search("crisis").values("pk"))) == ["Officer wellness"]


# --- PostgreSQL -------------------------------------------------------------------------


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


@postgresql_only
@pytest.mark.django_db
def test_the_python_word_similarity_is_pg_trgms():
    # SQLite's spelling fallback computes in Python what pg_trgm computes here.
    queries = ["delirum", "crisis intervantion", "narcan programme", "deescalation tactics", "cafe", "a", "the"]
    texts = [
        "Excited Delirium Syndrome",
        "Crisis intervention teams",
        "Narcan programs for patrol",
        "De-escalation",
        "Café für Straße (CIT/CRIT)",
        "Crisis crisis intervention",
        "Officer wellness",
    ]
    with connection.cursor() as cursor:
        for query in queries:
            for text in texts:
                cursor.execute("SELECT word_similarity(%s, %s)", [query, text])
                assert word_similarity(query, text) == pytest.approx(cursor.fetchone()[0], abs=1e-6), (query, text)


@postgresql_only
@pytest.mark.django_db
def test_the_stop_words_sqlite_ignores_are_postgresqls():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s) AS word WHERE plainto_tsquery('english', word)::text <> ''",
            [sorted(STOP_WORDS)],
        )
        assert cursor.fetchall() == []
    assert len(STOP_WORDS) == 127  # All of PostgreSQL's english.stop.


# --- SQLite -----------------------------------------------------------------------------


@sqlite_only
@pytest.mark.django_db
def test_sqlite_snippets_highlight_the_words_as_typed_in_python():
    ResourceFactory(title="Guide", summary="Crisis lines & <988>.")
    resource = search("crisis").get()
    assert not hasattr(resource, "search_summary_headline")
    assert search_snippet(resource, "crisis") == "<mark>Crisis</mark> lines &amp; &lt;988&gt;."


@sqlite_only
@pytest.mark.django_db
def test_sqlite_ignores_accents():
    # remove_diacritics: PostgreSQL's 'english' configuration keeps them, so "cafe" misses "Café" there.
    ResourceFactory(title="Café conversations with officers")
    assert titles(search("cafe")) == ["Café conversations with officers"]


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "mode", "statements"),
    [
        # The synonyms (1), then the backend's statements (1 to 3), then, for a fallback, the
        # "did you mean" checks of each word (resources.search.suggestions, 2 on SQLite).
        ("crisis", MatchMode.ALL_WORDS, 2),
        ("crisis rural", MatchMode.MOST_WORDS, 5),
        # Nothing matches what was typed: the correction is searched instead (2 more).
        ("crisiss linnes", MatchMode.ALL_WORDS, 7),
    ],
)
def test_sqlite_prepares_a_search_in_a_bounded_number_of_statements(django_assert_num_queries, query, mode, statements):
    for place in ("Ohio", "Utah", "Iowa"):
        ResourceFactory(title=f"Crisis lines in {place}")
    with django_assert_num_queries(statements):
        assert prepare_search(Resource.objects.published(), query).mode == mode


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(("query", "mode"), [("crisis", MatchMode.ALL_WORDS), ("crisis rural", MatchMode.MOST_WORDS)])
def test_sqlite_asks_the_index_once_per_statement_never_once_per_resource(query, mode):
    # A full-text lookup constrained to one rowid ("...=" in the plan) would be repeated for
    # every resource: seconds for a few thousand matches.
    for place in ("Ohio", "Utah", "Iowa"):
        ResourceFactory(title=f"Crisis lines in {place}")
    ResourceFactory(title="Rural policing")
    assert prepare_search(Resource.objects.published(), query).mode == mode
    with CaptureQueriesContext(connection) as page:  # What the catalog page asks: a count, the ranked page.
        search(query).count()
        list(search(query)[:20])
    index_lookups = []
    with connection.cursor() as cursor:
        for statement in page.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {statement['sql']}")
            index_lookups += [row[-1] for row in cursor.fetchall() if FULL_TEXT_TABLE in row[-1]]
    assert index_lookups
    assert [lookup for lookup in index_lookups if lookup.endswith("=")] == []


@sqlite_only
@pytest.mark.django_db
def test_sqlite_puts_back_the_triggers_a_table_rebuild_drops_and_reindexes():
    resource = ResourceFactory(title="Officer wellness")
    with connection.cursor() as cursor:
        # What Django's rebuild of resources_resource (to alter it) does to the old table's triggers.
        for trigger in TRIGGERS_SQL:
            cursor.execute(f"DROP TRIGGER {trigger}")
        cursor.execute("UPDATE resources_resource SET title = 'Officer resilience' WHERE id = %s", [resource.pk])
    assert titles(search("resilience")) == []  # The index missed the edit.
    assert repair_search_index(connection) is True
    assert titles(search("resilience")) == ["Officer resilience"]
    assert titles(search("wellness")) == []
    assert repair_search_index(connection) is False  # Nothing missing any more.


@sqlite_only
@pytest.mark.django_db
def test_sqlite_index_in_the_database_is_the_one_the_code_describes():
    # Migrations create the index; resources.search.sqlite_index repairs it: they must agree.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')")
        schema = dict(cursor.fetchall())
        cursor.execute(f"SELECT v FROM {FULL_TEXT_TABLE}_config WHERE k = 'rank'")
        (rank,) = cursor.fetchone()
    for name, sql in {**TABLES_SQL, **TRIGGERS_SQL}.items():
        assert schema.get(name) == sql
    assert rank in RANK_SQL


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


@pytest.mark.django_db
def test_a_resolution_is_found_by_its_identifier_and_a_title_match_outranks_a_tag_match():
    ResourceFactory(title="Resolution on crisis teams", identifier="NDD.028.a07", year_adopted=2007)
    assert titles(search("NDD.028.a07")) == ["Resolution on crisis teams"]
    training = TopicFactory(slug="training", name="Training")
    ResourceFactory(title="Field guide", summary="For patrol.", topics=[training])
    ResourceFactory(title="Training for dispatchers", summary="For call takers.")
    assert titles(search("training")) == ["Training for dispatchers", "Field guide"]


@pytest.mark.django_db
def test_words_joined_by_a_slash_are_found_one_by_one():
    ResourceFactory(title="Model policy", summary="Train officers in CIT/CRIT and de-escalation.")
    assert titles(search("CIT")) == ["Model policy"]
    assert titles(search("CRIT")) == ["Model policy"]


@pytest.mark.django_db
def test_an_excluded_word_stays_excluded_when_results_fall_back_to_most_words():
    ResourceFactory(title="Rural crisis teams", summary="Clinicians respond.")
    ResourceFactory(title="Rural data terminals", summary="Laptops in patrol cars.")
    ResourceFactory(title="Rural phones", summary="Laptops and phones.")
    ResourceFactory(title="Crisis lines", summary="Call takers.")
    prepared = prepare_search(Resource.objects.published(), "rural crisis -laptops")
    assert prepared.mode == MatchMode.MOST_WORDS
    assert titles(search("rural crisis -laptops")) == ["Rural crisis teams", "Crisis lines"]


@postgresql_only
@pytest.mark.django_db
def test_an_update_that_changes_no_searched_text_keeps_the_vectors_whatever_save_sends():
    resource = ResourceFactory(title="Officer wellness", summary="Peer support.")
    assert resource.search_vector is None  # The instance never read what the trigger computed.
    resource.featured = True
    resource.save()  # Writes search_vector=None back: the trigger keeps the stored one.
    assert titles(search("wellness")) == ["Officer wellness"]
    resource.title = "Officer resilience"
    resource.save()
    assert titles(search("resilience")) == ["Officer resilience"]
