"""The relevance test set: what people search for, and what they expect at the top, on the seed catalog.

resources/seed/relevance.json holds the set, for curators to extend. Each entry has:
- "query": what a person types in the catalog's search box;
- "expected": the slugs of the seed resources that person expects among the first results
  (in any order); empty only when the entry is about the suggestion;
- "suggestion" (optional): the "did you mean" correction the page should offer;
- "note": why, for the next reader.

Each query is searched through the catalog's own ResourceFilterSet, in the order the page lists
results. It passes when every expected resource is among the first N results and the expected
suggestion, if any, is offered. The score is recall@N: the share of the expected resources found
in the first N results, per query and over the whole set. `manage.py search_relevance` prints
it; tests/resources/test_relevance.py requires every query to pass on the seed catalog.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.http import QueryDict

from resources.filters import ResourceFilterSet
from resources.models import Resource

RELEVANCE_SET_FILE = Path(__file__).resolve().parent / "seed" / "relevance.json"
DEFAULT_TOP = 5


class RelevanceSetError(ValueError):
    """The relevance set file is missing or malformed; the message says where."""


@dataclass(frozen=True)
class RelevanceCase:
    query: str
    expected: tuple
    suggestion: str | None = None
    note: str = ""


@dataclass(frozen=True)
class RelevanceResult:
    """What the catalog answered to one case: the slugs of its first results, its suggestion."""

    case: RelevanceCase
    found: tuple
    suggestion: str
    mode: str

    @property
    def missing(self):
        return [slug for slug in self.case.expected if slug not in self.found]

    @property
    def recall(self):
        """The share of the expected resources among the first results; None if none expected."""
        if not self.case.expected:
            return None
        return (len(self.case.expected) - len(self.missing)) / len(self.case.expected)

    @property
    def suggestion_ok(self):
        return self.case.suggestion is None or self.suggestion == self.case.suggestion

    @property
    def passed(self):
        return not self.missing and self.suggestion_ok


@dataclass(frozen=True)
class RelevanceReport:
    results: list
    top: int

    @property
    def expected_count(self):
        return sum(len(result.case.expected) for result in self.results)

    @property
    def found_count(self):
        return sum(len(result.case.expected) - len(result.missing) for result in self.results)

    @property
    def recall(self):
        """recall@top over the whole set: expected resources found, over expected resources."""
        return self.found_count / self.expected_count if self.expected_count else 1.0

    @property
    def passed_count(self):
        return sum(result.passed for result in self.results)


def _case(entry, position):
    where = f"entry {position + 1}"
    if not isinstance(entry, dict):
        raise RelevanceSetError(f"{where}: expected an object with “query”, “expected” and “note”.")
    query, expected = entry.get("query"), entry.get("expected")
    suggestion, note = entry.get("suggestion"), entry.get("note", "")
    unknown = sorted(set(entry) - {"query", "expected", "suggestion", "note"})
    if unknown:
        raise RelevanceSetError(f"{where}: unknown key(s) {', '.join(unknown)}.")
    if not isinstance(query, str) or not query.strip():
        raise RelevanceSetError(f"{where}: “query” must be the text a person searches for.")
    where = f"{where} (“{query}”)"
    if not isinstance(expected, list) or not all(isinstance(slug, str) and slug for slug in expected):
        raise RelevanceSetError(f"{where}: “expected” must be a list of resource slugs.")
    if len(set(expected)) != len(expected):
        raise RelevanceSetError(f"{where}: a slug is listed twice in “expected”.")
    if suggestion is not None and (not isinstance(suggestion, str) or not suggestion.strip()):
        raise RelevanceSetError(f"{where}: “suggestion”, when given, must be the corrected query.")
    if not expected and suggestion is None:
        raise RelevanceSetError(f"{where}: expect at least one resource, or a suggestion.")
    if not isinstance(note, str):
        raise RelevanceSetError(f"{where}: “note” must be text.")
    return RelevanceCase(query, tuple(expected), suggestion, note)


def load_relevance_set(path=RELEVANCE_SET_FILE):
    """The cases of the relevance set file, validated (RelevanceSetError says what is wrong)."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise RelevanceSetError(f"No relevance set at {path}.") from error
    except json.JSONDecodeError as error:
        raise RelevanceSetError(f"The relevance set {path} is not valid JSON: {error}") from error
    if not isinstance(entries, list) or not entries:
        raise RelevanceSetError(f"The relevance set {path} must be a list of queries.")
    cases = [_case(entry, position) for position, entry in enumerate(entries)]
    queries = [case.query for case in cases]
    repeated = sorted({query for query in queries if queries.count(query) > 1})
    if repeated:
        raise RelevanceSetError(f"Listed twice in the relevance set: {', '.join(repeated)}.")
    return cases


def search_case(case, *, top=DEFAULT_TOP):
    """Search `case.query` as the catalog page does and keep its first `top` results."""
    params = QueryDict(mutable=True)
    params["q"] = case.query
    filterset = ResourceFilterSet(params, queryset=Resource.objects.published())
    found = tuple(filterset.qs.values_list("slug", flat=True)[:top])
    prepared = filterset.prepared_search
    return RelevanceResult(case, found, prepared.suggestion, prepared.mode)


def evaluate(cases, *, top=DEFAULT_TOP):
    """Search every case; the RelevanceReport of the results."""
    return RelevanceReport([search_case(case, top=top) for case in cases], top)


def missing_resources(cases):
    """Expected slugs that are not published resources of this database (the seed not loaded?)."""
    expected = {slug for case in cases for slug in case.expected}
    present = set(Resource.objects.published().filter(slug__in=expected).values_list("slug", flat=True))
    return sorted(expected - present)
