from django.urls import path

from api.exports import roster_json
from pledges import views

app_name = "pledges"

# pledges/tokens.py and Agency.get_absolute_url build links with "agency" (slug), "verify" and
# "progress" (token): keep those names and kwargs.
urlpatterns = [
    path("", views.pledge_start, name="start"),
    path("check-your-email/", views.pledge_submitted, name="submitted"),
    path("resend/", views.resend_verification, name="resend"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("verify/<str:token>/resend/", views.verify_resend, name="verify_resend"),
    path("progress/<str:token>/", views.progress, name="progress"),
    path("progress/<str:token>/report/<str:practice>/", views.progress_report, name="progress_report"),
    path("progress/<str:token>/withdraw/", views.progress_withdraw, name="progress_withdraw"),
    path("progress/<str:token>/documents/<str:practice>/", views.progress_document, name="progress_document"),
    path(
        "progress/<str:token>/reports/<int:report_id>/document/",
        views.progress_report_document,
        name="progress_report_document",
    ),
    path("agencies/", views.roster, name="roster"),
    path("agencies.csv", views.roster_csv, name="roster_csv"),
    path("agencies.json", roster_json, name="roster_json"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency"),
    path("agencies/<slug:slug>/badge.svg", views.agency_badge, name="badge"),
    path("agencies/<slug:slug>/certificate/", views.agency_certificate, name="certificate"),
]
