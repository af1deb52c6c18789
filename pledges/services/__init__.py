"""Every write of the pledge workflow (STYLE.md conventions 2 and 3). Import from here: `pledges.services`.

Each service is keyword-only, validates with full_clean(), runs in one transaction
(locking the pledge row, so two reviewers cannot act on the same pledge at once),
records each status change as a PledgeTransition (who, when, why) and sends its
emails only after the transaction commits. Services update the `pledge` instance
they are given and return the main object they wrote.

Errors a user can fix, or should be told about, are ValidationErrors (keyed by the
form field they concern, where there is one); InvalidTransition is a ValidationError
for status changes the workflow refuses; the token services raise the
pledges.tokens link errors. Programming mistakes (a missing actor, an unknown
field) raise TypeError.

Staff actions take `actor`, the staff user; services do not check permissions
(the admin and views do, by group). Actions by the agency contact or the system
take `actor=None` and are labelled "agency contact" or "system".

Modules: submission (submit, verify email, resend), review (approve, reject,
withdraw, lapse, extend, reissue the progress link), progress (report, verify),
jobs (daily reminders and lapsing), demo (demonstration data), corrections (staff
undoing a mistaken verification, reissuing a verification link), workflow (shared helpers,
and the roster entry every status change refreshes: refresh_roster_entry).
"""

from pledges.models import InvalidTransition
from pledges.services.corrections import practice_unverify, verification_link_reissue
from pledges.services.demo import DEMO_AGENCIES, load_demo_pledges
from pledges.services.jobs import LapseRun, ReminderRun, lapse_overdue_pledges, send_deadline_reminders
from pledges.services.progress import pledge_record_progress, practice_verify
from pledges.services.review import (
    pledge_approve,
    pledge_extend_deadline,
    pledge_mark_lapsed,
    pledge_reject,
    pledge_withdraw,
    progress_link_reissue,
)
from pledges.services.submission import (
    AGENCY_DATA_FIELDS,
    AGENCY_REFRESHED_FIELDS,
    PLEDGE_DATA_FIELDS,
    pledge_resend_verification,
    pledge_resend_verification_by_email,
    pledge_submit,
    pledge_verify_email,
)
from pledges.services.workflow import refresh_roster_entries, refresh_roster_entry

__all__ = [
    "AGENCY_DATA_FIELDS",
    "AGENCY_REFRESHED_FIELDS",
    "DEMO_AGENCIES",
    "PLEDGE_DATA_FIELDS",
    "InvalidTransition",
    "LapseRun",
    "ReminderRun",
    "lapse_overdue_pledges",
    "load_demo_pledges",
    "pledge_approve",
    "pledge_extend_deadline",
    "pledge_mark_lapsed",
    "pledge_record_progress",
    "pledge_reject",
    "pledge_resend_verification",
    "pledge_resend_verification_by_email",
    "pledge_submit",
    "pledge_verify_email",
    "pledge_withdraw",
    "practice_unverify",
    "practice_verify",
    "progress_link_reissue",
    "refresh_roster_entries",
    "refresh_roster_entry",
    "send_deadline_reminders",
    "verification_link_reissue",
]
