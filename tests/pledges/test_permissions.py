"""Who may do what in the pledge admin: Pledge reviewers act; Curators see nothing; contacts need their permission.

The groups are the real ones, re-created by the data migrations' own functions
(transactional tests elsewhere flush migration data).
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges.models import Pledge, PracticeProgress
from tests.pledges.factories import UserFactory, ensure_pledge_reviewers_group, pledge_in_status
from tests.resources.factories import ensure_curators_group

pytestmark = pytest.mark.django_db

Status = Pledge.Status
CHANGELIST = reverse("admin:pledges_pledge_changelist")
REVIEW_QUEUE = reverse("admin:pledges_pledgeawaitingreview_changelist")
EXPORT = reverse("admin:pledges_pledge_export")
CONTACT_EMAIL = "casey.morgan@springfield.example.org"
CONTACT_PHONE = "217-555-0199"


def change_url(pledge):
    return reverse("admin:pledges_pledge_change", args=[pledge.pk])


def workflow_url(name, pledge, query=""):
    return reverse(f"admin:pledges_pledge_{name}", args=[pledge.pk]) + query


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def csv_text(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def curator_client(client):
    user = UserFactory(username="curator")
    user.groups.add(ensure_curators_group())
    return client_for(client, user)


@pytest.fixture
def reviewer_client(client):
    user = UserFactory(username="reviewer")
    user.groups.add(ensure_pledge_reviewers_group())
    return client_for(client, user)


def staff_with(client, *codenames, username="staff"):
    user = UserFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="pledges", codename__in=codenames))
    return client_for(client, user)


@pytest.fixture
def no_contact_client(client):
    """Staff who may review and export pledges but not see contact details."""
    return staff_with(client, "view_pledge", "change_pledge", "view_agency", "export_pledges", username="no-contact")


@pytest.fixture
def view_only_client(client):
    return staff_with(client, "view_pledge", "view_agency", username="viewer")


@pytest.fixture
def pledge():
    return pledge_in_status(Status.EMAIL_VERIFIED, contact_email=CONTACT_EMAIL, contact_phone=CONTACT_PHONE)


def every_pledge_page(pledge, evidence_row):
    """(method, url) for every pledge admin page: lists, change pages, custom views, downloads, export."""
    return [
        ("get", CHANGELIST),
        ("get", REVIEW_QUEUE),
        ("get", reverse("admin:pledges_agency_changelist")),
        ("get", reverse("admin:pledges_agency_change", args=[pledge.agency.pk])),
        ("get", change_url(pledge)),
        ("get", reverse("admin:pledges_pledge_history", args=[pledge.pk])),
        ("get", reverse("admin:pledges_pledge_reject") + f"?ids={pledge.pk}"),
        ("post", reverse("admin:pledges_pledge_reject") + f"?ids={pledge.pk}"),
        ("post", workflow_url("approve", pledge)),
        ("get", workflow_url("withdraw", pledge)),
        ("post", workflow_url("withdraw", pledge)),
        ("get", workflow_url("extend_deadline", pledge)),
        ("post", workflow_url("mark_lapsed", pledge)),
        ("post", workflow_url("reissue_progress_link", pledge)),
        ("post", workflow_url("reissue_verification_link", pledge)),
        ("post", workflow_url("verify_practice", pledge)),
        ("get", workflow_url("unverify_practice", pledge, "?practice=cit")),
        ("get", reverse("admin:pledges_pledge_practice_evidence", args=[pledge.pk, evidence_row.pk])),
        ("get", EXPORT),
    ]


@pytest.fixture
def evidence_row(pledge):
    row = PracticeProgress.objects.get(pledge=pledge, practice=Practice.POLICY)
    row.policy_document.save("policy.txt", ContentFile(b"Our policy."))
    return row


# --- Curators --------------------------------------------------------------------------------------------


def test_a_curator_is_refused_every_pledge_page(curator_client, pledge, evidence_row):
    for method, url in every_pledge_page(pledge, evidence_row):
        response = getattr(curator_client, method)(url)
        assert response.status_code == 403, f"{method.upper()} {url} answered {response.status_code}"
    pledge.refresh_from_db()
    assert pledge.status == Status.EMAIL_VERIFIED


def test_a_curator_does_not_see_the_pledges_app_on_the_admin_index(curator_client):
    response = curator_client.get(reverse("admin:index"))

    page = text_of(response)
    assert response.status_code == 200
    assert "Resource catalog" in page
    assert "One Mind pledges" not in page
    assert "awaiting review" not in page
    assert curator_client.get(reverse("admin:app_list", args=["pledges"])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, pledge, evidence_row):
    for method, url in every_pledge_page(pledge, evidence_row):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


# --- Pledge reviewers ---------------------------------------------------------------------------------------


def test_a_reviewer_opens_every_pledge_page(reviewer_client, pledge, evidence_row):
    for url in (CHANGELIST, REVIEW_QUEUE, change_url(pledge), workflow_url("withdraw", pledge), EXPORT):
        assert reviewer_client.get(url).status_code == 200, url
    page = text_of(reviewer_client.get(reverse("admin:index")))
    assert "One Mind pledges" in page
    assert "Pledges awaiting review" in page


def test_a_reviewer_sees_the_contact_and_searches_by_email(reviewer_client, pledge):
    assert CONTACT_EMAIL in text_of(reviewer_client.get(change_url(pledge)))
    response = reviewer_client.get(CHANGELIST + "?q=casey.morgan@")
    assert [row.pk for row in response.context["cl"].result_list] == [pledge.pk]


def test_a_reviewer_approves_rejects_verifies_extends_and_exports(reviewer_client, pledge):
    reviewer_client.post(workflow_url("approve", pledge))
    pledge.refresh_from_db()
    assert pledge.status == Status.APPROVED

    other = pledge_in_status(Status.EMAIL_VERIFIED)
    reviewer_client.post(reverse("admin:pledges_pledge_reject") + f"?ids={other.pk}", {"reason": "Duplicate."})
    other.refresh_from_db()
    assert other.status == Status.REJECTED

    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.POLICY).update(
        policy_adopted_on=datetime.date(2025, 1, 1), last_reported_at=timezone.now()
    )
    reviewer_client.post(workflow_url("verify_practice", pledge), {"practice": "policy"})
    assert PracticeProgress.objects.get(pledge=pledge, practice=Practice.POLICY).verified_by.username == "reviewer"

    new_deadline = pledge.deadline + datetime.timedelta(days=60)
    reviewer_client.post(
        workflow_url("extend_deadline", pledge), {"new_deadline": new_deadline.isoformat(), "reason": "Delays."}
    )
    pledge.refresh_from_db()
    assert pledge.deadline == new_deadline

    response = reviewer_client.get(EXPORT)
    assert response.status_code == 200
    assert CONTACT_EMAIL in csv_text(response)


def test_a_reviewer_cannot_delete_pledges(reviewer_client, pledge):
    assert reviewer_client.get(reverse("admin:pledges_pledge_delete", args=[pledge.pk])).status_code == 403
    response = reviewer_client.get(CHANGELIST)
    assert "delete_selected" not in text_of(response)


# --- Contact details need their own permission ------------------------------------------------------------


def test_without_the_contact_permission_the_change_page_hides_the_contact(no_contact_client, pledge):
    response = no_contact_client.get(change_url(pledge))

    page = response.content.decode()
    assert response.status_code == 200
    assert CONTACT_EMAIL not in page
    assert CONTACT_PHONE not in page
    assert pledge.contact_name not in page
    assert "contact_email" not in response.context["adminform"].form.fields
    # The workflow and the history are still there: this user may change pledges.
    assert workflow_url("approve", pledge) in page
    assert "Status history" in page


def test_without_the_contact_permission_the_intermediate_pages_and_history_hide_it(no_contact_client, pledge):
    for url in (
        reverse("admin:pledges_pledge_reject") + f"?ids={pledge.pk}",
        workflow_url("withdraw", pledge),
        REVIEW_QUEUE,
        CHANGELIST,
        reverse("admin:pledges_agency_change", args=[pledge.agency.pk]),
    ):
        response = no_contact_client.get(url)
        assert response.status_code == 200, url
        assert CONTACT_EMAIL not in response.content.decode(), url


def test_without_the_contact_permission_search_ignores_contact_emails(no_contact_client, pledge):
    response = no_contact_client.get(CHANGELIST + "?q=casey.morgan@")

    assert response.context["cl"].result_count == 0
    assert "Searches agency names, ORIs and cities." in text_of(response)


@pytest.mark.parametrize("url", [CHANGELIST, REVIEW_QUEUE, EXPORT])
@pytest.mark.parametrize("lookup", ["contact_email__startswith=casey", "contact_phone__isnull=False"])
def test_without_the_contact_permission_contact_fields_cannot_be_filtered_on(no_contact_client, pledge, url, lookup):
    # A filter in the query string would reveal contact details one guess at a time through the row count.
    response = no_contact_client.get(f"{url}?{lookup}")

    assert response.status_code == 400


def test_a_reviewer_may_filter_on_contact_fields(reviewer_client, pledge):
    response = reviewer_client.get(CHANGELIST + "?contact_email__startswith=casey")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_without_the_contact_permission_saving_the_form_keeps_the_contact(no_contact_client, pledge):
    data = {
        "target_months": 30,
        "chief_executive_name": pledge.chief_executive_name,
        "chief_executive_title": pledge.chief_executive_title,
        "_save": "Save",
    }
    for prefix in ("practices", "transitions", "deadline_extensions", "progress_reports"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = no_contact_client.post(change_url(pledge), data)

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.target_months, pledge.contact_email, pledge.contact_phone) == (30, CONTACT_EMAIL, CONTACT_PHONE)


def test_without_the_contact_permission_the_export_has_no_contact_columns(no_contact_client, pledge):
    response = no_contact_client.get(EXPORT)

    text = csv_text(response)
    assert pledge.agency.name in text
    assert CONTACT_EMAIL not in text
    assert CONTACT_PHONE not in text
    assert "Contact email" not in text


def test_without_the_export_permission_there_is_no_export(client, pledge):
    staff_with(client, "view_pledge", "change_pledge", "view_pledge_contact")

    assert client.get(EXPORT).status_code == 403
    response = client.get(CHANGELIST)
    assert "Export these pledges" not in text_of(response)
    assert "export_selected" not in text_of(response)


# --- View-only staff ----------------------------------------------------------------------------------------


def test_view_only_staff_see_the_pledge_but_no_workflow_and_cannot_act(view_only_client, pledge):
    response = view_only_client.get(change_url(pledge))

    assert response.status_code == 200
    assert "Workflow:" not in text_of(response)
    assert view_only_client.post(workflow_url("approve", pledge)).status_code == 403
    assert view_only_client.get(workflow_url("withdraw", pledge)).status_code == 403
    assert view_only_client.get(reverse("admin:pledges_pledge_reject") + f"?ids={pledge.pk}").status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == Status.EMAIL_VERIFIED
