"""When is a One Mind practice met? The thresholds are data, selected by settings.

- Partnership: at least one partner organization and an agreement date.
- Policy: an adoption date.
- CIT: sworn officers trained in CIT (CRIT or equivalent) >= 20% of sworn officers.
- MHFA, by ``settings.ONE_MIND_MHFA_RULE``:
  - "combined" (the campaign's current wording, the default): officers trained in
    MHFA plus officers trained in CIT >= 100% of sworn officers. An officer
    trained in both should be reported once (under CIT), so the reporting form
    asks for MHFA-trained officers "not already counted under CIT".
  - "mhfa_only" (the original wording): MHFA-trained officers alone >= 100%.

Percentages are of the agency's sworn officers (Agency.sworn_officers) and are
compared exactly with Decimal arithmetic: 20 of 100 (20%) meets a 20% target,
199 of 1000 (19.9%) does not. Non-sworn staff are encouraged and shown, never
counted. Displayed percentages are rounded *down* to one decimal, so a page never
shows "20.0%" next to "not met".

Nothing here touches the database: `evaluate_practice` reads attributes of any
object shaped like a PracticeProgress.
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from clearinghouse.one_mind import Practice

MHFA_RULE_COMBINED = "combined"
MHFA_RULE_MHFA_ONLY = "mhfa_only"
MHFA_RULES = (MHFA_RULE_COMBINED, MHFA_RULE_MHFA_ONLY)

TRAINING_PRACTICES = (Practice.MHFA, Practice.CIT)


@dataclass(frozen=True)
class TrainingTarget:
    """A training practice's target: a share of sworn officers, optionally counting CIT-trained officers too."""

    practice: Practice
    target_percent: Decimal
    counts_cit_trained: bool
    requirement: str


# The data: one table per selectable MHFA rule. CIT is the same under both.
_CIT_TARGET = TrainingTarget(
    practice=Practice.CIT,
    target_percent=Decimal("20"),
    counts_cit_trained=False,
    requirement="At least 20% of sworn officers trained in CIT, CRIT or an equivalent crisis-intervention course.",
)
TRAINING_TARGETS = {
    MHFA_RULE_COMBINED: {
        Practice.MHFA: TrainingTarget(
            practice=Practice.MHFA,
            target_percent=Decimal("100"),
            counts_cit_trained=True,
            requirement=(
                "Every sworn officer trained: officers not trained in CIT complete Mental Health First Aid "
                "for Public Safety or an equivalent course."
            ),
        ),
        Practice.CIT: _CIT_TARGET,
    },
    MHFA_RULE_MHFA_ONLY: {
        Practice.MHFA: TrainingTarget(
            practice=Practice.MHFA,
            target_percent=Decimal("100"),
            counts_cit_trained=False,
            requirement="Every sworn officer trained in Mental Health First Aid for Public Safety or an equivalent.",
        ),
        Practice.CIT: _CIT_TARGET,
    },
}

REQUIREMENTS = {
    Practice.PARTNERSHIP: (
        "A partnership with at least one community mental health organization, with an agreement date."
    ),
    Practice.POLICY: "A policy on police response to persons affected by mental illness, with its adoption date.",
}


def current_mhfa_rule():
    """The MHFA rule in force: settings.ONE_MIND_MHFA_RULE ("combined" unless configured)."""
    rule = getattr(settings, "ONE_MIND_MHFA_RULE", MHFA_RULE_COMBINED)
    if rule not in MHFA_RULES:
        raise ImproperlyConfigured(f"ONE_MIND_MHFA_RULE must be one of {', '.join(MHFA_RULES)}; got {rule!r}.")
    return rule


def training_target(practice):
    """The TrainingTarget for MHFA or CIT under the rule in force."""
    return TRAINING_TARGETS[current_mhfa_rule()][Practice(practice)]


