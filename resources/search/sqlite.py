"""Search on SQLite, the zero-set-up default: FTS5 full-text search, behaving like PostgreSQL's.

The index (resources.search.sqlite_index, migration 0007) holds every searched column, its words
stemmed ("trained" finds "training"), ranked by bm25 with PostgreSQL's weights; a second index
cuts titles into trigrams for misspelled queries.

A query is compiled once into FTS5 query text in which every term is a quoted FTS5 string, so
nothing a person types is FTS5 syntax: a group's terms and synonyms are joined with OR, groups
with AND, excluded terms with NOT. As on PostgreSQL, English stop words alone match nothing
("the", "for"), and the same fallbacks apply: resources matching most of the words when every
word together finds too little, ranked first by how many words they match; titles spelled like
the query (pg_trgm's word similarity, resources.search.trigrams) when the words match nothing.

Matches are found with `pk IN (SELECT rowid FROM the index WHERE it MATCHes)`, which SQLite
lists once per statement. Each resource's bm25 is looked up in the list of (rowid, rank) of
one MATCH, materialized once per statement too: asking the index about each resource in turn
(a join or a plain correlated subquery, when SQLite's planner puts the index inside the loop)
repeats the full-text query for every row, which took seconds for a few thousand matches.
Snippets are highlighted in Python (resources.search.snippets), on the words as typed.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import add

from django.db.models import Case, F, FloatField, Func, Q, Value, When
from django.db.models.expressions import RawSQL

from resources.search.base import MatchMode, PreparedSearch, choose_match_mode
from resources.search.postgresql import MAX_SIMILAR_TITLES, TRIGRAM_THRESHOLD
from resources.search.sqlite_index import FULL_TEXT_TABLE, TITLE_TRIGRAM_TABLE
from resources.search.trigrams import trigram_sequence, word_similarity

# What FTS5's unicode61 tokenizer keeps as a word: runs of letters and digits.
TOKEN = re.compile(r"[^\W_]+")
# PostgreSQL's English stop words (its 'english' configuration ignores them): a term made of
# these alone matches nothing there, so it matches nothing here either.
POSTGRESQL_ENGLISH_STOP_WORDS = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(POSTGRESQL_ENGLISH_STOP_WORDS.split())
# Titles the trigram index offers the spelling fallback, at most: those sharing the most trigrams
# with the query. Their word similarity is then computed in Python.
MAX_SIMILAR_TITLE_CANDIDATES = 500
MAX_QUERY_TRIGRAMS = 40


def _fts_string(text):
    """`text` as an FTS5 string: whatever it holds, FTS5 reads it as words to match, never as syntax."""
    return '"' + text.replace('"', '""') + '"'


def _term_query(term):
    """A term as FTS5 query text (a quoted word or phrase), or "" when it has no word to match."""
    words = TOKEN.findall(term.text)
    if all(word in STOP_WORDS for word in words):  # Also when there is no word at all ("&").
        return ""
    return _fts_string(term.text)


def _any_of(queries):
    queries = [query for query in queries if query]
    if len(queries) > 1:
        return "(" + " OR ".join(queries) + ")"
    return queries[0] if queries else ""


def _matching(fts_query):
    """Resources whose full-text row matches `fts_query`, as a condition on the pk."""
    return Q(pk__in=RawSQL(f"SELECT rowid FROM {FULL_TEXT_TABLE} WHERE {FULL_TEXT_TABLE} MATCH %s", [fts_query]))


class FullTextScore(Func):
    """How well the resource matches `fts_query`: its weighted bm25, negated so higher is better
    (`below_one`: x / (x + 1), to order resources that tie on something else). NULL when it does
    not match. Django compiles the resource's pk, whatever alias the query gives its table."""

    output_field = FloatField()

    def __init__(self, fts_query, *, below_one=False):
        super().__init__(F("pk"))
        self.fts_query = fts_query
        self.below_one = below_one

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        score = "score / (score + 1.0)" if self.below_one else "score"
        sql = (
            f"(WITH scores AS MATERIALIZED (SELECT rowid AS resource_id, -rank AS score FROM {FULL_TEXT_TABLE} "
            f"WHERE {FULL_TEXT_TABLE} MATCH %s) SELECT {score} FROM scores WHERE resource_id = {pk_sql})"
        )
        return sql, [self.fts_query, *pk_params]


