from django.contrib import admin
from django.urls import include, path

from api import pages as open_data_views
from clearinghouse import sitemaps
from clearinghouse import views as site_views
from clearinghouse.content_versions import CATALOG, PLEDGES
from clearinghouse.page_cache import public_page
from pledges.sitemaps import AgencySitemap
from resources import views as resource_views
from resources.sitemaps import ResourceSitemap, StaticPagesSitemap
from usage import views as usage_views

# The sitemap's sections: /sitemap.xml is their index, /sitemap-<section>.xml each section (?p=2, ...).
SITEMAPS = {"pages": StaticPagesSitemap, "resources": ResourceSitemap, "agencies": AgencySitemap}

admin.site.site_header = "Mental Health Response Clearinghouse: staff"
admin.site.site_title = "Clearinghouse staff"
admin.site.index_title = "Curation and pledge review"

urlpatterns = [
    path("", resource_views.home, name="home"),
    path("resources/", include("resources.urls")),
    path("pledge/", include("pledges.urls")),
    path("api/v1/", include("api.urls")),
    path("api/", open_data_views.api_guide, name="api_guide"),
    path("data/", open_data_views.data_page, name="data"),
    path("admin/", admin.site.urls),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("healthz", site_views.healthz, name="healthz"),
    path("readyz", site_views.readyz, name="readyz"),
    path("usage/beacon/", usage_views.beacon, name="usage_beacon"),
    path(
        "sitemap.xml",
        public_page(CATALOG, PLEDGES)(sitemaps.index),
        {"sitemaps": SITEMAPS, "section_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(CATALOG, PLEDGES)(sitemaps.section_file),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]

handler400 = "clearinghouse.views.bad_request"
handler403 = "clearinghouse.views.permission_denied"
handler404 = "clearinghouse.views.page_not_found"
handler500 = "clearinghouse.views.server_error"
