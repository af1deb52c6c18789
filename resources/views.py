"""Public pages of the catalog: home, the searchable list, the Atom feed, a resource and its download."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from clearinghouse.content_versions import CATALOG
from clearinghouse.one_mind import PRACTICE_DESCRIPTIONS
from clearinghouse.page_cache import public_page
from clearinghouse.templatetags.query_urls import url_with_query, url_without_value
from clearinghouse.uploads import file_extension
from resources.feeds import ResourceFeed
from resources.filters import ResourceFilterSet, ResultIds
from resources.models import Resource, ResourceKind, Topic
from resources.search import attach_search_snippets, search_plan
from resources.search.base import MatchMode
from resources.selectors import (
    browse_terms,
    cached_catalog_read,
    featured_resources,
    newest_resources,
    published_practice_counts,
    recommended_citation,
    related_resources,
    resource_cards,
    resource_page_queryset,
    visible_replaced_resources,
    visible_superseding_resource,
)
from usage import counting

PAGE_SIZE = 20
# Parameters that hold one value: a chip removes the whole parameter, whatever its spelling.
SINGLE_VALUE_PARAMS = {"q", "year_min", "year_max", "in_force"}


@public_page(CATALOG)
@require_safe
def home(request):
    featured = list(featured_resources())
    context = {
        "featured_resources": featured,
        "newest_resources": newest_resources(exclude=[resource.pk for resource in featured]),
        "topics": cached_catalog_read(("browse", "topics"), lambda: list(browse_terms(Topic))),
        "kinds": cached_catalog_read(("browse", "kinds"), lambda: list(browse_terms(ResourceKind))),
        "practices": [
            {"practice": practice, "count": count, "description": PRACTICE_DESCRIPTIONS[practice]}
            for practice, count in published_practice_counts().items()
        ],
    }
    return render(request, "resources/home.html", context)


@public_page(CATALOG)
@require_safe
def resource_list(request):
    """The catalog: search, filters, facet counts and pagination, all from the URL."""
    if request.GET.get("format") == "atom":
        return resource_feed_view(request)
    filterset = ResourceFilterSet(request.GET, queryset=Resource.objects.published(), request=request)
    search = filterset.prepared_search
    with search_plan(search, filterset.queryset.db):
        facets = filterset.facets()
        # Pks first, ranked (cached for the first pages: ResourceFilterSet.result_ids), then the
        # page's rows; the count comes from the facet counts, with no COUNT query.
        paginator = Paginator(ResultIds(filterset), PAGE_SIZE)
        # get_page() turns a missing, malformed or out-of-range number into the first or last page.
        page = paginator.get_page(request.GET.get("page"))
        resources = resource_cards(list(page.object_list), search)
    # Highlight what was searched: the corrected spelling when the results are for it.
    resources = attach_search_snippets(resources, search.query if filterset.search_query else "")

    list_url = reverse("resources:list")
    active_filters = [
        {
            "param": active.param,
            "label": active.label,
            "remove_url": (
                url_with_query(list_url, request.GET, **{active.param: None, "page": None})
                if active.param in SINGLE_VALUE_PARAMS
                else url_without_value(list_url, request.GET, active.param, active.value)
            ),
        }
        for active in filterset.active_filters()
    ]
    search_query = filterset.search_query
    has_other_filters = any(active["param"] != "q" for active in active_filters)
    # How the search found its results, when not by every word, and a correction to offer.
    # Results for a corrected spelling say so; when filters leave none, the correction is offered.
    corrected_query = search.query if search_query and search.corrected_from and paginator.count else ""
    suggestion = search.suggestion if search_query and not corrected_query else ""
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "facets": facets,
        "page_obj": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "resources": resources,
        "search_query": search_query,
        "sort_order": filterset.sort_order,
        "default_sort_order": filterset.default_sort_order,
        "requested_sort": filterset.valid_data.get("sort") or "",
        "active_filters": active_filters,
        "has_other_filters": has_other_filters,
        "corrected_query": corrected_query,
        "matched_most_words": bool(search_query and not corrected_query) and search.mode == MatchMode.MOST_WORDS,
        "some_match_every_word": search.full_match_count > 0,
        "matched_similar_titles": bool(search_query) and search.mode == MatchMode.SIMILAR_SPELLING,
        "suggestion": suggestion,
        "suggestion_url": url_with_query(list_url, request.GET, q=suggestion, page=None) if suggestion else "",
        # Clearing the filters keeps the search terms; "start over" drops everything.
        "clear_filters_url": url_with_query(list_url, QueryDict(), q=search_query or None),
        "feed_url": url_with_query(reverse("resources:feed"), request.GET, page=None, format=None, sort=None),
        "feed_title": filterset.describe(),
        # Every page of these results as a file (api/exports.py): same parameters, without the page.
        "export_csv_url": url_with_query(reverse("resources:export", args=["csv"]), request.GET, page=None),
        "export_json_url": url_with_query(reverse("resources:export", args=["json"]), request.GET, page=None),
        "alert_url": url_with_query(reverse("resources:alert_new"), request.GET, page=None, sort=None, format=None),
        "invalid_fields": [
            (filterset.form[name].label if name in filterset.form.fields else "Filters", errors)
            for name, errors in filterset.form.errors.items()
        ],
        "usage_token": search_usage_token(filterset, request.GET.get("page"), paginator.count),
    }
    return render(request, "resources/resource_list.html", context)


def search_usage_token(filterset, requested_page, result_count):
    """The signed search the page reports for the statistics (decision 0022): first pages of searches only."""
    filters = "&".join(
        sorted(f"{active.param}={active.value}" for active in filterset.active_filters() if active.param != "q")
    )
    if requested_page not in (None, "", "1") or not (filterset.search_query or filters):
        return ""
    return counting.search_token(query=filterset.search_query, filters=filters, result_count=result_count)


resource_feed_view = ResourceFeed()


@public_page(CATALOG)
@require_safe
def resource_feed(request):
    return resource_feed_view(request)


@public_page(CATALOG)
@require_safe
def resource_detail(request, slug):
    resource = get_object_or_404(resource_page_queryset(request.user), slug=slug)
    canonical_url = request.build_absolute_uri(resource.get_absolute_url())
    # The model validates URLs; this guards rows that reached the database another way.
    has_web_address = resource.external_url.lower().startswith(("https://", "http://"))
    is_preview = resource.status != Resource.Status.PUBLISHED
    context = {
        "resource": resource,
        "is_preview": is_preview,
        "canonical_url": canonical_url,
        "superseded_by": visible_superseding_resource(resource, request.user),
        "replaces": visible_replaced_resources(resource, request.user),
        "related_resources": related_resources(resource),
        "citation": recommended_citation(resource, canonical_url),
        "external_url": resource.external_url if has_web_address else "",
        "broken_link": broken_link_check(resource) if has_web_address else None,
        "usage_token": "" if is_preview else counting.view_token(resource.pk),
    }
    response = render(request, "resources/resource_detail.html", context)
    if is_preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


def broken_link_check(resource):
    """The link check saying the resource's external URL is broken, if it does (linkcheck app)."""
    link_check = getattr(resource, "link_check", None)  # Reverse one-to-one: absent until checked.
    if link_check is not None and link_check.state == "broken" and link_check.url == resource.external_url:
        return link_check
    return None


@require_safe
def resource_download(request, slug):
    """Stream a resource's file as an attachment: published resources for everyone, others for staff."""
    resource = get_object_or_404(Resource.objects.visible_to(request.user).only("slug", "file", "status"), slug=slug)
    if not resource.file:
        raise Http404("This resource has no file.")
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    if resource.status == Resource.Status.PUBLISHED and counting.is_countable(request):
        counting.count_resource_use(resource.pk, "downloads")
    extension = file_extension(resource.file.name)
    filename = f"{resource.slug}.{extension}" if extension else resource.slug
    response = FileResponse(handle, as_attachment=True, filename=filename)
    if resource.status != Resource.Status.PUBLISHED:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def resource_link(request, slug):
    """Go to a published resource's own external URL, counting the click (never any other address)."""
    resource = get_object_or_404(Resource.objects.published().only("pk", "external_url"), slug=slug)
    if not resource.external_url.lower().startswith(("https://", "http://")):
        raise Http404("This resource has no web address.")
    if counting.is_countable(request):
        counting.count_resource_use(resource.pk, "link_clicks")
    response = HttpResponseRedirect(resource.external_url)
    patch_cache_control(response, private=True, no_store=True)
    return response
