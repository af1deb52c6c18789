"""Catalog search: one set of functions whatever the database, so views never branch on it.

- `prepare_search(queryset, query)` resolves a query once into a PreparedSearch, which is then
  applied to the results and to every facet count of a page (`filter` to count, `apply` to rank).
- PostgreSQL (resources.search.postgresql): full-text search on a weighted vector kept by a
  trigger, ranked, with highlighted headlines and fallbacks for too few matches and misspellings.
- SQLite, the zero-set-up default (resources.search.sqlite).
- The query syntax and its parsing are shared (resources.search.query); so are the curated
  synonyms added to the parsed query (resources.search.synonyms), the "did you mean"
  suggestion (resources.search.suggestions) and the highlighted passages shown under each
  result (resources.search.snippets).
"""

import dataclasses
from contextlib import contextmanager

from django.db import connections, transaction

from resources.search.base import MatchMode, PreparedSearch
from resources.search.query import (
    MAX_QUERY_LENGTH,
    ParsedQuery,
    Term,
    TermGroup,
    normalize_search_query,
    parse_search_query,
    parse_search_terms,
)
from resources.search.snippets import attach_search_snippets, highlight_terms, search_snippet
from resources.search.synonyms import expand_synonyms, load_synonyms

__all__ = [
    "MAX_QUERY_LENGTH",
    "ParsedQuery",
    "PreparedSearch",
    "Term",
    "TermGroup",
    "attach_search_snippets",
    "highlight_terms",
    "normalize_search_query",
    "parse_search_query",
    "parse_search_terms",
    "prepare_search",
    "search_plan",
    "search_resources",
    "search_snippet",
]


def prepare_search(queryset, query):
    """`query` resolved against `queryset`, ready to `apply()` to it or to querysets within it.

    An empty query (or one of syntax only) prepares a search that leaves querysets unchanged.
    The curated synonyms are read once (one query) and added to the parsed query; a search that
    fell back or found nothing also gets a "did you mean" suggestion when a word looks misspelled.
    """
    # Imported here: suggestions reads the models, whose module imports this package.
    from resources.search.suggestions import suggest_correction

    parsed = parse_search_query(query)
    if not parsed:
        return PreparedSearch(parsed)
    synonyms = load_synonyms(queryset.db)
    parsed = expand_synonyms(parsed, synonyms)
    backend = search_backend(queryset.db)
    prepared = backend.prepare(queryset, parsed, similar_titles=False)
    suggestion = suggest_correction(queryset, prepared, synonyms)
    if prepared.mode == MatchMode.SIMILAR_SPELLING:
        # Nothing matches what was typed. If the corrected spelling finds something, show that
        # (as search engines do: "showing results for …"); comparing the typed words with every
        # title that shares a trigram cost 0.3-0.5 s at 100,000 resources, the correction a few ms.
        if suggestion:
            corrected = backend.prepare(
                queryset, expand_synonyms(parse_search_query(suggestion), synonyms), similar_titles=False
            )
            if corrected.mode != MatchMode.SIMILAR_SPELLING:
                return dataclasses.replace(corrected, suggestion=suggestion, corrected_from=parsed.text)
        prepared = backend.prepare(queryset, parsed)  # Titles spelled like the query.
    return dataclasses.replace(prepared, suggestion=suggestion) if suggestion else prepared


def search_backend(using="default"):
    """The module that searches on this database: resources.search.postgresql or .sqlite."""
    if connections[using].vendor == "postgresql":
        from resources.search import postgresql as backend
    else:
        from resources.search import sqlite as backend
    return backend


def search_resources(queryset, query):
    """Resources in `queryset` matching `query`, annotated with `search_rank` (higher is better).

    This is `prepare_search(queryset, query).apply(queryset)`: to apply one search to several
    querysets (results and facet counts), prepare it once and apply it to each.
    """
    return prepare_search(queryset, query).apply(queryset)


@contextmanager
def search_plan(search, using="default"):
    """Run the queries of one page of `search` (a PreparedSearch) with the planner settings it needs.

    They are set for one transaction (`SET LOCAL`), so nothing else is affected; a search
    that needs none runs as it is.
    """
    planner_settings = search.planner_settings()
    if not planner_settings:
        yield
        return
    # No savepoint inside a caller's transaction: the settings then last until that one ends.
    with transaction.atomic(using=using, savepoint=False):
        with connections[using].cursor() as cursor:
            for name, value in planner_settings.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield
