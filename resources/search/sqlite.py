"""Search on SQLite, the zero-set-up default: every word (or phrase) must appear in the title,
summary or body, case-insensitively; `-word` excludes. Rank counts where each term appears
(title 4, summary 2, body 1); snippets are highlighted in Python (resources.search.snippets)."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, Q, Value, When

from resources.search.base import PreparedSearch

FIELD_WEIGHTS = (("title", 4.0), ("search_tags", 2.0), ("summary", 2.0), ("body", 1.0))


def _contains(term):
    return reduce(or_, (Q(**{f"{field}__icontains": term.text}) for field, _weight in FIELD_WEIGHTS))


@dataclass(frozen=True)
class SimplePreparedSearch(PreparedSearch):
    def filter(self, queryset):
        for group in self.parsed.groups:
            queryset = queryset.filter(reduce(or_, (_contains(term) for term in group.terms)))
        for term in self.parsed.excluded:
            queryset = queryset.exclude(_contains(term))
        return queryset

    def apply(self, queryset):
        rank = Value(0.0)
        for term in self.parsed.typed_terms:
            for field, weight in FIELD_WEIGHTS:
                rank += Case(When(**{f"{field}__icontains": term.text}, then=Value(weight)), default=Value(0.0))
        return self.filter(queryset).annotate(search_rank=rank)


def prepare(queryset, parsed):
    return SimplePreparedSearch(parsed)
