"""CSV and JSON downloads of catalog searches and roster views: every page, same filters, streamed, public only."""

import csv
import io
import json

import pytest
from django.urls import reverse

from pledges.models import Pledge
from resources.models import Resource
from tests.api.test_agencies_api import on_roster
from tests.resources.factories import ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def streamed_text(response):
    assert response.streaming, "a download is streamed, never built in memory"
    return b"".join(response.streaming_content).decode("utf-8")


def read_csv(response):
    text = streamed_text(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def api_records(client, url, query):
    records, response = [], client.get(url, {**query, "page_size": 3})
    records += response.json()["results"]
    while response.json()["next"]:
        response = client.get(response.json()["next"])
        records += response.json()["results"]
    return records


@pytest.fixture
def catalog():
    training = TopicFactory(slug="training", name="Training")
    for number in range(25):  # More than a page of the catalog (20)
        ResourceFactory(title=f"Training resource {number:02}", topics=[training], year_published=2010 + number % 10)
    ResourceFactory(title='=HYPERLINK("http://evil.example")', summary="+SUM(A1)")
    ResourceFactory(title="Draft training", status=Resource.Status.DRAFT, topics=[training])


@pytest.mark.parametrize("query", [{}, {"topic": "training", "year_min": 2015}, {"q": "training", "sort": "title"}])
def test_catalog_downloads_hold_every_page_of_what_the_api_and_page_show(client, catalog, query):
    expected = api_records(client, reverse("api:resource_list"), query)
    as_json = json.loads(streamed_text(client.get(reverse("resources:export", args=["json"]), query)))
    assert as_json == expected
    as_csv = read_csv(client.get(reverse("resources:export", args=["csv"]), query))
    assert [row["slug"] for row in as_csv] == [record["slug"] for record in expected]
    assert "draft-training" not in {row["slug"] for row in as_csv}


def test_catalog_csv_joins_lists_and_defuses_formulas(client, catalog):
    response = client.get(reverse("resources:export", args=["csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clearinghouse-resources.csv"'
    rows = {row["summary"]: row for row in read_csv(response)}
    assert rows["'+SUM(A1)"]["title"].startswith("'=HYPERLINK")
    some_row = next(row for row in rows.values() if row["topics"])
    assert some_row["topics"] == "training"
    assert some_row["file_url"] == ""


def test_catalog_download_reads_in_chunks(client, catalog, django_assert_max_num_queries):
    # Rows, then topics, audiences and practices per chunk of 500: a handful, not one per resource.
    with django_assert_max_num_queries(10):
        streamed_text(client.get(reverse("resources:export", args=["json"])))


def test_the_catalog_page_links_its_downloads_with_its_filters(client, catalog):
    page = client.get(reverse("resources:list"), {"topic": "training", "page": 2}).content.decode()
    assert 'href="/resources/export.csv?topic=training"' in page
    assert 'href="/resources/export.json?topic=training"' in page


def test_roster_json_holds_the_roster_view_without_contact_details(client, db):
    ohio = on_roster(name="Columbus Division of Police", city="Columbus", state="OH")
    on_roster(name="Boston Police Department", city="Boston", state="MA")
    on_roster(Pledge.Status.SUBMITTED, name="Unconfirmed", state="OH")
    response = client.get(reverse("pledges:roster_json"), {"state": "OH"})
    text = streamed_text(response)
    records = json.loads(text)
    assert records == api_records(client, reverse("api:agency_list"), {"state": "OH"})
    assert [record["name"] for record in records] == ["Columbus Division of Police"]
    for private in (ohio.contact_email, ohio.contact_name, ohio.contact_phone, ohio.chief_executive_name):
        assert private not in text
    roster_page = client.get(reverse("pledges:roster"), {"state": "OH"}).content.decode()
    assert 'href="/pledge/agencies.json?state=OH"' in roster_page


def test_an_unknown_download_format_is_not_found(client, db):
    assert client.get("/resources/export.xlsx").status_code == 404
