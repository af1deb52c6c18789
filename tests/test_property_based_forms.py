"""Property-based tests of the public forms below HTTP: the form and the service a view calls, as the view calls them.

tests/test_property_based.py posts generated input through the whole stack (middleware, view,
template); a page render costs most of a request, so it runs fewer cases. Here the same generated
fields, decoded exactly as Django decodes a request body, go through the form and, when it is
valid, the service: many more cases in the same time, against the code that decides what is saved.
The only exceptions allowed are those the view catches (ValidationError from a service, a link
problem). After each case the data must be whole, as in the HTTP tests. Rendering the form with
its errors is left to the HTTP tests.
"""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from clearinghouse.one_mind import Practice
from pledges import services, tokens
from pledges.forms import PledgeForm, ResendVerificationForm, WithdrawForm
from pledges.models import Pledge, PledgeTransition, PracticeProgress, ProgressReport
from pledges.views.progress import build_report_form
from tests.hypothesis_support import examples, form_fields, one_case, urlencoded
from tests.pledges.test_views_signup import form_data as pledge_form_data
from tests.test_property_based import (
    TOKEN_TEXT,
    approved_pledge,  # noqa: F401 (fixture)
    assert_valid,
    model_policy,  # noqa: F401 (fixture)
    report_fields,
    row_counts,
    waiting_pledge,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

# Three times the HTTP tests' count, at a fraction of their cost a case. A longer search is a
# profile away: HYPOTHESIS_PROFILE=explore draws ten times as many, fresh each run (decision 0016).
FORM_CASES = 300


def as_request_body(fields):
    """The fields as a view's request.POST: urlencoded and decoded by Django (invalid UTF-8 replaced)."""
    return QueryDict(urlencoded(fields))


@settings(max_examples=examples(FORM_CASES))
@given(fields=form_fields(pledge_form_data()))
def test_the_pledge_form_and_pledge_submit_save_a_whole_pledge_or_nothing(fields):
    with one_case("pledge form /pledge/"):
        before = row_counts()
        form = PledgeForm(as_request_body(fields))
        saved = None
        if not form.is_spam and form.is_valid():
            try:
                saved = services.pledge_submit(agency_data=form.agency_data(), pledge_data=form.pledge_data())
            except ValidationError as error:
                form.add_service_errors(error)
        after = row_counts()
        if saved:
            assert after["Pledge"] - before["Pledge"] == 1
            assert_valid(saved)
            assert_valid(saved.agency)
            assert saved.practices.count() == len(Practice)
        else:
            assert after == before


@settings(max_examples=examples(FORM_CASES))
@given(fields=form_fields({"email": "casey.morgan@springfield.example.org"}, max_bad_fields=1))
def test_the_resend_form_and_its_service_change_no_pledge(waiting_pledge, fields):  # noqa: F811
    with one_case("resend form /pledge/resend/"):
        before = row_counts()
        form = ResendVerificationForm(as_request_body(fields))
        if form.is_valid():
            services.pledge_resend_verification_by_email(email=form.cleaned_data["email"])
        assert row_counts() == before
        assert_valid(waiting_pledge)
        assert waiting_pledge.status == Pledge.Status.SUBMITTED


@settings(max_examples=examples(FORM_CASES))
@given(token_kind=st.sampled_from(["valid", "generated", "tampered", "truncated"]), generated=TOKEN_TEXT)
def test_confirming_with_any_token_moves_the_pledge_one_step_or_not_at_all(waiting_pledge, token_kind, generated):  # noqa: F811
    with one_case("verification confirm /pledge/verify/<token>/"):
        valid = tokens.make_verification_token(waiting_pledge)
        token = {
            "valid": valid,
            "generated": generated,
            "tampered": valid[:-3] + generated[:3],
            "truncated": valid[: len(generated)],
        }[token_kind]
        # As a URL path delivers it: Django replaces bytes that are not UTF-8 (a lone surrogate).
        token = token.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        before = row_counts()
        with contextlib.suppress(tokens.PledgeLinkError):
            services.pledge_verify_email(token=token)
        assert_valid(waiting_pledge)
        if waiting_pledge.status == Pledge.Status.SUBMITTED:
            assert row_counts() == before
        else:
            assert waiting_pledge.status == Pledge.Status.EMAIL_VERIFIED
            assert row_counts()["PledgeTransition"] - before["PledgeTransition"] == 1


@settings(max_examples=examples(FORM_CASES))
@given(practice=st.sampled_from(list(Practice)), data=st.data())
def test_a_progress_report_form_and_its_service_save_a_whole_report_or_nothing(
    approved_pledge,  # noqa: F811
    model_policy,  # noqa: F811
    practice,
    data,
):
    fields = data.draw(report_fields(practice, model_policy.pk))
    with one_case(f"progress report form ({practice.value})"):
        progress_before = PracticeProgress.objects.get(pledge=approved_pledge, practice=practice)
        before = row_counts()
        form = build_report_form(practice, approved_pledge, progress_before, as_request_body(fields), {})
        saved = False
        if form.is_valid():
            try:
                services.pledge_record_progress(pledge=approved_pledge, practice=practice, **form.report_values())
                saved = True
            except ValidationError as error:
                form.add_service_errors(error)
        after = row_counts()
        if saved:
            assert after["ProgressReport"] - before["ProgressReport"] == 1
            assert_valid(ProgressReport.objects.latest("pk"))
            assert_valid(PracticeProgress.objects.get(pk=progress_before.pk))
        else:
            assert after == before


@settings(max_examples=examples(FORM_CASES))
@given(fields=form_fields({"withdraw-reason": "We merged with the county.", "withdraw-confirm": "on"}))
def test_the_withdraw_form_withdraws_with_a_reason_or_not_at_all(approved_pledge, fields):  # noqa: F811
    with one_case("withdraw form /pledge/progress/<token>/withdraw/"):
        before = row_counts()
        form = WithdrawForm(as_request_body(fields))
        if form.is_valid():
            with contextlib.suppress(ValidationError):
                services.pledge_withdraw(pledge=approved_pledge, actor=None, reason=form.cleaned_data["reason"])
        assert_valid(approved_pledge)
        if approved_pledge.status == Pledge.Status.WITHDRAWN:
            transition = PledgeTransition.objects.filter(pledge=approved_pledge).latest("pk")
            assert transition.reason.strip()
        else:
            assert row_counts() == before
