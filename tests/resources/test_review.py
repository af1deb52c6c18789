"""Review dates: due dates per kind, the due-for-review list, one-click review, expired resolutions."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from resources.models import Resource, add_months
from resources.services import refresh_review_due_dates
from tests.resources.factories import ResolutionFactory, ResourceFactory, ResourceKindFactory, ensure_curators_group

pytestmark = pytest.mark.django_db

DUE_LIST = reverse("admin:resources_resourcedueforreview_changelist")
CHANGELIST = reverse("admin:resources_resource_changelist")


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def years_ago(years):
    return timezone.localdate() - datetime.timedelta(days=365 * years)


@pytest.fixture
def curator_client(client, django_user_model):
    curator = django_user_model.objects.create_user("curator", "c@example.org", "a long test password", is_staff=True)
    curator.groups.add(ensure_curators_group())
    client.force_login(curator)
    client.user = curator
    return client


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2023, 11, 15), 2, datetime.date(2024, 1, 15)),
        (datetime.date(2020, 2, 29), 12, datetime.date(2021, 2, 28)),
        (datetime.date(2020, 6, 30), 60, datetime.date(2025, 6, 30)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_a_resource_is_due_its_kinds_interval_after_its_last_review():
    kind = ResourceKindFactory(slug="checklist", name="Checklist", review_interval_months=6)
    resource = ResourceFactory(kind=kind, last_reviewed_on=datetime.date(2025, 3, 10))
    assert resource.review_due_on == datetime.date(2025, 9, 10)
    assert resource.is_due_for_review


def test_its_own_interval_overrides_the_kinds_and_never_reviewed_counts_from_publication():
    resource = ResourceFactory(review_interval_months=3)
    assert resource.review_due_on == add_months(timezone.localdate(resource.published_at), 3)
    assert not resource.is_due_for_review


def test_a_draft_is_never_due():
    assert ResourceFactory(status=Resource.Status.DRAFT).review_due_on is None


def test_the_due_list_shows_published_resources_past_their_due_date_only(curator_client):
    ResourceFactory(title="Overdue guide", last_reviewed_on=years_ago(3))
    ResourceFactory(title="Fresh guide", last_reviewed_on=timezone.localdate())
    ResourceFactory(title="Overdue draft", last_reviewed_on=years_ago(3), status=Resource.Status.DRAFT)

    page = text_of(curator_client.get(DUE_LIST))

    assert "Overdue guide" in page
    assert "Fresh guide" not in page
    assert "Overdue draft" not in page
    assert "Reviewed, still current" in page


def test_one_click_records_who_reviewed_and_when_and_leaves_the_due_list(curator_client):
    resource = ResourceFactory(title="Overdue guide", last_reviewed_on=years_ago(3))

    response = curator_client.post(
        reverse("admin:resources_resource_mark_reviewed", args=[resource.pk]),
        HTTP_REFERER="http://testserver" + DUE_LIST,
    )

    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + DUE_LIST
    resource.refresh_from_db()
    assert resource.last_reviewed_on == timezone.localdate()
    assert resource.last_reviewed_by == curator_client.user
    assert resource.review_due_on == add_months(timezone.localdate(), resource.kind.review_interval_months)
    assert LogEntry.objects.filter(object_id=str(resource.pk), change_message__contains="still current").exists()
    listed = curator_client.get(DUE_LIST)
    assert list(listed.context["cl"].result_list) == []
    assert "“Overdue guide” marked reviewed today, still current." in text_of(listed)


def test_one_click_review_refuses_get_and_an_outside_referer(curator_client):
    resource = ResourceFactory(last_reviewed_on=years_ago(3))
    url = reverse("admin:resources_resource_mark_reviewed", args=[resource.pk])
    assert curator_client.get(url).status_code == 405
    response = curator_client.post(url, HTTP_REFERER="https://evil.example/")
    assert response["Location"] == CHANGELIST


def test_the_bulk_action_marks_every_selected_resource_reviewed(curator_client):
    overdue = [ResourceFactory(last_reviewed_on=years_ago(3)) for _ in range(3)]
    curator_client.post(
        DUE_LIST, {"action": "mark_reviewed", "_selected_action": [resource.pk for resource in overdue]}
    )
    assert Resource.objects.filter(last_reviewed_on=timezone.localdate()).count() == 3


def test_staff_without_catalog_rights_cannot_review(client, django_user_model):
    resource = ResourceFactory(last_reviewed_on=years_ago(3))
    staff = django_user_model.objects.create_user("someone", "s@example.org", "a long test password", is_staff=True)
    client.force_login(staff)
    assert client.get(DUE_LIST).status_code == 403
    assert client.post(reverse("admin:resources_resource_mark_reviewed", args=[resource.pk])).status_code == 403
    resource.refresh_from_db()
    assert resource.last_reviewed_by is None


def test_the_due_list_costs_the_same_queries_for_3_or_30_resources(curator_client, django_assert_num_queries):
    for _ in range(3):
        ResourceFactory(last_reviewed_on=years_ago(3))
    curator_client.get(DUE_LIST)
    # Session, user, permissions (2), the rows, the count for the filter, the kinds filter.
    with django_assert_num_queries(7) as captured:
        curator_client.get(DUE_LIST)
    expected = len(captured)
    for _ in range(27):
        ResourceFactory(last_reviewed_on=years_ago(3))
    with django_assert_num_queries(expected):
        curator_client.get(DUE_LIST)


def test_changing_a_kinds_interval_moves_the_due_dates_that_follow_it():
    kind = ResourceKindFactory(slug="checklist", name="Checklist", review_interval_months=24)
    following = ResourceFactory(kind=kind, last_reviewed_on=datetime.date(2025, 1, 1))
    own = ResourceFactory(kind=kind, last_reviewed_on=datetime.date(2025, 1, 1), review_interval_months=6)
    kind.review_interval_months = 12
    kind.save()

    assert refresh_review_due_dates(kind=kind) == 1

    following.refresh_from_db()
    own.refresh_from_db()
    assert following.review_due_on == datetime.date(2026, 1, 1)
    assert own.review_due_on == datetime.date(2025, 7, 1)


def test_the_resource_list_filters_due_resources_and_expired_resolutions(curator_client):
    ResourceFactory(title="Overdue guide", last_reviewed_on=years_ago(3))
    ResolutionFactory(title="Old resolution", year_adopted=2010)
    ResolutionFactory(title="Recent resolution", year_adopted=timezone.localdate().year)

    due = text_of(curator_client.get(CHANGELIST, {"review": "due"}))
    expired = text_of(curator_client.get(CHANGELIST, {"in_force": "expired"}))
    in_force = text_of(curator_client.get(CHANGELIST, {"in_force": "in_force"}))

    assert "Overdue guide" in due
    assert "Recent resolution" not in due
    assert "Old resolution" in expired
    assert "Expired" in expired
    assert "Recent resolution" not in expired
    assert "Recent resolution" in in_force
    assert "Old resolution" not in in_force


def test_the_public_page_says_when_the_resource_was_last_reviewed(client):
    resource = ResourceFactory(last_reviewed_on=datetime.date(2026, 3, 4))
    page = text_of(client.get(resource.get_absolute_url()))
    assert '<dt>Last reviewed</dt><dd><time datetime="2026-03-04">March 4, 2026</time></dd>' in page
