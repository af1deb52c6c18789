"""The public roster of participating agencies: filters, counts, the tile map, the CSV."""

import csv

from django.core.paginator import Paginator
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from clearinghouse.templatetags.query_urls import url_with_query
from pledges import selectors
from pledges.filters import OUTSIDE_US, PUBLIC_STATUS_LABELS, RosterFilterSet
from pledges.map import tile_map

ROSTER_PAGE_SIZE = 50
ROSTER_CSV_CHUNK_SIZE = 1000


def roster_filterset(request):
    return RosterFilterSet(request.GET or None)


@require_safe
def roster(request):
    """Participating agencies: filters, counts, a map by state, and the list 50 to a page."""
    filterset = roster_filterset(request)
    paginator = Paginator(selectors.RosterPages(filterset.qs), ROSTER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    counts = selectors.roster_counts()
    us_regions = [region for region in counts.by_region if region.country == "US"]
    outside_regions = [region for region in counts.by_region if region.country != "US"]
    roster_url = reverse("pledges:roster")
    agencies = list(page.object_list)
    for agency in agencies:
        pledge = agency.roster_pledge
        pledge.public_status = PUBLIC_STATUS_LABELS.get(pledge.status, pledge.get_status_display())
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page_obj": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "agencies": agencies,
        "counts": counts,
        "us_regions": us_regions,
        "outside_regions": outside_regions,
        "outside_count": sum(region.pledged for region in outside_regions),
        "tile_map": tile_map(
            {region.state: region.pledged for region in us_regions},
            lambda code: url_with_query(roster_url, QueryDict(), state=code),
        ),
        "active_filters": filterset.active_filters(),
        "invalid_fields": [
            (filterset.form.fields[name].label if name in filterset.form.fields else "Filters", errors)
            for name, errors in (filterset.form.errors.items() if filterset.is_bound else ())
        ],
        "csv_url": url_with_query(reverse("pledges:roster_csv"), request.GET, page=None),
        "outside_url": url_with_query(roster_url, QueryDict(), country=OUTSIDE_US),
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
    for agency in agencies:
        pledge = agency.roster_pledge
        name = f"{agency.name} (demo)" if agency.is_demo and "demo" not in agency.name.lower() else agency.name
        yield [
            csv_safe(value)
            for value in (
                name,
                agency.get_agency_type_display(),
                agency.city,
                agency.state_name,
                agency.country_name,
                agency.sworn_officers,
                PUBLIC_STATUS_LABELS.get(pledge.status, pledge.get_status_display()),
                local_date(pledge.approved_at),
                pledge.deadline.isoformat() if pledge.deadline else "",
                local_date(pledge.completed_at),
                absolute_url(agency.get_absolute_url()),
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
