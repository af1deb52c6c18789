"""The public roster of participating agencies: filters, counts, the tile map, the CSV."""

import csv
import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from clearinghouse.content_versions import PLEDGES
from clearinghouse.page_cache import public_page
from clearinghouse.paths import slug_path_maker
from clearinghouse.templatetags.query_urls import url_with_query
from pledges import selectors
from pledges.filters import OUTSIDE_US, PUBLIC_STATUS_LABELS, RosterFilterSet
from pledges.map import tile_map
from pledges.models import Agency, Pledge

ROSTER_PAGE_SIZE = 50
ROSTER_CSV_CHUNK_SIZE = 1000


def local_date_label(moment):
    """A date or time as the roster shows it ("Mar 5, 2024"), in the site's time zone; "" for none."""
    if moment is None:
        return ""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return _date_label(moment, translation.get_language())


@functools.lru_cache(maxsize=8192)
def _date_label(day, language):
    # Formatting a date costs more than reading its row; a roster has a few thousand distinct days.
    # Keyed by the active language too, which date_format uses for the month's name.
    return date_format(day, "M j, Y")


AGENCY_TYPE_LABELS = dict(Agency.AgencyType.choices)


@dataclass(frozen=True)
class RosterRow:
    """One agency's row on the roster, its values formatted once.

    On a page of 50 rows, template lookups and filters cost more than the queries; the
    template prints these as they are.
    """

    agency: Agency
    url: str
    type_label: str
    location: str
    sworn_officers: str
    status: str
    status_label: str
    pledged_on: str
    deadline_or_completion: str

    @classmethod
    def of(cls, agency, *, url):
        pledge = agency.roster_pledge
        completed = pledge.status == Pledge.Status.COMPLETED
        return cls(
            agency=agency,
            url=url,
            type_label=AGENCY_TYPE_LABELS.get(agency.agency_type, agency.agency_type),
            location=agency.location_label,
            sworn_officers=intcomma(agency.sworn_officers),
            status=pledge.status,
            status_label=PUBLIC_STATUS_LABELS.get(pledge.status) or pledge.get_status_display(),
            pledged_on=local_date_label(pledge.approved_at),
            deadline_or_completion=(
                f"Completed {local_date_label(pledge.completed_at)}" if completed else local_date_label(pledge.deadline)
            ),
        )


@functools.lru_cache(maxsize=8)
def roster_overview(counts, language):
    """The roster's counts, map and table by state (HTML), rendered once per distinct counts and language.

    A pure function of its arguments (the counts are read on every request), so it is never stale:
    new counts are a new key. Spares every page some 900 template lookups that would print the same.
    """
    us_regions = [region for region in counts.by_region if region.country == "US"]
    outside_regions = [region for region in counts.by_region if region.country != "US"]
    roster_url = reverse("pledges:roster")
    context = {
        "counts": counts,
        "outside_count": sum(region.pledged for region in outside_regions),
        "outside_url": url_with_query(roster_url, QueryDict(), country=OUTSIDE_US),
        "tile_map": tile_map(
            {region.state: region.pledged for region in us_regions},
            lambda code: f"{roster_url}?{urlencode({'state': code})}",
        ),
    }
    return render_to_string("pledges/includes/roster_overview.html", context)


def roster_filterset(request):
    return RosterFilterSet(request.GET or None)


@public_page(PLEDGES)
@require_safe
def roster(request):
    """Participating agencies: filters, counts, a map by state, and the list 50 to a page."""
    filterset = roster_filterset(request)
    paginator = Paginator(selectors.RosterPages(filterset.qs), ROSTER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    agency_url = slug_path_maker("pledges:agency")
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page_obj": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "rows": [RosterRow.of(agency, url=agency_url(agency.slug)) for agency in page.object_list],
        "overview": roster_overview(selectors.roster_counts(), translation.get_language()),
        "active_filters": filterset.active_filters(),
        "invalid_fields": [
            (filterset.form.fields[name].label if name in filterset.form.fields else "Filters", errors)
            for name, errors in (filterset.form.errors.items() if filterset.is_bound else ())
        ],
        "csv_url": url_with_query(reverse("pledges:roster_csv"), request.GET, page=None),
        "json_url": url_with_query(reverse("pledges:roster_json"), request.GET, page=None),
    }
    return render(request, "pledges/roster.html", context)


ROSTER_CSV_COLUMNS = (
    "Agency",
    "Type",
    "City",
    "State or province",
    "Country",
    "Sworn officers",
    "Status",
    "Pledged on",
    "Deadline",
    "Completed on",
    "Agency page",
)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """The cell's value, with text that a spreadsheet would run as a formula made inert by a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def local_date(moment):
    return timezone.localdate(moment).isoformat() if moment else ""


def roster_csv_rows(agencies, absolute_url):
    yield ROSTER_CSV_COLUMNS
    agency_path = slug_path_maker("pledges:agency")
    for agency in agencies:
        pledge = agency.roster_pledge
        name = f"{agency.name} (demo)" if agency.is_demo and "demo" not in agency.name.lower() else agency.name
        yield [
            csv_safe(value)
            for value in (
                name,
                AGENCY_TYPE_LABELS.get(agency.agency_type, agency.agency_type),
                agency.city,
                agency.state_name,
                agency.country_name,
                agency.sworn_officers,
                PUBLIC_STATUS_LABELS.get(pledge.status) or pledge.get_status_display(),
                local_date(pledge.approved_at),
                pledge.deadline.isoformat() if pledge.deadline else "",
                local_date(pledge.completed_at),
                absolute_url(agency_path(agency.slug)),
            )
        ]


@require_safe
def roster_csv(request):
    """The filtered roster as CSV (same filters as the page, every page); no contact details."""
    filterset = roster_filterset(request)
    # One query, read in chunks (a server-side cursor on PostgreSQL): the whole roster is never in memory.
    agencies = selectors.with_roster_pledge_joined(filterset.qs).iterator(chunk_size=ROSTER_CSV_CHUNK_SIZE)
    writer = csv.writer(Echo())
    # The byte-order mark tells spreadsheet programs the file is UTF-8 (names have accents and ’).
    lines = (writer.writerow(row) for row in roster_csv_rows(agencies, request.build_absolute_uri))
    response = StreamingHttpResponse(
        (f"\ufeff{line}" if index == 0 else line for index, line in enumerate(lines)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="one-mind-participating-agencies.csv"'
    return response
