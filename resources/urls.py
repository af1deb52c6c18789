from django.urls import path

from api.exports import catalog_export
from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("feed/", views.resource_feed, name="feed"),
    path("export.<str:file_format>", catalog_export, name="export"),
    path("<slug:slug>/", views.resource_detail, name="detail"),
    path("<slug:slug>/download/", views.resource_download, name="download"),
]
