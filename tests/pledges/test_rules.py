"""When each One Mind practice is met: thresholds at their boundaries, under both MHFA rules."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from clearinghouse.one_mind import Practice
from pledges import rules


def values(practice, **fields):
    defaults = {
        "partner_organizations": "",
        "agreement_date": None,
        "policy_adopted_on": None,
        "sworn_trained": None,
        "non_sworn_trained": 0,
    }
    return SimpleNamespace(practice=practice, **{**defaults, **fields})


def cit(trained, sworn):
    return rules.evaluate_practice(values(Practice.CIT, sworn_trained=trained), sworn_officers=sworn)


def mhfa(trained, cit_trained, sworn):
    return rules.evaluate_practice(
        values(Practice.MHFA, sworn_trained=trained), sworn_officers=sworn, cit_sworn_trained=cit_trained
    )


@pytest.mark.parametrize(
    ("trained", "sworn", "met"),
    [
        (20, 100, True),  # exactly 20%
        (19, 100, False),
        (199, 1000, False),  # 19.9%
        (200, 1000, True),
        (1, 5, True),
        (1, 6, False),  # 16.7%
        (0, 1, False),
        (1, 1, True),
        (100, 100, True),
    ],
)
def test_cit_needs_at_least_twenty_percent_of_sworn_officers(trained, sworn, met):
    assert cit(trained, sworn).is_met is met


def test_displayed_percentages_round_down_so_an_unmet_target_never_shows_as_reached():
    assert cit(199, 1000).percent_trained == Decimal("19.9")
    assert cit(19999, 100000).percent_trained == Decimal("19.9")
    assert cit(2, 3).percent_trained == Decimal("66.6")
    assert cit(20, 100).percent_trained == Decimal("20.0")
    assert cit(20, 100).target_percent == Decimal("20")


def test_officers_needed_counts_whole_officers_to_reach_the_target():
    assert cit(19, 100).officers_needed == 1
    assert cit(20, 100).officers_needed == 0
    assert cit(0, 101).officers_needed == 21  # 20.2 officers: 21 people
    assert cit(199, 1000).officers_needed == 1


def test_the_summary_says_what_was_counted():
    assert cit(25, 100).summary == "25 of 100 sworn officers trained (25.0%); target 20%"


@pytest.mark.parametrize(
    ("mhfa_trained", "cit_trained", "sworn", "met"),
    [
        (80, 20, 100, True),  # the combined rule's example: 80% MHFA + 20% CIT
        (79, 20, 100, False),
        (100, 0, 100, True),
        (0, 100, 100, True),
        (800, 199, 1000, False),
    ],
)
def test_combined_mhfa_rule_counts_cit_trained_officers(settings, mhfa_trained, cit_trained, sworn, met):
    settings.ONE_MIND_MHFA_RULE = "combined"
    assert mhfa(mhfa_trained, cit_trained, sworn).is_met is met


@pytest.mark.parametrize(
    ("mhfa_trained", "cit_trained", "sworn", "met"),
    [
        (80, 20, 100, False),  # CIT does not count under the original rule
        (99, 100, 100, False),
        (100, 0, 100, True),
    ],
)
def test_mhfa_only_rule_needs_every_sworn_officer_in_mhfa(settings, mhfa_trained, cit_trained, sworn, met):
    settings.ONE_MIND_MHFA_RULE = "mhfa_only"
    assert mhfa(mhfa_trained, cit_trained, sworn).is_met is met


def test_combined_percentage_is_capped_at_one_hundred_when_officers_are_counted_twice(settings):
    settings.ONE_MIND_MHFA_RULE = "combined"
    evaluation = mhfa(90, 30, 100)
    assert evaluation.is_met
    assert evaluation.percent_trained == Decimal("100.0")
    assert evaluation.summary.startswith("100 of 100 sworn officers trained in MHFA or CIT")


def test_the_requirement_text_follows_the_rule_in_force(settings):
    settings.ONE_MIND_MHFA_RULE = "combined"
    assert "not trained in CIT" in rules.requirement_text(Practice.MHFA)
    settings.ONE_MIND_MHFA_RULE = "mhfa_only"
    assert "Every sworn officer trained in Mental Health First Aid" in rules.requirement_text(Practice.MHFA)


def test_an_unknown_mhfa_rule_is_a_configuration_error(settings):
    settings.ONE_MIND_MHFA_RULE = "everyone"
    with pytest.raises(ImproperlyConfigured, match="ONE_MIND_MHFA_RULE"):
        mhfa(100, 0, 100)


def test_non_sworn_staff_are_never_counted():
    evaluation = rules.evaluate_practice(
        values(Practice.CIT, sworn_trained=10, non_sworn_trained=500), sworn_officers=100
    )
    assert not evaluation.is_met
    assert evaluation.trained_counted == 10


@pytest.mark.parametrize(
    ("partners", "agreement_date", "met", "missing"),
    [
        ("Riverside Mental Health Center", datetime.date(2024, 3, 1), True, ()),
        ("Riverside Mental Health Center", None, False, ("the agreement date",)),
        ("", datetime.date(2024, 3, 1), False, ("a partner organization",)),
        ("  \n \n", datetime.date(2024, 3, 1), False, ("a partner organization",)),
        ("", None, False, ("a partner organization", "the agreement date")),
    ],
)
def test_partnership_needs_a_partner_and_an_agreement_date(partners, agreement_date, met, missing):
    evaluation = rules.evaluate_practice(
        values(Practice.PARTNERSHIP, partner_organizations=partners, agreement_date=agreement_date), sworn_officers=10
    )
    assert evaluation.is_met is met
    assert evaluation.missing == missing


def test_partnership_summary_counts_partners_and_dates_the_agreement():
    evaluation = rules.evaluate_practice(
        values(Practice.PARTNERSHIP, partner_organizations="A\n\nB\n", agreement_date=datetime.date(2024, 3, 1)),
        sworn_officers=10,
    )
    assert evaluation.summary == "2 partner organizations; agreement dated March 1, 2024"


def test_policy_needs_an_adoption_date():
    assert not rules.evaluate_practice(values(Practice.POLICY), sworn_officers=10).is_met
    adopted = rules.evaluate_practice(
        values(Practice.POLICY, policy_adopted_on=datetime.date(2023, 6, 5)), sworn_officers=10
    )
    assert adopted.is_met
    assert adopted.summary == "Policy adopted June 5, 2023"
    assert adopted.percent_trained is None
