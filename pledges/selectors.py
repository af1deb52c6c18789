"""Reads for the pledge pages, the review queue and the services (STYLE.md convention 2).

Public selectors never load contact details: they select only PUBLIC_PLEDGE_FIELDS
and PUBLIC_AGENCY_FIELDS (a whitelist, so a field added later stays private until
someone adds it here). Each selector runs a fixed number of queries whatever the
number of pledges; the docstrings say how many.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch

from clearinghouse.one_mind import Practice
from pledges.constants import COUNTRY_NAMES, PLEDGE_REVIEWERS_GROUP
from pledges.models import Agency, DeadlineExtension, Pledge, PledgeTransition, PracticeProgress, ProgressReport
from pledges.models.agency import region_label

PUBLIC_AGENCY_FIELDS = (
    "name",
    "slug",
    "agency_type",
    "city",
    "state",
    "country",
    "ori",
    "sworn_officers",
    "non_sworn_staff",
    "website",
    "is_demo",
)
PUBLIC_PLEDGE_FIELDS = (
    "agency",
    "status",
    "target_months",
    "submitted_at",
    "approved_at",
    "deadline",
    "completed_at",
    "status_changed_at",
    "chief_executive_name",
    "chief_executive_title",
    "is_demo",
)
# What a public page may show of a practice: never the uploaded evidence.
PUBLIC_PROGRESS_DEFERRED_FIELDS = ("agreement_document", "policy_document", "verified_by")


# --- The public roster ---------------------------------------------------------------------
#
# An agency is on the roster when it has a current public pledge: Agency.roster_pledge, kept by
# pledges.services (refresh_roster_entry) with its status in Agency.roster_status. The roster
# reads agencies, so filters, order, pages and counts never join the (wide) pledge rows.

ROSTER_AGENCY_FIELDS = (*PUBLIC_AGENCY_FIELDS, "roster_pledge", "roster_status")
# The roster's order: by name, then state, then the pledge (index pledges_agency_roster_order).
ROSTER_ORDER = ("name", "state", "roster_pledge_id")


def _public_only(queryset):
    return queryset.select_related("agency").only(
        *PUBLIC_PLEDGE_FIELDS, *(f"agency__{name}" for name in PUBLIC_AGENCY_FIELDS)
    )


def current_public_pledges(*, include_demo=True):
    """Each agency's current public pledge (approved, completed or lapsed), without contact details.

    An agency that pledged again after a lapse appears once, with its latest approved
    pledge (its roster entry). One query when evaluated; agency fields come with it (select_related).
    """
    pledges = Pledge.objects.filter(agency__roster_pledge=F("pk"))
    if not include_demo:
        pledges = pledges.filter(is_demo=False)
    return _public_only(pledges)


def roster_pledges(*, status=None, country=None, state=None, include_demo=True):
    """The public roster as pledges, ordered by agency name; optionally one status, country or state (code).

    One query. Never loads contact fields.
    """
    pledges = current_public_pledges(include_demo=include_demo)
    if status:
        pledges = pledges.filter(status=status)
    if country:
        pledges = pledges.filter(agency__country=country)
    if state:
        pledges = pledges.filter(agency__state=state)
    return pledges.order_by("agency__name", "agency__state", "pk")


def roster_agencies(*, include_demo=True):
    """The agencies on the public roster, in roster order, without contact details. One query when evaluated.

    Their current public pledges are not loaded: see RosterPages and with_roster_pledge_joined.
    """
    agencies = Agency.objects.filter(roster_pledge__isnull=False)
    if not include_demo:
        agencies = agencies.filter(roster_pledge__is_demo=False)
    return agencies.only(*ROSTER_AGENCY_FIELDS).order_by(*ROSTER_ORDER)


class RosterPages:
    """Agencies from roster_agencies, sliced by a Paginator into lists with their pledges. Two queries a page.

    A page's keys (name, state, pledge) come from the index pledges_agency_roster_order
    alone, in the statement that reads its agencies, so a deep page walks that narrow
    index instead of sorting every agency on the roster to skip the earlier ones. Each
    agency's current public pledge (`agency.roster_pledge`, public fields only) comes in one more query.
    """

    def __init__(self, agencies):
        self.agencies = agencies

    def count(self):
        return self.agencies.count()

    def __getitem__(self, page):
        keys = self.agencies.values("roster_pledge_id")[page]
        agencies = list(self.agencies.filter(roster_pledge_id__in=keys))
        pledges = Pledge.objects.only(*PUBLIC_PLEDGE_FIELDS).in_bulk([agency.roster_pledge_id for agency in agencies])
        # An agency whose pledge was deleted between the two reads drops out of the page.
        agencies = [agency for agency in agencies if agency.roster_pledge_id in pledges]
        for agency in agencies:
            agency.roster_pledge = pledges[agency.roster_pledge_id]
        return agencies


def with_roster_pledge_joined(agencies):
    """`agencies` (from roster_agencies) with each current public pledge in the same query, for streaming."""
    return agencies.select_related("roster_pledge").only(
        *ROSTER_AGENCY_FIELDS, *(f"roster_pledge__{name}" for name in PUBLIC_PLEDGE_FIELDS)
    )


def recently_pledged(*, limit=10, include_demo=True):
    """Agencies most recently approved (pledge under way or done), newest first. One query."""
    return current_public_pledges(include_demo=include_demo).order_by("-approved_at", "-pk")[:limit]


def recently_completed(*, limit=10, include_demo=True):
    """Agencies that most recently completed all four practices, newest first. One query."""
    return (
        current_public_pledges(include_demo=include_demo)
        .filter(status=Pledge.Status.COMPLETED)
        .order_by("-completed_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class RegionCount:
    country: str
    state: str
    label: str
    pledged: int
    in_progress: int
    completed: int
    lapsed: int


@dataclass(frozen=True)
class RosterCounts:
    """`pledged` = agencies on the roster = in_progress (approved) + completed + lapsed. Hashable."""

    pledged: int
    in_progress: int
    completed: int
    lapsed: int
    by_region: tuple = ()


# RosterCounts field -> the roster status it counts.
_COUNTED_STATUSES = {
    "in_progress": Pledge.Status.APPROVED,
    "completed": Pledge.Status.COMPLETED,
    "lapsed": Pledge.Status.LAPSED,
}


def roster_counts(*, include_demo=True):
    """Roster totals and the same counts per state or region (by_region, ordered by country then label).

    One query (read from the index pledges_agency_roster_region); the totals are the regions' sums.
    """
    rows = (
        Agency.objects.filter(roster_pledge__isnull=False)
        .filter(**({} if include_demo else {"roster_pledge__is_demo": False}))
        .order_by()
        .values_list("country", "state", "roster_status")
        .annotate(agencies=Count("*"))
    )
    by_place = {}
    for country, state, status, agencies in rows:
        by_place.setdefault((country, state), {}).update({status: agencies})
    regions = []
    for (country, state), by_status in by_place.items():
        counts = {name: by_status.get(status, 0) for name, status in _COUNTED_STATUSES.items()}
        regions.append(
            RegionCount(
                country=country,
                state=state,
                label=region_label(country, state) or COUNTRY_NAMES.get(country, country),
                pledged=sum(counts.values()),
                **counts,
            )
        )
    regions.sort(key=lambda region: (region.country != "US", region.country, region.label))
    totals = {name: sum(getattr(region, name) for region in regions) for name in _COUNTED_STATUSES}
    return RosterCounts(pledged=sum(totals.values()), by_region=tuple(regions), **totals)


# --- The public agency page ------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyPage:
    """What the public agency page shows: the agency, its current public pledge, the four practices."""

    agency: Agency
    pledge: Pledge
    practices: list  # PracticeProgress in Practice order; each has .evaluation, .is_met, .percent_trained


def agency_page(*, slug):
    """The agency page data for `slug`, or None when the agency has no public pledge. Two queries.

    Practices come without uploaded evidence (deferred), with the catalog policy resource.
    """
    public_progress = PracticeProgress.objects.select_related("policy_resource").defer(*PUBLIC_PROGRESS_DEFERRED_FIELDS)
    pledge = (
        current_public_pledges()
        .filter(agency__slug=slug)
        .prefetch_related(Prefetch("practices", queryset=public_progress))
        .first()
    )
    if pledge is None:
        return None
    return AgencyPage(agency=pledge.agency, pledge=pledge, practices=pledge.practice_progress())


# --- Staff -------------------------------------------------------------------------------------


def review_queue():
    """Pledges whose email is verified and that await a reviewer's decision, oldest first. One query."""
    return (
        Pledge.objects.filter(status=Pledge.Status.EMAIL_VERIFIED)
        .select_related("agency")
        .order_by("email_verified_at", "pk")
    )


