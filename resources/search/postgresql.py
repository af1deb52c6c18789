"""Search on PostgreSQL: full-text search on a weighted vector, ranked, with headlines.

The vector (resources_resource.search_vector) is kept by a trigger (migrations 0003 and 0006):
title and resolution identifier (A), the resource's kind, topics, audiences and practices and
its summary (B), publisher, partners, committee and conference (C), body (D). A GIN index
serves the `@@` matches.

A query is compiled once into a tsquery (each term through plainto_/phraseto_tsquery, so
stemming and stop words follow the 'english' configuration; groups joined with `&&`, a group's
terms and synonyms with `||`), and every later statement of the page reuses its text.
Results are ranked by the small head vector (title, identifier, tags, summary) rather than
the whole one: it is what tells a good match, and reading it for 90,000 matches costs a
fraction. When every word together finds too little, resources matching most of the words
are the results, ranked first by how many words they match; when nothing matches the words
at all, titles spelled like the query (trigram word similarity) are.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQueryField, SearchRank, TrigramWordSimilarity
from django.db import connections, transaction
from django.db.models import BooleanField, F, FloatField, Func, IntegerField, TextField, Value
from django.db.models.functions import Cast, Replace

from resources.search.base import MatchMode, PreparedSearch, choose_match_mode
from resources.search.snippets import HIGHLIGHT_START, HIGHLIGHT_STOP

SEARCH_CONFIG = "english"
# Word similarity of the query to a title at or above which a misspelled query still
# finds the resource ("crisis intervantion", "delirum"); only used when the words match nothing.
TRIGRAM_THRESHOLD = 0.3
# Titles offered by the spelling fallback, at most: the best-resembling ones.
MAX_SIMILAR_TITLES = 200
# ts_rank normalization 32: rank / (rank + 1), so a rank is below 1 and "words matched" can lead it.
RANK_NORMALIZATION = 32

# Characters HTML gives a meaning to, escaped in SQL before ts_headline adds its <mark> tags.
HTML_ESCAPES = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")]


def _tsquery(text):
    """A compiled tsquery (its text form), as an expression."""
    return Cast(Value(text), output_field=SearchQueryField())


def _matches(tsquery_text):
    return Func(
        F("search_vector"),
        _tsquery(tsquery_text),
        arg_joiner=" @@ ",
        template="(%(expressions)s)",
        output_field=BooleanField(),
    )


def _term_sql(term):
    function = "phraseto_tsquery" if term.is_phrase else "plainto_tsquery"
    # A slash separates words, as in the indexed text (migration 0006): "CIT/CRIT" is two words.
    return f"{function}('{SEARCH_CONFIG}', %s)", [term.text.replace("/", " ")]


def _group_sql(group):
    parts = [_term_sql(term) for term in group.terms]
    return "(" + " || ".join(sql for sql, _params in parts) + ")", [p for _sql, params in parts for p in params]


def _compile_sql(parsed):
    """SELECT-able SQL giving, as text: the whole query, the excluded terms (any of them), and
    each group alone (for "most words")."""
    groups = [_group_sql(group) for group in parsed.groups]
    excluded = [_term_sql(term) for term in parsed.excluded]
    pieces = [sql for sql, _params in groups] + [f"!!{sql}" for sql, _params in excluded]
    group_params = [p for _sql, ps in groups for p in ps]
    excluded_params = [p for _sql, ps in excluded for p in ps]
    any_excluded = " || ".join(sql for sql, _params in excluded) or "''::tsquery"
    columns = [
        f"({' && '.join(pieces)})::text",
        f"({any_excluded})::text",
        *(f"({sql})::text" for sql, _params in groups),
    ]
    return ", ".join(columns), group_params + excluded_params + excluded_params + group_params


@dataclass(frozen=True)
class PostgreSQLPreparedSearch(PreparedSearch):
    """`tsquery`: the compiled query (all words); `group_tsqueries`: each group's, for "most words";
    `required_groups`: how many groups a "most words" match needs; `similar_title_ids`: the
    resources the spelling fallback found."""

    tsquery: str = ""
    excluded_tsquery: str = ""
    group_tsqueries: tuple = ()
    required_groups: int = 0
    similar_title_ids: tuple = ()

    def _groups_matched(self):
        total = Value(0)
        for tsquery in self.group_tsqueries:
            total = total + Cast(_matches(tsquery), output_field=IntegerField())
        return total

    def filter(self, queryset):
        if self.mode == MatchMode.SIMILAR_SPELLING:
            return queryset.filter(pk__in=self.similar_title_ids)
        if self.mode == MatchMode.MOST_WORDS:
            any_group = " | ".join(f"({tsquery})" for tsquery in self.group_tsqueries)
            matches = queryset.alias(groups_matched=self._groups_matched()).filter(
                _matches(any_group), groups_matched__gte=self.required_groups
            )
            # An excluded word stays excluded, however many of the others a resource matches.
            return matches.exclude(_matches(self.excluded_tsquery)) if self.excluded_tsquery else matches
        return queryset.filter(_matches(self.tsquery))

    def _rank_query(self):
        """The tsquery that ranks and highlights: all words, any group ("most words"), or the words typed."""
        if self.mode == MatchMode.MOST_WORDS:
            return " | ".join(f"({tsquery})" for tsquery in self.group_tsqueries)
        return self.tsquery or ""  # The empty tsquery: no headline marks.

    def apply(self, queryset):
        matches = self.filter(queryset)
        if self.mode == MatchMode.SIMILAR_SPELLING:
            return matches.annotate(search_rank=TrigramWordSimilarity(self.query, "title"))
        # Ranked by the head (title, identifier, tags, summary: see migration 0006), which is
        # small and kept in the row; a match in the body alone ranks 0, after every other.
        rank = SearchRank(F("search_head"), _tsquery(self._rank_query()), normalization=Value(RANK_NORMALIZATION))
        if self.mode == MatchMode.MOST_WORDS:
            rank = Cast(self._groups_matched(), output_field=FloatField()) + rank
        return matches.annotate(search_rank=rank)

    def with_headlines(self, queryset):
        return queryset.annotate(**_headlines(self._rank_query()))

    def planner_settings(self):
        # A search that matches most of the catalog looks cheapest to the planner as a scan of the
        # whole table, which would read every full vector out of line; the GIN index never does.
        return {"enable_seqscan": "off"}


def _html_escaped(field_name):
    expression = F(field_name)
    for character, entity in HTML_ESCAPES:
        expression = Replace(expression, Value(character), Value(entity), output_field=TextField())
    return expression


def _headlines(tsquery_text):
    search_query = _tsquery(tsquery_text)
    return {
        # Escaped first, highlighted second: only ts_headline's own <mark> tags are markup.
        # The whole summary with every match marked (stems too: "trained" marks "training") ...
        "search_summary_headline": SearchHeadline(
            _html_escaped("summary"),
            search_query,
            config=SEARCH_CONFIG,
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            highlight_all=True,
        ),
        # ... and, for when only the body matches, up to two short passages of it.
        "search_body_headline": SearchHeadline(
            _html_escaped("body"),
            search_query,
            config=SEARCH_CONFIG,
            start_sel=HIGHLIGHT_START,
            stop_sel=HIGHLIGHT_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    }


def prepare(queryset, parsed, *, similar_titles=True):
    """Compile `parsed` and decide how it matches within `queryset`: two statements at most (three when the
    spelling fallback is needed), whatever the size of the catalog. Without `similar_titles`, a search that
    matches nothing is returned in SIMILAR_SPELLING mode with no titles, without looking for them (costly)."""
    connection = connections[queryset.db]
    columns_sql, params = _compile_sql(parsed)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns_sql}", params)
        tsquery, excluded_tsquery, *group_tsqueries = cursor.fetchone()
    group_tsqueries = tuple(text for text in group_tsqueries if text)
    base = queryset.order_by()
    return choose_match_mode(
        base,
        all_words=PostgreSQLPreparedSearch(parsed, tsquery=tsquery, group_tsqueries=group_tsqueries),
        group_count=len(group_tsqueries),
        searches_anything=bool(tsquery),
        most_words=lambda required, found: PostgreSQLPreparedSearch(
            parsed,
            MatchMode.MOST_WORDS,
            full_match_count=found,
            tsquery=tsquery,
            excluded_tsquery=excluded_tsquery,
            group_tsqueries=group_tsqueries,
            required_groups=required,
        ),
        spelled_alike=lambda: PostgreSQLPreparedSearch(
            parsed,
            MatchMode.SIMILAR_SPELLING,
            tsquery=tsquery,
            group_tsqueries=group_tsqueries,
            similar_title_ids=_similar_title_ids(base, parsed.text) if similar_titles else (),
        ),
    )


def _similar_title_ids(queryset, query):
    """Pks of the resources whose title resembles `query` (best first, at most MAX_SIMILAR_TITLES).

    `%>` (word similarity of at least pg_trgm.word_similarity_threshold) can use the trigram
    index on title, where comparing word_similarity() with a number cannot. The threshold is set
    for this transaction only (or, inside a caller's transaction, until that one ends; no other
    query uses it), so `%>` means "at least TRIGRAM_THRESHOLD".
    """
    similar = (
        queryset.filter(title__trigram_word_similar=query)
        .annotate(similarity=TrigramWordSimilarity(query, "title"))
        .order_by("-similarity", "pk")
        .values_list("pk", flat=True)[:MAX_SIMILAR_TITLES]
    )
    with transaction.atomic(using=queryset.db, savepoint=False):
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
        return tuple(similar)
