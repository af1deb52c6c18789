"""Issue 7, finding 7: "view on site" (/admin/r/<content type>/<id>/) tells no one what they may not see.

The redirect's address names the object (an agency's page is /pledge/agencies/<slug>/),
so a Curator walking the ids must not learn the names of agencies whose pledges are not public.
"""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pledges.models import Agency
from resources.models import Resource
from tests.pledges.factories import PledgeFactory, ReviewerFactory, UserFactory
from tests.resources.factories import ResourceFactory, ensure_curators_group

pytestmark = pytest.mark.django_db


def view_on_site_path(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.fixture
def agency_under_review():
    """An agency whose only pledge awaits review: its public page does not exist yet, its name is private."""
    return PledgeFactory(agency__name="Quietvale Police Department", email_verified=True).agency


@pytest.fixture
def curator_client(client):
    curator = UserFactory(username="curator")
    curator.groups.add(ensure_curators_group())
    client.force_login(curator)
    return client


def test_a_curator_walking_the_ids_learns_no_agency_name(curator_client, agency_under_review):
    agency_type = ContentType.objects.get_for_model(Agency)
    responses = [
        curator_client.get(reverse("admin:view_on_site", args=[agency_type.pk, agency_id]))
        for agency_id in range(agency_under_review.pk - 2, agency_under_review.pk + 3)
    ]

    assert [response.status_code for response in responses] == [404] * 5
    for response in responses:
        assert "Location" not in response
        assert agency_under_review.slug not in response.content.decode()
        assert "Quietvale" not in response.content.decode()


def test_a_reviewer_is_taken_to_the_agency_page(client, agency_under_review):
    client.force_login(ReviewerFactory(username="reviewer"))

    response = client.get(view_on_site_path(agency_under_review))

    assert response.status_code == 302
    assert response["Location"].endswith(agency_under_review.get_absolute_url())


def test_staff_who_may_edit_agencies_but_not_view_pledges_get_no_view_on_site(client, agency_under_review):
    staff = UserFactory(username="agency-editor")
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="pledges", codename__in=["view_agency", "change_agency"])
    )
    client.force_login(staff)

    change_page = client.get(reverse("admin:pledges_agency_change", args=[agency_under_review.pk]))
    redirect = client.get(view_on_site_path(agency_under_review))

    assert change_page.status_code == 200
    assert "View on site" not in change_page.content.decode()
    assert redirect.status_code == 404


def test_a_reviewer_sees_view_on_site_on_the_agency_page(client, agency_under_review):
    client.force_login(ReviewerFactory(username="reviewer"))

    change_page = client.get(reverse("admin:pledges_agency_change", args=[agency_under_review.pk]))

    assert "View on site" in change_page.content.decode()


def test_a_curator_still_views_resources_on_the_site(curator_client):
    resource = ResourceFactory(status=Resource.Status.DRAFT, title="Draft crisis protocol")

    response = curator_client.get(view_on_site_path(resource))

    assert response.status_code == 302
    assert response["Location"].endswith(resource.get_absolute_url())


def test_a_reviewer_without_catalog_permissions_learns_no_draft_title(client):
    client.force_login(ReviewerFactory(username="reviewer"))
    draft = ResourceFactory(status=Resource.Status.DRAFT, title="Unannounced crisis protocol")

    response = client.get(view_on_site_path(draft))

    assert response.status_code == 404
    assert "Location" not in response


@pytest.mark.parametrize("arguments", [("999999", "1"), ("not-a-number", "1"), ("1", "not-an-id")])
def test_nonsense_addresses_answer_404_not_500(admin_client, arguments):
    response = admin_client.get(reverse("admin:view_on_site", args=arguments))

    assert response.status_code == 404
