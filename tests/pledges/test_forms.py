"""The pledge forms: what they hand to the services, and how service errors come back to their fields."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clearinghouse.one_mind import Practice
from pledges import services
from pledges.forms import (
    CITReportForm,
    MHFAReportForm,
    PartnershipReportForm,
    PledgeForm,
    WithdrawForm,
    document_display_name,
)
from pledges.models import PracticeProgress
from tests.pledges.test_views_signup import form_data


def valid_form(**overrides):
    form = PledgeForm(form_data(**overrides))
    assert form.is_valid(), form.errors
    return form


def test_the_form_gives_the_service_exactly_the_fields_it_takes():
    form = valid_form()

    assert set(form.agency_data()) == set(services.AGENCY_DATA_FIELDS)
    assert set(form.pledge_data()) == set(services.PLEDGE_DATA_FIELDS)
    assert form.agency_data()["state"] == "IL"
    assert form.agency_data()["sworn_officers"] == 100
    assert form.pledge_data()["attestation"] is True


def test_outside_the_us_the_state_comes_from_the_free_text_field():
    form = valid_form(country="CA", state="ON", province="  Ontario ")

    assert form.agency_data()["state"] == "Ontario"
    assert form.agency_data()["country"] == "CA"


def test_an_optional_website_left_empty_is_an_empty_string():
    assert valid_form(website="").agency_data()["website"] == ""


def test_a_website_without_a_scheme_is_taken_as_https():
    assert valid_form(website="springfield.example.org").agency_data()["website"] == "https://springfield.example.org"


@pytest.mark.parametrize(("typed", "stored"), [("il0840000", "IL0840000"), (" IL 084 0000 ", "IL0840000"), ("", "")])
def test_the_ori_is_normalized(typed, stored):
    assert valid_form(ori=typed).agency_data()["ori"] == stored


@pytest.mark.parametrize(("homepage", "is_spam"), [("", False), ("   ", False), ("http://spam.example", True)])
def test_the_honeypot(homepage, is_spam):
    assert PledgeForm(form_data(homepage=homepage)).is_spam is is_spam


def test_an_unbound_form_is_not_spam():
    assert PledgeForm().is_spam is False


def test_service_errors_land_on_the_form_fields():
    form = valid_form(country="CA", state="", province="Ontario")

    form.add_service_errors(
        ValidationError(
            {
                "name": ValidationError("An agency named X in Y has already taken the pledge."),
                "state": ValidationError("Too long."),
                "agency": ValidationError("X already has a pledge under way."),
                "slug": ValidationError("Not a form field."),
            }
        )
    )

    assert form.errors["name"] == [
        "An agency named X in Y has already taken the pledge.",
        "X already has a pledge under way.",
    ]
    assert form.errors["province"] == ["Too long."]
    assert form.non_field_errors() == ["Not a form field."]


def test_a_us_state_error_lands_on_the_state_select():
    form = valid_form()

    form.add_service_errors(ValidationError({"state": ValidationError("Choose a US state, DC or territory.")}))

    assert form.errors["state"] == ["Choose a US state, DC or territory."]


def test_an_error_without_a_field_goes_to_the_top():
    form = valid_form()

    form.add_service_errors(ValidationError("Something about the whole pledge."))

    assert form.non_field_errors() == ["Something about the whole pledge."]


def test_the_fieldsets_hold_every_visible_field_once():
    form = PledgeForm()

    in_fieldsets = [field.name for _legend, fields in form.fieldsets() for field in fields]
    assert len(in_fieldsets) == len(set(in_fieldsets))
    # The attestation and the honeypot are placed by the template.
    assert set(in_fieldsets) | {"attestation", "homepage"} == set(form.fields)


# --- Progress reports ------------------------------------------------------------------------------


def progress(practice, **values):
    return PracticeProgress(practice=practice, **values)


def test_a_report_form_opens_with_the_latest_values():
    form = PartnershipReportForm(
        progress=progress(Practice.PARTNERSHIP, partner_organizations="NAMI", agreement_date=datetime.date(2024, 1, 2))
    )

    assert form.prefix == "partnership"
    assert form["partner_organizations"].value() == "NAMI"
    assert form["agreement_date"].value() == datetime.date(2024, 1, 2)
    assert list(form.fields) == ["partner_organizations", "agreement_date", "agreement_document", "note"]


def test_the_document_hint_names_the_document_on_file():
    form = PartnershipReportForm(
        progress=progress(
            Practice.PARTNERSHIP, agreement_document="private/pledges/1/partnership/0123456789abcdef-mou.pdf"
        )
    )

    assert "Leave empty to keep the document on file (mou.pdf)." in form.fields["agreement_document"].help_text


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("private/pledges/1/partnership/0123456789abcdef-our_mou.pdf", "our_mou.pdf"),
        ("private/pledges/1/policy/0123456789abcdef-a-b.pdf", "a-b.pdf"),
        ("elsewhere/plain-name.pdf", "plain-name.pdf"),
        ("", ""),
    ],
)
def test_document_display_name(stored, shown):
    assert document_display_name(stored) == shown


def test_trained_officers_cannot_exceed_the_agencys_sworn_officers():
    form = CITReportForm({"cit-sworn_trained": "101"}, progress=progress(Practice.CIT), sworn_officers=100)

    assert not form.is_valid()
    assert "more than the agency’s 100 sworn officers" in form.errors["sworn_trained"][0]


def test_all_sworn_officers_trained_is_fine():
    form = CITReportForm({"cit-sworn_trained": "100"}, progress=progress(Practice.CIT), sworn_officers=100)

    assert form.is_valid()
    assert form.report_values() == {"sworn_trained": 100, "non_sworn_trained": None, "note": ""}


def test_under_the_combined_rule_mhfa_asks_for_officers_not_counted_under_cit(settings):
    settings.ONE_MIND_MHFA_RULE = "combined"

    form = MHFAReportForm(progress=progress(Practice.MHFA), sworn_officers=100)

    assert "not counting those trained in CIT" in form.fields["sworn_trained"].label


def test_under_the_original_rule_mhfa_asks_for_all_mhfa_trained_officers(settings):
    settings.ONE_MIND_MHFA_RULE = "mhfa_only"

    form = MHFAReportForm(progress=progress(Practice.MHFA), sworn_officers=100)

    assert form.fields["sworn_trained"].label == "Sworn officers trained"


def test_the_withdraw_form_needs_a_reason_and_a_tick():
    assert not WithdrawForm({"withdraw-reason": "Budget."}).is_valid()
    assert not WithdrawForm({"withdraw-confirm": "on"}).is_valid()
    assert WithdrawForm({"withdraw-reason": "Budget.", "withdraw-confirm": "on"}).is_valid()
