"""Usage statistics: what is counted (and what is not), the beacon, downloads and link clicks,
the "most used" sort, and the staff dashboard with its CSV export and pinned query count."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from resources.models import Resource
from tests.resources.factories import ResourceFactory, TopicFactory, ensure_curators_group
from usage import counting
from usage.models import ResourceDailyUsage, SearchDailyCount

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
BEACON = reverse("usage_beacon")
DASHBOARD = reverse("admin:usage_resourcedailyusage_changelist")


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def beacon_token(response):
    match = re.search(r'<meta name="usage-beacon" content="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def send_beacon(client, token, user_agent=BROWSER, **headers):
    return client.post(BEACON, token, content_type="text/plain", HTTP_USER_AGENT=user_agent, **headers)


@pytest.fixture
def curator_client(client, django_user_model):
    curator = django_user_model.objects.create_user("curator", "c@example.org", "a long test password", is_staff=True)
    curator.groups.add(ensure_curators_group())
    client.force_login(curator)
    return client


# --- Counting ---------------------------------------------------------------------------------


def test_a_page_view_is_counted_from_the_cached_page_through_the_beacon(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # Committed, so its page may be cached.
        resource = ResourceFactory()
    first = client.get(resource.get_absolute_url())
    second = client.get(resource.get_absolute_url())  # Served from the page cache: the view did not run.
    assert second["Cache-Control"].startswith("public")
    token = beacon_token(second)
    assert token == beacon_token(first)

    for _ in range(3):
        response = send_beacon(client, token)
        assert response.status_code == 204
        assert "no-store" in response["Cache-Control"]
        assert not response.cookies

    row = ResourceDailyUsage.objects.get()
    assert (row.resource_id, row.day, row.views) == (resource.pk, timezone.localdate(), 3)


@pytest.mark.parametrize(
    "user_agent",
    ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "Mozilla/5.0 HeadlessChrome/131.0", ""],
)
def test_bots_are_not_counted(client, user_agent):
    resource = ResourceFactory()
    send_beacon(client, counting.view_token(resource.pk), user_agent=user_agent)
    assert not ResourceDailyUsage.objects.exists()


def test_browsers_asking_not_to_be_tracked_are_not_counted(client):
    resource = ResourceFactory()
    send_beacon(client, counting.view_token(resource.pk), HTTP_DNT="1")
    send_beacon(client, counting.view_token(resource.pk), HTTP_SEC_GPC="1")
    assert not ResourceDailyUsage.objects.exists()


def test_a_forged_token_counts_nothing(client):
    resource = ResourceFactory()
    send_beacon(client, f'{{"view": {resource.pk}}}')
    send_beacon(client, counting.view_token(resource.pk)[:-2] + "xx")
    assert not ResourceDailyUsage.objects.exists()


def test_the_beacon_accepts_only_post(client):
    assert client.get(BEACON).status_code == 405


def test_a_preview_carries_no_beacon(admin_client):
    draft = ResourceFactory(status=Resource.Status.DRAFT)
    assert beacon_token(admin_client.get(draft.get_absolute_url())) is None


def test_nothing_about_the_visitor_is_stored():
    columns = {field.name for model in (ResourceDailyUsage, SearchDailyCount) for field in model._meta.fields}
    assert columns == {
        "id", "resource", "day", "views", "downloads", "link_clicks", "query", "filters", "searches", "result_count",
    }  # fmt: skip


def test_a_search_is_counted_with_its_words_filters_and_result_count(client):
    topic = TopicFactory(slug="de-escalation", name="De-escalation")
    ResourceFactory(title="Crisis intervention guide", topics=[topic])
    response = client.get(reverse("resources:list"), {"q": "  Crisis   INTERVENTION ", "topic": "de-escalation"})
    send_beacon(client, beacon_token(response))
    nothing = client.get(reverse("resources:list"), {"q": "body cameras"})
    send_beacon(client, beacon_token(nothing))
    send_beacon(client, beacon_token(nothing))

    counts = {(row.query, row.filters): (row.searches, row.result_count) for row in SearchDailyCount.objects.all()}
    assert counts == {("crisis intervention", "topic=de-escalation"): (1, 1), ("body cameras", ""): (2, 0)}


def test_browsing_without_a_search_or_a_later_page_is_not_a_search(client):
    assert beacon_token(client.get(reverse("resources:list"))) is None
    assert beacon_token(client.get(reverse("resources:list"), {"q": "crisis", "page": "2"})) is None


def test_a_download_is_counted(client):
    resource = ResourceFactory()
    resource.file.save("guide.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    response = client.get(reverse("resources:download", args=[resource.slug]), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert ResourceDailyUsage.objects.get().downloads == 1


def test_a_link_click_is_counted_and_goes_only_to_the_resources_own_address(client):
    resource = ResourceFactory(external_url="https://example.org/guide")
    response = client.get(
        reverse("resources:link", args=[resource.slug]), {"next": "https://evil.example/"}, HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 302
    assert response["Location"] == "https://example.org/guide"
    assert ResourceDailyUsage.objects.get().link_clicks == 1


def test_no_link_no_redirect(client):
    draft = ResourceFactory(status=Resource.Status.DRAFT)
    assert client.get(reverse("resources:link", args=[draft.slug])).status_code == 404


def test_one_row_per_resource_and_day_however_many_requests():
    resource = ResourceFactory()
    for counter in ("views", "views", "downloads", "link_clicks"):
        counting.count_resource_use(resource.pk, counter)
    counting.count_resource_use(resource.pk, "views", day=timezone.localdate() - datetime.timedelta(days=1))
    assert ResourceDailyUsage.objects.count() == 2
    today = ResourceDailyUsage.objects.get(day=timezone.localdate())
    assert (today.views, today.downloads, today.link_clicks) == (2, 1, 1)


def test_a_deleted_resource_is_not_counted():
    assert counting.count_resource_use(999_999, "views") is False


# --- "Most used" ------------------------------------------------------------------------------


def test_the_catalog_sorts_by_most_used_in_the_last_30_days(client):
    quiet = ResourceFactory(title="Quiet")
    busy = ResourceFactory(title="Busy")
    once_popular = ResourceFactory(title="Once popular")
    for _ in range(5):
        counting.count_resource_use(busy.pk, "views")
    counting.count_resource_use(quiet.pk, "downloads")
    for _ in range(9):
        counting.count_resource_use(once_popular.pk, "views", day=timezone.localdate() - datetime.timedelta(days=40))

    response = client.get(reverse("resources:list"), {"sort": "most_used"})

    assert [resource.title for resource in response.context["resources"]][:2] == ["Busy", "Quiet"]
    assert "Most used" in text_of(response)


# --- The dashboard ----------------------------------------------------------------------------


def fill_usage():
    topic = TopicFactory(slug="training", name="Training")
    guide = ResourceFactory(title="Co-responder guide", topics=[topic])
    for counter in ("views", "views", "views", "downloads", "link_clicks"):
        counting.count_resource_use(guide.pk, counter)
    counting.count_search(query="crisis", filters="", result_count=4)
    counting.count_search(query="body cameras", filters="kind=report", result_count=0)
    return guide


def test_the_dashboard_shows_top_resources_searches_and_searches_that_found_nothing(curator_client):
    fill_usage()
    page = text_of(curator_client.get(DASHBOARD))
    assert "Co-responder guide" in page
    assert '<th scope="row">crisis</th><td>1</td>' in page
    assert '<th scope="row">body cameras</th><td>kind=report</td><td>1</td>' in page
    assert '<th scope="row">Training</th><td>1</td>' in page  # downloads per topic
    assert '<svg class="usage-chart"' in page
    assert "<caption>Use per day</caption>" in page


def test_the_csv_export(curator_client):
    fill_usage()
    response = curator_client.get(DASHBOARD, {"format": "csv", "table": "resources", "days": "7"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "resource,address,kind,views,downloads,link_clicks,total"
    assert lines[1].startswith("Co-responder guide,co-responder-guide,Report,3,1,1,5")


def test_the_dashboard_costs_a_fixed_number_of_queries(curator_client, django_assert_num_queries):
    fill_usage()
    curator_client.get(DASHBOARD)
    # Session, user, permissions (2), totals (2), per day (2), top resources, top searches,
    # searches without results, downloads per kind and per topic.
    with django_assert_num_queries(13):
        curator_client.get(DASHBOARD, {"days": "90"})


def test_staff_without_the_permission_cannot_see_the_dashboard(client, django_user_model):
    staff = django_user_model.objects.create_user("someone", "s@example.org", "a long test password", is_staff=True)
    client.force_login(staff)
    assert client.get(DASHBOARD).status_code == 403
