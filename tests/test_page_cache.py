"""The public page cache: what anonymous visitors are served, when it changes, and who bypasses it.

`committed()` runs the on-commit callbacks as a real commit would (the content version bumps).
Which pages are cached at all is guarded site-wide in tests/test_site.py.
"""

import datetime
import os
import socket
import uuid

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from clearinghouse import content_versions, page_cache
from clearinghouse.content_versions import CATALOG, PLEDGES
from clearinghouse.models import ContentVersion
from clearinghouse.page_cache import cached_for_version, public_page
from clearinghouse.settings import cache_settings
from resources import services as resource_services
from resources.models import Resource
from tests.pledges.factories import PledgeFactory, UserFactory
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def catalog(committed):
    """A small published catalog whose creation has committed, so its pages may be cached."""
    with committed():
        return [ResourceFactory(title=f"Crisis response guide {number}") for number in range(3)]


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="curator", is_staff=True, is_superuser=True))
    return client


# --- Anonymous visitors share one rendering --------------------------------------------------------


def test_a_repeated_anonymous_visit_is_served_without_rendering_or_queries(client, catalog, django_assert_num_queries):
    first = client.get("/resources/")
    with django_assert_num_queries(0):  # The versions were read a moment ago; nothing else is asked.
        second = client.get("/resources/")

    assert second.status_code == 200
    assert second.content == first.content
    assert "Crisis response guide 0" in second.content.decode()


@pytest.mark.parametrize("path", ["/", "/resources/", "/resources/feed/", "/pledge/agencies/", "/sitemap.xml"])
def test_a_cached_page_is_the_page_a_fresh_rendering_gives(client, catalog, path):
    fresh = client.get(path)
    served_from_cache = client.get(path)
    cache.clear()
    rendered_again = client.get(path)

    assert fresh.status_code == 200
    assert served_from_cache.content == fresh.content == rendered_again.content
    assert served_from_cache["Content-Type"] == fresh["Content-Type"]


def test_the_versions_are_read_once_a_second_at_most_per_process(client, catalog, settings, django_assert_num_queries):
    settings.CONTENT_VERSION_REUSE_SECONDS = 0
    client.get("/")
    with django_assert_num_queries(1):  # Only the version lookup.
        client.get("/")


def test_a_committed_catalog_change_shows_on_the_next_visit(client, catalog, committed):
    assert "Newly published policy" not in client.get("/resources/").content.decode()

    with committed():
        ResourceFactory(title="Newly published policy")

    assert "Newly published policy" in client.get("/resources/").content.decode()
    assert "Newly published policy" in client.get("/").content.decode()


def test_an_archived_resource_page_disappears_at_once(client, catalog, committed):
    resource = catalog[0]
    assert client.get(resource.get_absolute_url()).status_code == 200

    with committed():
        resource_services.resource_archive(resources=[resource])

    assert client.get(resource.get_absolute_url()).status_code == 404


def test_a_committed_pledge_change_shows_on_the_roster_and_the_agency_page(client, committed):
    with committed():
        pledge = PledgeFactory(approved=True, agency__name="Riverside Police Department")
    agency_url = pledge.agency.get_absolute_url()
    before_roster = client.get("/pledge/agencies/").content.decode()
    before_agency = client.get(agency_url).content.decode()

    with committed():
        pledge.agency.name = "Riverside County Sheriff"
        pledge.agency.save()

    assert "Riverside County Sheriff" not in before_roster + before_agency
    assert "Riverside County Sheriff" in client.get("/pledge/agencies/").content.decode()
    assert "Riverside County Sheriff" in client.get(agency_url).content.decode()


def stored_page(rf, path, names=(CATALOG,)):
    """What the cache holds for an anonymous visit to `path` under the current versions (None: nothing)."""
    key = page_cache.page_key(rf.get(path), names, content_versions.current_versions(), timezone.localdate())
    return cache.get(f"page:{key}")


def test_an_uncommitted_change_is_neither_served_from_nor_stored_in_the_cache(client, rf, catalog):
    client.get("/resources/")  # cached before the change
    assert stored_page(rf, "/resources/") is not None

    ResourceFactory(title="Written in this transaction")  # not committed: other processes do not see it

    assert "Written in this transaction" in client.get("/resources/").content.decode()
    client.get("/resources/?page=1")
    assert stored_page(rf, "/resources/?page=1") is None


def test_a_catalog_change_leaves_the_cached_roster_alone(client, catalog, committed, django_assert_num_queries):
    client.get("/pledge/agencies/")
    with committed():
        ResourceFactory(title="Unrelated to the roster")

    with django_assert_num_queries(1):  # the version lookup (this process bumped: it reads again)
        client.get("/pledge/agencies/")


