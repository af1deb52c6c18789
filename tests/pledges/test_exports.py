"""The staff CSV export: its columns, its values, formula injection, contact columns, and the admin entry points."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges.exports import pledge_export_columns, safe_cell, write_pledges_csv
from pledges.models import Pledge, PracticeProgress
from tests.pledges.factories import AgencyFactory, pledge_in_status
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

Status = Pledge.Status
CHANGELIST = reverse("admin:pledges_pledge_changelist")
EXPORT = reverse("admin:pledges_pledge_export")
CONTACT_HEADERS = {
    "Chief executive",
    "Chief executive title",
    "Contact name",
    "Contact title",
    "Contact email",
    "Contact phone",
}


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def export(pledges, *, include_contact=True):
    buffer = io.StringIO()
    count = write_pledges_csv(buffer, pledges, include_contact=include_contact)
    return count, rows_of(buffer.getvalue())


def response_rows(response):
    return rows_of(b"".join(response.streaming_content).decode("utf-8"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("+1 217 555 0100", "'+1 217 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Springfield = home", "Springfield = home"),
        ("O’Brien Police", "O’Brien Police"),
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (120, "120"),
        (datetime.date(2027, 1, 31), "2027-01-31"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_a_formula_are_defused(value, expected):
    assert safe_cell(value) == expected


def test_contact_columns_appear_only_when_asked():
    with_contact = {header for header, _value in pledge_export_columns(include_contact=True)}
    without = {header for header, _value in pledge_export_columns(include_contact=False)}

    assert with_contact >= CONTACT_HEADERS
    assert not CONTACT_HEADERS & without
    assert with_contact - without == CONTACT_HEADERS


def test_one_row_per_pledge_with_agency_status_dates_and_each_practice():
    policy = ResourceFactory(title="Responding to Persons Experiencing a Mental Health Crisis")
    pledge = pledge_in_status(
        Status.APPROVED,
        agency=AgencyFactory(
            name="Springfield Police Department", city="Springfield", state="IL", ori="IL0840000", sworn_officers=100
        ),
        deadline=datetime.date(2027, 6, 30),
        contact_email="casey@springfield.example.org",
    )
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.PARTNERSHIP).update(
        partner_organizations="Riverside Mental Health\nNAMI Springfield",
        agreement_date=datetime.date(2025, 3, 1),
        verified_at=timezone.now(),
    )
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.POLICY).update(
        policy_adopted_on=datetime.date(2025, 4, 2), policy_resource=policy
    )
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.CIT).update(sworn_trained=25, non_sworn_trained=3)
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.MHFA).update(sworn_trained=40)

    count, rows = export(Pledge.objects.all())

    assert count == 1
    row = rows[0]
    assert row["Pledge ID"] == str(pledge.pk)
    assert row["Agency"] == "Springfield Police Department"
    assert row["State or region"] == "Illinois"
    assert row["Country"] == "United States"
    assert row["ORI"] == "IL0840000"
    assert row["Status"] == "Approved"
    assert row["Deadline"] == "2027-06-30"
    assert row["Contact email"] == "casey@springfield.example.org"
    assert row["Practices verified"] == "1/4"
    assert row["Partnership: partner organizations"] == "Riverside Mental Health; NAMI Springfield"
    assert row["Partnership: met"] == "yes"
    assert row["Partnership: verified on"] == timezone.localdate().isoformat()
    assert row["Policy: catalog model policy"] == "Responding to Persons Experiencing a Mental Health Crisis"
    assert row["Policy: verified on"] == ""
    assert row["CIT: sworn officers trained"] == "25"
    assert row["CIT: % of sworn officers counted"] == "25.0"
    assert row["CIT: met"] == "yes"
    assert row["MHFA: % of sworn officers counted"] == "65.0"  # 40 MHFA + 25 CIT, the combined rule
    assert row["MHFA: met"] == "no"


def test_agency_text_that_looks_like_a_formula_is_defused_in_the_file():
    pledge_in_status(Status.SUBMITTED, agency=AgencyFactory(name="=cmd|' /C calc'!A0"), contact_phone="+1 217 555 0100")

    _count, rows = export(Pledge.objects.all())

    assert rows[0]["Agency"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["Contact phone"] == "'+1 217 555 0100"


def test_the_export_runs_a_fixed_number_of_queries(django_assert_num_queries):
    for status in (Status.APPROVED, Status.SUBMITTED, Status.COMPLETED):
        pledge_in_status(status)
    # The pledges with their agencies, then their practices with catalog policies.
    with django_assert_num_queries(2):
        count, _rows = export(Pledge.objects.all())
    assert count == 3
    for _ in range(20):
        pledge_in_status(Status.APPROVED)
    with django_assert_num_queries(2):
        count, _rows = export(Pledge.objects.all())
    assert count == 23


# --- Through the admin -------------------------------------------------------------------------------------


def test_the_changelist_export_follows_its_filters(admin_client):
    pledge_in_status(Status.APPROVED, agency=AgencyFactory(name="Approved PD"))
    pledge_in_status(Status.SUBMITTED, agency=AgencyFactory(name="Submitted PD"))
    changelist = admin_client.get(CHANGELIST + "?status__exact=approved")
    assert f'href="{EXPORT}?status__exact=approved"' in changelist.content.decode()

    response = admin_client.get(EXPORT + "?status__exact=approved")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="pledges-{timezone.localdate():%Y-%m-%d}.csv"'
    assert "no-store" in response["Cache-Control"]
    assert [row["Agency"] for row in response_rows(response)] == ["Approved PD"]


def test_the_export_with_a_bad_filter_goes_back_with_a_message(admin_client):
    response = admin_client.get(EXPORT + "?deadline=someday", follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Those filters are not valid; nothing was exported."
    ]


def test_the_export_action_exports_the_selected_pledges(admin_client):
    chosen = pledge_in_status(Status.APPROVED, agency=AgencyFactory(name="Chosen PD"))
    pledge_in_status(Status.APPROVED, agency=AgencyFactory(name="Other PD"))

    response = admin_client.post(CHANGELIST, {"action": "export_selected", "_selected_action": [chosen.pk]})

    assert response.status_code == 200
    assert [row["Agency"] for row in response_rows(response)] == ["Chosen PD"]
