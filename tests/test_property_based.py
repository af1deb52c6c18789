"""Property-based tests (hypothesis): no public form or list gives a 500, whatever it is sent (decision 0016).

Every public form is posted generated bad input (unicode of every script, control and invisible
characters, lone surrogates as invalid UTF-8, huge and negative numbers, impossible dates,
missing, repeated and unknown fields, long text, wrong character sets); every public list is
requested with such query strings. After each case the data must be whole: a form either saved
everything it promises, each row passing its model's validation, or nothing at all.

Each case runs in a savepoint that is rolled back (hypothesis_support.one_case), so cases are
independent and the rate limits never fill up. The test client re-raises any exception a view
lets through, so a would-be 500 fails the test with the smallest input that causes it.
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from clearinghouse.one_mind import Practice
from pledges import tokens
from pledges.models import Agency, Pledge, PledgeTransition, PracticeProgress, ProgressReport
from resources.models import Resource
from tests.hypothesis_support import (
    CHARSETS,
    NASTY_TEXT,
    LeanClient,
    examples,
    form_fields,
    one_case,
    post_form,
    urlencoded,
    without_surrogates,
)
from tests.pledges.factories import pledge_in_status
from tests.pledges.test_views_signup import form_data as pledge_form_data
from tests.resources.factories import ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

# Through HTTP, a page render costs most of each case: the forms get most of their cases below
# HTTP, in tests/test_property_based_forms.py (1,000 each).
FORM_CASES = 100
# Characters the plain-text policy never lets into a text field (clearinghouse.text).
STORED_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def client():
    return LeanClient()


def assert_no_control_characters(instance):
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            assert not STORED_CONTROL_CHARACTERS.search(value), (field.name, value)


def assert_valid(instance):
    """The stored row passes its model's own field validation and holds no control characters.

    Uniqueness and the models' constraints are the database's own constraints too, which the
    stored row has passed already; checking them again in Python is a query each, per case.
    """
    instance.refresh_from_db()
    assert_no_control_characters(instance)
    instance.full_clean(validate_unique=False, validate_constraints=False)


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agency, Pledge, PracticeProgress, ProgressReport, PledgeTransition, Resource)
    }


# --- The pledge form: /pledge/ ----------------------------------------------------------------------------


@settings(max_examples=examples(FORM_CASES))
@given(fields=form_fields(pledge_form_data(), extra_names=("csrfmiddlewaretoken",)), charset=CHARSETS)
def test_the_pledge_form_never_fails_and_saves_a_whole_pledge_or_nothing(client, fields, charset):
    with one_case("pledge form /pledge/"):
        before = row_counts()

        response = post_form(client, "/pledge/", fields, charset)

        assert response.status_code in (200, 302, 400, 429), response.status_code
        after = row_counts()
        new_pledges = after["Pledge"] - before["Pledge"]
        if new_pledges:
            assert response.status_code == 302
            assert new_pledges == 1
            pledge = Pledge.objects.select_related("agency").latest("pk")
            assert_valid(pledge)
            assert_valid(pledge.agency)
            assert pledge.practices.count() == len(Practice)
            assert after["PledgeTransition"] - before["PledgeTransition"] == 1
        else:
            # Nothing half-saved: no agency, progress row or transition without its pledge.
            assert after == before


# --- "Send the confirmation email again": /pledge/resend/ ---------------------------------------------------


@pytest.fixture
def waiting_pledge():
    return pledge_in_status(Pledge.Status.SUBMITTED, contact_email="casey.morgan@springfield.example.org")


@settings(max_examples=examples(FORM_CASES))
@given(fields=form_fields({"email": "casey.morgan@springfield.example.org"}, max_bad_fields=1), charset=CHARSETS)
def test_the_resend_form_never_fails_and_changes_no_pledge(client, waiting_pledge, fields, charset):
    with one_case("resend form /pledge/resend/"):
        before = row_counts()

        response = post_form(client, "/pledge/resend/", fields, charset)

        assert response.status_code in (200, 302, 400, 429), response.status_code
        assert row_counts() == before
        assert_valid(waiting_pledge)
        assert waiting_pledge.status == Pledge.Status.SUBMITTED


# --- Confirming an email address: /pledge/verify/<token>/ ---------------------------------------------------

TOKEN_TEXT = st.one_of(NASTY_TEXT, st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789:-_", max_size=120))


@settings(max_examples=examples(FORM_CASES))
@given(
    token_kind=st.sampled_from(["valid", "valid", "generated", "tampered"]),
    generated=TOKEN_TEXT,
    fields=form_fields({}, extra_names=("csrfmiddlewaretoken", "confirm")),
    charset=CHARSETS,
    action=st.sampled_from(["", "resend/"]),
)
def test_confirming_an_email_never_fails_and_moves_the_pledge_one_step_or_not_at_all(
    client, waiting_pledge, token_kind, generated, fields, charset, action
):
    with one_case("verification confirm /pledge/verify/<token>/"):
        token = tokens.make_verification_token(waiting_pledge)
        token = {"valid": token, "generated": generated, "tampered": token[:-3] + generated[:3]}[token_kind]
        before = row_counts()

        response = post_form(
            client, f"/pledge/verify/{quote(token, safe='', errors='surrogatepass')}/{action}", fields, charset
        )

        assert response.status_code in (200, 302, 400, 404, 410, 429), response.status_code
        assert_valid(waiting_pledge)
        after = row_counts()
        if waiting_pledge.status == Pledge.Status.SUBMITTED:
            assert after == before
        else:
            assert waiting_pledge.status == Pledge.Status.EMAIL_VERIFIED
            assert waiting_pledge.email_verified_at is not None
            assert after["PledgeTransition"] - before["PledgeTransition"] == 1


# --- Progress reports and withdrawal, behind the private progress link -------------------------------------


@pytest.fixture
def approved_pledge():
    return pledge_in_status(Pledge.Status.APPROVED, agency__sworn_officers=100, agency__non_sworn_staff=20)


@pytest.fixture
def model_policy():
    return ResourceFactory(title="Responding to Persons in Crisis", practices=[Practice.POLICY])


def report_fields(practice, model_policy_pk):
    valid = {
        Practice.PARTNERSHIP: {
            "partner_organizations": "County Behavioral Health\nNAMI",
            "agreement_date": "2024-03-15",
        },
        Practice.POLICY: {"policy_adopted_on": "2023-01-31", "policy_resource": str(model_policy_pk)},
        Practice.MHFA: {"sworn_trained": "40", "non_sworn_trained": "5"},
        Practice.CIT: {"sworn_trained": "20", "non_sworn_trained": "0"},
    }[practice]
    valid = {f"{practice.value}-{name}": value for name, value in {**valid, "note": "Going well."}.items()}
    return form_fields(valid, extra_names=(f"{practice.value}-agreement_document", "csrfmiddlewaretoken"))


DOCUMENT_NAMES = st.one_of(
    st.sampled_from(
        [
            "agreement.pdf",
            "é" * 120 + ".pdf",
            "a" * 300 + ".pdf",
            "no-extension",
            ".pdf",
            "x.exe",
            "../../etc/passwd.pdf",
        ]
    ),
    st.text(min_size=1, max_size=40).map(lambda name: name + ".pdf"),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300),
)
DOCUMENT_CONTENTS = st.one_of(st.just(PDF_BYTES), st.just(b""), st.binary(max_size=64), st.just(b"plain text\n"))


@settings(max_examples=examples(FORM_CASES))
@given(
    practice=st.sampled_from(list(Practice)),
    data=st.data(),
    document=st.one_of(st.none(), st.tuples(DOCUMENT_NAMES, DOCUMENT_CONTENTS)),
    multipart=st.booleans(),
    charset=CHARSETS,
)
def test_a_progress_report_never_fails_and_is_saved_whole_or_not_at_all(
    client, approved_pledge, model_policy, practice, data, document, multipart, charset
):
    fields = data.draw(report_fields(practice, model_policy.pk))
    with one_case(f"progress report form ({practice.value})"):
        token = tokens.make_progress_token(approved_pledge)
        path = f"/pledge/progress/{token}/report/{practice.value}/"
        progress_before = PracticeProgress.objects.get(pledge=approved_pledge, practice=practice)
        before = row_counts()

        if multipart or document:
            payload = without_surrogates(fields)
            if document:
                name, content = document
                field = "agreement_document" if practice == Practice.PARTNERSHIP else "policy_document"
                payload[f"{practice.value}-{field}"] = SimpleUploadedFile(name, content)
            response = client.post(path, payload)
        else:
            response = post_form(client, path, fields, charset)

        assert response.status_code in (200, 302, 400), response.status_code
        after = row_counts()
        progress = PracticeProgress.objects.get(pk=progress_before.pk)
        if after["ProgressReport"] != before["ProgressReport"]:
            assert after["ProgressReport"] - before["ProgressReport"] == 1
            assert response.status_code == 302
            assert_valid(ProgressReport.objects.latest("pk"))
            assert_valid(progress)
            for name in progress.DOCUMENT_FIELDS:
                stored = getattr(progress, name)
                if stored:
                    assert len(stored.name.rsplit("/", 1)[-1].encode()) <= 200
        else:
            assert after == before
            assert progress.updated_at == progress_before.updated_at


@settings(max_examples=examples(FORM_CASES))
@given(
    fields=form_fields({"withdraw-reason": "We merged with the county.", "withdraw-confirm": "on"}), charset=CHARSETS
)
def test_withdrawing_never_fails_and_withdraws_with_a_reason_or_not_at_all(client, approved_pledge, fields, charset):
    with one_case("withdraw form /pledge/progress/<token>/withdraw/"):
        token = tokens.make_progress_token(approved_pledge)
        before = row_counts()

        response = post_form(client, f"/pledge/progress/{token}/withdraw/", fields, charset)

        assert response.status_code in (200, 302, 400), response.status_code
        assert_valid(approved_pledge)
        if approved_pledge.status == Pledge.Status.WITHDRAWN:
            transition = PledgeTransition.objects.filter(pledge=approved_pledge).latest("pk")
            assert transition.to_status == Pledge.Status.WITHDRAWN
            assert transition.reason.strip()
        else:
            assert approved_pledge.status == Pledge.Status.APPROVED
            assert row_counts() == before


# --- Public lists and their query strings -------------------------------------------------------------------

LIST_PARAMETERS = {
    "/resources/": [
        "q",
        "kind",
        "topic",
        "audience",
        "practice",
        "year_min",
        "year_max",
        "in_force",
        "sort",
        "page",
        "format",
    ],
    "/resources/feed/": ["q", "kind", "topic", "audience", "practice", "year_min", "year_max", "in_force", "sort"],
    "/pledge/agencies/": ["q", "state", "country", "agency_type", "size", "status", "year", "page"],
    "/pledge/agencies.csv": ["q", "state", "country", "agency_type", "size", "status", "year"],
    "/sitemap.xml": ["p"],
    "/sitemap-resources.xml": ["p"],
    "/sitemap-agencies.xml": ["p"],
    "/sitemap-pages.xml": ["p"],
    "/": ["q"],
}
LIST_CASES = {"/resources/": 200, "/resources/feed/": 100, "/pledge/agencies/": 150, "/pledge/agencies.csv": 100}
PLAUSIBLE_VALUES = st.sampled_from(
    [
        "training",
        "report",
        "policy",
        "cit",
        "mhfa",
        "partnership",
        "yes",
        "no",
        "IL",
        "US",
        "2020",
        "2",
        "atom",
        "title",
    ]
)


@pytest.fixture
def public_content():
    """A few resources and agencies, some holding control characters stored before the policy."""
    training = TopicFactory(slug="training", name="Training")
    guide = ResourceFactory(title="Crisis response guide", topics=[training], practices=[Practice.CIT])
    ResourceFactory(title="Model policy", practices=[Practice.POLICY])
    Resource.objects.filter(pk=guide.pk).update(
        title="Crisis\x0cresponse\x01guide", summary="Page\x0ctwo\x01"
    )  # PostgreSQL cannot store NUL at all
    pledge = pledge_in_status(Pledge.Status.APPROVED, agency__name="Springfield Police Department")
    Agency.objects.filter(pk=pledge.agency_id).update(name="Springfield\x0cPolice\x01Department")
    return guide


def query_strings(path):
    names = st.one_of(st.sampled_from(LIST_PARAMETERS[path]), NASTY_TEXT)
    return st.lists(st.tuples(names, st.one_of(PLAUSIBLE_VALUES, NASTY_TEXT)), max_size=6)


def list_cases(path):
    return examples(LIST_CASES.get(path, 30))


def check_list(client, path, query):
    with one_case(f"list {path}"):
        before = row_counts()
        fields = {}
        for name, value in query:
            fields.setdefault(name, []).append(value)

        response = client.get(f"{path}?{urlencoded(fields)}")

        assert response.status_code in (200, 301, 302, 400, 404), response.status_code
        assert row_counts() == before
        if response.status_code == 200 and "xml" in response["Content-Type"]:
            ET.fromstring(response.content)  # well-formed XML 1.0, whatever was stored or asked


def list_test(path):
    @settings(max_examples=list_cases(path))
    @given(query=query_strings(path))
    def test(client, public_content, query):
        check_list(client, path, query)

    test.__name__ = f"test_the_list_{path}_never_fails_and_writes_nothing"
    return test


test_catalog_query_strings = list_test("/resources/")
test_feed_query_strings = list_test("/resources/feed/")
test_roster_query_strings = list_test("/pledge/agencies/")
test_roster_csv_query_strings = list_test("/pledge/agencies.csv")
test_sitemap_index_query_strings = list_test("/sitemap.xml")
test_resource_sitemap_query_strings = list_test("/sitemap-resources.xml")
test_agency_sitemap_query_strings = list_test("/sitemap-agencies.xml")
test_pages_sitemap_query_strings = list_test("/sitemap-pages.xml")
test_home_query_strings = list_test("/")


@settings(max_examples=examples(150))
@given(
    prefix=st.sampled_from(["/resources/", "/pledge/agencies/", "/pledge/progress/", "/pledge/verify/", "/sitemap-"]),
    segment=NASTY_TEXT,
    suffix=st.sampled_from(["/", "/download/", "/badge.svg", "/certificate/", "/report/cit/", ".xml"]),
)
def test_any_path_under_a_public_page_never_fails(client, public_content, prefix, segment, suffix):
    with one_case("paths with generated segments"):
        response = client.get(prefix + quote(segment, safe="", errors="surrogatepass") + suffix)

        # 405: a GET to a form's POST-only address.
        assert response.status_code in (200, 301, 302, 400, 404, 405, 410), response.status_code