@dataclass(frozen=True)
class SQLitePreparedSearch(PreparedSearch):
    """`group_queries`: each group compiled (FTS5 query text), terms without words left out;
    `excluded_query`: the excluded terms, any of which leaves a resource out; `required_groups`:
    how many groups a "most words" match needs; `similar_titles`: (pk, similarity) of the
    resources the spelling fallback found, best first."""

    group_queries: tuple = ()
    excluded_query: str = ""
    required_groups: int = 0
    similar_titles: tuple = ()

    def _full_text_query(self, groups_joiner):
        query = groups_joiner.join(self.group_queries)
        if len(self.group_queries) > 1:
            query = f"({query})"
        return f"{query} NOT {self.excluded_query}" if query and self.excluded_query else query

    @property
    def all_words_query(self):
        return self._full_text_query(" AND ")

    @property
    def any_words_query(self):
        return self._full_text_query(" OR ")

    def _groups_matched(self):
        return reduce(
            add,
            (Case(When(_matching(query), then=Value(1)), default=Value(0)) for query in self.group_queries),
            Value(0),
        )

    def _without_excluded(self, queryset):
        return queryset.exclude(_matching(self.excluded_query)) if self.excluded_query else queryset

    def filter(self, queryset):
        if self.mode == MatchMode.SIMILAR_SPELLING:
            return queryset.filter(pk__in=[pk for pk, _similarity in self.similar_titles])
        if self.mode == MatchMode.MOST_WORDS:
            return queryset.alias(groups_matched=self._groups_matched()).filter(
                _matching(self.any_words_query), groups_matched__gte=self.required_groups
            )
        if self.group_queries:
            return queryset.filter(_matching(self.all_words_query))
        return self._without_excluded(queryset)  # Only excluded terms ("-heroin").

    def apply(self, queryset):
        if self.mode == MatchMode.SIMILAR_SPELLING:
            similarity = Case(
                *(When(pk=pk, then=Value(similarity)) for pk, similarity in self.similar_titles),
                default=Value(0.0),
                output_field=FloatField(),
            )
            return self.filter(queryset).annotate(search_rank=similarity)
        if not self.group_queries:
            return self.filter(queryset).annotate(search_rank=Value(0.0))
        if self.mode == MatchMode.MOST_WORDS:
            # Words matched first; bm25 (below 1) orders the resources that match as many.
            rank = F("groups_matched") + FullTextScore(self.any_words_query, below_one=True)
            return self.filter(queryset).annotate(search_rank=rank)
        return self.filter(queryset).annotate(search_rank=FullTextScore(self.all_words_query))


def prepare(queryset, parsed, *, similar_titles=True):
    """Compile `parsed` and decide how it matches within `queryset`: one statement, two when every word together
    finds too little, three when the spelling fallback is needed. Without `similar_titles`, a search that
    matches nothing is returned in SIMILAR_SPELLING mode with no titles, without looking for them."""
    group_queries = tuple(
        query for query in (_any_of(_term_query(term) for term in group.terms) for group in parsed.groups) if query
    )
    excluded_query = _any_of(_term_query(term) for term in parsed.excluded)
    base = queryset.order_by()
    return choose_match_mode(
        base,
        all_words=SQLitePreparedSearch(parsed, group_queries=group_queries, excluded_query=excluded_query),
        group_count=len(group_queries),
        searches_anything=bool(group_queries or excluded_query),
        most_words=lambda required, found: SQLitePreparedSearch(
            parsed,
            MatchMode.MOST_WORDS,
            full_match_count=found,
            group_queries=group_queries,
            excluded_query=excluded_query,
            required_groups=required,
        ),
        spelled_alike=lambda: SQLitePreparedSearch(
            parsed,
            MatchMode.SIMILAR_SPELLING,
            group_queries=group_queries,
            excluded_query=excluded_query,
            similar_titles=_similar_titles(base, parsed.text) if similar_titles else (),
        ),
    )


def _similar_titles(queryset, query):
    """(pk, similarity) of the resources whose title resembles `query`, best first, at most
    MAX_SIMILAR_TITLES: word similarity at least TRIGRAM_THRESHOLD, as on PostgreSQL.

    The trigram index finds the titles sharing a trigram with the query's words; the
    MAX_SIMILAR_TITLE_CANDIDATES sharing the most are compared with the query in Python.
    """
    # The index cut titles as written: a word's first trigram in pg_trgm ("  d", two padding
    # spaces) is nowhere in it, but its second (" de") follows a space within a title.
    trigrams = [trigram for trigram in trigram_sequence(query) if not trigram.startswith("  ")]
    # SQLite cannot parse the nested sum below for hundreds of trigrams (a 200-letter "word" gave
    # "parser stack overflow", a 500: decision 0016); no title resembles such a query anyway.
    trigrams = sorted(list(dict.fromkeys(trigrams))[:MAX_QUERY_TRIGRAMS])
    if not trigrams:
        return ()
    any_trigram = " OR ".join(_fts_string(trigram) for trigram in trigrams)
    shared = reduce(
        add,
        (Case(When(title__icontains=trigram, then=Value(1)), default=Value(0)) for trigram in trigrams),
        Value(0),
    )
    candidates = (
        queryset.filter(
            pk__in=RawSQL(
                f"SELECT rowid FROM {TITLE_TRIGRAM_TABLE} WHERE {TITLE_TRIGRAM_TABLE} MATCH %s", [any_trigram]
            )
        )
        .alias(shared_trigrams=shared)
        .order_by("-shared_trigrams", "pk")
        .values_list("pk", "title")[:MAX_SIMILAR_TITLE_CANDIDATES]
    )
    similar = [(pk, word_similarity(query, title)) for pk, title in candidates]
    similar = sorted(
        ((pk, similarity) for pk, similarity in similar if similarity >= TRIGRAM_THRESHOLD),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return tuple(similar[:MAX_SIMILAR_TITLES])
