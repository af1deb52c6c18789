from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from resources.models import Resource


class StaticPagesSitemap(Sitemap):
    def items(self):
        return ["home", "resources:list", "pledges:start", "pledges:roster"]

    def location(self, item):
        return reverse(item)


class ResourceSitemap(Sitemap):
    def items(self):
        return Resource.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, resource):
        return resource.updated_at


SITEMAPS = {"pages": StaticPagesSitemap, "resources": ResourceSitemap}