def test_the_key_holds_the_day_so_dates_and_deadlines_move_at_midnight(client, catalog, monkeypatch):
    today = client.get("/resources/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)

    next_day = client.get("/resources/")

    assert next_day["ETag"] != today["ETag"]


def test_spellings_of_the_same_query_share_one_entry_and_other_queries_do_not(client, catalog):
    plus = client.get("/resources/?q=crisis+response&sort=title")
    percent = client.get("/resources/?q=crisis%20response&sort=title")
    reordered = client.get("/resources/?sort=title&q=crisis+response")
    other = client.get("/resources/?q=crisis")

    assert plus["ETag"] == percent["ETag"]
    assert reordered["ETag"] != plus["ETag"]  # links keep the parameters' order
    assert other["ETag"] != plus["ETag"]


def test_each_host_has_its_own_entry(client):
    local = client.get("/robots.txt", HTTP_HOST="localhost")
    testserver = client.get("/robots.txt", HTTP_HOST="testserver")

    assert "Sitemap: http://localhost/sitemap.xml" in local.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in testserver.content.decode()


# --- HTTP caching headers and conditional GET -----------------------------------------------------


def test_a_public_page_tells_browsers_and_proxies_they_may_cache_it(client, catalog, settings):
    settings.PAGE_CACHE_MAX_AGE = 120

    response = client.get("/resources/")

    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=120"}
    assert response["ETag"].startswith('W/"')
    assert "Last-Modified" in response
    assert "Cookie" in response["Vary"]
    assert not response.cookies


def test_last_modified_is_the_latest_change_of_the_pages_content(client, committed):
    with committed():
        ResourceFactory()
    changed_at = page_cache.content_versions.current_versions()[CATALOG].changed_at

    response = client.get("/resources/")

    assert response["Last-Modified"] == http_date(changed_at.timestamp())


def test_a_matching_if_none_match_gets_a_304_without_rendering(client, catalog, django_assert_num_queries):
    etag = client.get("/resources/")["ETag"]
    cache.clear()  # Not even the stored page is needed.

    with django_assert_num_queries(0):
        response = client.get("/resources/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]


def test_an_if_none_match_from_before_a_change_gets_the_new_page(client, catalog, committed):
    etag = client.get("/resources/")["ETag"]
    with committed():
        ResourceFactory(title="Published since")

    response = client.get("/resources/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Published since" in response.content.decode()
    assert response["ETag"] != etag


def test_if_modified_since_gets_a_304_until_the_content_changes(client, catalog, committed):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ContentVersion.objects.filter(name=CATALOG).update(changed_at=an_hour_ago)
    content_versions.forget_versions()
    last_modified = client.get("/")["Last-Modified"]
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    with committed():
        ResourceFactory(title="Published since")

    response = client.get("/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 200
    assert "Published since" in response.content.decode()


def test_a_wildcard_if_none_match_never_answers_for_a_missing_page(client):
    assert client.get("/resources/no-such-resource/", HTTP_IF_NONE_MATCH="*").status_code == 404


def test_a_missing_page_is_neither_cached_nor_marked_public(client):
    response = client.get("/resources/no-such-resource/")

    assert response.status_code == 404
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


# --- Visitors with a session, staff and previews ---------------------------------------------------


def test_staff_get_their_own_rendering_marked_private(staff_client, catalog):
    response = staff_client.get("/resources/")

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "ETag" not in response


def test_a_staff_preview_of_a_draft_is_never_cached_or_shown_to_anyone_else(staff_client, rf, committed):
    with committed():
        draft = ResourceFactory(title="Unreleased draft", status=Resource.Status.DRAFT)

    preview = staff_client.get(draft.get_absolute_url())
    anonymous = Client().get(draft.get_absolute_url())

    assert preview.status_code == 200
    assert "Unreleased draft" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert anonymous.status_code == 404
    assert stored_page(rf, draft.get_absolute_url()) is None


def test_a_staff_visit_stores_nothing_that_anonymous_visitors_get(staff_client, rf, catalog):
    with_staff_session = staff_client.get(catalog[0].get_absolute_url())
    assert stored_page(rf, catalog[0].get_absolute_url()) is None

    anonymous = Client().get(catalog[0].get_absolute_url())

    assert with_staff_session.status_code == anonymous.status_code == 200
    assert "ETag" in anonymous
    assert "ETag" not in with_staff_session


def test_a_visitor_with_a_message_waiting_gets_a_fresh_private_page(client, catalog):
    client.cookies[CookieStorage.cookie_name] = "a-pending-message"

    response = client.get("/resources/")

    assert "private" in response["Cache-Control"]
    assert "ETag" not in response


# --- What may be stored ----------------------------------------------------------------------------


def _counting_view(body, *, before_response=None):
    calls = []

    @public_page()
    def view(request):
        calls.append(request)
        if before_response:
            before_response(request)
        return HttpResponse(body)

    return view, calls


@pytest.mark.parametrize(
    ("reason", "before_response"),
    [
        ("the page holds a CSRF token", get_token),
        ("the view wrote to the session", lambda request: request.session.__setitem__("seen", True)),
    ],
)
def test_a_response_tied_to_one_visitor_is_not_stored_or_shared(rf, reason, before_response):
    from django.contrib.sessions.backends.db import SessionStore

    view, calls = _counting_view(b"<form></form>", before_response=before_response)

    def request():
        incoming = rf.get("/form-page/")
        incoming.session = SessionStore()
        return incoming

    first = view(request())
    view(request())

    assert len(calls) == 2, reason
    assert "public" not in first["Cache-Control"]
    assert "ETag" not in first


def test_a_response_that_sets_a_cookie_is_not_stored(rf):
    calls = []

    @public_page()
    def view(request):
        calls.append(request)
        response = HttpResponse("hello")
        response.set_cookie("visitor", "1")
        return response

    view(rf.get("/cookie-page/"))
    view(rf.get("/cookie-page/"))

    assert len(calls) == 2


def test_a_cache_server_that_is_down_slows_the_site_but_does_not_break_it(client, catalog, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pytest.importorskip("pymemcache")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": f"127.0.0.1:{port}",
            "OPTIONS": {"connect_timeout": 0.2, "timeout": 0.2},
        }
    }

    response = client.get("/resources/")

    assert response.status_code == 200
    assert "Crisis response guide 0" in response.content.decode()


# Shared cache servers to run the cache through, e.g. TEST_CACHE_URLS=redis://127.0.0.1:6379/0,memcached://127.0.0.1:11211
# (CI or a developer with the servers running); the in-memory default always runs.
SHARED_CACHE_URLS = [url.strip() for url in os.environ.get("TEST_CACHE_URLS", "").split(",") if url.strip()]


@pytest.mark.parametrize("cache_url", ["locmem://", *SHARED_CACHE_URLS])
def test_pages_follow_the_content_versions_through_each_cache_backend(
    client, settings, committed, cache_url, django_assert_num_queries
):
    settings.CACHES = {"default": {**cache_settings(cache_url, 100), "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    with committed():
        ResourceFactory(title="First policy")

    first = client.get("/resources/")
    with django_assert_num_queries(0):
        again = client.get("/resources/")
    with committed():
        ResourceFactory(title="Second policy")
    after_change = client.get("/resources/")

    assert again.content == first.content
    assert "Second policy" not in first.content.decode()
    assert "Second policy" in after_change.content.decode()
    assert cached_for_version(CATALOG, ["backend"], lambda: {"counts": [1, 2]}) == {"counts": [1, 2]}
    assert cached_for_version(CATALOG, ["backend"], lambda: "recomputed") == {"counts": [1, 2]}


# --- Fragments ---------------------------------------------------------------------------------------


def test_a_fragment_is_computed_once_per_version(committed):
    computed = []

    def facet_counts():
        computed.append(1)
        return {"policy": len(computed)}

    first = cached_for_version(CATALOG, ["facets", "q=crisis"], facet_counts)
    again = cached_for_version(CATALOG, ["facets", "q=crisis"], facet_counts)
    other_query = cached_for_version(CATALOG, ["facets", "q=training"], facet_counts)

    assert first == again == {"policy": 1}
    assert other_query == {"policy": 2}

    with committed():
        ResourceFactory()
    assert cached_for_version(CATALOG, ["facets", "q=crisis"], facet_counts) == {"policy": 3}


def test_a_fragment_keyed_on_several_versions_follows_each_of_them(committed):
    computed = []
    compute = lambda: computed.append(1) or len(computed)  # noqa: E731

    assert cached_for_version([CATALOG, PLEDGES], ["home"], compute) == 1
    with committed():
        PledgeFactory(approved=True)
    assert cached_for_version([CATALOG, PLEDGES], ["home"], compute) == 2


def test_a_fragment_of_none_is_cached_too():
    computed = []
    compute = lambda: computed.append(1)  # noqa: E731

    cached_for_version(CATALOG, ["nothing"], compute)
    cached_for_version(CATALOG, ["nothing"], compute)

    assert len(computed) == 1


def test_a_fragment_is_not_cached_inside_a_transaction_that_changed_its_content(committed):
    with committed():
        ResourceFactory()
    cached_for_version(CATALOG, ["count"], lambda: Resource.objects.count())

    ResourceFactory()  # uncommitted

    assert cached_for_version(CATALOG, ["count"], lambda: Resource.objects.count()) == Resource.objects.count()


def test_a_fragment_expires_after_its_timeout(committed, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
    computed = []
    compute = lambda: computed.append(1) or len(computed)  # noqa: E731

    cached_for_version(CATALOG, ["short"], compute, timeout=0)  # 0: expires at once (Django's convention)
    cached_for_version(CATALOG, ["short"], compute, timeout=0)

    assert len(computed) == 2
