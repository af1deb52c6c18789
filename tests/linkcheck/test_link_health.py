"""check_links end to end: states recorded per resource, the link health page and its one-click
actions, the resource list's column and filter, and the public page of a broken link."""

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from linkcheck.models import LinkCheck
from resources.models import Resource
from tests.resources.factories import ResourceFactory, ensure_curators_group

pytestmark = pytest.mark.django_db

LINK_HEALTH = reverse("admin:linkcheck_linkcheck_changelist")
FAST = {"delay": 0, "timeout": 1, "verbosity": 0}


def run_check_links(**options):
    out = io.StringIO()
    call_command("check_links", stdout=out, **{**FAST, **options})
    return out.getvalue()


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def curator_client(client, django_user_model):
    curator = django_user_model.objects.create_user("curator", "c@example.org", "a long test password", is_staff=True)
    curator.groups.add(ensure_curators_group())
    client.force_login(curator)
    client.user = curator
    return client


def test_each_resource_keeps_its_last_check(link_site, refused_url):
    working = ResourceFactory(external_url=link_site.url("/ok"))
    moved = ResourceFactory(external_url=link_site.url("/moved"))
    missing = ResourceFactory(external_url=link_site.url("/missing"))
    refused = ResourceFactory(external_url=refused_url)
    draft = ResourceFactory(external_url=link_site.url("/error"), status=Resource.Status.DRAFT)

    output = run_check_links(verbosity=1)

    assert "Checked 4 addresses of 4 resources" in output
    checks = {check.resource_id: check for check in LinkCheck.objects.all()}
    assert draft.pk not in checks
    assert checks[working.pk].state == LinkCheck.State.OK
    assert checks[working.pk].status_code == 200
    assert checks[moved.pk].state == LinkCheck.State.REDIRECTED
    assert checks[moved.pk].final_url == link_site.url("/ok")
    assert checks[moved.pk].redirect_chain == [[301, link_site.url("/ok")]]
    assert checks[missing.pk].state == LinkCheck.State.FAILING
    assert checks[missing.pk].status_code == 404
    assert checks[missing.pk].failures_in_a_row == 1
    assert checks[refused.pk].error == "Connection refused"


def test_a_link_is_broken_after_three_failures_in_a_row_and_recovers(link_site):
    resource = ResourceFactory(external_url=link_site.url("/error"))
    for expected_failures, expected_state in [(1, "failing"), (2, "failing"), (3, "broken")]:
        run_check_links()
        check = LinkCheck.objects.get(resource=resource)
        assert (check.failures_in_a_row, check.state) == (expected_failures, expected_state)

    Resource.objects.filter(pk=resource.pk).update(external_url=link_site.url("/ok"))
    run_check_links()
    check = LinkCheck.objects.get(resource=resource)
    assert (check.failures_in_a_row, check.state) == (0, "ok")


def test_the_public_page_of_a_broken_link_offers_an_archived_copy(client, link_site):
    resource = ResourceFactory(external_url=link_site.url("/missing"))
    before = text_of(client.get(resource.get_absolute_url()))
    assert "Visit the resource website" in before

    run_check_links(broken_after=1)
    after = text_of(client.get(resource.get_absolute_url()))  # The cached page was replaced.

    assert "seems to be gone" in after
    assert f'href="https://web.archive.org/web/{link_site.url("/missing")}"' in after
    assert "Try the original address" in after
    assert "Visit the resource website" not in after


def test_the_link_health_page_lists_problems_with_one_click_answers(curator_client, link_site):
    ResourceFactory(title="Working guide", external_url=link_site.url("/ok"))
    ResourceFactory(title="Moved guide", external_url=link_site.url("/moved"))
    ResourceFactory(title="Dead guide", external_url=link_site.url("/missing"))
    run_check_links(broken_after=1)

    page = text_of(curator_client.get(LINK_HEALTH))

    assert "Working guide" not in page
    assert "Moved guide" in page
    assert "Dead guide" in page
    assert "Use the new address" in page
    assert page.count("Archive resource") == 2