def practices_awaiting_verification():
    """Met but unverified practices of approved pledges, oldest report first. Two queries.

    A list (met-ness is computed by pledges.rules, not in SQL).
    """
    candidates = (
        PracticeProgress.objects.filter(
            pledge__status=Pledge.Status.APPROVED, verified_at__isnull=True, last_reported_at__isnull=False
        )
        .select_related("pledge__agency")
        .prefetch_related("pledge__practices")
        .order_by("last_reported_at", "pk")
    )
    return [progress for progress in candidates if progress.is_met]


def pledge_with_practices(*, pledge_id):
    """A pledge with its agency and four practices (and their policy resources, verifiers). Two queries.

    For the private progress page and the admin; includes contact details.
    """
    return (
        Pledge.objects.select_related("agency")
        .prefetch_related(
            Prefetch("practices", queryset=PracticeProgress.objects.select_related("policy_resource", "verified_by"))
        )
        .get(pk=pledge_id)
    )


def practice_reports(*, pledge, practice=None):
    """The pledge's progress reports, newest first, optionally for one practice. One query."""
    reports = ProgressReport.objects.filter(pledge=pledge).select_related("policy_resource")
    if practice:
        reports = reports.filter(practice=Practice(practice))
    return reports


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "transition", "extension" or "report"
    title: str
    actor_label: str
    detail: str = ""


