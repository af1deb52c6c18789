"""/api/v1/agencies/ and /api/v1/statistics/: the roster's FilterSet and rows, public fields only."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clearinghouse import content_versions
from pledges.models import Pledge, PracticeProgress
from tests.pledges.factories import pledge_in_status

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:agency_list")
ROSTER_URL = reverse("pledges:roster")
Status = Pledge.Status


def on_roster(status=Status.APPROVED, pledge=None, **agency):
    return pledge_in_status(status, **(pledge or {}), **{f"agency__{name}": value for name, value in agency.items()})


@pytest.fixture
def roster():
    """Agencies on the roster (two in Ohio, one demo, one in Canada) and pledges that are not public."""
    columbus = on_roster(name="Columbus Division of Police", city="Columbus", state="OH", sworn_officers=1900)
    on_roster(Status.COMPLETED, name="Cleveland Police", city="Cleveland", state="OH", sworn_officers=1500)
    on_roster(Status.LAPSED, name="Boston Police Department", city="Boston", state="MA", sworn_officers=2100)
    on_roster(name="Demo County Sheriff", agency_type="sheriff", state="OH", sworn_officers=40, is_demo=True)
    on_roster(name="Toronto Police Service", city="Toronto", country="CA", state="Ontario", sworn_officers=5000)
    on_roster(name="Springfield Police", state="IL", pledge={"approved_at": timezone.now().replace(year=2019)})
    on_roster(Status.SUBMITTED, name="Unconfirmed Police Department", state="OH")
    on_roster(Status.EMAIL_VERIFIED, name="Awaiting Review Police Department", state="OH")
    on_roster(Status.REJECTED, name="Rejected Police Department", state="OH")
    return columbus


def fetch_all(client, query, page_size=2):
    response = client.get(LIST_URL, {**query, "page_size": page_size})
    assert response.status_code == 200, response.content
    records, count = list(response.json()["results"]), response.json()["count"]
    while response.json()["next"]:
        response = client.get(response.json()["next"])
        records += response.json()["results"]
    return count, records


ROSTER_QUERIES = [
    {},
    {"state": "OH"},
    {"country": "CA"},
    {"country": "outside-us"},
    {"status": "completed"},
    {"status": "lapsed"},
    {"agency_type": "sheriff"},
    {"size": "1000-"},
    {"size": "25-49"},
    {"q": "police"},
    {"q": "columbus"},
    {"year": "2019"},
    {"state": "OH", "status": "approved"},
]


@pytest.mark.parametrize("query", ROSTER_QUERIES, ids=str)
def test_the_api_lists_what_the_roster_shows_in_the_same_order(client, roster, query):
    count, records = fetch_all(client, query)
    page = client.get(ROSTER_URL, query)
    expected = [row.agency.slug for row in page.context["rows"]]
    assert [record["slug"] for record in records] == expected
    assert count == len(expected) == page.context["paginator"].count


def test_every_agency_in_ohio(client, roster):
    count, records = fetch_all(client, {"state": "OH"})
    assert count == 3
    assert sorted(record["name"] for record in records) == [
        "Cleveland Police",
        "Columbus Division of Police",
        "Demo County Sheriff",
    ]
    demo = next(record for record in records if record["name"] == "Demo County Sheriff")
    assert demo["is_demo"] is True


def test_an_agency_record_has_public_fields_only(client, roster):
    record = client.get(reverse("api:agency_detail", args=[roster.agency.slug])).json()
    assert record["state"] == "OH"
    assert record["status"] == "approved"
    assert record["badge_url"] is None
    assert [practice["practice"] for practice in record["practices"]] == ["partnership", "policy", "mhfa", "cit"]
    body = client.get(LIST_URL, {"page_size": 200}).content.decode()
    for pledge in Pledge.objects.all():
        for private in (pledge.contact_email, pledge.contact_name, pledge.contact_phone, pledge.chief_executive_name):
            assert private not in body
    assert "contact" not in body
    assert "chief_executive" not in body


def test_completed_agencies_have_a_badge_and_verified_practices(client, roster):
    cleveland = Pledge.objects.get(agency__name="Cleveland Police")
    PracticeProgress.objects.filter(pledge=cleveland, practice="cit").update(verified_at=timezone.now())
    record = client.get(reverse("api:agency_detail", args=[cleveland.agency.slug])).json()
    assert record["badge_url"] == f"http://testserver/pledge/agencies/{cleveland.agency.slug}/badge.svg"
    assert {practice["practice"]: practice["verified"] for practice in record["practices"]}["cit"] is True


def test_pledges_not_on_the_roster_are_not_agencies_of_the_api(client, roster):
    unconfirmed = Pledge.objects.get(agency__name="Unconfirmed Police Department")
    assert client.get(reverse("api:agency_detail", args=[unconfirmed.agency.slug])).status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"state": "ZZ"}, "state"), ({"size": "huge"}, "size"), ({"year": "1999"}, "year"), ({"page": "2"}, "page")],
    ids=str,
)
def test_a_bad_roster_parameter_is_a_400_naming_it(client, roster, query, parameter):
    response = client.get(LIST_URL, query)
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_the_agency_list_costs_the_same_queries_whatever_the_page_size(client, roster):
    def queries_for(page_size):
        cache.clear()
        content_versions.forget_versions()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST_URL, {"page_size": page_size}).status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(100) <= 6


def test_statistics(client, roster):
    statistics = client.get(reverse("api:statistics")).json()
    assert {row["key"]: row["count"] for row in statistics["agencies_by_status"]} == {
        "approved": 4,
        "completed": 1,
        "lapsed": 1,
    }
    assert {row["key"]: row["count"] for row in statistics["agencies_by_state"]}["OH"] == 3
    assert {row["key"]: row["count"] for row in statistics["agencies_by_year"]}["2019"] == 1
    assert statistics["demo_agencies"] == 1
    assert [row["key"] for row in statistics["practices_verified"]] == ["partnership", "policy", "mhfa", "cit"]
