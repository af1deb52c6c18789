"""What every search backend returns: a search resolved once, to apply to any number of querysets."""

from dataclasses import dataclass

from django.db.models import Value

from resources.search.query import ParsedQuery


class MatchMode:
    """How the results were found: the page tells people when it is not by every word."""

    ALL_WORDS = "all"  # every group matched (the normal case)
    MOST_WORDS = "most"  # every group together found too little: resources matching most of them
    SIMILAR_SPELLING = "similar"  # nothing matched the words: titles spelled like the query


@dataclass(frozen=True)
class PreparedSearch:
    """A search resolved once into how it matches, to apply to the results and each facet count.

    `parsed` is the query as searched (with curated synonyms); `mode` is a MatchMode value;
    `suggestion` a corrected query to offer ("did you mean"), or ""; `full_match_count`, with
    MOST_WORDS, how many resources match every word (counted up to a few; 0: none), so the page
    can say which; `corrected_from`, when nothing matched what was typed and the results are
    those of the "did you mean" correction, the query as typed. Apply it only to the queryset it
    was prepared against or to querysets within it. This base class is the empty search: it
    leaves every queryset unchanged.
    """

    parsed: ParsedQuery
    mode: str = MatchMode.ALL_WORDS
    suggestion: str = ""
    full_match_count: int = 0
    corrected_from: str = ""

    @property
    def query(self):
        return self.parsed.text

    @property
    def is_typo_fallback(self):
        return self.mode == MatchMode.SIMILAR_SPELLING

    def filter(self, queryset):
        """The matching resources of `queryset`, without rank or headlines: enough to count them."""
        return queryset

    def with_headlines(self, queryset):
        """`queryset` (a page of results) annotated with the database's highlighted passages, if it makes any."""
        return queryset

    def planner_settings(self):
        """Settings for the database's query planner while this search's queries run (see `search_plan`)."""
        return {}

    def apply(self, queryset):
        """The matching resources of `queryset`, annotated with `search_rank` (higher is better)."""
        # Text of syntax only ("or", "-") searches for nothing: every resource, equally ranked.
        return queryset.annotate(search_rank=Value(0.0)) if self.parsed.text else queryset


# Fewer resources than this matching every word is "too little": resources matching most words are added.
FEW_MATCHES = 3


def choose_match_mode(base, *, all_words, group_count, most_words, spelled_alike, searches_anything=True):
    """The search a backend returns for `base` (its queryset, unordered): the same rule on every database.

    `all_words` is the backend's search in ALL_WORDS mode; `most_words(required_groups, full_match_count)`
    builds its MOST_WORDS search; `spelled_alike()` its SIMILAR_SPELLING one. Every word must match
    when at least FEW_MATCHES resources do (or some do and there is one group). Otherwise, with two
    groups or more, resources matching a majority of them (1 of 2, 2 of 3, 3 of 4…) if any; else
    titles spelled like the query. One statement, two or three at most.
    """
    found = all_words.filter(base).values("pk")[:FEW_MATCHES].count() if searches_anything else 0
    if found >= FEW_MATCHES or (found and group_count < 2):
        return all_words
    if group_count >= 2:
        required = 1 if group_count == 2 else group_count // 2 + 1
        most = most_words(required, found)
        if found or most.filter(base).exists():
            return most
    return spelled_alike()
