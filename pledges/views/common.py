"""What the pledge pages share: the private-link headers and practice rows.

Pages reached through a signed link (verification and progress) carry a secret in
their URL, so they are sent with `Referrer-Policy: strict-origin`, `Cache-Control:
private, no-store` and `X-Robots-Tag: noindex` (`private_link_page`).

`strict-origin` rather than `no-referrer`: both keep the path (and so the token)
out of every Referer header, but under `no-referrer` browsers post forms with
`Origin: null`, which Django's CSRF check rightly refuses. Their forms keep the
CSRF protection every other form on the site has.
"""

import functools
from decimal import Decimal

from django.http import Http404
from django.utils.cache import patch_cache_control

from clearinghouse.one_mind import PRACTICE_DESCRIPTIONS, Practice
from pledges.rules import TRAINING_PRACTICES

DOCUMENT_FIELDS = {Practice.PARTNERSHIP: "agreement_document", Practice.POLICY: "policy_document"}


def private_link_page(view):
    """Headers for pages whose URL holds a secret token: never cached, indexed or sent on as a referrer."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def practice_or_404(value):
    if value not in Practice.values:
        raise Http404("No such practice.")
    return Practice(value)


def training_bar(evaluation):
    """A training practice's progress bar: the share of sworn officers trained (0-100), marked at the target."""
    percent = evaluation.percent_trained or 0
    target = evaluation.target_percent
    return {
        "percent": percent,
        "target": target,
        "fill": f"{min(percent, 100):.1f}",
        # The target mark is 0.8 wide: keep it inside the bar at 100%.
        "marker": f"{min(target, Decimal('99.2')):.1f}",
        "is_met": evaluation.is_met,
    }


def practice_state(progress):
    """("verified" | "met" | "not_yet", label) for a PracticeProgress."""
    if progress.is_verified:
        return "verified", "Verified"
    if progress.is_met:
        return "met", "Met, awaiting verification"
    return "not_yet", "Not yet met"


def practice_rows(pledge):
    """Each practice of `pledge` (practices prefetched) with its evaluation, state and progress bar."""
    rows = []
    for progress in pledge.practice_progress():
        practice = Practice(progress.practice)
        evaluation = progress.evaluation
        state, state_label = practice_state(progress)
        rows.append(
            {
                "practice": practice,
                "progress": progress,
                "evaluation": evaluation,
                "state": state,
                "state_label": state_label,
                "description": PRACTICE_DESCRIPTIONS[practice],
                "bar": training_bar(evaluation) if practice in TRAINING_PRACTICES else None,
            }
        )
    return rows
