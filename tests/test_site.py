"""Site-wide guards, in the manner of djangoproject.com's.

The URL configuration is walked once, at collection time, and every pattern is
classified: admin URLs must refuse anyone who is not staff, and every public page
must answer 200 with exactly one <h1>. A new public URL pattern that this module
does not know how to fill makes the suite fail, so no page escapes the guard: add
its name to PUBLIC_PAGE_ARGUMENTS (a kwargs builder) or to SKIPPED_PAGES (with
the reason the page test does not apply).
"""

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.regex_helper import normalize

from clearinghouse import views as site_views
from pledges import tokens
from pledges.models import Pledge
from resources.models import Resource
from tests.pledges.factories import PledgeFactory, pledge_in_status
from tests.resources.factories import ResourceFactory

ADMIN_NAMESPACE = "admin"

# Public URL name -> function building the kwargs of a page that exists (runs inside the test, with the database).
PUBLIC_PAGE_ARGUMENTS = {
    "resources:detail": lambda: {"slug": ResourceFactory().slug},
    # An agency is on the public roster once its pledge is approved.
    "pledges:agency": lambda: {"slug": PledgeFactory(approved=True).agency.slug},
    "pledges:certificate": lambda: {"slug": PledgeFactory(completed=True).agency.slug},
    # The pages behind a search alert's emailed links (tests/alerts): a button to press.
    "resources:alert_confirm": lambda: {"token": alert_token("confirm")},
    "resources:alert_unsubscribe": lambda: {"token": alert_token("unsubscribe")},
}


def alert_token(purpose):
    from alerts import tokens
    from alerts.models import SearchAlert

    alert = SearchAlert.objects.create(email="reader@example.org", description="Resources matching crisis")
    url = tokens.confirm_url(alert) if purpose == "confirm" else tokens.unsubscribe_url(alert)
    return url.rstrip("/").rsplit("/", 1)[-1]


# Public URL name -> why the page test does not apply: not HTML, or reachable only through a private link
# (each is tested on its own terms, here or in its app's tests).
SKIPPED_PAGES = {
    "robots_txt": "plain text (test_robots_txt_is_plain_text_and_points_to_the_sitemap)",
    "healthz": "plain text for load balancers (test_healthz_answers_ok_as_plain_text_without_the_database)",
    "readyz": "plain text for load balancers (tests/test_database_outage.py)",
    "sitemap_index": "XML (test_the_sitemap_is_an_index_of_its_sections; tests/test_sitemaps.py)",
    "sitemap_section": "XML (test_the_sitemap_is_an_index_of_its_sections; tests/test_sitemaps.py)",
    "resources:feed": "an Atom feed, not HTML",
    "resources:download": "a file download, not HTML",
    "resources:link": "a counted redirect to the resource's own address (tests/usage/test_usage.py)",
    "usage_beacon": "POST only, the page-view counter (tests/usage/test_usage.py)",
    "pledges:verify": "a private token link from the verification email (tests/pledges)",
    "pledges:progress": "a private token link for the agency's progress reports (tests/pledges)",
    "pledges:verify_resend": "POST only, from a private verification link (tests/pledges/test_views_verify.py)",
    "pledges:progress_report": "POST only, from the private progress page (tests/pledges/test_views_progress.py)",
    "pledges:progress_withdraw": "POST only, from the private progress page (tests/pledges/test_views_progress.py)",
    "pledges:progress_document": "a file download through a private link (tests/pledges/test_views_progress.py)",
    "pledges:progress_report_document": "a file download through a private link (tests/pledges/test_views_progress.py)",
    "pledges:resend": "a form handler: GET redirects to pledges:submitted (tests/pledges/test_views_signup.py)",
    "pledges:roster_csv": "CSV, not HTML (tests/pledges/test_roster.py)",
    "pledges:badge": "an SVG image, not HTML (tests/pledges/test_views_agency.py)",
    "pledges:roster_json": "JSON, not HTML (tests/api/test_exports.py)",
    "resources:export": "CSV or JSON, not HTML (tests/api/test_exports.py)",
    "api:resource_list": "JSON (tests/api/)",
    "api:resource_detail": "JSON (tests/api/)",
    "api:kind_list": "JSON (tests/api/)",
    "api:topic_list": "JSON (tests/api/)",
    "api:audience_list": "JSON (tests/api/)",
    "api:practice_list": "JSON (tests/api/)",
    "api:agency_list": "JSON (tests/api/)",
    "api:agency_detail": "JSON (tests/api/)",
    "api:statistics": "JSON (tests/api/)",
    "api:schema": "the OpenAPI schema, JSON (tests/api/test_pages.py)",
    "api:swagger": "Swagger UI, a third-party page without the site layout (tests/api/test_pages.py)",
}

