"""Reads: the public roster never loads contact details; every selector runs a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges import selectors, services
from pledges.models import Pledge, PracticeProgress
from tests.pledges.factories import AgencyFactory, ReviewerFactory, pledge_in_status
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

Status = Pledge.Status
CONTACT_FIELDS = {"contact_name", "contact_title", "contact_email", "contact_phone"}


@pytest.fixture
def roster():
    """One pledge in each status, in three states and one Canadian province."""
    pledges = {status: pledge_in_status(status, agency__state="IL") for status in Status}
    pledges["approved_mo"] = pledge_in_status(Status.APPROVED, agency__state="MO")
    pledges["completed_on"] = pledge_in_status(
        Status.COMPLETED, agency__country="CA", agency__state="Ontario", agency__name="Northshore Police Service"
    )
    return pledges


def test_the_roster_lists_approved_completed_and_lapsed_pledges_only(roster, django_assert_num_queries):
    with django_assert_num_queries(1):
        listed = list(selectors.roster_pledges())
    assert {pledge.status for pledge in listed} == {Status.APPROVED, Status.COMPLETED, Status.LAPSED}
    assert len(listed) == 5
    names = [pledge.agency.name for pledge in listed]
    assert names == sorted(names)


def test_the_roster_never_loads_contact_details(roster):
    pledge = selectors.roster_pledges().first()
    assert pledge.get_deferred_fields() >= CONTACT_FIELDS
    assert {"verification_nonce", "progress_link_nonce", "rejection_reason"} <= pledge.get_deferred_fields()


def test_the_roster_filters_by_status_country_and_state(roster):
    assert selectors.roster_pledges(status=Status.COMPLETED).count() == 2
    assert selectors.roster_pledges(country="CA").get() == roster["completed_on"]
    assert selectors.roster_pledges(state="MO").get() == roster["approved_mo"]


def test_an_agency_that_pledged_again_appears_once_with_its_latest_pledge():
    old = pledge_in_status(Status.LAPSED, approved_at=timezone.now() - datetime.timedelta(days=900))
    new = pledge_in_status(Status.APPROVED, agency=old.agency)
    assert list(selectors.roster_pledges()) == [new]


def test_demo_pledges_can_be_left_out(roster):
    pledge_in_status(Status.APPROVED, is_demo=True)
    assert selectors.roster_pledges().count() == 6
    assert selectors.roster_pledges(include_demo=False).count() == 5


def test_roster_counts_in_total_and_by_region(roster, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = selectors.roster_counts()
    assert (counts.pledged, counts.in_progress, counts.completed, counts.lapsed) == (5, 2, 2, 1)
    regions = {region.label: region for region in counts.by_region}
    assert list(regions) == ["Illinois", "Missouri", "Ontario, Canada"]
    illinois = regions["Illinois"]
    assert (illinois.pledged, illinois.in_progress, illinois.completed, illinois.lapsed) == (3, 1, 1, 1)


def test_recent_lists(roster):
    assert [pledge.status for pledge in selectors.recently_completed()] == [Status.COMPLETED, Status.COMPLETED]
    assert len(selectors.recently_pledged(limit=2)) == 2


def test_the_agency_page_has_the_four_practices_in_two_queries(django_assert_num_queries):
    resource = ResourceFactory(title="Model policy")
    pledge = pledge_in_status(Status.APPROVED, agency__sworn_officers=50)
    services.pledge_record_progress(pledge=pledge, practice=Practice.CIT, sworn_trained=10)
    services.pledge_record_progress(
        pledge=pledge, practice=Practice.POLICY, policy_adopted_on=timezone.localdate(), policy_resource=resource
    )
    with django_assert_num_queries(2):
        page = selectors.agency_page(slug=pledge.agency.slug)
        shown = [
            (progress.practice, progress.is_met, progress.percent_trained, progress.evaluation.summary)
            for progress in page.practices
        ]
        policy_resource_title = page.practices[1].policy_resource.title
    assert page.pledge == pledge
    assert [row[0] for row in shown] == Practice.values
    assert shown[3][1:3] == (True, 20)
    assert policy_resource_title == "Model policy"
    assert page.pledge.get_deferred_fields() >= CONTACT_FIELDS
    assert "agreement_document" in page.practices[0].get_deferred_fields()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.EMAIL_VERIFIED, Status.REJECTED, Status.WITHDRAWN])
def test_agencies_without_a_public_pledge_have_no_page(status):
    pledge = pledge_in_status(status)
    assert selectors.agency_page(slug=pledge.agency.slug) is None
    assert selectors.agency_page(slug="no-such-agency") is None


def test_the_review_queue_is_verified_pledges_oldest_first(django_assert_num_queries):
    now = timezone.now()
    newer = pledge_in_status(Status.EMAIL_VERIFIED, email_verified_at=now - datetime.timedelta(days=1))
    older = pledge_in_status(Status.EMAIL_VERIFIED, email_verified_at=now - datetime.timedelta(days=3))
    pledge_in_status(Status.SUBMITTED)
    with django_assert_num_queries(1):
        queue = [(pledge, pledge.agency.name) for pledge in selectors.review_queue()]
    assert [pledge for pledge, _name in queue] == [older, newer]


def test_met_unverified_practices_await_verification(django_assert_num_queries):
    reviewer = ReviewerFactory()
    first = pledge_in_status(Status.APPROVED)
    second = pledge_in_status(Status.APPROVED)
    services.pledge_record_progress(pledge=first, practice=Practice.CIT, sworn_trained=30)
    services.pledge_record_progress(pledge=first, practice=Practice.MHFA, sworn_trained=10)  # 40%: not met
    services.pledge_record_progress(pledge=second, practice=Practice.POLICY, policy_adopted_on=timezone.localdate())
    services.pledge_record_progress(pledge=second, practice=Practice.CIT, sworn_trained=20)
    services.practice_verify(pledge=second, practice=Practice.CIT, actor=reviewer)
    with django_assert_num_queries(2):
        waiting = [(progress.pledge, progress.practice) for progress in selectors.practices_awaiting_verification()]
    assert waiting == [(first, Practice.CIT), (second, Practice.POLICY)]


def test_the_timeline_tells_the_story_in_order():
    reviewer = ReviewerFactory(username="reviewer")
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)
    services.pledge_approve(pledge=pledge, actor=reviewer)
    services.pledge_record_progress(pledge=pledge, practice=Practice.CIT, sworn_trained=5, note="First class.")
    services.pledge_extend_deadline(
        pledge=pledge, actor=reviewer, new_deadline=pledge.deadline + datetime.timedelta(days=30), reason="Delay."
    )
    entries = selectors.pledge_timeline(pledge=pledge)
    assert [entry.kind for entry in entries] == ["transition", "transition", "report", "extension"]
    assert entries[1].title == "Email verified → Approved"
    assert (entries[2].actor_label, entries[2].detail) == ("agency contact", "First class.")
    assert entries[3].actor_label == "reviewer"


def test_pledge_with_practices_for_the_progress_page(django_assert_num_queries):
    pledge = pledge_in_status(Status.APPROVED)
    with django_assert_num_queries(2):
        loaded = selectors.pledge_with_practices(pledge_id=pledge.pk)
        evaluations = [progress.evaluation for progress in loaded.practice_progress()]
    assert len(evaluations) == 4
    assert loaded.contact_email == pledge.contact_email


def test_matching_agencies_by_ori_and_by_name():
    agency = AgencyFactory(name="Springfield Police Department", state="IL", ori="IL0840000")
    assert selectors.find_matching_agencies(name="springfield police department", state="IL", country="US", ori="") == (
        None,
        agency,
    )
    assert selectors.find_matching_agencies(name="Other", state="IL", country="US", ori="IL0840000") == (agency, None)


def test_progress_rows_exist_for_every_pledge():
    assert PracticeProgress.objects.count() == 0
    pledge_in_status(Status.SUBMITTED)
    assert PracticeProgress.objects.count() == 4
