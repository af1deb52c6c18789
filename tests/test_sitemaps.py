"""The sitemap: an index of sections, each section in files of at most `limit` URLs (clearinghouse/sitemaps.py)."""

import datetime
import re

import pytest
from django.utils import timezone

from pledges.models import Pledge
from pledges.sitemaps import AgencySitemap
from resources.models import Resource
from resources.sitemaps import ResourceSitemap
from tests.pledges.factories import pledge_in_status
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

URL_ENTRY = re.compile(r"<url><loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?</url>")


def listed_files(client):
    index = client.get("/sitemap.xml").content.decode()
    return [location.removeprefix("http://testserver") for location in re.findall(r"<loc>([^<]+)</loc>", index)]


def urls_in(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return URL_ENTRY.findall(response.content.decode())


def test_a_section_is_split_into_files_of_at_most_limit_urls_listing_each_published_resource_once(client, monkeypatch):
    monkeypatch.setattr(ResourceSitemap, "limit", 3)
    published = [ResourceFactory(title=f"Published {number}") for number in range(8)]
    drafts = [ResourceFactory(title=f"Draft {number}", status=Resource.Status.DRAFT) for number in range(3)]

    files = [path for path in listed_files(client) if path.startswith("/sitemap-resources.xml")]
    listed = [location for path in files for location, _lastmod in urls_in(client.get(path))]

    assert len(files) >= 3
    assert all(len(urls_in(client.get(path))) <= 3 for path in files)
    assert sorted(listed) == sorted(f"http://testserver{resource.get_absolute_url()}" for resource in published)
    assert not any(draft.get_absolute_url() in location for draft in drafts for location in listed)


def resource_file(number):
    return "/sitemap-resources.xml" if number == 1 else f"/sitemap-resources.xml?p={number}"


def test_a_file_whose_resources_are_all_drafts_is_left_out_and_not_found(client, monkeypatch):
    monkeypatch.setattr(ResourceSitemap, "limit", 3)
    resources = [ResourceFactory(title=f"Resource {number}") for number in range(9)]
    # Every resource in the block of the middle one becomes a draft: file p holds block p - 1.
    middle_block = resources[4].pk // 3
    Resource.objects.filter(pk__gte=middle_block * 3, pk__lt=(middle_block + 1) * 3).update(
        status=Resource.Status.DRAFT
    )
    blocks_with_published = sorted({resource.pk // 3 for resource in Resource.objects.published()})

    files = [path for path in listed_files(client) if path.startswith("/sitemap-resources.xml")]

    assert files == [resource_file(block + 1) for block in blocks_with_published]
    assert middle_block not in blocks_with_published
    assert client.get(resource_file(middle_block + 1)).status_code == (200 if middle_block == 0 else 404)


@pytest.mark.parametrize(
    "path",
    ["/sitemap-nothing.xml", "/sitemap-resources.xml?p=0", "/sitemap-resources.xml?p=two", "/sitemap-pages.xml?p=2"],
)
def test_a_file_that_does_not_exist_is_not_found(client, path):
    ResourceFactory()

    assert client.get(path).status_code == 404


def test_a_file_far_past_the_last_resource_is_not_found(client):
    ResourceFactory()

    assert client.get("/sitemap-resources.xml?p=100000").status_code == 404


def test_an_empty_section_is_still_an_empty_file(client):
    assert listed_files(client)[1:] == ["/sitemap-resources.xml", "/sitemap-agencies.xml"]
    assert urls_in(client.get("/sitemap-resources.xml")) == []


def test_the_agency_section_lists_public_agencies_that_are_not_demonstrations(client, monkeypatch):
    monkeypatch.setattr(AgencySitemap, "limit", 2)
    public = [pledge_in_status(status) for status in (Pledge.Status.APPROVED, Pledge.Status.COMPLETED)]
    public.append(pledge_in_status(Pledge.Status.LAPSED))
    hidden = [pledge_in_status(status) for status in (Pledge.Status.SUBMITTED, Pledge.Status.WITHDRAWN)]
    hidden.append(pledge_in_status(Pledge.Status.APPROVED, is_demo=True))

    files = [path for path in listed_files(client) if path.startswith("/sitemap-agencies.xml")]
    listed = [location for path in files for location, _lastmod in urls_in(client.get(path))]

    assert sorted(listed) == sorted(f"http://testserver{pledge.agency.get_absolute_url()}" for pledge in public)
    assert not any(pledge.agency.slug in location for pledge in hidden for location in listed)


def test_each_url_has_its_last_change_as_a_date_in_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "America/New_York"
    resource = ResourceFactory()
    # 03:00 UTC on May 2 is still May 1 in New York.
    changed = datetime.datetime(2025, 5, 2, 3, 0, tzinfo=datetime.UTC)
    Resource.objects.filter(pk=resource.pk).update(updated_at=changed)
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    Pledge.objects.filter(pk=pledge.pk).update(updated_at=changed - datetime.timedelta(days=30))

    resources = client.get("/sitemap-resources.xml")
    agencies = client.get("/sitemap-agencies.xml")

    assert urls_in(resources) == [(f"http://testserver{resource.get_absolute_url()}", "2025-05-01")]
    assert urls_in(agencies) == [(f"http://testserver{pledge.agency.get_absolute_url()}", "2025-04-01")]
    assert resources["Last-Modified"] == "Fri, 02 May 2025 03:00:00 GMT"
    assert resources["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_the_index_and_each_file_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(ResourceSitemap, "limit", 2)
    for number in range(9):
        ResourceFactory(title=f"Resource {number}")
        pledge_in_status(Pledge.Status.APPROVED)

    # Per section with files by blocks: the last key and one statement probing every block.
    with django_assert_max_num_queries(4):
        files = listed_files(client)
    for path in files:
        with django_assert_max_num_queries(1):
            assert client.get(path).status_code == 200


def test_robots_txt_points_to_the_index(client):
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode().splitlines()


def test_the_lastmod_of_a_resource_follows_its_changes(client):
    resource = ResourceFactory()
    before = dict(urls_in(client.get("/sitemap-resources.xml")))
    Resource.objects.filter(pk=resource.pk).update(updated_at=timezone.now() + datetime.timedelta(days=3))

    after = dict(urls_in(client.get("/sitemap-resources.xml")))

    location = f"http://testserver{resource.get_absolute_url()}"
    assert after[location] > before[location]
