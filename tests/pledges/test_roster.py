"""The public roster at /pledge/agencies/: filters, counts, the map, the CSV, and what it never shows."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.filters import RosterFilterSet
from pledges.map import COLOR_STEPS, TILE_POSITIONS, color_step
from pledges.models import Pledge
from pledges.views.roster import ROSTER_CSV_COLUMNS, csv_safe
from tests.pledges.factories import pledge_in_status

pytestmark = pytest.mark.django_db

ROSTER_URL = reverse("pledges:roster")
CSV_URL = reverse("pledges:roster_csv")
Status = Pledge.Status


def on_roster(status=Status.APPROVED, pledge=None, **agency):
    """A pledge in `status` (with the `pledge` fields given) for an agency with the given fields."""
    return pledge_in_status(status, **(pledge or {}), **{f"agency__{name}": value for name, value in agency.items()})


@pytest.fixture
def roster():
    """Six agencies on the roster and three that are not."""
    springfield = on_roster(
        name="Springfield Police Department",
        city="Springfield",
        state="IL",
        sworn_officers=120,
        pledge={"approved_at": timezone.now().replace(year=2019)},
    )
    on_roster(Status.COMPLETED, name="Cook County Sheriff", agency_type="sheriff", state="IL", sworn_officers=5400)
    on_roster(Status.LAPSED, name="Boston Police Department", city="Boston", state="MA", sworn_officers=2100)
    on_roster(name="Tiny Town Police", city="Tiny Town", state="VT", sworn_officers=4)
    on_roster(name="Toronto Police Service", city="Toronto", country="CA", state="Ontario", sworn_officers=5000)
    on_roster(name="Campus Police", agency_type="campus", state="CA", sworn_officers=30, is_demo=True)
    on_roster(Status.SUBMITTED, name="Unconfirmed Police Department", state="IL")
    on_roster(Status.EMAIL_VERIFIED, name="Awaiting Review Police Department", state="IL")
    on_roster(Status.WITHDRAWN, name="Withdrawn Police Department", state="IL")
    on_roster(Status.REJECTED, name="Rejected Police Department", state="IL")
    return springfield


def names(html):
    return re.findall(r'<a class="usa-link" href="/pledge/agencies/[^"]+/">([^<]+)</a>', html)


def read_csv(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


# --- What the roster lists ----------------------------------------------------------------------


def test_the_roster_lists_approved_completed_and_lapsed_agencies_only(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    listed = names(html)
    assert len(listed) == 6
    assert "Springfield Police Department" in listed
    assert "Boston Police Department" in listed
    for hidden in ("Unconfirmed", "Awaiting Review", "Withdrawn", "Rejected"):
        assert hidden not in html


def test_statuses_read_as_the_public_understands_them(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    assert "In progress</span>" in html
    assert "Completed</span>" in html
    assert "Lapsed</span>" in html


def test_demo_agencies_are_tagged(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    row = re.search(r"Campus Police</a>(.*?)</th>", html, re.S).group(1)
    assert ">Demo</span>" in row
    assert html.count(">Demo</span>") == 1


def test_the_roster_never_shows_contact_details(client):
    on_roster(name="Springfield Police Department")
    Pledge.objects.update(
        contact_name="Zebediah Quillfeather",
        contact_email="zq-secret@private.example.org",
        contact_phone="555-0199-7321",
        contact_title="Secret Liaison Title",
    )

    html = client.get(ROSTER_URL).content.decode()
    csv_text = b"".join(client.get(CSV_URL).streaming_content).decode()

    for secret in ("Zebediah", "Quillfeather", "zq-secret", "private.example.org", "555-0199-7321", "Secret Liaison"):
        assert secret not in html
        assert secret not in csv_text
    assert "Springfield Police Department" in csv_text


# --- Filters: one line each (params in, count out) -----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 6),
        ({"q": "police"}, 5),
        ({"q": "SPRINGFIELD"}, 1),
        ({"q": "boston police"}, 1),
        ({"q": "toronto"}, 1),
        ({"q": "no such agency"}, 0),
        ({"state": "IL"}, 2),
        ({"state": "CA"}, 1),
        ({"country": "CA"}, 1),
        ({"country": "US"}, 5),
        ({"country": "outside-us"}, 1),
        ({"agency_type": "sheriff"}, 1),
        ({"agency_type": "campus"}, 1),
        ({"size": "1-24"}, 1),
        ({"size": "25-49"}, 1),
        ({"size": "100-249"}, 1),
        ({"size": "1000-"}, 3),
        ({"status": "approved"}, 4),
        ({"status": "completed"}, 1),
        ({"status": "lapsed"}, 1),
        ({"year": "2019"}, 1),
        ({"state": "IL", "status": "completed"}, 1),
        ({"state": "ZZ"}, 6),
        ({"status": "submitted"}, 6),
        ({"size": "huge"}, 6),
        ({"year": "1999"}, 6),
    ],
)
def test_roster_filter(roster, params, count):
    assert RosterFilterSet(params).qs.count() == count


def test_the_name_search_takes_percent_and_underscore_literally_and_keeps_accents():
    on_roster(name="Sûreté du Québec", city="Montréal", country="CA", state="Quebec")
    on_roster(name="100% Safe Police", city="Lake_Town", state="IL")
    on_roster(name="1000 Safe Police", city="Lake Town", state="IL")

    def matches(query):
        return sorted(agency.name for agency in RosterFilterSet({"q": query}).qs)

    assert matches("sûreté") == ["Sûreté du Québec"]
    assert matches("MONTRéAL") == ["Sûreté du Québec"]
    assert matches("100%") == ["100% Safe Police"]
    assert matches("lake_town") == ["100% Safe Police"]
    assert matches("safe police") == ["100% Safe Police", "1000 Safe Police"]
    assert matches("police sûreté") == []


def test_the_page_uses_the_same_filters(client, roster):
    html = client.get(ROSTER_URL, {"state": "IL"}).content.decode()

    assert sorted(names(html)) == ["Cook County Sheriff", "Springfield Police Department"]
    assert "2 agencies</strong> matching State (United States): Illinois" in html


def test_values_that_cannot_be_used_are_ignored_and_reported(client, roster):
    response = client.get(ROSTER_URL, {"state": "ZZ", "year": "abc"})

    assert response.status_code == 200
    html = response.content.decode()
    assert len(names(html)) == 6
    assert "could not be used and were ignored" in html


# --- Counts and the map ---------------------------------------------------------------------------------


def test_the_counts_cover_the_whole_roster(client, roster):
    html = client.get(ROSTER_URL, {"state": "VT"}).content.decode()

    counts = re.findall(r'<span class="pledge-counts__number">(\d+)</span>', html)
    assert counts == ["6", "4", "1", "1"]  # pledged, in progress, completed, lapsed


def test_the_map_has_every_state_once(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    labels = re.findall(r'class="pledge-map__label">([A-Z]{2})</text>', html)
    assert sorted(labels) == sorted(TILE_POSITIONS)
    assert len(set(TILE_POSITIONS.values())) == len(TILE_POSITIONS)  # no two states share a square


def test_a_state_with_agencies_is_shaded_named_and_linked(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    illinois = re.search(
        r'<a class="pledge-map__link" href="([^"]+)" aria-label="IL, Illinois: 2 agencies">(.*?)</a>', html, re.S
    )
    assert illinois.group(1) == "/pledge/agencies/?state=IL"
    assert "<title>Illinois: 2 agencies</title>" in illinois.group(2)
    assert f'fill="{color_step(2).fill}"' in illinois.group(2)
    vermont = re.search(r'aria-label="VT, Vermont: 1 agency">(.*?)</a>', html, re.S).group(1)
    assert f'fill="{color_step(1).fill}"' in vermont


def test_a_state_without_agencies_is_not_a_link(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    assert not [label for label in re.findall(r'aria-label="([^"]+)"', html) if "Texas" in label]
    assert "<title>Texas: 0 agencies</title>" in html


def test_the_legend_names_every_shade(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    legend = re.search(r'<ul class="pledge-legend".*?</ul>', html, re.S).group(0)
    for label in ("None", "1", "2–4", "5–9", "10–24", "25 or more"):
        assert f"</svg>{label}</li>" in legend


@pytest.mark.parametrize(
    ("count", "step"), [(1, 0), (2, 1), (4, 1), (5, 2), (9, 2), (10, 3), (24, 3), (25, 4), (600, 4)]
)
def test_color_steps(count, step):
    assert color_step(count) == COLOR_STEPS[step]


def test_the_counts_are_also_a_table_with_agencies_outside_the_us(client, roster):
    html = client.get(ROSTER_URL).content.decode()

    table = re.search(r'<table class="usa-table usa-table--compact.*?</table>', html, re.S).group(0)
    assert '<a class="usa-link" href="/pledge/agencies/?state=IL">Illinois</a>' in table
    assert "Ontario, Canada" in table
    assert (
        'Outside the United States: <a class="usa-link" href="/pledge/agencies/?country=outside-us">1 agency</a>'
        in html
    )


def test_the_counts_and_map_follow_every_change(client, roster):
    client.get(ROSTER_URL)  # The overview is rendered once per set of counts: it must not outlive them.
    on_roster(name="Peoria Police Department", state="IL")

    html = client.get(ROSTER_URL).content.decode()

    counts = re.findall(r'<span class="pledge-counts__number">(\d+)</span>', html)
    assert counts == ["7", "5", "1", "1"]
    assert 'aria-label="IL, Illinois: 3 agencies"' in html


def test_each_row_shows_the_agency_and_its_dates_in_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "America/New_York"
    # 02:30 UTC on March 6 is still March 5 in New York.
    approved_at = datetime.datetime(2024, 3, 6, 2, 30, tzinfo=datetime.UTC)
    pledge = on_roster(
        Status.COMPLETED,
        name="Shelbyville Police Department",
        city="Shelbyville",
        state="TN",
        sworn_officers=1250,
        pledge={"approved_at": approved_at, "completed_at": approved_at + datetime.timedelta(days=400)},
    )
    on_roster(name="Zenith Police Department", pledge={"deadline": datetime.date(2026, 1, 9)})

    html = client.get(ROSTER_URL).content.decode()

    rows = re.findall(r"<tr>\s*<th scope=\"row\" data-label=\"Agency\">.*?</tr>", html, re.S)
    shelbyville, zenith = rows
    assert f'<a class="usa-link" href="/pledge/agencies/{pledge.agency.slug}/">Shelbyville Police Department</a>' in (
        shelbyville
    )
    assert "Municipal police department</span>" in shelbyville
    assert '<td data-label="Location">Shelbyville, Tennessee</td>' in shelbyville
    assert '<td data-label="Sworn officers">1,250</td>' in shelbyville
    assert '<span class="usa-tag pledge-status pledge-status--completed">Completed</span>' in shelbyville
    assert '<td data-label="Pledged on">Mar 5, 2024</td>' in shelbyville
    assert '<td data-label="Deadline or completion">Completed Apr 9, 2025</td>' in shelbyville
    assert '<td data-label="Deadline or completion">Jan 9, 2026</td>' in zenith


# --- Pagination and bounded queries --------------------------------------------------------------------


def test_fifty_agencies_to_a_page(client):
    for number in range(51):
        on_roster(name=f"Agency {number:02d}")

    first = client.get(ROSTER_URL).content.decode()
    second = client.get(ROSTER_URL, {"page": "2"}).content.decode()

    assert len(names(first)) == 50
    assert names(second) == ["Agency 50"]
    assert "showing 1–50" in first
    assert 'aria-label="Next page"' in first


def test_a_filtered_page_lists_the_next_agencies_in_name_order(client):
    for number in (7, 3, 9, 1, 5):
        on_roster(name=f"Lapsed Agency {number}", state="OH")
        on_roster(Status.LAPSED, name=f"Lapsed Agency {number}", state="KY")
    for number in range(50):
        on_roster(Status.LAPSED, name=f"Agency {number:02d}", state="OH")

    html = client.get(ROSTER_URL, {"status": "lapsed", "page": "2"}).content.decode()

    assert names(html) == [f"Lapsed Agency {number}" for number in (1, 3, 5, 7, 9)]
    assert "55 agencies</strong> matching Status: Lapsed, showing 51–55." in html


@pytest.mark.parametrize("agencies", [3, 30])
def test_the_roster_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, agencies):
    for number in range(agencies):
        on_roster(name=f"Agency {number}", state=["IL", "CA", "NY"][number % 3], is_demo=number % 2 == 0)

    # The count, the page of agencies, their pledges and the roster counts (the FilterSet's choices need none).
    with django_assert_max_num_queries(4):
        response = client.get(ROSTER_URL, {"status": "approved"})

    assert response.status_code == 200
    assert len(names(response.content.decode())) == agencies


# --- CSV ----------------------------------------------------------------------------------------------------


def test_the_csv_has_the_filtered_roster(client, roster):
    response = client.get(CSV_URL, {"state": "IL"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="one-mind-participating-agencies.csv"'
    rows = read_csv(response)
    assert rows[0] == list(ROSTER_CSV_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["Cook County Sheriff", "Springfield Police Department"]
    springfield = rows[2]
    assert springfield[1:7] == [
        "Municipal police department",
        "Springfield",
        "Illinois",
        "United States",
        "120",
        "In progress",
    ]
    assert springfield[7].startswith("2019-")
    assert springfield[8] == roster.deadline.isoformat()
    assert springfield[9] == ""
    assert springfield[10] == f"http://testserver/pledge/agencies/{roster.agency.slug}/"


def test_the_csv_has_every_page_and_marks_demo_agencies(client, roster):
    rows = read_csv(client.get(CSV_URL, {"page": "3"}))

    assert len(rows) == 7
    assert "Campus Police (demo)" in [row[0] for row in rows]


def test_the_csv_guards_against_formula_injection(client):
    on_roster(name='=HYPERLINK("http://evil.example","click")', city="+cmd|' /C calc'!A0", state="IL")
    on_roster(name="@SUM(1+1)", city="-2+3", state="IL")

    rows = read_csv(client.get(CSV_URL))

    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells
    assert "'-2+3" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("Springfield", "Springfield"),
        (42, 42),
    ],
)
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


def test_the_csv_streams_a_large_roster_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for number in range(30):
        on_roster(name=f"Agency {number}")

    with django_assert_max_num_queries(1):
        rows = read_csv(client.get(CSV_URL))

    assert len(rows) == 31


def test_completion_date_in_the_csv(client):
    pledge = on_roster(Status.COMPLETED, name="Done PD")
    Pledge.objects.filter(pk=pledge.pk).update(completed_at=timezone.make_aware(datetime.datetime(2024, 3, 23, 12)))

    rows = read_csv(client.get(CSV_URL))

    assert rows[1][6:] == ["Completed", rows[1][7], pledge.deadline.isoformat(), "2024-03-23", rows[1][10]]
