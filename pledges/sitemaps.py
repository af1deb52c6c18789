from clearinghouse.paths import slug_path_maker
from clearinghouse.sitemaps import SectionSitemap
from pledges.selectors import roster_agencies


class AgencySitemap(SectionSitemap):
    """Public agency pages (on the roster, not demonstration data): a completed agency's page is its badge.

    Items are (slug, the time the agency's current public pledge last changed).
    """

    def __init__(self):
        self.agency_path = slug_path_maker("pledges:agency")

    def items(self):
        return roster_agencies(include_demo=False).values_list("slug", "roster_pledge__updated_at")

    def location(self, item):
        return self.agency_path(item[0])

    def lastmod(self, item):
        return item[1]
