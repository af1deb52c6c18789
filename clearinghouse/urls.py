from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from clearinghouse import views as site_views
from pledges.sitemaps import AgencySitemap
from resources import views as resource_views
from resources.sitemaps import SITEMAPS

admin.site.site_header = "Mental Health Response Clearinghouse: staff"
admin.site.site_title = "Clearinghouse staff"
admin.site.index_title = "Curation and pledge review"

urlpatterns = [
    path("", resource_views.home, name="home"),
    path("resources/", include("resources.urls")),
    path("pledge/", include("pledges.urls")),
    path("admin/", admin.site.urls),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("healthz", site_views.healthz, name="healthz"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {**SITEMAPS, "agencies": AgencySitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

handler403 = "clearinghouse.views.permission_denied"
handler404 = "clearinghouse.views.page_not_found"
handler500 = "clearinghouse.views.server_error"
