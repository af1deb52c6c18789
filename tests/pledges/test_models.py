"""Model rules the database and full_clean() enforce, the transition table, and the reviewers group."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clearinghouse.one_mind import Practice
from pledges.constants import PLEDGE_REVIEWERS_GROUP
from pledges.models import (
    PLEDGE_TRANSITIONS,
    Agency,
    InvalidTransition,
    Pledge,
    PracticeProgress,
    add_months,
    evidence_upload_path,
)
from tests.pledges.factories import AgencyFactory, PledgeFactory

pytestmark = pytest.mark.django_db

Status = Pledge.Status


def unsaved_agency(**overrides):
    fields = {
        "name": "Springfield Police Department",
        "agency_type": Agency.AgencyType.MUNICIPAL_POLICE,
        "city": "Springfield",
        "country": "US",
        "state": "IL",
        "sworn_officers": 100,
    }
    fields.update(overrides)
    return Agency(**fields)


def errors_of(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# --- Agency -------------------------------------------------------------------------------------


def test_an_agency_is_stored_in_canonical_form_with_a_slug():
    agency = unsaved_agency(name="  Springfield   Police Department ", ori=" il0840000 ", state="il")
    agency.full_clean()
    agency.save()
    assert agency.name == "Springfield Police Department"
    assert agency.ori == "IL0840000"
    assert agency.state == "IL"
    assert agency.slug == "springfield-police-department-il"
    assert agency.region_label == "Illinois"
    assert agency.location_label == "Springfield, Illinois"


def test_slugs_stay_unique():
    first = AgencyFactory(name="Springfield Police Department", state="IL", slug="")
    second = AgencyFactory(name="Springfield Police Department!", state="IL", slug="")
    assert first.slug == "springfield-police-department-il"
    assert second.slug == "springfield-police-department-il-2"


@pytest.mark.parametrize("ori", ["IL084000", "IL08400000", "1L0840000", "IL084-000", "I"])
def test_an_ori_is_two_letters_and_seven_letters_or_digits(ori):
    assert "ori" in errors_of(unsaved_agency(ori=ori))


@pytest.mark.parametrize("ori", ["IL0840000", "ILCPD0000", "dc0010000"])
def test_valid_oris_pass(ori):
    unsaved_agency(ori=ori).full_clean()


def test_the_state_is_required_and_must_be_a_us_code_in_the_united_states():
    assert errors_of(unsaved_agency(state=""))["state"] == ["Choose the state."]
    assert "state" in errors_of(unsaved_agency(state="Illinois"))
    unsaved_agency(state="PR").full_clean()
    unsaved_agency(state="DC").full_clean()


def test_outside_the_united_states_the_region_is_free_text_and_optional():
    unsaved_agency(country="CA", state="Ontario", name="Northshore Police Service").full_clean()
    agency = unsaved_agency(country="IE", state="", name="An Garda Síochána")
    agency.full_clean()
    assert agency.region_label == "Ireland"
    assert unsaved_agency(country="CA", state="Ontario").region_label == "Ontario, Canada"


def test_the_database_refuses_a_us_agency_without_a_state_code():
    with pytest.raises(IntegrityError):
        Agency.objects.bulk_create([unsaved_agency(state="", slug="x")])


def test_sworn_officers_must_be_positive():
    assert "sworn_officers" in errors_of(unsaved_agency(sworn_officers=0))


def test_an_ori_is_used_by_one_agency_only():
    AgencyFactory(name="Springfield Police Department", ori="IL0840000")
    errors = errors_of(unsaved_agency(name="Springfield PD", ori="IL0840000"))
    assert errors["ori"] == [
        "The ORI IL0840000 belongs to Springfield Police Department in Illinois, which has already taken the pledge."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(name="Another name", ori="IL0840000")


def test_many_agencies_may_have_no_ori():
    AgencyFactory(ori="")
    AgencyFactory(ori="")
    assert Agency.objects.filter(ori="").count() == 2


def test_an_agency_name_is_unique_case_insensitively_within_a_state_and_country():
    AgencyFactory(name="Springfield Police Department", state="IL")
    errors = errors_of(unsaved_agency(name="SPRINGFIELD police department", state="IL"))
    assert errors["name"] == ["An agency named Springfield Police Department in Illinois has already taken the pledge."]
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(name="springfield police department", state="IL")


def test_the_same_name_in_another_state_is_another_agency():
    AgencyFactory(name="Springfield Police Department", state="IL")
    other = unsaved_agency(name="Springfield Police Department", state="MO", city="Springfield")
    other.full_clean()
    other.save()
    assert Agency.objects.filter(name="Springfield Police Department").count() == 2


def test_an_agency_can_be_edited_without_clashing_with_itself():
    agency = AgencyFactory(name="Springfield Police Department", ori="IL0840000")
    agency.sworn_officers = 140
    agency.full_clean()


# --- Pledge --------------------------------------------------------------------------------------


def unsaved_pledge(agency, **overrides):
    return PledgeFactory.build(agency=agency, **overrides)


def test_the_chief_executive_must_attest():
    errors = errors_of(unsaved_pledge(AgencyFactory(), attestation=False))
    assert errors["attestation"] == ["The chief executive must agree to the pledge before it can be submitted."]


@pytest.mark.parametrize(("months", "valid"), [(11, False), (12, True), (24, True), (36, True), (37, False)])
def test_the_pledge_window_is_twelve_to_thirty_six_months(months, valid):
    pledge = unsaved_pledge(AgencyFactory(), target_months=months)
    if valid:
        pledge.full_clean()
    else:
        assert errors_of(pledge)["target_months"] == ["Choose between 12 and 36 months."]


@pytest.mark.parametrize("phone", ["217-555-0100", "+1 (217) 555-0100", "217.555.0100 ext. 12", "+44 20 7946 0958"])
def test_phone_numbers_in_common_formats_are_accepted(phone):
    unsaved_pledge(AgencyFactory(), contact_phone=phone).full_clean()


@pytest.mark.parametrize("phone", ["call me", "12345", "217-555-0100; DROP"])
def test_phone_numbers_that_are_not_numbers_are_refused(phone):
    assert "contact_phone" in errors_of(unsaved_pledge(AgencyFactory(), contact_phone=phone))


@pytest.mark.parametrize("open_status", Pledge.OPEN_STATUSES)
def test_an_agency_has_at_most_one_open_pledge(open_status):
    agency = AgencyFactory()
    PledgeFactory(agency=agency, status=Status.SUBMITTED)
    second = unsaved_pledge(agency, status=open_status)
    if open_status != Status.SUBMITTED:
        # Give the approved-like pledge what the approved check needs, so only the open rule is tested.
        second.approved_at = second.submitted_at
        second.deadline = datetime.date(2030, 1, 1)
    assert "already has a pledge under way" in errors_of(second)["agency"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


@pytest.mark.parametrize("closed_status", [Status.REJECTED, Status.WITHDRAWN, Status.LAPSED, Status.COMPLETED])
def test_a_closed_pledge_does_not_block_another(closed_status):
    agency = AgencyFactory()
    PledgeFactory(agency=agency, status=closed_status, approved_at="2020-01-01T00:00Z", deadline="2021-01-01")
    unsaved_pledge(agency).full_clean()


def test_the_database_refuses_an_approved_pledge_without_a_deadline():
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeFactory(status=Status.APPROVED, practices=False)


def test_the_attestation_wording_is_stored_with_the_pledge():
    pledge = PledgeFactory()
    assert "four promising practices" in pledge.attestation_text


# --- The transition table ----------------------------------------------------------------------------

EXPECTED_TRANSITIONS = {
    (Status.SUBMITTED, Status.EMAIL_VERIFIED),
    (Status.SUBMITTED, Status.REJECTED),
    (Status.SUBMITTED, Status.WITHDRAWN),
    (Status.EMAIL_VERIFIED, Status.APPROVED),
    (Status.EMAIL_VERIFIED, Status.REJECTED),
    (Status.EMAIL_VERIFIED, Status.WITHDRAWN),
    (Status.APPROVED, Status.COMPLETED),
    (Status.APPROVED, Status.WITHDRAWN),
    (Status.APPROVED, Status.LAPSED),
    (Status.LAPSED, Status.APPROVED),
}


def test_every_status_is_in_the_transition_table():
    assert set(PLEDGE_TRANSITIONS) == set(Status)


@pytest.mark.parametrize("from_status", list(Status))
@pytest.mark.parametrize("to_status", list(Status))
def test_the_transition_table(from_status, to_status):
    pledge = Pledge(status=from_status)
    assert pledge.can_transition_to(to_status) is ((from_status, to_status) in EXPECTED_TRANSITIONS)


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN])
def test_completed_rejected_and_withdrawn_are_final(status):
    assert Pledge(status=status).allowed_transitions == []


def test_a_refused_transition_explains_itself():
    error = InvalidTransition(Pledge(status=Status.WITHDRAWN), Status.APPROVED)
    assert isinstance(error, ValidationError)
    assert error.messages == ["A pledge that is withdrawn cannot be approved."]
    assert error.code == "invalid_transition"


@pytest.mark.parametrize(
    ("start", "months", "deadline"),
    [
        (datetime.date(2024, 3, 15), 24, datetime.date(2026, 3, 15)),
        (datetime.date(2024, 1, 31), 13, datetime.date(2025, 2, 28)),
        (datetime.date(2023, 2, 28), 12, datetime.date(2024, 2, 28)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 11, 30), 36, datetime.date(2027, 11, 30)),
    ],
)
def test_the_deadline_adds_whole_months(start, months, deadline):
    assert add_months(start, months) == deadline
    assert Pledge(target_months=months).deadline_from(start) == deadline


# --- Practice progress ----------------------------------------------------------------------------------


def test_a_pledge_has_its_four_practices_in_campaign_order():
    pledge = PledgeFactory()
    assert [progress.practice for progress in pledge.practice_progress()] == Practice.values


def test_one_progress_row_per_practice():
    pledge = PledgeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeProgress.objects.create(pledge=pledge, practice=Practice.CIT)


def test_progress_helpers_for_the_public_page(settings):
    settings.ONE_MIND_MHFA_RULE = "combined"
    pledge = PledgeFactory(approved=True, agency__sworn_officers=200)
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.CIT).update(sworn_trained=39)
    PracticeProgress.objects.filter(pledge=pledge, practice=Practice.MHFA).update(sworn_trained=161)
    pledge = Pledge.objects.select_related("agency").prefetch_related("practices").get(pk=pledge.pk)
    cit = pledge.progress_for(Practice.CIT)
    mhfa = pledge.progress_for(Practice.MHFA)
    assert (cit.percent_trained, cit.target_percent, cit.is_met) == (Decimal("19.5"), Decimal("20"), False)
    assert (mhfa.percent_trained, mhfa.target_percent, mhfa.is_met) == (Decimal("100.0"), Decimal("100"), True)
    policy = pledge.progress_for(Practice.POLICY)
    assert (policy.percent_trained, policy.target_percent, policy.is_met) == (None, None, False)


def test_evidence_is_stored_under_a_private_unguessable_path():
    pledge = PledgeFactory()
    progress = pledge.progress_for(Practice.PARTNERSHIP)
    first = evidence_upload_path(progress, "agreement.pdf")
    second = evidence_upload_path(progress, "agreement.pdf")
    assert first.startswith(f"private/pledges/{pledge.pk}/partnership/")
    assert first.endswith("-agreement.pdf")
    assert first != second


# --- Roles -------------------------------------------------------------------------------------------------


def test_the_reviewers_group_has_the_pledge_permissions_but_cannot_delete():
    group = Group.objects.get(name=PLEDGE_REVIEWERS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_pledge", "add_pledge", "change_pledge", "view_pledge_contact", "export_pledges"} <= codenames
    assert {"change_agency", "view_progressreport", "change_practiceprogress", "view_pledgetransition"} <= codenames
    assert not any(codename.startswith("delete_") for codename in codenames)
    # Beyond pledges: the email outbox (decision 0013), to read messages and send them again.
    outbox = group.permissions.filter(content_type__app_label="post_office")
    assert set(outbox.values_list("codename", flat=True)) == {"view_email", "change_email", "view_log"}
    assert set(group.permissions.values_list("content_type__app_label", flat=True)) == {"pledges", "post_office"}


def test_curators_get_nothing_in_pledges():
    curators = Group.objects.filter(name="Curators").first()
    if curators is None:
        pytest.skip("The Curators group is created by the catalog's migrations.")
    assert not curators.permissions.filter(content_type__app_label="pledges").exists()
