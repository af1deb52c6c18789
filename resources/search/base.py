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
