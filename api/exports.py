"""CSV and JSON downloads of a catalog search or a roster view: every page of what is shown.

The same FilterSet as the page, with the page's parameters (invalid values ignored, as the
page ignores them), in the page's order; the records are the API's (api/serializers.py), so
a download, the API and the data page's field dictionary agree. Streamed: the rows are read
in chunks (a server-side cursor on PostgreSQL, prefetches per chunk) and written as they
come, so a 100,000-row download never sits in memory.
"""

import csv
import json

from django.http import Http404, StreamingHttpResponse
from django.views.decorators.http import require_safe

from api import selectors
from api.serializers import AgencySerializer, ResourceSerializer
from pledges.filters import RosterFilterSet
from resources.filters import ResourceFilterSet
from resources.models import Resource

CHUNK_SIZE = 500
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def csv_cell(value):
    """A record's value as a CSV cell: lists joined with "; ", true/false, empty for null, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(records, columns):
    """The CSV file as lines: a byte-order mark (Excel then reads UTF-8) and the header, then a line a record."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    for record in records:
        yield writer.writerow([csv_cell(record[column]) for column in columns])


def json_lines(records):
    """A JSON array, one record a line."""
    yield "["
    for index, record in enumerate(records):
        yield ("\n" if index == 0 else ",\n") + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"


def serialized(items, serializer_class, request):
    serializer = serializer_class(context={"request": request})
    for item in items:
        yield serializer.to_representation(item)


def download(records, *, file_format, columns, filename):
    lines = csv_lines(records, columns) if file_format == "csv" else json_lines(records)
    response = StreamingHttpResponse(lines, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def resource_columns():
    return list(ResourceSerializer().fields)


@require_safe
def catalog_export(request, file_format):
    """The catalog search in the address, every page, as CSV or JSON (published resources only)."""
    if file_format not in FORMATS:
        raise Http404("Downloads are CSV or JSON.")
    filterset = ResourceFilterSet(request.GET, queryset=Resource.objects.published(), request=request)
    resources = selectors.published_resources_with_relations(filterset.qs).iterator(chunk_size=CHUNK_SIZE)
    records = serialized(resources, ResourceSerializer, request)
    return download(records, file_format=file_format, columns=resource_columns(), filename="clearinghouse-resources")


@require_safe
def roster_json(request):
    """The roster view in the address, every page, as JSON (the API's agency records)."""
    filterset = RosterFilterSet(request.GET or None)
    agencies = selectors.roster_agencies_with_practices(filterset.qs).iterator(chunk_size=CHUNK_SIZE)
    records = serialized(selectors.attach_agency_to_pledges(agencies), AgencySerializer, request)
    return download(records, file_format="json", columns=None, filename="one-mind-participating-agencies")
