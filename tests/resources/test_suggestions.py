"""'Did you mean': corrections drawn from the catalog's own words, for searches that found too little."""

import pytest
from django.db import connection

from resources.models import Resource, SearchWord
from resources.search import prepare_search
from resources.search.suggestions import edit_distance, refresh_search_words, similarity, vocabulary_words
from tests.resources.factories import ResourceFactory, TopicFactory, ensure_seeded_synonyms

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm")


def suggestion(query):
    return prepare_search(Resource.objects.published(), query).suggestion


@pytest.fixture
def catalog():
    legislation = TopicFactory(slug="legislation", name="Legislation")
    ResourceFactory(title="Excited Delirium Syndrome", summary="A resolution.")
    ResourceFactory(title="Crisis intervention teams", summary="Trained officers.")
    ResourceFactory(title="State rules compared", summary="A survey.", topics=[legislation])


# --- The vocabulary --------------------------------------------------------------------------


def test_a_title_or_name_gives_its_words_of_three_letters_or_more_lower_cased():
    assert vocabulary_words("Excited Delirium Syndrome (ExDS), 2015: co-responder Q&A") == {
        "excited",
        "delirium",
        "syndrome",
        "exds",
        "co-responder",
    }


def test_published_titles_and_term_names_join_the_vocabulary_and_drafts_do_not():
    ResourceFactory(title="Naloxone programmes")
    ResourceFactory(title="Unannounced reorganisation", status=Resource.Status.DRAFT)
    TopicFactory(slug="harm-reduction", name="Harm reduction")

    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"naloxone", "programmes", "harm", "reduction"} <= words
    assert "unannounced" not in words


def test_publishing_adds_the_title_words_and_a_rebuild_drops_the_words_no_title_or_name_has():
    TopicFactory(slug="legislation", name="Legislation")
    draft = ResourceFactory(title="Unannounced reorganisation", status=Resource.Status.DRAFT)
    ResourceFactory(title="Naloxone programmes")
    draft.status = Resource.Status.PUBLISHED
    draft.save(update_fields=["status", "published_at", "updated_at"])
    assert SearchWord.objects.filter(word="unannounced").exists()

    Resource.objects.filter(pk=draft.pk).update(status=Resource.Status.ARCHIVED)  # A bulk write: no signal.
    refresh_search_words()

    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"naloxone", "programmes"} <= words
    assert "unannounced" not in words
    assert "legislation" in words  # A topic name.


# --- Suggestions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("delirum", "delirium"),
        ("crisis intervantion", "crisis intervention"),
        ("legisltion", "legislation"),  # Only a topic name has the word.
        ("Crisis Intervantion", "Crisis Intervention"),
        ("LEGISLTION", "LEGISLATION"),
        ('"crisis intervantion" -wellness', '"crisis intervention" -wellness'),
    ],
)
def test_a_misspelled_word_is_replaced_by_the_closest_word_of_the_catalog(catalog, query, expected):
    assert suggestion(query) == expected


def test_of_similar_words_the_one_fewest_edits_away_wins():
    # "train" shares slightly more trigrams with "trainng"; "training" is one letter away.
    ResourceFactory(title="Train the trainers")
    ResourceFactory(title="Field training guide")
    assert suggestion("trainng") == "training"


def test_words_of_curated_synonyms_are_part_of_the_vocabulary(catalog):
    ensure_seeded_synonyms()
    assert suggestion("deescalaton") == "deescalation"


@pytest.mark.parametrize(
    "query",
    [
        "delirium",  # Found: nothing to correct.
        "crisis syndrome",  # Every word is in the catalog, even though not together.
        "ambulance",  # In no resource, and like no word of the catalog.
        "988",  # Numbers and codes are never corrected.
        "the",  # Nor short words: stop words and abbreviations.
        "",
    ],
)
def test_no_suggestion_when_no_word_looks_misspelled(catalog, query):
    assert suggestion(query) == ""


def test_words_only_in_a_summary_or_body_are_known_too(catalog):
    ResourceFactory(title="Guide", summary="Clinicians ride along.")
    assert suggestion("clinicians delirum") == "clinicians delirium"


def test_words_of_unpublished_titles_are_never_suggested(catalog):
    ResourceFactory(title="Narcotics overview", status=Resource.Status.DRAFT)
    assert suggestion("narcotcs") == ""


def test_words_inside_a_recognised_synonym_are_not_corrected(catalog):
    ensure_seeded_synonyms()
    assert suggestion("mhfa") == ""
    assert suggestion("suicide and crisis lifeline") == ""


@postgresql_only
def test_a_misspelled_search_costs_one_statement_more_on_postgresql(catalog, django_assert_max_num_queries):
    # Synonyms, compiling, counting, then the spelling fallback (its threshold, the titles);
    # the suggestion is the one statement after those.
    with django_assert_max_num_queries(6):
        assert suggestion("delirum") == "delirium"
    # Resources matching most of the words: synonyms, compiling, counting, checking, suggesting.
    with django_assert_max_num_queries(5):
        assert suggestion("crisis intervantion") == "crisis intervention"


@postgresql_only
def test_similarity_is_computed_as_pg_trgm_computes_it():
    pairs = [("delirum", "delirium"), ("polcy", "policy"), ("co-respnder", "co-responder"), ("homeless", "homes")]
    with connection.cursor() as cursor:
        for first, second in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [first, second])
            assert similarity(first, second) == pytest.approx(cursor.fetchone()[0], abs=1e-6), (first, second)


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [
        ("trainng", "training", 1),
        ("trainng", "train", 2),
        ("frist", "first", 1),
        ("policy", "policy", 0),
        ("", "aid", 3),
    ],
)
def test_edit_distance_counts_insertions_deletions_replacements_and_swaps(first, second, distance):
    assert edit_distance(first, second) == distance
