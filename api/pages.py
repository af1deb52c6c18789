"""The human pages of open data: the API guide (/api/) and the data page (/data/).

The data page's field dictionary is read from the OpenAPI schema that drf-spectacular
generates from the serializers (api/serializers.py): one description of each field, for the
schema, the exports and the page alike.
"""

import functools

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from clearinghouse.content_versions import CATALOG, PLEDGES
from clearinghouse.page_cache import public_page

# Format changes, newest first: what changed and from when. Announced here before a change ships.
CHANGELOG = [
    (
        "2026-12-02",
        "First release of the API (v1), the catalog's CSV and JSON downloads, the roster's JSON download "
        "and this page. The roster's CSV keeps its columns.",
    ),
]

SITE_NAME = "Mental Health Response Clearinghouse"
FORMAT_LABELS = {"date": "date (YYYY-MM-DD)", "date-time": "date and time (ISO 8601, with offset)", "uri": "address"}


@functools.cache
def openapi_schema():
    """The API's OpenAPI schema as a dict, generated once per process (it depends on the code only)."""
    return SchemaGenerator(patterns=None, urlconf=None).get_schema(request=None, public=True)


def _type_label(prop):
    if "$ref" in prop or "allOf" in prop:
        return "object"
    kind = prop.get("type", "text")
    if kind == "array":
        item = prop.get("items", {})
        return "list of " + ("objects" if "$ref" in item else _type_label(item) + "s")
    if prop.get("format") in FORMAT_LABELS:
        return FORMAT_LABELS[prop["format"]]
    if "enum" in prop:
        return "one of: " + ", ".join(str(value) for value in prop["enum"] if value)
    return {"string": "text", "integer": "whole number", "boolean": "true or false"}.get(kind, kind)


def field_dictionary(component):
    """[(field name, type as people read it, may be empty or null, description)] of a schema component."""
    schema = openapi_schema()["components"]["schemas"][component]
    required = set(schema.get("required", ()))
    fields = []
    for name, prop in schema["properties"].items():
        target = prop
        if "allOf" in prop:  # An enum with a description: its values are in the referenced component.
            reference = prop["allOf"][0]["$ref"].rsplit("/", 1)[-1]
            target = {**openapi_schema()["components"]["schemas"][reference], **prop}
        optional = prop.get("nullable", False) or name not in required
        fields.append((name, _type_label(target), optional, prop.get("description", "")))
    return fields


def datasets(request):
    catalog_api = request.build_absolute_uri(reverse("api:resource_list"))
    roster_api = request.build_absolute_uri(reverse("api:agency_list"))
    return [
        {
            "id": "resources",
            "title": "The resource catalog",
            "holds": (
                "Every published resource: model policies, reports, IACP resolutions, training and more, "
                "with its kind, topics, audiences, One Mind practices, links and, for resolutions, whether it "
                "is in force. Drafts and archived resources are never included."
            ),
            "csv": reverse("resources:export", kwargs={"file_format": "csv"}),
            "json": reverse("resources:export", kwargs={"file_format": "json"}),
            "api": catalog_api,
            "fields": field_dictionary("Resource"),
        },
        {
            "id": "agencies",
            "title": "The One Mind Campaign roster",
            "holds": (
                "Every agency with a current public pledge (in progress, completed or lapsed), with its type, "
                "place, size, dates and the status of each of the four practices. Never contact details. "
                "Demonstration agencies are marked (is_demo) and should be left out of analyses."
            ),
            "csv": reverse("pledges:roster_csv"),
            "json": reverse("pledges:roster_json"),
            "api": roster_api,
            "fields": field_dictionary("Agency"),
        },
    ]


@public_page(CATALOG, PLEDGES)
@require_safe
def data_page(request):
    """What the open data holds, its fields, licence, how to cite it and how its format changed."""
    today = timezone.localdate()
    page_url = request.build_absolute_uri(reverse("data"))
    context = {
        "datasets": datasets(request),
        "licence_name": settings.OPEN_DATA_LICENCE_NAME,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "citation": (
            f"{SITE_NAME}. ({today.year}). Resource catalog and One Mind Campaign roster [Data set]. "
            f"Retrieved {today.strftime('%B')} {today.day}, {today.year}, from {page_url}"
        ),
        "changelog": CHANGELOG,
    }
    return render(request, "api/data.html", context)


@public_page(CATALOG)
@require_safe
def api_guide(request):
    """How to use the API without reading the code: the endpoints, examples, paging, limits."""
    base = request.build_absolute_uri(reverse("api:resource_list")).rsplit("resources/", 1)[0]
    context = {
        "base": base,
        "rate": settings.API_ANON_RATE,
        "default_page_size": DEFAULT_PAGE_SIZE,
        "max_page_size": MAX_PAGE_SIZE,
        "licence_name": settings.OPEN_DATA_LICENCE_NAME,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "cit_since_2015": request.build_absolute_uri(reverse("api:resource_list") + "?practice=cit&year_min=2015"),
        "ohio_agencies": request.build_absolute_uri(reverse("api:agency_list") + "?state=OH"),
        "cit_since_2015_csv": request.build_absolute_uri(
            reverse("resources:export", kwargs={"file_format": "csv"}) + "?practice=cit&year_min=2015"
        ),
        "ohio_agencies_csv": request.build_absolute_uri(reverse("pledges:roster_csv") + "?state=OH"),
        "ohio_agencies_json": request.build_absolute_uri(reverse("pledges:roster_json") + "?state=OH"),
    }
    return render(request, "api/guide.html", context)
