"""The API guide (/api/), the data page (/data/) and the schema they point to."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from api.pages import openapi_schema
from api.serializers import AgencySerializer, ResourceSerializer

pytestmark = pytest.mark.django_db


def test_the_footer_links_the_data_page(client):
    assert f'href="{reverse("data")}"' in client.get(reverse("home")).content.decode()


def test_the_data_page_has_the_field_dictionary_licence_citation_and_changelog(client, settings):
    settings.OPEN_DATA_LICENCE_NAME = "Open Government Licence"
    page = client.get(reverse("data")).content.decode()
    # Every field of each dataset, with the description the schema carries.
    for serializer in (ResourceSerializer(), AgencySerializer()):
        for name, field in serializer.fields.items():
            assert f"<code>{name}</code>" in page
            if field.help_text:
                assert escape(str(field.help_text)) in page
    assert "Open Government Licence" in page
    today = timezone.localdate()
    assert f"Retrieved {today.strftime('%B')} {today.day}, {today.year}, from http://testserver/data/" in page
    assert "Changes to the formats" in page
    assert 'href="/resources/export.csv"' in page
    assert 'href="/pledge/agencies.json"' in page


def test_the_field_dictionary_is_the_schema(db):
    properties = openapi_schema()["components"]["schemas"]["Resource"]["properties"]
    assert list(properties) == list(ResourceSerializer().fields)
    assert properties["in_force"]["description"] == ResourceSerializer().fields["in_force"].help_text


def test_the_guide_shows_the_done_when_examples(client):
    page = client.get(reverse("api_guide")).content.decode()
    assert "http://testserver/api/v1/resources/?practice=cit&amp;year_min=2015" in page
    assert "http://testserver/api/v1/agencies/?state=OH" in page
    assert "120/minute" in page


def test_the_schema_is_openapi_3_and_lists_every_endpoint(client):
    response = client.get(reverse("api:schema"))
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/resources/",
        "/api/v1/resources/{slug}/",
        "/api/v1/kinds/",
        "/api/v1/topics/",
        "/api/v1/audiences/",
        "/api/v1/practices/",
        "/api/v1/agencies/",
        "/api/v1/agencies/{slug}/",
        "/api/v1/statistics/",
    }
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/resources/"]["get"]["parameters"]}
    assert parameters == {
        "q",
        "kind",
        "topic",
        "audience",
        "practice",
        "year_min",
        "year_max",
        "in_force",
        "sort",
        "cursor",
        "page_size",
    }


def test_the_interactive_reference_is_served_from_this_site(client):
    page = client.get(reverse("api:swagger"))
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html  # Its start-up script is a file (?script), as the policy requires.
    assert "script-src 'self';" in page["Content-Security-Policy"]
    script = client.get(reverse("api:swagger"), {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
