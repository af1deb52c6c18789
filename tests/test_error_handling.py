"""Issue 7, findings 3 to 5 and the error pages: odd input gets a clear answer in the site's style, never a 500.

Decision 0016. Each test client here answers as production would: an exception becomes the
500 page (raise_request_exception off) and CSRF is checked where the finding needs it.
"""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from clearinghouse import views as site_views
from clearinghouse.database_outage import service_unavailable_response
from clearinghouse.storage import cap_file_name
from clearinghouse.text import clean_multi_line, clean_single_line, xml_safe
from pledges import tokens
from pledges.models import Agency, Pledge
from resources.models import Resource
from tests.pledges.factories import pledge_in_status
from tests.pledges.test_views_signup import form_data
from tests.resources.factories import ResourceFactory, ResourceKindFactory
from tests.resources.test_admin import resource_form_data

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_HEADER = "Mental Health Response Clearinghouse"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LONG_ACCENTED_NAME = "é" * 120 + ".pdf"  # 244 bytes of UTF-8 in 124 characters


@pytest.fixture
def production_client():
    """A client that gets the 500 page instead of the exception, and is held to CSRF like a browser."""
    return Client(raise_request_exception=False, enforce_csrf_checks=True)


@pytest.fixture
def plain_client():
    return Client(raise_request_exception=False)


def h1_of(response):
    html = response.content.decode()
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0] if "<h1>" in html else None


def feed_titles(response):
    assert response.status_code == 200, response.status_code
    feed = ET.fromstring(response.content)  # a real XML parser: the feed must be well-formed XML 1.0
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


# --- The policy itself ----------------------------------------------------------------------------------


def test_single_line_text_loses_control_characters_and_breaks_become_spaces():
    assert clean_single_line("Crisis\x0cintervention\tteams\r\n\x00\x01guide\x7f") == "Crisis intervention teams  guide"


def test_multi_line_text_keeps_tabs_and_line_breaks_and_a_page_break_becomes_a_line_break():
    assert clean_multi_line("Line one\r\n\tLine two\x0cLine three\x00\x1b") == "Line one\r\n\tLine two\nLine three"


def test_letters_of_every_script_and_emoji_are_kept():
    text = "Police de Montréal 🚓 «Service» ‮ 東京 — ok"
    assert clean_single_line(text) == text
    assert clean_multi_line(text) == text
    assert xml_safe(text) == text


# --- Finding 3: control characters ----------------------------------------------------------------------


def test_a_form_feed_stored_in_a_title_no_longer_breaks_the_feed(plain_client):
    """Rows stored before the fix may hold such characters: the feed writes them out without."""
    resource = ResourceFactory(title="Crisis response guide")
    Resource.objects.filter(pk=resource.pk).update(
        title="Crisis\x0cresponse guide", summary="First page\x0csecond page\x01"
    )

    for path in ("/resources/feed/", "/resources/?format=atom"):
        assert feed_titles(plain_client.get(path)) == ["Crisis response guide"]


@pytest.mark.parametrize("path", ["/resources/feed/?q=%01", "/resources/?format=atom&q=%01", "/resources/?q=%01"])
def test_a_control_character_in_the_search_is_ignored(plain_client, path):
    ResourceFactory(title="Crisis response guide")

    response = plain_client.get(path)

    assert response.status_code == 200
    if "atom" in path or "feed" in path:
        assert feed_titles(response) == ["Crisis response guide"]


@pytest.mark.parametrize(
    "param", ["q", "topic", "kind", "audience", "practice", "year_min", "sort", "in_force", "page"]
)
def test_a_nul_in_any_catalog_parameter_is_not_an_error(plain_client, param):
    """PostgreSQL refuses NUL in a query: it must never get that far."""
    ResourceFactory(title="Crisis response guide")

    assert plain_client.get(f"/resources/?{param}=a%00b").status_code == 200
    assert plain_client.get(f"/resources/feed/?{param}=%00").status_code == 200


def test_a_curator_pasting_a_page_break_into_a_title_saves_it_as_a_space(admin_client):
    kind = ResourceKindFactory(slug="report", name="Report", plural_name="Reports")
    data = resource_form_data(
        kind, title="Crisis\x0cresponse guide", summary="Page one\x0cpage two\nline\x00three", publisher="IACP\x01"
    )

    response = admin_client.post(reverse("admin:resources_resource_add"), data)

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.title == "Crisis response guide"
    assert resource.summary == "Page one\npage two\nlinethree"
    assert resource.publisher == "IACP"


def test_a_pledge_with_control_characters_is_saved_without_them(plain_client):
    response = plain_client.post(
        "/pledge/",
        form_data(name="Springfield\x0cPolice\x00 Department", city="Spring\x1bfield", contact_name="Casey\tMorgan"),
    )

    assert response.status_code == 302
    agency = Agency.objects.get()
    assert (agency.name, agency.city) == ("Springfield Police Department", "Springfield")
    assert Pledge.objects.get().contact_name == "Casey Morgan"


def test_the_admin_search_box_ignores_a_nul(admin_client):
    ResourceFactory(title="Crisis response guide")

    response = admin_client.get(reverse("admin:resources_resource_changelist"), {"q": "Crisis\x00"})

    assert response.status_code == 200
    assert "Crisis response guide" in response.content.decode()


# --- Finding 4: forms sent in another character encoding ------------------------------------------------


