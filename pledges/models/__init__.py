"""The One Mind pledge: agencies, their pledges, the pledge workflow and practice progress.

Write only through pledges.services (STYLE.md convention 2): services validate,
lock, record every status change as a PledgeTransition and send the emails. The
admin may edit descriptive fields (names, counts, contact details) directly, but
never `Pledge.status` or the workflow timestamps.

The workflow is declared once, in pledges.models.pledge.PLEDGE_TRANSITIONS.
"""

from pledges.models.agency import ORI_PATTERN, Agency, normalize_agency_name
from pledges.models.pledge import (
    PHONE_PATTERN,
    PLEDGE_TRANSITIONS,
    TRANSITION_VERBS,
    DeadlineExtension,
    DeadlineReminder,
    InvalidTransition,
    Pledge,
    PledgeQuerySet,
    PledgeTransition,
    add_months,
    new_nonce,
)
from pledges.models.progress import PracticeProgress, PracticeValues, ProgressReport, evidence_upload_path
from pledges.models.ratelimit import RateLimitHit
from pledges.models.review_queue import PledgeAwaitingReview

__all__ = [
    "ORI_PATTERN",
    "PHONE_PATTERN",
    "PLEDGE_TRANSITIONS",
    "TRANSITION_VERBS",
    "Agency",
    "DeadlineExtension",
    "DeadlineReminder",
    "InvalidTransition",
    "Pledge",
    "PledgeAwaitingReview",
    "PledgeQuerySet",
    "PledgeTransition",
    "PracticeProgress",
    "PracticeValues",
    "ProgressReport",
    "RateLimitHit",
    "add_months",
    "evidence_upload_path",
    "new_nonce",
    "normalize_agency_name",
]