# Public pages that browsers, proxies and the server's page cache may share between anonymous visitors
# (@public_page, clearinghouse/page_cache.py). Every other page must not be marked public: a page is
# added here only when it shows nothing that depends on the visitor (no CSRF token, no session).
CACHEABLE_PAGES = {
    "home",
    "resources:list",
    "resources:feed",
    "resources:detail",
    "pledges:roster",
    "pledges:agency",
    "pledges:badge",
    "pledges:certificate",
    "robots_txt",
    "sitemap_index",
    "sitemap_section",
    "api_guide",
    "data",
    "api:resource_list",
    "api:resource_detail",
    "api:kind_list",
    "api:topic_list",
    "api:audience_list",
    "api:practice_list",
    "api:agency_list",
    "api:agency_detail",
    "api:statistics",
}
# Kwargs builders for the caching guard's pages beyond PUBLIC_PAGE_ARGUMENTS.
CACHE_GUARD_ARGUMENTS = {
    **PUBLIC_PAGE_ARGUMENTS,
    "sitemap_section": lambda: {"section": "pages"},
    "resources:export": lambda: {"file_format": "csv"},
    "api:resource_detail": lambda: {"slug": ResourceFactory().slug},
    "api:agency_detail": lambda: {"slug": PledgeFactory(approved=True).agency.slug},
    "pledges:badge": lambda: {"slug": PledgeFactory(completed=True).agency.slug},
    "pledges:verify": lambda: {"token": tokens.make_verification_token(PledgeFactory())},
    "pledges:progress": lambda: {"token": tokens.make_progress_token(PledgeFactory(approved=True))},
    "resources:download": lambda: {
        "slug": ResourceFactory(file=SimpleUploadedFile("guide.txt", b"A guide.", content_type="text/plain")).slug
    },
    "resources:link": lambda: {"slug": ResourceFactory().slug},
}
# Pages the caching guard cannot GET: POST-only handlers, and files behind a private link (their
# private_link_page headers are tested in tests/pledges/test_views_progress.py).
CACHE_GUARD_SKIPPED = {
    "pledges:verify_resend",
    "pledges:progress_report",
    "pledges:progress_withdraw",
    "pledges:progress_document",
    "pledges:progress_report_document",
}

# Admin URLs anyone may open.
PUBLIC_ADMIN_PAGES = {"admin:login"}

# Values that satisfy the admin's URL arguments. The admin refuses a non-staff visitor before it
# looks anything up, so these need not name real objects.
ADMIN_ARGUMENT_SAMPLES = {"app_label": "auth", "url": "no-such-admin-page/", "content_id": "0" * 32}


@dataclass(frozen=True)
class UrlEntry:
    """One leaf of the URL configuration: its namespaced name, the chain of patterns leading to it, its view."""

    name: str | None
    route: str
    patterns: tuple
    callback: object

    @property
    def label(self):
        return self.name or self.route

    @property
    def is_admin(self):
        return (self.name or "").startswith(f"{ADMIN_NAMESPACE}:") or self.route.startswith("admin/")

    @property
    def parameters(self):
        names = []
        for pattern in self.patterns:
            for _format, pattern_parameters in normalize(pattern.regex.pattern)[:1]:
                names.extend(pattern_parameters)
        return names

    def path(self, kwargs):
        """A concrete path for this pattern with `kwargs`, checked to resolve back to the same view."""
        pieces = []
        for pattern in self.patterns:
            format_string, pattern_parameters = normalize(pattern.regex.pattern)[0]
            pieces.append(format_string % {name: kwargs[name] for name in pattern_parameters})
        path = "/" + "".join(pieces)
        resolved = resolve(path)
        assert resolved.func is self.callback, (
            f"{path} (built for {self.label}) resolves to {resolved.view_name or resolved.route}: "
            "give it arguments that select its own pattern"
        )
        return path