@pytest.mark.parametrize("path", ["/pledge/", "/pledge/resend/", "/admin/login/"])
@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "iso-8859-15"])
def test_a_form_sent_in_another_encoding_gets_the_styled_400_page(production_client, path, charset):
    production_client.get("/pledge/")  # a CSRF cookie, as a browser on the site would have
    body = "name=Caf\xe9&email=caf\xe9@example.org"  # the test client encodes it in `charset`

    response = production_client.post(
        path, data=body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )

    assert response.status_code == 400
    assert h1_of(response) == "Your request could not be read"
    assert SITE_HEADER in response.content.decode()
    assert not Agency.objects.exists()


# --- Finding 5: uploaded names long in bytes ------------------------------------------------------------


def test_cap_file_name_counts_bytes_and_keeps_the_extension_and_whole_characters():
    capped = cap_file_name(LONG_ACCENTED_NAME, 41)
    assert capped == "é" * 18 + ".pdf"
    assert len(capped.encode()) == 40
    assert cap_file_name("short.pdf") == "short.pdf"
    assert len(cap_file_name("a" * 300).encode()) == 200


def test_evidence_with_a_name_long_in_bytes_is_accepted_under_a_shorter_name(
    plain_client, django_capture_on_commit_callbacks
):
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    url = reverse(
        "pledges:progress_report", kwargs={"token": tokens.make_progress_token(pledge), "practice": "partnership"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = plain_client.post(
            url,
            {
                "partnership-partner_organizations": "County Behavioral Health",
                "partnership-agreement_date": "2024-03-15",
                "partnership-agreement_document": SimpleUploadedFile(LONG_ACCENTED_NAME, PDF_BYTES),
            },
        )

    assert response.status_code == 302
    stored = pledge.practices.get(practice="partnership").agreement_document
    stored_name = stored.name.rsplit("/", 1)[-1]
    assert len(stored_name.encode()) <= 200
    assert stored_name.endswith("ééé.pdf")
    assert stored.read() == PDF_BYTES


def test_a_catalog_file_with_a_name_long_in_bytes_is_accepted_under_a_shorter_name(admin_client):
    kind = ResourceKindFactory(slug="report", name="Report", plural_name="Reports")
    data = resource_form_data(kind, external_url="")
    data["file"] = SimpleUploadedFile("é" * 126 + ".pdf", PDF_BYTES, content_type="application/pdf")

    response = admin_client.post(reverse("admin:resources_resource_add"), data)

    assert response.status_code == 302
    stored = Resource.objects.get().file
    assert len(stored.name.rsplit("/", 1)[-1].encode()) <= 200
    assert stored.read() == PDF_BYTES


# --- The error pages ------------------------------------------------------------------------------------


def test_the_404_page(plain_client):
    response = plain_client.get("/no-such-page/")
    assert (response.status_code, h1_of(response)) == (404, "Page not found")


def test_a_bad_csrf_token_gets_the_styled_403_page(production_client):
    response = production_client.post("/pledge/resend/", {"email": "a@example.org"})
    assert (response.status_code, h1_of(response)) == (403, "Your form could not be sent")


def test_a_post_to_a_read_only_page_gets_the_styled_405_page_with_its_allow_header(plain_client):
    response = plain_client.post("/resources/", {"q": "crisis"})

    assert response.status_code == 405
    assert h1_of(response) == "This page can’t do that"
    assert response["Allow"] == "GET, HEAD"
    assert SITE_HEADER in response.content.decode()


def test_too_many_requests_page_says_when_to_try_again(rf):
    request = rf.get("/pledge/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = site_views.too_many_requests(request, retry_after_seconds=3600)

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert h1_of(response) == "Too many requests"
    assert "about 60 minutes" in response.content.decode()


def test_the_pledge_form_over_its_rate_limit_answers_429_and_keeps_what_was_typed(plain_client):
    for _attempt in range(5):
        plain_client.post("/pledge/", form_data(name=f"Agency {_attempt}", ori=""))

    response = plain_client.post("/pledge/", form_data(name="One too many", ori=""))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert 'value="One too many"' in response.content.decode()
    assert Agency.objects.count() == 5


@pytest.mark.parametrize(
    ("admins", "wording"),
    [([], "recorded in the site’s log"), ([("Ops", "ops@example.org")], "staff have been sent a report")],
)
def test_the_500_page_claims_staff_were_told_only_when_someone_gets_error_emails(settings, admins, wording):
    settings.ADMINS = admins

    response = site_views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert h1_of(response) == "Something went wrong"
    assert wording in response.content.decode()


def test_the_503_page_asks_to_try_again(settings):
    settings.DATABASE_OUTAGE_RETRY_AFTER = 30
    response = service_unavailable_response()

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert h1_of(response) == "Temporarily unavailable"
    assert "try again in 30 seconds" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["qwertyuiopasdfghjklzxcvbnméü東" * 7, " or ".join(f"w{number}" for number in range(60)), "x" * 5000],
    ids=["one-long-word", "many-alternatives", "5000-characters"],
)
def test_a_long_search_is_answered(plain_client, query):
    """Found by the property-based tests: a 200-letter word made SQLite's similar-titles query too deep to parse."""
    ResourceFactory(title="Crisis response guide")

    assert plain_client.get("/resources/", {"q": query}).status_code == 200
