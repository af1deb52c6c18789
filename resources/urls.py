from django.urls import path

from resources import views
from suggestions import views as suggestion_views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("feed/", views.resource_feed, name="feed"),
    path("suggest/", suggestion_views.suggest, name="suggest"),
    path("suggest/thanks/", suggestion_views.suggest_thanks, name="suggest_thanks"),
    path("<slug:slug>/", views.resource_detail, name="detail"),
    path("<slug:slug>/download/", views.resource_download, name="download"),
    path("<slug:slug>/go/", views.resource_link, name="link"),
]
