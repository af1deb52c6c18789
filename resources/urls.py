from django.urls import path

from alerts import views as alert_views
from api.exports import catalog_export
from resources import views
from suggestions import views as suggestion_views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("feed/", views.resource_feed, name="feed"),
    path("export.<str:file_format>", catalog_export, name="export"),
    path("suggest/", suggestion_views.suggest, name="suggest"),
    path("suggest/thanks/", suggestion_views.suggest_thanks, name="suggest_thanks"),
    path("alerts/new/", alert_views.alert_new, name="alert_new"),
    path("alerts/sent/", alert_views.alert_pending, name="alert_pending"),
    path("alerts/confirm/<str:token>/", alert_views.alert_confirm, name="alert_confirm"),
    path("alerts/stop/<str:token>/", alert_views.alert_unsubscribe, name="alert_unsubscribe"),
    path("<slug:slug>/", views.resource_detail, name="detail"),
    path("<slug:slug>/download/", views.resource_download, name="download"),
    path("<slug:slug>/go/", views.resource_link, name="link"),
]
