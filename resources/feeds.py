"""The Atom feed of any catalog search: /resources/feed/?<filters> and /resources/?<filters>&format=atom."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from clearinghouse.templatetags.query_urls import url_with_query
from clearinghouse.text import xml_safe
from resources.filters import ResourceFilterSet
from resources.models import Resource
from resources.search import search_plan
from resources.selectors import resource_cards

FEED_ITEM_LIMIT = 50


class XMLSafeGenerator(SimplerXMLGenerator):
    """Writes every text and attribute without the characters XML 1.0 cannot carry.

    Django's generator refuses them with an exception, which made one stored form feed in
    a title break the feed for every reader (issue 7, finding 3). New text is cleaned when
    it is saved (clearinghouse.text); this keeps rows stored before that readable.
    """

    def characters(self, content):
        super().characters(xml_safe(content))

    def startElement(self, name, attrs):
        super().startElement(name, {key: xml_safe(value) for key, value in attrs.items()})


class XMLSafeAtom1Feed(Atom1Feed):
    def write(self, outfile, encoding):
        # Atom1Feed.write with the generator above.
        handler = XMLSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class ResourceFeed(Feed):
    """The newest published resources matching the request's filters, up to 50."""

    feed_type = XMLSafeAtom1Feed
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