def walk_urls(patterns=None, parents=(), namespaces=()):
    """Every URLPattern in the configuration, through includes, with its namespaced name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner_namespaces = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from walk_urls(pattern.url_patterns, (*parents, pattern.pattern), inner_namespaces)
        elif isinstance(pattern, URLPattern):
            chain = (*parents, pattern.pattern)
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            route = "".join(str(piece) for piece in chain)
            yield UrlEntry(name=name, route=route, patterns=chain, callback=pattern.callback)


ALL_URLS = list(walk_urls())
ADMIN_URLS = [entry for entry in ALL_URLS if entry.is_admin and entry.name not in PUBLIC_ADMIN_PAGES]
PUBLIC_URLS = [entry for entry in ALL_URLS if not entry.is_admin]
PUBLIC_HTML_PAGES = [entry for entry in PUBLIC_URLS if entry.name not in SKIPPED_PAGES]


def admin_sample_value(parameter):
    if parameter in ADMIN_ARGUMENT_SAMPLES:
        return ADMIN_ARGUMENT_SAMPLES[parameter]
    if parameter == "pk" or parameter.endswith("id"):
        return "1"
    pytest.fail(f"No sample value for the admin URL argument {parameter!r}: add one to ADMIN_ARGUMENT_SAMPLES")


class HeadingCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1_texts = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag == "h1":
            self.h1_texts.append("")
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1_texts[-1] += data


def h1_texts(html):
    parser = HeadingCounter()
    parser.feed(html)
    parser.close()
    return [" ".join(text.split()) for text in parser.h1_texts]


def assert_one_h1(html, where):
    headings = h1_texts(html)
    assert len(headings) == 1, f"{where} has {len(headings)} <h1> elements: {headings}"
    assert headings[0], f"{where} has an empty <h1>"


def assert_site_layout(html, where):
    """The page is wrapped in base.html: the skip link, the banner, the header and the main landmark."""
    for marker in ('class="usa-skipnav"', 'class="usa-banner"', 'class="usa-header', 'id="main-content"'):
        assert marker in html, f"{where} is missing the site layout ({marker})"


# --- The walker knows every URL ---------------------------------------------------------


def test_the_walker_sees_the_admin_and_the_public_pages():
    names = {entry.name for entry in ALL_URLS}
    assert {"home", "resources:list", "resources:detail", "admin:index", "admin:login"} <= names
    assert len(ADMIN_URLS) > 10


def test_every_public_url_is_either_a_known_page_or_skipped_with_a_reason():
    unnamed = [entry.route for entry in PUBLIC_URLS if entry.name is None]
    assert not unnamed, f"Give these public URL patterns a name so the site guards can cover them: {unnamed}"
    unfillable = [
        entry.name for entry in PUBLIC_HTML_PAGES if entry.parameters and entry.name not in PUBLIC_PAGE_ARGUMENTS
    ]
    assert not unfillable, (
        f"New public pages take arguments this test cannot fill: {unfillable}. Add a kwargs builder to "
        "PUBLIC_PAGE_ARGUMENTS in tests/test_site.py or, if it is not a public HTML page, "
        "add it to SKIPPED_PAGES with the reason."
    )
    public_names = {entry.name for entry in PUBLIC_URLS}
    stale = sorted((set(PUBLIC_PAGE_ARGUMENTS) | set(SKIPPED_PAGES)) - public_names)
    assert not stale, f"tests/test_site.py lists URL names that no longer exist: {stale}"


# --- Public pages ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("entry", PUBLIC_HTML_PAGES, ids=lambda entry: entry.label)
def test_public_page_answers_200_with_one_h1_and_the_content_security_policy(client, entry):
    if entry.parameters:
        if entry.name not in PUBLIC_PAGE_ARGUMENTS:
            pytest.fail(f"{entry.label} takes {entry.parameters}: add a kwargs builder to PUBLIC_PAGE_ARGUMENTS")
        path = entry.path(PUBLIC_PAGE_ARGUMENTS[entry.name]())
    else:
        path = entry.path({})

    response = client.get(path)

    assert response.status_code == 200, f"GET {path} answered {response.status_code}"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert_one_h1(html, path)
    assert_site_layout(html, path)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


# --- Caching: public pages shared, every other page private ----------------------------------


def test_the_cached_pages_are_exactly_the_listed_ones():
    decorated = {entry.label for entry in ALL_URLS if hasattr(entry.callback, "public_page_versions")}
    assert decorated == CACHEABLE_PAGES, (
        "Pages marked @public_page differ from CACHEABLE_PAGES in tests/test_site.py: "
        f"marked but not listed {sorted(decorated - CACHEABLE_PAGES)}, listed but not marked "
        f"{sorted(CACHEABLE_PAGES - decorated)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entry",
    [entry for entry in PUBLIC_URLS if entry.name not in CACHE_GUARD_SKIPPED],
    ids=lambda entry: entry.label,
)
def test_only_cacheable_pages_are_marked_public_and_never_for_staff(
    client, admin_client, django_capture_on_commit_callbacks, entry
):
    if entry.parameters and entry.name not in CACHE_GUARD_ARGUMENTS:
        pytest.fail(f"{entry.label} takes {entry.parameters}: add a kwargs builder to CACHE_GUARD_ARGUMENTS")
    with django_capture_on_commit_callbacks(execute=True):  # as committed data: cacheable
        path = entry.path(CACHE_GUARD_ARGUMENTS[entry.name]() if entry.parameters else {})

    response = client.get(path)
    staff_response = admin_client.get(path)

    cache_control = response.get("Cache-Control", "")
    if entry.name in CACHEABLE_PAGES:
        assert response.status_code == 200, f"GET {path} answered {response.status_code}"
        assert "public" in cache_control, f"{path}: {cache_control!r}"
        assert "max-age=" in cache_control, f"{path}: {cache_control!r}"
        assert "Cookie" in response["Vary"]
        assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    else:
        assert "public" not in cache_control, f"{path} is not in CACHEABLE_PAGES but says {cache_control!r}"
        assert "ETag" not in response
    if b"csrfmiddlewaretoken" in getattr(response, "content", b""):
        assert "public" not in cache_control, f"{path} holds a CSRF token: it must never be shared"
    assert "public" not in staff_response.get("Cache-Control", ""), f"{path} marks a staff page public"


@pytest.mark.django_db
def test_a_page_with_a_form_is_not_cacheable(client):
    response = client.get(reverse("pledges:start"))

    assert b"csrfmiddlewaretoken" in response.content
    assert "public" not in response.get("Cache-Control", "")


# --- Admin --------------------------------------------------------------------------------


def admin_path(entry):
    return entry.path({parameter: admin_sample_value(parameter) for parameter in entry.parameters})


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ADMIN_URLS, ids=lambda entry: entry.label)
def test_admin_url_sends_an_anonymous_visitor_to_the_admin_login(client, entry):
    path = admin_path(entry)

    response = client.get(path, follow=True)

    assert response.redirect_chain, f"GET {path} answered {response.status_code} to an anonymous visitor"
    assert response.request["PATH_INFO"] == reverse("admin:login")


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ADMIN_URLS, ids=lambda entry: entry.label)
def test_admin_url_refuses_a_signed_in_user_who_is_not_staff(client, django_user_model, entry):
    path = admin_path(entry)
    client.force_login(django_user_model.objects.create_user(username="member", password="not-staff-password"))

    response = client.get(path, follow=True)

    refused = response.status_code == 403 or (
        response.redirect_chain and response.request["PATH_INFO"] == reverse("admin:login")
    )
    assert refused, f"GET {path} answered {response.status_code} to a signed-in user who is not staff"


@pytest.mark.django_db
def test_admin_index_opens_for_staff(admin_client):
    # The control for the two tests above: the admin is not simply broken for everyone.
    assert admin_client.get(reverse("admin:index")).status_code == 200


# --- Migrations, error pages, robots, sitemap, CSRF ------------------------------------------


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    output = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit:
        pytest.fail(f"Models have changes without a migration; run makemigrations:\n{output.getvalue()}")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/resources/no-such-resource/"])
def test_missing_page_renders_the_404_page_in_the_site_layout(client, settings, path):
    settings.DEBUG = False

    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert_one_h1(html, f"the 404 page for {path}")
    assert h1_texts(html) == ["Page not found"]
    assert_site_layout(html, "the 404 page")
    assert "Content-Security-Policy" in response


def test_error_handlers_are_the_sites_own():
    resolver = get_resolver()
    assert resolver.resolve_error_handler(403) is site_views.permission_denied
    assert resolver.resolve_error_handler(404) is site_views.page_not_found
    assert resolver.resolve_error_handler(500) is site_views.server_error


def test_server_error_page_renders_without_the_database_or_context_processors():
    response = site_views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert h1_texts(html) == ["Something went wrong"]
    assert 'class="usa-skipnav"' in html
    assert "Mental Health Response Clearinghouse" in html


@pytest.mark.django_db
def test_permission_denied_page_renders_in_the_site_layout(rf, django_user_model):
    request = rf.get("/pledge/")
    request.user = django_user_model(username="visitor")

    response = site_views.permission_denied(request)

    assert response.status_code == 403
    html = response.content.decode()
    assert h1_texts(html) == ["Access denied"]
    assert_site_layout(html, "the 403 page")


@pytest.mark.django_db
def test_robots_txt_is_plain_text_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.django_db
def test_healthz_answers_ok_as_plain_text_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"
    # The same security headers as every page: the middleware stack runs for it too.
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_healthz_refuses_to_change_anything(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_not_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain_http = client.get("/healthz")
    through_the_load_balancer = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})

    assert plain_http.status_code == 301
    assert plain_http["Location"] == "https://testserver/healthz"
    assert through_the_load_balancer.status_code == 200


@pytest.mark.django_db
def test_the_sitemap_is_an_index_of_its_sections(client):
    published = ResourceFactory(title="Published model policy")
    draft = ResourceFactory(title="Draft model policy", status=Resource.Status.DRAFT)
    public = pledge_in_status(Pledge.Status.APPROVED)
    in_review = pledge_in_status(Pledge.Status.EMAIL_VERIFIED)
    demo = pledge_in_status(Pledge.Status.COMPLETED, is_demo=True)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    index = response.content.decode()
    assert "<sitemapindex " in index
    files = re.findall(r"<loc>([^<]+)</loc>", index)
    assert files == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-resources.xml",
        "http://testserver/sitemap-agencies.xml",
    ]
    pages, resources, agencies = (client.get(url.removeprefix("http://testserver")) for url in files)
    assert "<loc>http://testserver/</loc>" in pages.content.decode()
    assert f"<loc>http://testserver{published.get_absolute_url()}</loc>" in resources.content.decode()
    assert draft.get_absolute_url() not in resources.content.decode()
    assert f"<loc>http://testserver{public.agency.get_absolute_url()}</loc>" in agencies.content.decode()
    for hidden in (in_review, demo):
        assert hidden.agency.get_absolute_url() not in agencies.content.decode()


@pytest.mark.django_db
def test_posting_a_form_without_a_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    credentials = {"username": "someone", "password": "a-wrong-password"}

    refused = browser.post(reverse("admin:login"), credentials)
    assert refused.status_code == 403
    assert "Your form could not be sent" in refused.content.decode()

    # The control: with the token from the form, the same post reaches the login view.
    browser.get(reverse("admin:login"))
    with_token = {**credentials, "csrfmiddlewaretoken": browser.cookies[settings.CSRF_COOKIE_NAME].value}
    assert browser.post(reverse("admin:login"), with_token).status_code == 200
