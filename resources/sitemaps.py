from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clearinghouse.paths import slug_path_maker
from clearinghouse.sitemaps import SectionSitemap
from resources.models import Resource


class StaticPagesSitemap(Sitemap):
    def items(self):
        return ["home", "resources:list", "pledges:start", "pledges:roster"]

    def location(self, item):
        return reverse(item)


class ResourceSitemap(SectionSitemap):
    """Published resources, with the time each last changed. Items are (slug, updated_at)."""

    def __init__(self):
        self.resource_path = slug_path_maker("resources:detail")

    def items(self):
        return Resource.objects.published().values_list("slug", "updated_at")

    def location(self, item):
        return self.resource_path(item[0])

    def lastmod(self, item):
        return item[1]