def requirement_text(practice):
    """One sentence saying what meets the practice, under the rule in force."""
    practice = Practice(practice)
    if practice in TRAINING_PRACTICES:
        return training_target(practice).requirement
    return REQUIREMENTS[practice]


def meets_percentage(counted, total, target_percent):
    """True when counted/total >= target_percent/100, exactly (no rounding)."""
    if total <= 0:
        return False
    return Decimal(counted) * 100 >= Decimal(target_percent) * Decimal(total)


def display_percent(counted, total):
    """counted/total as a percentage rounded down to one decimal, capped at 100; None when total is 0."""
    if total <= 0:
        return None
    counted = min(counted, total)
    return (Decimal(counted) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def officers_needed(counted, total, target_percent):
    """How many more officers must be trained to reach the target (0 when met)."""
    required = (Decimal(target_percent) * Decimal(total) / 100).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(required) - counted)


@dataclass(frozen=True)
class PracticeEvaluation:
    """Where one practice stands. Training fields are None for partnership and policy."""

    practice: Practice
    is_met: bool
    requirement: str
    summary: str
    missing: tuple = field(default=())
    sworn_officers: int | None = None
    trained_counted: int | None = None
    percent_trained: Decimal | None = None
    target_percent: Decimal | None = None
    officers_needed: int | None = None

    @property
    def label(self):
        return self.practice.label


def evaluate_practice(progress, *, sworn_officers, cit_sworn_trained=0):
    """Evaluate one practice's latest values (a PracticeProgress or anything with the same attributes).

    `sworn_officers` is the agency's count; `cit_sworn_trained` is the CIT practice's
    sworn-officer count, used by the combined MHFA rule.
    """
    practice = Practice(progress.practice)
    if practice == Practice.PARTNERSHIP:
        partners = [line.strip() for line in (progress.partner_organizations or "").splitlines() if line.strip()]
        missing = []
        if not partners:
            missing.append("a partner organization")
        if not progress.agreement_date:
            missing.append("the agreement date")
        if partners:
            summary = f"{len(partners)} partner organization{'s' if len(partners) != 1 else ''}"
            if progress.agreement_date:
                summary += f"; agreement dated {progress.agreement_date:%B} {progress.agreement_date.day}, "
                summary += f"{progress.agreement_date.year}"
        else:
            summary = "No partner organization reported yet"
        return PracticeEvaluation(practice, not missing, requirement_text(practice), summary, tuple(missing))

    if practice == Practice.POLICY:
        adopted = progress.policy_adopted_on
        if adopted:
            summary = f"Policy adopted {adopted:%B} {adopted.day}, {adopted.year}"
            return PracticeEvaluation(practice, True, requirement_text(practice), summary)
        return PracticeEvaluation(
            practice, False, requirement_text(practice), "No policy adoption reported yet", ("the adoption date",)
        )

    target = training_target(practice)
    trained = progress.sworn_trained or 0
    counted = trained + ((cit_sworn_trained or 0) if target.counts_cit_trained else 0)
    is_met = meets_percentage(counted, sworn_officers, target.target_percent)
    percent = display_percent(counted, sworn_officers)
    shown_counted = min(counted, sworn_officers)
    if target.counts_cit_trained:
        summary = (
            f"{shown_counted} of {sworn_officers} sworn officers trained in MHFA or CIT ({percent}%); "
            f"target {target.target_percent}%"
        )
    else:
        summary = (
            f"{shown_counted} of {sworn_officers} sworn officers trained ({percent}%); target {target.target_percent}%"
        )
    return PracticeEvaluation(
        practice=practice,
        is_met=is_met,
        requirement=target.requirement,
        summary=summary,
        missing=() if is_met else ("more trained sworn officers",),
        sworn_officers=sworn_officers,
        trained_counted=counted,
        percent_trained=percent,
        target_percent=target.target_percent,
        officers_needed=officers_needed(counted, sworn_officers, target.target_percent),
    )
