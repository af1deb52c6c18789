"""The public, read-only API under /api/v1/ (decision 0019).

Lists filter through the same django-filter FilterSets as the HTML pages (the catalog's
ResourceFilterSet, the roster's RosterFilterSet), through django-filter's DRF integration,
so a list and its page always hold the same records. Unlike the pages, the API refuses
invalid or unknown parameters with a 400 naming them. Every view is wrapped in the site's
public page cache (clearinghouse/page_cache.py): ETag, Last-Modified, 304s and
Cache-Control: public for everyone, since the API has no per-visitor answers.
"""

import datetime
import functools

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors
from api.errors import InvalidParameters, check_known_parameters, unknown_parameters
from api.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    KeyColumn,
    KeysetOrder,
    decode_cursor,
    decode_position,
    next_page_url,
    page_size_of,
    position_cursor,
)
from api.serializers import AgencySerializer, ResourceSerializer, StatisticsSerializer, VocabularyTermSerializer
from clearinghouse.page_cache import public_page
from pledges.filters import RosterFilterSet
from pledges.models import Agency
from resources.filters import ResourceFilterSet, SortOrder
from resources.models import Audience, Resource, ResourceKind, Topic
from resources.search import search_plan

# The catalog's orders as keysets: the HTML page's order, then the pk so every key is unique.
RESOURCE_ORDERS = {
    SortOrder.NEWEST: KeysetOrder(
        "newest",
        (
            KeyColumn("published_at", datetime.datetime, descending=True, nullable=True),
            KeyColumn("title", str),
            KeyColumn("id", int),
        ),
    ),
    SortOrder.YEAR: KeysetOrder(
        "year",
        (
            KeyColumn("effective_year", int, descending=True, nullable=True),
            KeyColumn("title", str),
            KeyColumn("id", int),
        ),
    ),
    SortOrder.TITLE: KeysetOrder("title", (KeyColumn("title", str), KeyColumn("id", int))),
}
# The roster's order (pledges.selectors.ROSTER_ORDER): the pledge is unique.
ROSTER_ORDER = KeysetOrder(
    "roster", (KeyColumn("name", str), KeyColumn("state", str), KeyColumn("roster_pledge_id", int))
)

PAGING_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="Where the page starts: copy it from the `next` link of the previous page. Omit for the first.",
    ),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        description=f"Records per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    ),
]


def list_envelope(name, serializer):
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(help_text="How many records match, on every page."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
            "results": serializer(many=True),
        },
    )


ERROR_RESPONSE = OpenApiResponse(
    inline_serializer(
        name="Error",
        fields={
            "detail": serializers.CharField(),
            "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
        },
    ),
    description="A parameter is not valid: `errors` names each one and says why.",
)


THROTTLED_RESPONSE = OpenApiResponse(
    inline_serializer(name="Throttled", fields={"detail": serializers.CharField()}),
    description="Past the rate limit for anonymous clients: wait the seconds the Retry-After header gives.",
)
SLUG_PARAMETER = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The record's slug.", pattern=r"^[-a-zA-Z0-9_]+$"
)


class FilteredListView(GenericAPIView):
    """A list filtered by its page's FilterSet (django-filter's DRF backend builds it)."""

    filter_backends = [DjangoFilterBackend]

    def bound_filterset(self, queryset):
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        errors = unknown_parameters(self.request, {*filterset.filters, "cursor", "page_size"})
        if not filterset.is_valid():
            errors.update(filterset.errors)
        if errors:  # Every bad parameter at once, unknown and invalid alike.
            raise InvalidParameters(errors)
        return filterset

    def paging(self, order_name):
        """(page size, decoded cursor payload or None) of the request."""
        page_size = page_size_of(self.request)
        cursor = self.request.query_params.get("cursor")
        return page_size, decode_cursor(cursor) if cursor else None

    def keyset_page(self, queryset, order, payload, page_size):
        """(the page's rows as key tuples, cursor of the next page or None)."""
        ordered = queryset.order_by(*order.order_by())
        if payload is not None:
            ordered = ordered.filter(order.after(order.decode(payload)))
        names = [column.name for column in order.columns]
        rows = list(ordered.values(*names)[: page_size + 1])
        next_cursor = order.encode(order.keys_of(rows[page_size - 1])) if len(rows) > page_size else None
        return rows[:page_size], next_cursor

    def page_response(self, count, items, next_cursor, serializer_class):
        return Response(
            {
                "count": count,
                "next": next_page_url(self.request, next_cursor) if next_cursor else None,
                "results": serializer_class(items, many=True, context={"request": self.request}).data,
            }
        )


