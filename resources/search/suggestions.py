"""'Did you mean': a corrected query for a search that found too little, from the catalog's own words.

When the results of a search came from a fallback (resources matching most of the words, or
titles spelled like the query) or there are none, each word of the query that the catalog does
not contain is replaced by the closest word of the catalog's vocabulary: the words of published
titles and of the kind, topic and audience names (kept in SearchWord), of the One Mind practices
and of the curated synonyms. "crisis intervantion" becomes "crisis intervention"; a query whose
words are all in the catalog gets no suggestion.

"Closest": of the few words most similar by trigrams (pg_trgm's similarity of at least
MIN_SIMILARITY; on SQLite computed the same way in Python), the one fewest edits away ("trainng"
is "training", one letter short, rather than "train", whose trigrams are a little closer), if
that is few enough for a typo. On
PostgreSQL the whole suggestion is one statement: for each word, whether any resource of the
searched queryset contains it (the full-text index), and if not, its most similar words (the
trigram index on SearchWord).

SearchWord is kept by signals (a resource saved published, a term saved) and rebuilt whole by
`refresh_search_words`, which bulk writers call after their last batch.
"""

import re

from django.contrib.postgres.search import SearchQuery
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.functions import Length

from clearinghouse.one_mind import Practice
from resources.models import Audience, Resource, ResourceKind, SearchWord, Topic
from resources.search.base import MatchMode
from resources.search.postgresql import SEARCH_CONFIG

# A word of letters, maybe hyphenated ("co-responder"); numbers and codes are never corrected.
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
MIN_WORD_LENGTH = 3  # of a word in the vocabulary
# Of a word to correct: shorter ones are abbreviations ("AOT") or stop words, not misspellings.
MIN_CORRECTED_LENGTH = 4
MAX_WORD_LENGTH = SearchWord._meta.get_field("word").max_length
# A correction must resemble the word at least this much (pg_trgm similarity: "delirum" and
# "delirium" score 0.55, "polcy" and "policy" 0.44, "homeless" and "homes" 0.36).
MIN_SIMILARITY = 0.4
# Words checked per query, at most: each costs a look-up in the full-text and trigram indexes.
MAX_WORDS_CHECKED = 8
# The most similar words compared by edits, per misspelled word.
CANDIDATES_COMPARED = 5


# --- The vocabulary ---------------------------------------------------------------------------


def vocabulary_words(text):
    """The words of `text` (a title or a name) worth offering as corrections, lower-cased."""
    return {word for word in WORD.findall(text.lower()) if MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH}


def add_search_words(texts, *, using="default"):
    """Add the words of `texts` (titles of published resources, term names) to the vocabulary. One INSERT."""
    words = set().union(*(vocabulary_words(text) for text in texts))
    SearchWord.objects.using(using).bulk_create([SearchWord(word) for word in sorted(words)], ignore_conflicts=True)


def refresh_search_words(*, using="default"):
    """Rebuild the vocabulary from every published title and every term name: words no longer
    in any go, missing ones come. For bulk writers, after their last batch (1.9 s for 100,000 titles).
    """
    fresh = set()
    titles = Resource.objects.using(using).published().order_by().values_list("title", flat=True)
    for title in titles.iterator(chunk_size=5000):
        fresh |= vocabulary_words(title)
    for model in (ResourceKind, Topic, Audience):
        for name in model.objects.using(using).values_list("name", flat=True):
            fresh |= vocabulary_words(name)
    with transaction.atomic(using=using):
        existing = set(SearchWord.objects.using(using).values_list("word", flat=True))
        stale = sorted(existing - fresh)
        for start in range(0, len(stale), 1000):
            SearchWord.objects.using(using).filter(word__in=stale[start : start + 1000]).delete()
        SearchWord.objects.using(using).bulk_create(
            [SearchWord(word) for word in sorted(fresh - existing)], batch_size=5000, ignore_conflicts=True
        )


# --- Suggestions ---------------------------------------------------------------------------------


def _words_to_check(parsed, synonyms):
    """The words typed that might be misspelled: not part of a recognised synonym, not codes."""
    words = []
    for group in parsed.groups:
        if group.synonyms:
            continue  # The group was recognised as curated vocabulary.
        for term in group.typed:
            for word in term.words:
                if (
                    len(word) >= MIN_CORRECTED_LENGTH
                    and WORD.fullmatch(word)
                    and word not in synonyms.words
                    and word not in words
                ):
                    words.append(word)
    return words[:MAX_WORDS_CHECKED]


def _fixed_vocabulary(synonyms):
    """Words of the practices and synonyms: vocabulary kept in code or already loaded."""
    words = set(synonyms.words)
    for label in Practice.labels:
        words |= vocabulary_words(label)
    return {word for word in words if WORD.fullmatch(word) and len(word) >= MIN_WORD_LENGTH}


def _corrected_text(text, corrections):
    """`text` with each corrected word replaced, in the case it was typed in."""

    def replace(match):
        word = match.group(0)
        correction = corrections.get(word.lower())
        if not correction:
            return word
        if word.isupper() and len(word) > 1:
            return correction.upper()
        if word[0].isupper():
            return correction[0].upper() + correction[1:]
        return correction

    return WORD.sub(replace, text)


