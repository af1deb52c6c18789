"""What the pledge pages share: the private-link headers, the CSRF exemption of token links, practice rows.

Pages reached through a signed link (verification and progress) carry a secret in
their URL, so they are sent with `Referrer-Policy: no-referrer`, `Cache-Control:
private, no-store` and `X-Robots-Tag: noindex` (`private_link_page`).

Their forms post back to URLs holding the same secret, and are exempt from Django's
CSRF check (`token_link_form`). Under `no-referrer` browsers send `Origin: null`
with a form post, which that check rejects; and it protects nothing here: CSRF
abuses credentials the browser adds on its own (cookies), while these views are
authorized only by the secret in the URL, which a forging site would need to know
and could then use directly.
"""

import functools
import smtplib
import socket
from decimal import Decimal

from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from clearinghouse.one_mind import PRACTICE_DESCRIPTIONS, Practice
from pledges.rules import TRAINING_PRACTICES

MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, socket.gaierror)
DOCUMENT_FIELDS = {Practice.PARTNERSHIP: "agreement_document", Practice.POLICY: "policy_document"}


def private_link_page(view):
    """Headers for pages whose URL holds a secret token: never cached, indexed or sent on as a referrer."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def token_link_form(view):
    """Exempt a view authorized by the secret token in its URL from the CSRF check (see the module docstring)."""
    return csrf_exempt(view)


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