def pledge_timeline(*, pledge):
    """Everything that happened to a pledge, oldest first: transitions, extensions, reports. Three queries."""
    entries = [
        TimelineEntry(
            at=transition.created_at,
            kind="transition",
            title=(
                f"{Pledge.Status(transition.from_status).label} → {Pledge.Status(transition.to_status).label}"
                if transition.from_status
                else Pledge.Status(transition.to_status).label
            ),
            actor_label=transition.actor_label,
            detail=transition.reason,
        )
        for transition in PledgeTransition.objects.filter(pledge=pledge)
    ]
    entries += [
        TimelineEntry(
            at=extension.created_at,
            kind="extension",
            title=f"Deadline moved from {extension.previous_deadline:%Y-%m-%d} to {extension.new_deadline:%Y-%m-%d}",
            actor_label=extension.actor_label,
            detail=extension.reason,
        )
        for extension in DeadlineExtension.objects.filter(pledge=pledge)
    ]
    entries += [
        TimelineEntry(
            at=report.created_at,
            kind="report",
            title=f"Progress report: {report.get_practice_display()}",
            actor_label=report.reported_by_label,
            detail=report.note,
        )
        for report in ProgressReport.objects.filter(pledge=pledge).only(
            "created_at", "practice", "reported_by_label", "note"
        )
    ]
    return sorted(entries, key=lambda entry: entry.at)


# --- Used by the services -------------------------------------------------------------------------


def find_matching_agencies(*, name, state, country, ori):
    """(agency with this ORI or None, agency with this name in this state and country or None).

    Names compare case-insensitively after whitespace normalization; two queries at most.
    """
    by_ori = Agency.objects.filter(ori=ori).first() if ori else None
    by_name = Agency.objects.filter(name__iexact=name, state__iexact=state, country=country).first() if name else None
    return by_ori, by_name


def reviewer_email_addresses():
    """Email addresses of active "Pledge reviewers"; else settings.PLEDGE_REVIEW_NOTIFY_EMAILS. One query."""
    addresses = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=PLEDGE_REVIEWERS_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(set(addresses)) or list(getattr(settings, "PLEDGE_REVIEW_NOTIFY_EMAILS", []))


def pledges_due_for_reminders(*, today, longest_lead_days):
    """Approved pledges whose deadline is between today and today + longest_lead_days. Two queries."""
    return (
        Pledge.objects.filter(
            status=Pledge.Status.APPROVED,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=longest_lead_days),
        )
        .select_related("agency")
        .prefetch_related("deadline_reminders")
        .order_by("deadline", "pk")
    )


def overdue_pledges(*, today):
    """Approved pledges whose deadline (the last day) has passed. One query."""
    return (
        Pledge.objects.filter(status=Pledge.Status.APPROVED, deadline__lt=today)
        .select_related("agency")
        .order_by("deadline", "pk")
    )
