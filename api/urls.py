from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from api import views
from api.views import cached, interactive_reference
from clearinghouse.content_versions import CATALOG, PLEDGES

app_name = "api"

urlpatterns = [
    path("resources/", cached([CATALOG], views.ResourceListView), name="resource_list"),
    path("resources/<slug:slug>/", cached([CATALOG], views.ResourceDetailView), name="resource_detail"),
    path("kinds/", cached([CATALOG], views.KindListView), name="kind_list"),
    path("topics/", cached([CATALOG], views.TopicListView), name="topic_list"),
    path("audiences/", cached([CATALOG], views.AudienceListView), name="audience_list"),
    path("practices/", cached([CATALOG], views.PracticeListView), name="practice_list"),
    path("agencies/", cached([PLEDGES], views.AgencyListView), name="agency_list"),
    path("agencies/<slug:slug>/", cached([PLEDGES], views.AgencyDetailView), name="agency_detail"),
    path("statistics/", cached([CATALOG, PLEDGES], views.StatisticsView), name="statistics"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's static files; its start-up script is a separate request
    # (?script), so the page runs no inline script. (Redoc's page loads Google's fonts: not offered.)
    path("docs/", interactive_reference(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="swagger"),
]
