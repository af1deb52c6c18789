from django.contrib.sitemaps import Sitemap

from pledges.selectors import current_public_pledges


class AgencySitemap(Sitemap):
    """Public agency pages (approved, completed, lapsed): a completed agency's page is its badge."""

    def items(self):
        return current_public_pledges(include_demo=False).order_by("pk")

    def location(self, pledge):
        return pledge.agency.get_absolute_url()

    def lastmod(self, pledge):
        return pledge.updated_at
