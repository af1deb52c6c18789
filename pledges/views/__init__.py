"""Public pages of the One Mind pledge (URL names in pledges/urls.py).

Every write goes through pledges.services; the views only turn requests into service
calls and service errors into messages beside the fields concerned. Modules: signup
(take the pledge, confirm the email), progress (the private progress page), roster
(the public list, map and CSV), agency (the agency page, badge and certificate),
common (private-link headers and what the pages share).
"""

from pledges.views.agency import agency_badge, agency_certificate, agency_detail
from pledges.views.progress import (
    progress,
    progress_document,
    progress_report,
    progress_report_document,
    progress_withdraw,
)
from pledges.views.roster import roster, roster_csv
from pledges.views.signup import pledge_start, pledge_submitted, resend_verification, verify, verify_resend

__all__ = [
    "agency_badge",
    "agency_certificate",
    "agency_detail",
    "pledge_start",
    "pledge_submitted",
    "progress",
    "progress_document",
    "progress_report",
    "progress_report_document",
    "progress_withdraw",
    "resend_verification",
    "roster",
    "roster_csv",
    "verify",
    "verify_resend",
]