def suggest_correction(queryset, prepared, synonyms):
    """A corrected query to offer for `prepared` (a PreparedSearch of `queryset`), or "".

    Only for searches that fell back or found nothing, and only when some word could be
    corrected. PostgreSQL: one statement. SQLite: a few small ones.
    """
    connection = connections[queryset.db]
    # Found by every word: nothing to correct. (Both backends fall back, another mode, whenever
    # every word together finds nothing.)
    if prepared.mode == MatchMode.ALL_WORDS:
        return ""
    words = _words_to_check(prepared.parsed, synonyms)
    if not words:
        return ""
    if connection.vendor == "postgresql":
        corrections = _postgresql_corrections(queryset, words, sorted(_fixed_vocabulary(synonyms)))
    else:
        corrections = _python_corrections(queryset, words, _fixed_vocabulary(synonyms))
    if not corrections:
        return ""
    suggestion = _corrected_text(prepared.query, corrections)
    return suggestion if suggestion != prepared.query else ""


def _postgresql_corrections(queryset, words, fixed_vocabulary):
    """{word: correction} for the words no resource of `queryset` contains. One statement."""
    columns, params = [], []
    for word in words:
        contains = queryset.order_by().filter(
            search_vector=SearchQuery(word, config=SEARCH_CONFIG, search_type="plain")
        )
        contains_sql, contains_params = contains.values("pk")[:1].query.sql_with_params()
        # A stop word ("the") has no lexeme: never "missing". `%%` is pg_trgm's similarity operator
        # (at least pg_trgm.similarity_threshold, 0.3 unless configured), which the index answers.
        columns.append(
            f"""CASE WHEN numnode(plainto_tsquery(%s, %s)) = 0 OR EXISTS ({contains_sql}) THEN NULL ELSE (
                SELECT array_agg(candidate ORDER BY score DESC, candidate) FROM (
                    SELECT candidate, similarity(candidate, %s) AS score FROM (
                        SELECT word AS candidate FROM {SearchWord._meta.db_table} WHERE word %% %s
                        UNION SELECT unnest(%s::text[])
                    ) vocabulary
                    WHERE candidate <> %s AND similarity(candidate, %s) >= %s
                    ORDER BY score DESC, candidate LIMIT %s
                ) most_similar
            ) END"""
        )
        params += [SEARCH_CONFIG, word, *contains_params]
        params += [word, word, fixed_vocabulary, word, word, MIN_SIMILARITY, CANDIDATES_COMPARED]
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    corrections = {
        word: _fewest_edits(word, candidates) for word, candidates in zip(words, row, strict=True) if candidates
    }
    return {word: correction for word, correction in corrections.items() if correction}


def trigrams(text):
    """The trigrams pg_trgm compares: of each alphanumeric word, lower-cased, padded with
    two spaces before and one after."""
    grams = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return grams


def similarity(first, second):
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two."""
    first_grams, second_grams = trigrams(first), trigrams(second)
    union = first_grams | second_grams
    return len(first_grams & second_grams) / len(union) if union else 0.0


def _python_corrections(queryset, words, fixed_vocabulary):
    """{word: correction}, for databases without pg_trgm: the same answer, computed in Python from
    the vocabulary words of about the same length (one query), which suits the small catalogs
    this path serves."""
    lengths = [len(word) for word in words]
    vocabulary = set(fixed_vocabulary) | set(
        SearchWord.objects.using(queryset.db)
        .alias(length=Length("word"))
        .filter(length__range=(min(lengths) - 3, max(lengths) + 3))
        .values_list("word", flat=True)
    )
    corrections = {}
    for word in words:
        if word in vocabulary or _text_contains(queryset, word):
            continue
        # The most similar, among equals the first alphabetically, as on PostgreSQL.
        scored = sorted((-similarity(candidate, word), candidate) for candidate in vocabulary if candidate != word)
        candidates = [candidate for score, candidate in scored[:CANDIDATES_COMPARED] if -score >= MIN_SIMILARITY]
        correction = _fewest_edits(word, candidates) if candidates else None
        if correction:
            corrections[word] = correction
    return corrections


def _fewest_edits(word, candidates):
    """The candidate (most similar first) fewest edits away from `word`, the more similar of
    equals; None if even that one is more edits away than a typo makes (1 edit for a word of
    up to five letters, 2 beyond, as search engines' "automatic fuzziness" allows)."""
    distance, _position, candidate = min(
        (edit_distance(word, candidate), position, candidate) for position, candidate in enumerate(candidates)
    )
    return candidate if distance <= (1 if len(word) <= 5 else 2) else None


def edit_distance(first, second):
    """Letters inserted, deleted, replaced or swapped with a neighbour to turn `first` into `second`
    (the optimal string alignment distance)."""
    previous_row, row = None, list(range(len(second) + 1))
    for i, first_letter in enumerate(first, 1):
        before_previous_row, previous_row, row = previous_row, row, [i] + [0] * len(second)
        for j, second_letter in enumerate(second, 1):
            cost = first_letter != second_letter
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if i > 1 and j > 1 and first_letter == second[j - 2] and first[i - 2] == second_letter:
                row[j] = min(row[j], before_previous_row[j - 2] + 1)
    return row[-1]


def _text_contains(queryset, word):
    return (
        queryset.order_by()
        .filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(search_tags__icontains=word)
        )
        .exists()
    )
