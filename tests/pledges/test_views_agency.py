"""An agency's public page, its completion badge and its printable certificate."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges.models import Pledge, PracticeProgress
from tests.pledges.factories import pledge_in_status

pytestmark = pytest.mark.django_db

Status = Pledge.Status


def agency_url(pledge):
    return reverse("pledges:agency", kwargs={"slug": pledge.agency.slug})


def badge_url(pledge):
    return reverse("pledges:badge", kwargs={"slug": pledge.agency.slug})


def certificate_url(pledge):
    return reverse("pledges:certificate", kwargs={"slug": pledge.agency.slug})


def h1(html):
    return " ".join(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).split())


@pytest.fixture
def approved():
    pledge = pledge_in_status(Status.APPROVED, agency__name="Springfield Police Department", agency__sworn_officers=100)
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.CIT).update(sworn_trained=12)
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.PARTNERSHIP).update(
        partner_organizations="NAMI", agreement_date=datetime.date(2024, 1, 5), verified_at=timezone.now()
    )
    return pledge


@pytest.fixture
def completed():
    pledge = pledge_in_status(Status.COMPLETED, agency__name="Shelbyville Police Department")
    Pledge.objects.filter(pk=pledge.pk).update(completed_at=timezone.make_aware(datetime.datetime(2022, 3, 23, 12)))
    PracticeProgress.objects.filter(pledge=pledge).update(verified_at=timezone.now(), sworn_trained=100)
    return pledge


def test_the_agency_page_shows_the_status_dates_and_practices(client, approved):
    response = client.get(agency_url(approved))

    assert response.status_code == 200
    html = response.content.decode()
    assert h1(html) == "Springfield Police Department"
    assert "In progress" in html
    assert approved.deadline.strftime("%B") in html
    assert "days left" in html
    assert "1 of 4" in html
    # Each practice's state.
    assert re.search(r"Community mental health partnership</h3>\s*<p[^>]*><span[^>]*>Verified</span>", html)
    assert re.search(r"Model policy</h3>\s*<p[^>]*><span[^>]*>Not yet met</span>", html)
    # Progress bars for the two training practices, percent against target.
    assert html.count('role="progressbar"') == 2
    assert 'aria-valuenow="12.0"' in html
    assert "12.0% of sworn officers trained; target 20%." in html
    assert f'<link rel="canonical" href="http://testserver{agency_url(approved)}">' in html


def test_the_agency_page_never_shows_contact_details(client, approved):
    Pledge.objects.filter(pk=approved.pk).update(
        contact_name="Zebediah Quillfeather", contact_email="zq@secret.example"
    )

    html = client.get(agency_url(approved)).content.decode()

    assert "Quillfeather" not in html
    assert "zq@secret.example" not in html


def test_a_lapsed_agency_is_shown_as_lapsed(client):
    pledge = pledge_in_status(Status.LAPSED)

    html = client.get(agency_url(pledge)).content.decode()

    assert "Lapsed" in html
    assert "The deadline passed before all four practices were verified." in html


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.EMAIL_VERIFIED, Status.REJECTED, Status.WITHDRAWN])
def test_agencies_without_a_public_pledge_have_no_page(client, status):
    pledge = pledge_in_status(status)

    for url in (agency_url(pledge), badge_url(pledge), certificate_url(pledge)):
        assert client.get(url).status_code == 404


def test_an_unknown_agency_is_not_found(client):
    assert client.get(reverse("pledges:agency", kwargs={"slug": "no-such-agency"})).status_code == 404


def test_a_demo_agency_says_so(client):
    pledge = pledge_in_status(Status.APPROVED, agency__is_demo=True)

    html = client.get(agency_url(pledge)).content.decode()

    assert ">Demo</span>" in html
    assert "This is demonstration data, not a real agency." in html
    assert '<meta name="robots" content="noindex">' in html


# --- Completion: the page is the badge; an SVG badge and a certificate ------------------------------------------


def test_a_completed_agency_page_shows_its_badge(client, completed):
    html = client.get(agency_url(completed)).content.decode()

    assert "One Mind Campaign member: completed March 23, 2022" in html
    assert f'<img class="pledge-badge" src="{badge_url(completed)}"' in html
    assert f'href="{certificate_url(completed)}"' in html
    # The code to embed the badge links back to this page.
    embed = re.search(r'<textarea[^>]*id="badge-embed-code"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert f"http://testserver{agency_url(completed)}" in embed
    assert f"http://testserver{badge_url(completed)}" in embed


def test_the_badge_is_an_svg_image_for_a_completed_agency(client, completed):
    response = client.get(badge_url(completed))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "max-age=3600" in response["Cache-Control"]
    svg = response.content.decode()
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert "Completed March 23, 2022" in svg
    assert "Shelbyville Police Department" in svg
    assert "<script" not in svg


def test_the_badge_escapes_the_agency_name(client, completed):
    completed.agency.name = 'Tom & Jerry’s "Police" <Dept>'
    completed.agency.save()

    svg = client.get(badge_url(completed)).content.decode()

    assert "Tom &amp; Jerry’s &quot;Police&quot; &lt;Dept&gt;" in svg


@pytest.mark.parametrize("status", [Status.APPROVED, Status.LAPSED])
def test_no_badge_or_certificate_before_completion(client, status):
    pledge = pledge_in_status(status)

    assert client.get(badge_url(pledge)).status_code == 404
    assert client.get(certificate_url(pledge)).status_code == 404
    assert "pledge-badge" not in client.get(agency_url(pledge)).content.decode()


def test_the_certificate_is_a_printable_page(client, completed):
    response = client.get(certificate_url(completed))

    assert response.status_code == 200
    html = response.content.decode()
    assert h1(html) == "Certificate of completion"
    assert "Shelbyville Police Department" in html
    assert "Completed March 23, 2022" in html
    assert f"Verify at http://testserver{agency_url(completed)}" in html


def test_the_print_styles_hide_the_site_chrome():
    with open("theme/_site.scss", encoding="utf-8") as stylesheet:
        css = stylesheet.read()

    print_rules = css[css.index("@media print") :]
    for selector in (".usa-header", ".usa-footer", ".usa-banner", ".pledge-certificate-actions"):
        assert selector in print_rules.split("}")[0]


def test_an_agency_that_pledged_again_shows_its_current_pledge(client):
    old = pledge_in_status(Status.LAPSED, agency__name="Phoenix Police Department")
    new = pledge_in_status(Status.APPROVED, agency=old.agency)
    Pledge.objects.filter(pk=new.pk).update(approved_at=timezone.now())

    html = client.get(agency_url(new)).content.decode()

    assert "In progress" in html
    assert "Lapsed</span>" not in html


@pytest.mark.parametrize("agencies", [3, 30])
def test_the_agency_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, completed, agencies):
    for _number in range(agencies):
        pledge_in_status(Status.APPROVED)

    with django_assert_max_num_queries(2):
        assert client.get(agency_url(completed)).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(certificate_url(completed)).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(badge_url(completed)).status_code == 200