def test_accepting_a_redirect_updates_the_resource_and_its_history(curator_client, link_site):
    resource = ResourceFactory(external_url=link_site.url("/moved"))
    run_check_links()
    check = LinkCheck.objects.get(resource=resource)

    response = curator_client.post(reverse("admin:linkcheck_linkcheck_accept_redirect", args=[check.pk]))

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.external_url == link_site.url("/ok")
    check.refresh_from_db()
    assert check.state == LinkCheck.State.OK
    assert LogEntry.objects.filter(object_id=str(resource.pk), change_message__contains="permanent redirect").exists()


def test_a_temporary_link_problem_has_no_redirect_to_accept(curator_client, link_site):
    resource = ResourceFactory(external_url=link_site.url("/missing"))
    run_check_links()
    check = LinkCheck.objects.get(resource=resource)
    response = curator_client.post(reverse("admin:linkcheck_linkcheck_accept_redirect", args=[check.pk]), follow=True)
    assert "no permanent redirect to accept" in text_of(response)
    resource.refresh_from_db()
    assert resource.external_url == link_site.url("/missing")


def test_mark_reviewed_and_archive(curator_client, link_site):
    reviewed = ResourceFactory(title="Reviewed guide", external_url=link_site.url("/missing"))
    archived = ResourceFactory(title="Archived guide", external_url=link_site.url("/error"))
    run_check_links()
    curator_client.post(reverse("admin:linkcheck_linkcheck_mark_reviewed", args=[reviewed.link_check.pk]))
    curator_client.post(reverse("admin:linkcheck_linkcheck_archive", args=[archived.link_check.pk]))

    reviewed.link_check.refresh_from_db()
    assert reviewed.link_check.reviewed_by == curator_client.user
    archived.refresh_from_db()
    assert archived.status == Resource.Status.ARCHIVED
    needing_attention = curator_client.get(LINK_HEALTH, {"reviewed": "no"}).context["cl"].result_list
    assert [check.resource.title for check in needing_attention] == ["Archived guide"]


def test_one_click_actions_need_the_right_to_change_resources(client, django_user_model, link_site):
    resource = ResourceFactory(external_url=link_site.url("/missing"))
    run_check_links()
    staff = django_user_model.objects.create_user("someone", "s@example.org", "a long test password", is_staff=True)
    client.force_login(staff)
    assert client.get(LINK_HEALTH).status_code == 403
    url = reverse("admin:linkcheck_linkcheck_archive", args=[resource.link_check.pk])
    assert client.post(url).status_code == 403
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED


def test_the_resource_list_shows_link_health_as_a_column_and_a_filter(curator_client, link_site):
    ResourceFactory(title="Working guide", external_url=link_site.url("/ok"))
    ResourceFactory(title="Dead guide", external_url=link_site.url("/missing"))
    run_check_links()
    changelist = reverse("admin:resources_resource_changelist")

    failing = text_of(curator_client.get(changelist, {"link": "failing"}))

    assert "Dead guide" in failing
    assert "<strong>Failing</strong> (404)" in failing
    assert "Working guide" not in failing


def test_the_link_health_page_costs_the_same_queries_for_2_or_20_problems(
    curator_client, link_site, django_assert_num_queries
):
    for n in range(2):
        ResourceFactory(title=f"Dead {n}", external_url=link_site.url(f"/missing?{n}"))
    run_check_links()
    curator_client.get(LINK_HEALTH)
    # Session, user, permissions (2), the rows with their resources, the state filter's choices.
    with django_assert_num_queries(6) as captured:
        curator_client.get(LINK_HEALTH)
    for n in range(2, 20):
        ResourceFactory(title=f"Dead {n}", external_url=link_site.url(f"/missing?{n}"))
    run_check_links()
    with django_assert_num_queries(len(captured)):
        curator_client.get(LINK_HEALTH)


def test_dry_run_records_nothing(link_site):
    ResourceFactory(external_url=link_site.url("/missing"))
    output = run_check_links(dry_run=True, verbosity=1)
    assert "404" in output
    assert "nothing recorded" in output
    assert not LinkCheck.objects.exists()
