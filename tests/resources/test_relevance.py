"""The relevance test set (resources/seed/relevance.json): every query finds what a person expects
at the top of the seed catalog, on both databases, and `manage.py search_relevance` scores it."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from resources.management.commands.load_seed import DEFAULT_SEED_FILE as SEED_FILE
from resources.relevance import (
    DEFAULT_TOP,
    RELEVANCE_SET_FILE,
    RelevanceSetError,
    load_relevance_set,
    search_case,
)
from tests.resources.factories import ensure_seeded_synonyms, ensure_seeded_vocabularies

CASES = load_relevance_set()


@pytest.fixture(scope="module")
def seed_catalog(django_db_setup, django_db_blocker):
    """The seed catalog and the seeded synonyms, loaded once for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_seeded_vocabularies()
        ensure_seeded_synonyms()
        call_command("load_seed", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("case", [pytest.param(case, id=case.query) for case in CASES])
def test_a_person_finds_what_they_expect_at_the_top(seed_catalog, case):
    result = search_case(case, top=DEFAULT_TOP)
    assert not result.missing, (
        f"Not in the first {DEFAULT_TOP} for “{case.query}”: {result.missing} (found {result.found})"
    )
    assert result.suggestion_ok, f"“{case.query}”: suggested “{result.suggestion}”, expected “{case.suggestion}”"


def test_the_set_is_realistic_and_names_seed_resources_only():
    seed_slugs = {entry["slug"] for entry in json.loads(SEED_FILE.read_text(encoding="utf-8"))}
    assert len(CASES) >= 25
    unknown = {slug for case in CASES for slug in case.expected} - seed_slugs
    assert not unknown, f"Expected resources not in the seed: {sorted(unknown)}"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([], "must be a list of queries"),
        ([{"query": "", "expected": ["a"], "note": ""}], "entry 1: “query” must be the text a person searches for."),
        (
            [{"query": "CIT", "expected": "a", "note": ""}],
            "entry 1 (“CIT”): “expected” must be a list of resource slugs.",
        ),
        (
            [{"query": "CIT", "expected": [], "note": ""}],
            "entry 1 (“CIT”): expect at least one resource, or a suggestion.",
        ),
        ([{"query": "CIT", "expected": ["a", "a"]}], "entry 1 (“CIT”): a slug is listed twice"),
        ([{"query": "CIT", "expected": ["a"], "notes": ""}], "entry 1: unknown key(s) notes."),
        (
            [{"query": "CIT", "expected": ["a"]}, {"query": "CIT", "expected": ["b"]}],
            "Listed twice in the relevance set: CIT.",
        ),
    ],
)
def test_a_malformed_set_is_refused_saying_where(tmp_path, entries, message):
    path = tmp_path / "relevance.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(RelevanceSetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_relevance_set(path)


@pytest.mark.django_db
def test_the_command_prints_each_query_and_the_overall_recall(seed_catalog, tmp_path):
    path = tmp_path / "relevance.json"
    cases = [
        {"query": "MHFA", "expected": ["one-mind-campaign"], "note": ""},
        {"query": "model policy", "expected": ["one-mind-campaign", "excited-delirium-syndrome"], "note": ""},
        {"query": "legisltion", "expected": [], "suggestion": "legislation", "note": ""},
    ]
    path.write_text(json.dumps(cases), encoding="utf-8")
    out = io.StringIO()

    call_command("search_relevance", "--top", "1", "--file", str(path), stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert lines[1].split()[:3] == ["MHFA", "pass", "1/1"]
    assert lines[2].split()[:4] == ["model", "policy", "FAIL", "0/2"]
    assert "missing: one-mind-campaign, excited-delirium-syndrome" in lines[2]
    assert "did you mean “legislation” (expected “legislation”)" in lines[3]
    assert lines[-1] == "Recall@1: 0.333 (1 of 3 expected resources in the first 1); 2 of 3 queries pass."


@pytest.mark.django_db
def test_the_command_warns_of_expected_resources_absent_and_refuses_bad_options(tmp_path):
    path = tmp_path / "relevance.json"
    path.write_text(json.dumps([{"query": "CIT", "expected": ["no-such-resource"], "note": ""}]), encoding="utf-8")
    err = io.StringIO()
    call_command("search_relevance", "--file", str(path), stdout=io.StringIO(), stderr=err)
    assert "not published in this database (load the seed: manage.py load_seed): no-such-resource" in err.getvalue()
    with pytest.raises(CommandError, match="--top must be at least 1"):
        call_command("search_relevance", "--top", "0")
    with pytest.raises(CommandError, match="No relevance set at"):
        call_command("search_relevance", "--file", str(tmp_path / "missing.json"))


def test_the_default_set_is_the_one_in_the_seed_folder():
    assert RELEVANCE_SET_FILE.parent == SEED_FILE.parent