class ResourceListView(FilteredListView):
    filterset_class = ResourceFilterSet
    queryset = Resource.objects.none()  # For the schema; the list reads Resource.objects.published().

    @extend_schema(
        operation_id="resources_list",
        summary="Published resources, filtered like the catalog page",
        description=(
            "The catalog's search and filters, with the catalog page's parameters: a search (`q`), "
            "kinds, topics, audiences and practices (repeat a parameter for several: any of them), a "
            "range of years, resolutions in force or expired, and a sort order (best match when "
            "searching, newest otherwise). Drafts and archived resources never appear."
        ),
        parameters=PAGING_PARAMETERS,
        filters=True,
        responses={
            200: list_envelope("ResourcePage", ResourceSerializer),
            400: ERROR_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
    )
    def get(self, request):
        filterset = self.bound_filterset(Resource.objects.published())
        page_size, payload = self.paging(filterset.sort_order)
        search = filterset.prepared_search
        with search_plan(search, filterset.queryset.db):
            if filterset.sort_order == SortOrder.RELEVANCE:
                # Ranked: positions, from the same cached ranking as the HTML pages.
                start = decode_position(payload, "relevance") if payload is not None else 0
                ids = filterset.result_ids(start, start + page_size + 1)
                next_cursor = position_cursor("relevance", start + page_size) if len(ids) > page_size else None
                ids = ids[:page_size]
            else:
                order = RESOURCE_ORDERS[filterset.sort_order]
                rows, next_cursor = self.keyset_page(
                    filterset.filter_queryset(filterset.queryset.all()), order, payload, page_size
                )
                ids = [row["id"] for row in rows]
            count = filterset.result_count()
        resources = selectors.published_resources_in_order(ids)
        return self.page_response(count, resources, next_cursor, ResourceSerializer)


class ResourceDetailView(APIView):
    @extend_schema(
        operation_id="resources_retrieve",
        summary="One published resource",
        parameters=[SLUG_PARAMETER],
        responses={
            200: ResourceSerializer,
            404: OpenApiResponse(description="No published resource has this slug."),
            429: THROTTLED_RESPONSE,
        },
    )
    def get(self, request, slug):
        check_known_parameters(request, set())
        resource = selectors.published_resources_with_relations().filter(slug=slug).first()
        if resource is None:
            raise Http404("No published resource has this slug.")
        return Response(ResourceSerializer(resource, context={"request": request}).data)


class AgencyListView(FilteredListView):
    filterset_class = RosterFilterSet
    queryset = Agency.objects.none()  # For the schema; the list reads the roster (RosterFilterSet).

    @extend_schema(
        operation_id="agencies_list",
        summary="Agencies on the One Mind Campaign roster, filtered like the roster page",
        description=(
            "Agencies with a current public pledge (approved, completed or lapsed), in the roster's "
            "order (name, then state). Public fields only: never contact details. Demonstration "
            "agencies are on the roster too, marked `is_demo`."
        ),
        parameters=PAGING_PARAMETERS,
        filters=True,
        responses={200: list_envelope("AgencyPage", AgencySerializer), 400: ERROR_RESPONSE, 429: THROTTLED_RESPONSE},
    )
    def get(self, request):
        filterset = self.bound_filterset(None)
        page_size, payload = self.paging("roster")
        queryset = filterset.qs
        rows, next_cursor = self.keyset_page(queryset, ROSTER_ORDER, payload, page_size)
        agencies = selectors.roster_agencies_in_order([row["roster_pledge_id"] for row in rows])
        return self.page_response(queryset.count(), agencies, next_cursor, AgencySerializer)


class AgencyDetailView(APIView):
    @extend_schema(
        operation_id="agencies_retrieve",
        summary="One agency on the roster",
        parameters=[SLUG_PARAMETER],
        responses={
            200: AgencySerializer,
            404: OpenApiResponse(description="No agency on the roster has this slug."),
            429: THROTTLED_RESPONSE,
        },
    )
    def get(self, request, slug):
        check_known_parameters(request, set())
        agency = selectors.roster_agency(slug)
        if agency is None:
            raise Http404("No agency on the roster has this slug.")
        return Response(AgencySerializer(agency, context={"request": request}).data)


def vocabulary_view(model, noun):
    class VocabularyView(APIView):
        @extend_schema(
            operation_id=f"{noun}_list",
            summary=f"Every {model._meta.verbose_name}, with its count of published resources",
            responses={200: VocabularyTermSerializer(many=True), 429: THROTTLED_RESPONSE},
        )
        def get(self, request):
            check_known_parameters(request, set())
            return Response(VocabularyTermSerializer(selectors.vocabulary_with_counts(model), many=True).data)

    VocabularyView.__name__ = f"{model.__name__}ListView"
    return VocabularyView


KindListView = vocabulary_view(ResourceKind, "kinds")
TopicListView = vocabulary_view(Topic, "topics")
AudienceListView = vocabulary_view(Audience, "audiences")


class PracticeListView(APIView):
    @extend_schema(
        operation_id="practices_list",
        summary="The four One Mind practices, with their counts of published resources",
        responses={200: VocabularyTermSerializer(many=True), 429: THROTTLED_RESPONSE},
    )
    def get(self, request):
        check_known_parameters(request, set())
        return Response(VocabularyTermSerializer(selectors.practices_with_counts(), many=True).data)


class StatisticsView(APIView):
    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Summary statistics of the roster and the catalog",
        responses={200: StatisticsSerializer, 429: THROTTLED_RESPONSE},
    )
    def get(self, request):
        check_known_parameters(request, set())
        return Response(StatisticsSerializer(selectors.statistics()).data)


def cached(versions, view_class):
    """The view behind the public page cache: ETag, Last-Modified, 304 and Cache-Control: public."""
    return public_page(*versions)(view_class.as_view())


# Swagger UI sets inline styles and has no other needs beyond the site's own files.
REFERENCE_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def interactive_reference(view):
    """The Swagger UI page with the site's policy, loosened for the inline styles it sets."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = REFERENCE_CONTENT_SECURITY_POLICY
        return response

    return wrapped
