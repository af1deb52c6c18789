from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("", views.pledge_start, name="start"),
    path("agencies/", views.roster, name="roster"),
]
