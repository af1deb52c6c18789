"""The Atom feed of any catalog search: /resources/feed/?<filters> and /resources/?<filters>&format=atom."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from clearinghouse.templatetags.query_urls import url_with_query
from resources.filters import ResourceFilterSet
from resources.models import Resource
from resources.search import search_plan
from resources.selectors import resource_cards

FEED_ITEM_LIMIT = 50


class ResourceFeed(Feed):
    """The newest published resources matching the request's filters, up to 50."""

    feed_type = Atom1Feed
    language = "en"
    author_name = "Mental Health Response Clearinghouse"

    def get_object(self, request, *args, **kwargs):
        return ResourceFilterSet(request.GET, queryset=Resource.objects.published(), request=request)

    def title(self, filterset):
        return filterset.describe()

    def subtitle(self, filterset):
        return (
            "Newly published resources for law enforcement responding to people affected by mental illness "
            "or in crisis, from the Mental Health Response Clearinghouse."
        )

    def link(self, filterset):
        """The same search as a web page."""
        return url_with_query(reverse("resources:list"), filterset.request.GET, format=None, page=None)

    def feed_url(self, filterset):
        return filterset.request.get_full_path()

    def items(self, filterset):
        search = filterset.prepared_search
        with search_plan(search, filterset.queryset.db):
            newest = filterset.qs.order_by("-published_at", "title").values_list("pk", flat=True)[:FEED_ITEM_LIMIT]
            return resource_cards(list(newest))

    def item_title(self, resource):
        return resource.title

    def item_description(self, resource):
        # Atom's summary is declared type="html": escape so a "<" in a summary stays text in readers.
        return escape(resource.summary)

    def item_pubdate(self, resource):
        return resource.published_at

    def item_updateddate(self, resource):
        return resource.updated_at

    def item_author_name(self, resource):
        return resource.publisher or None

    def item_categories(self, resource):
        return [topic.name for topic in resource.topics.all()]
