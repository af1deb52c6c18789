"""How much a title resembles a misspelled query: PostgreSQL's trigram word similarity, in Python.

SQLite has no pg_trgm, so its spelling fallback computes the same measure here, on the few
candidate titles its trigram index offers (resources.search.sqlite), and keeps those at or above
the same threshold PostgreSQL uses; the two databases then offer the same titles.

As in pg_trgm: each word (a run of letters and digits) is lower-cased and padded with two
spaces before and one after, and cut into every three-character sequence; the word similarity
of a query to a text is the best, over stretches of the text's trigram sequence, of
shared / (query trigrams + stretch trigrams - shared), counting distinct trigrams; the stretches
tried are pg_trgm's (it grows each stretch to every query trigram found and moves its start
forward while that improves the score).
"""

import re

WORD = re.compile(r"[^\W_]+")


def trigram_sequence(text):
    """The trigrams of `text`'s words, in order, repeats kept."""
    trigrams = []
    for word in WORD.findall(text.lower()):
        padded = f"  {word} "
        trigrams += [padded[start : start + 3] for start in range(len(padded) - 2)]
    return trigrams


def _similarity(shared, query_count, stretch_count):
    return shared / (query_count + stretch_count - shared)


def word_similarity(query, text):
    """pg_trgm's word_similarity(query, text): from 0 (nothing alike) to 1 (a word of `text` is the query)."""
    query_trigrams = set(trigram_sequence(query))
    if not query_trigrams:
        return 0.0
    sequence = trigram_sequence(text)
    best = 0.0
    # The stretch [start, i]: its distinct trigrams (each at its last position) and how many the query has.
    last_position = {}
    start = None
    distinct = shared = 0
    for position, trigram in enumerate(sequence):
        in_query = trigram in query_trigrams
        if start is not None or in_query:
            if trigram not in last_position:
                distinct += 1
                shared += in_query
            last_position[trigram] = position
        if not in_query:
            continue
        if start is None:
            start = position
        current = _similarity(shared, len(query_trigrams), distinct)
        # Try each later start for the stretch ending here; keep the best.
        trial_distinct, trial_shared, previous_start = distinct, shared, start
        for trial_start in range(start, position + 1):
            trial = _similarity(trial_shared, len(query_trigrams), trial_distinct)
            if trial > current:
                current, start, distinct, shared = trial, trial_start, trial_distinct, trial_shared
            dropped = sequence[trial_start]
            if last_position[dropped] == trial_start:
                trial_distinct -= 1
                trial_shared -= dropped in query_trigrams
        best = max(best, current)
        for dropped_position in range(previous_start, start):
            dropped = sequence[dropped_position]
            if last_position.get(dropped) == dropped_position:
                del last_position[dropped]
    return best
