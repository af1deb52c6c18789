"""The pledge workflow through its services: what is written, what is refused, who is emailed."""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges import services, tokens
from pledges.constants import ACTOR_CONTACT, ACTOR_SYSTEM, ATTESTATION_TEXT
from pledges.models import (
    PLEDGE_TRANSITIONS,
    Agency,
    DeadlineExtension,
    DeadlineReminder,
    InvalidTransition,
    Pledge,
    PledgeTransition,
    PracticeProgress,
    ProgressReport,
    add_months,
)
from pledges.services import submission
from pledges.tokens import PledgeLinkError
from tests.migration_data import run_data_migration
from tests.pledges.factories import (
    AgencyFactory,
    PledgeFactory,
    ReviewerFactory,
    UserFactory,
    agency_data,
    pledge_data,
    pledge_in_status,
)
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

Status = Pledge.Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def commit(django_capture_on_commit_callbacks, deliver_mail):
    """`with commit():` runs the on-commit callbacks as a real commit would, then the mail worker delivers."""

    @contextlib.contextmanager
    def committing():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        deliver_mail()

    return committing


@pytest.fixture
def reviewer():
    return ReviewerFactory(username="reviewer", email="reviewer@clearinghouse.example.org")


def today():
    return timezone.localdate()


def token_in(body, route):
    """The token of the first /pledge/<route>/<token>/ link in an email body."""
    marker = f"/pledge/{route}/"
    link = next(word for word in body.split() if marker in word)
    return link.split(marker)[1].split("/")[0]


def submit(agency=None, pledge=None):
    return services.pledge_submit(agency_data=agency_data(**(agency or {})), pledge_data=pledge_data(**(pledge or {})))


def approved_pledge(**kwargs):
    return pledge_in_status(Status.APPROVED, **kwargs)


def report(pledge, practice, **values):
    return services.pledge_record_progress(pledge=pledge, practice=practice, **values)


def meet_all_practices(pledge):
    sworn = pledge.agency.sworn_officers
    report(pledge, Practice.PARTNERSHIP, partner_organizations="Riverside Mental Health", agreement_date=today())
    report(pledge, Practice.POLICY, policy_adopted_on=today())
    report(pledge, Practice.CIT, sworn_trained=sworn // 5)
    report(pledge, Practice.MHFA, sworn_trained=sworn - sworn // 5)


# --- Submission ------------------------------------------------------------------------------------------


def test_submitting_creates_the_agency_the_pledge_and_four_practices(mailoutbox, commit, settings):
    settings.SITE_URL = "https://clearinghouse.example.org"
    with commit():
        pledge = submit()
    agency = pledge.agency
    assert (agency.name, agency.state, agency.ori, agency.sworn_officers) == (
        "Springfield Police Department",
        "IL",
        "IL0840000",
        100,
    )
    assert pledge.status == Status.SUBMITTED
    assert pledge.attestation_text == ATTESTATION_TEXT
    assert pledge.deadline is None
    assert sorted(pledge.practices.values_list("practice", flat=True)) == sorted(Practice.values)
    transition = pledge.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor, transition.actor_label) == (
        "",
        Status.SUBMITTED,
        None,
        ACTOR_CONTACT,
    )
    [email] = mailoutbox
    assert email.to == ["casey.morgan@springfield.example.org"]
    assert email.subject == "Confirm your email address for the One Mind pledge of Springfield Police Department"
    assert "The link works for 7 days" in email.body
    assert tokens.read_verification_token(token_in(email.body, "verify")) == pledge


def test_all_field_errors_come_back_at_once_keyed_by_field_and_nothing_is_written(mailoutbox, commit):
    with commit(), pytest.raises(ValidationError) as caught:
        submit(
            agency={"ori": "12345", "state": "", "sworn_officers": 0},
            pledge={"attestation": False, "target_months": 48, "contact_email": "not-an-address"},
        )
    assert set(caught.value.message_dict) == {
        "ori",
        "state",
        "sworn_officers",
        "attestation",
        "target_months",
        "contact_email",
    }
    assert not Agency.objects.exists()
    assert not Pledge.objects.exists()
    assert mailoutbox == []


def test_unknown_data_keys_are_a_programming_error():
    with pytest.raises(TypeError, match="is_demo"):
        services.pledge_submit(agency_data=agency_data(is_demo=True), pledge_data=pledge_data())


def test_an_exception_midway_leaves_nothing_half_written(monkeypatch, mailoutbox, commit):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(submission.PracticeProgress.objects, "bulk_create", fail)
    with commit(), pytest.raises(RuntimeError):
        submit()
    assert not Agency.objects.exists()
    assert not Pledge.objects.exists()
    assert not PledgeTransition.objects.exists()
    assert mailoutbox == []


def test_a_submission_racing_another_for_the_same_agency_is_refused_cleanly(monkeypatch):
    submit()
    # Simulate the race: our checks ran before the other submission committed its agency.
    monkeypatch.setattr(submission.selectors, "find_matching_agencies", lambda **kwargs: (None, None))
    monkeypatch.setattr(Agency, "full_clean", lambda self, **kwargs: self.normalize())
    with pytest.raises(ValidationError) as caught:
        submit(pledge={"contact_email": "other@example.org"})
    assert caught.value.message_dict == {
        "name": ["An agency named Springfield Police Department in Illinois has just taken the pledge."]
    }
    assert Agency.objects.count() == Pledge.objects.count() == 1


def test_a_second_pledge_with_the_same_ori_is_refused():
    submit()
    with pytest.raises(ValidationError) as caught:
        submit(agency={"name": "Springfield PD"})
    assert caught.value.message_dict == {
        "ori": ["An agency named Springfield Police Department in Illinois has already taken the pledge."]
    }
    assert Pledge.objects.count() == 1


def test_the_same_name_in_another_case_in_the_same_state_is_refused():
    submit()
    with pytest.raises(ValidationError) as caught:
        submit(agency={"name": "SPRINGFIELD  police department", "ori": ""})
    assert caught.value.message_dict == {
        "name": ["An agency named Springfield Police Department in Illinois has already taken the pledge."]
    }
    assert Agency.objects.count() == 1


def test_the_same_name_in_another_state_is_another_agency():
    submit()
    pledge = submit(agency={"state": "MO", "ori": "MO0770000"}, pledge={"contact_email": "mo@example.org"})
    assert pledge.agency.state == "MO"
    assert Agency.objects.count() == 2


def test_an_ori_and_a_name_that_belong_to_two_agencies_are_both_reported():
    submit()
    submit(agency={"name": "Shelbyville Police Department", "ori": "IL0990000", "city": "Shelbyville"})
    with pytest.raises(ValidationError) as caught:
        submit(agency={"name": "Shelbyville Police Department", "ori": "IL0840000"})
    assert set(caught.value.message_dict) == {"ori", "name"}


def test_a_registered_name_with_a_different_ori_is_refused():
    submit()
    with pytest.raises(ValidationError) as caught:
        submit(agency={"ori": "IL0840099"})
    assert "with a different ORI" in caught.value.message_dict["ori"][0]


def test_an_agency_that_completed_cannot_pledge_again():
    pledge = submit()
    Pledge.objects.filter(pk=pledge.pk).update(
        status=Status.COMPLETED, approved_at=timezone.now(), deadline=today(), completed_at=timezone.now()
    )
    with pytest.raises(ValidationError) as caught:
        submit()
    assert caught.value.message_dict["ori"] == [
        "Springfield Police Department in Illinois has already taken and completed the One Mind pledge."
    ]


@pytest.mark.parametrize("closed", ["withdrawn", "rejected", "lapsed"])
def test_an_agency_may_pledge_again_after_a_withdrawal_rejection_or_lapse(closed):
    first = submit()
    Pledge.objects.filter(pk=first.pk).update(
        status=closed, approved_at=timezone.now(), deadline=today() - datetime.timedelta(days=1)
    )
    second = submit(agency={"sworn_officers": 130, "city": "Springfield City"})
    assert second.agency == first.agency
    assert Agency.objects.count() == 1
    first.agency.refresh_from_db()
    assert (first.agency.sworn_officers, first.agency.city) == (130, "Springfield City")
    assert list(first.agency.pledges.order_by("pk").values_list("status", flat=True)) == [closed, Status.SUBMITTED]


def test_an_unconfirmed_pledge_blocks_a_new_submission_while_its_link_works():
    submit()
    with pytest.raises(ValidationError, match="has already taken the pledge"):
        submit(pledge={"contact_email": "someone.else@example.org"})


def test_an_unconfirmed_pledge_whose_links_expired_is_replaced_by_a_new_submission():
    stale = submit(pledge={"contact_email": "typo@exmaple.org"})
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Pledge.objects.filter(pk=stale.pk).update(submitted_at=eight_days_ago, verification_sent_at=eight_days_ago)
    fresh = submit()
    stale.refresh_from_db()
    assert stale.status == Status.WITHDRAWN
    withdrawal = stale.transitions.get(to_status=Status.WITHDRAWN)
    assert withdrawal.actor_label == ACTOR_SYSTEM
    assert "never confirmed" in withdrawal.reason
    assert fresh.agency == stale.agency
    assert fresh.status == Status.SUBMITTED


# --- Email verification ----------------------------------------------------------------------------------


def test_confirming_the_email_moves_the_pledge_on_and_tells_the_reviewers(mailoutbox, commit, reviewer, deliver_mail):
    UserFactory(username="curator", email="curator@clearinghouse.example.org")  # not a reviewer
    ReviewerFactory(username="no-email", email="")
    ReviewerFactory(username="former", email="former@clearinghouse.example.org", is_active=False)
    pledge = submit()
    deliver_mail()
    mailoutbox.clear()  # the verification email
    with commit():
        verified = services.pledge_verify_email(token=tokens.make_verification_token(pledge))
    assert verified.status == Status.EMAIL_VERIFIED
    assert verified.email_verified_at is not None
    transition = verified.transitions.get(to_status=Status.EMAIL_VERIFIED)
    assert (transition.from_status, transition.actor_label) == (Status.SUBMITTED, ACTOR_CONTACT)
    [email] = mailoutbox
    assert email.to == ["reviewer@clearinghouse.example.org"]
    assert email.subject == "Pledge awaiting review: Springfield Police Department"
    assert "Sworn officers: 100" in email.body


def test_without_reviewers_the_configured_addresses_are_told(mailoutbox, commit, settings):
    settings.PLEDGE_REVIEW_NOTIFY_EMAILS = ["pledges@clearinghouse.example.org"]
    pledge = pledge_in_status(Status.SUBMITTED)
    with commit():
        services.pledge_verify_email(token=tokens.make_verification_token(pledge))
    assert [email.to for email in mailoutbox] == [["pledges@clearinghouse.example.org"]]


def test_with_nobody_to_tell_verification_still_succeeds(mailoutbox, commit, settings):
    settings.PLEDGE_REVIEW_NOTIFY_EMAILS = []
    pledge = pledge_in_status(Status.SUBMITTED)
    with commit():
        services.pledge_verify_email(token=tokens.make_verification_token(pledge))
    assert mailoutbox == []
    assert Pledge.objects.get(pk=pledge.pk).status == Status.EMAIL_VERIFIED


def test_resending_the_verification_email(mailoutbox, commit):
    pledge = pledge_in_status(Status.SUBMITTED, verification_sent_at=timezone.now() - datetime.timedelta(hours=1))
    with commit():
        services.pledge_resend_verification(pledge=pledge)
    [email] = mailoutbox
    assert email.to == [pledge.contact_email]
    assert tokens.read_verification_token(token_in(email.body, "verify")) == pledge


def test_resending_is_throttled():
    pledge = pledge_in_status(Status.SUBMITTED, verification_sent_at=timezone.now() - datetime.timedelta(seconds=30))
    with pytest.raises(ValidationError) as caught:
        services.pledge_resend_verification(pledge=pledge)
    assert caught.value.code == "resend_too_soon"


def test_resending_needs_a_pledge_awaiting_confirmation():
    with pytest.raises(ValidationError) as caught:
        services.pledge_resend_verification(pledge=pledge_in_status(Status.EMAIL_VERIFIED))
    assert caught.value.code == "not_awaiting_verification"


def test_resending_by_email_address_never_reveals_whether_it_is_known(mailoutbox, commit):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    pledge_in_status(Status.SUBMITTED, contact_email="Chief@Agency.example.org", verification_sent_at=long_ago)
    with commit():
        assert services.pledge_resend_verification_by_email(email=" chief@agency.example.org ") == 1
        assert services.pledge_resend_verification_by_email(email="nobody@example.org") == 0
        assert services.pledge_resend_verification_by_email(email="chief@agency.example.org") == 0  # throttled
    assert len(mailoutbox) == 1


# --- Review decisions --------------------------------------------------------------------------------------


def test_approving_sets_the_deadline_and_sends_the_private_progress_link(mailoutbox, commit, reviewer):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED, target_months=18)
    with commit():
        services.pledge_approve(pledge=pledge, actor=reviewer)
    pledge.refresh_from_db()
    assert pledge.status == Status.APPROVED
    assert pledge.deadline == add_months(timezone.localdate(pledge.approved_at), 18)
    transition = pledge.transitions.get(to_status=Status.APPROVED)
    assert (transition.actor, transition.actor_label) == (reviewer, "reviewer")
    [email] = mailoutbox
    assert email.to == [pledge.contact_email]
    assert f"until {pledge.deadline:%B} {pledge.deadline.day}, {pledge.deadline.year}" in email.body
    assert tokens.read_progress_token(token_in(email.body, "progress")) == pledge


def test_contact_emails_reply_to_the_pledge_team_when_it_has_a_mailbox(mailoutbox, settings, deliver_mail):
    settings.PLEDGE_REVIEW_NOTIFY_EMAILS = ["pledges@clearinghouse.example.org"]
    pledge = approved_pledge(deadline=today() + datetime.timedelta(days=30))
    report(pledge, Practice.POLICY, policy_adopted_on=today())
    deliver_mail()
    mailoutbox.clear()  # the note to the reviewers
    services.send_deadline_reminders(today=today())
    deliver_mail()
    [email] = mailoutbox
    # The outbox keeps Reply-To as a header: what the recipient's mail program reads.
    assert email.message()["Reply-To"] == "pledges@clearinghouse.example.org"
    assert "reply to this email before the deadline" in email.body
    assert "Model policy: Policy adopted" in email.body
    assert "(met: awaiting our verification)" in email.body


def test_staff_actions_need_an_actor():
    with pytest.raises(TypeError, match="actor"):
        services.pledge_approve(pledge=pledge_in_status(Status.EMAIL_VERIFIED), actor=None)


def test_rejecting_needs_a_reason(reviewer):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)
    with pytest.raises(ValidationError) as caught:
        services.pledge_reject(pledge=pledge, actor=reviewer, reason="   ")
    assert caught.value.message_dict == {"reason": ["Give a reason. It is recorded with the change."]}
    assert Pledge.objects.get(pk=pledge.pk).status == Status.EMAIL_VERIFIED


def test_rejecting_records_the_reason_and_tells_a_confirmed_contact(mailoutbox, commit, reviewer):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)
    with commit():
        services.pledge_reject(pledge=pledge, actor=reviewer, reason="Not a law enforcement agency.")
    pledge.refresh_from_db()
    assert (pledge.status, pledge.rejection_reason) == (Status.REJECTED, "Not a law enforcement agency.")
    assert pledge.transitions.get(to_status=Status.REJECTED).reason == "Not a law enforcement agency."
    [email] = mailoutbox
    assert email.to == [pledge.contact_email]
    assert "Reason: Not a law enforcement agency." in email.body


def test_rejecting_an_unconfirmed_pledge_sends_no_email(mailoutbox, commit, reviewer):
    with commit():
        services.pledge_reject(pledge=pledge_in_status(Status.SUBMITTED), actor=reviewer, reason="Spam.")
    assert mailoutbox == []


def test_the_contact_withdraws_through_the_private_link(mailoutbox, commit):
    pledge = approved_pledge()
    with commit():
        services.pledge_withdraw(pledge=pledge, reason="Our chief has retired.")
    transition = pledge.transitions.get(to_status=Status.WITHDRAWN)
    assert (transition.actor, transition.actor_label, transition.reason) == (
        None,
        ACTOR_CONTACT,
        "Our chief has retired.",
    )
    assert mailoutbox[0].to == [pledge.contact_email]


def test_staff_withdraw_on_an_agencys_behalf(reviewer):
    pledge = approved_pledge()
    services.pledge_withdraw(pledge=pledge, actor=reviewer, reason="Asked by phone.")
    assert pledge.transitions.get(to_status=Status.WITHDRAWN).actor_label == "reviewer"


def test_a_pledge_lapses_only_after_its_deadline(mailoutbox, commit):
    pledge = approved_pledge(deadline=today())
    with pytest.raises(ValidationError) as caught:
        services.pledge_mark_lapsed(pledge=pledge)
    assert caught.value.code == "deadline_not_passed"
    with commit():
        services.pledge_mark_lapsed(pledge=pledge, today=today() + datetime.timedelta(days=1))
    assert pledge.status == Status.LAPSED
    assert pledge.transitions.get(to_status=Status.LAPSED).actor_label == ACTOR_SYSTEM
    [email] = mailoutbox
    assert "has lapsed" in email.subject
    assert tokens.read_progress_token(token_in(email.body, "progress")) == pledge


def test_extending_an_approved_pledge_records_who_why_and_both_dates(mailoutbox, commit, reviewer):
    pledge = approved_pledge(deadline=today() + datetime.timedelta(days=20))
    old_deadline = pledge.deadline
    new_deadline = old_deadline + datetime.timedelta(days=180)
    with commit():
        extension = services.pledge_extend_deadline(
            pledge=pledge, actor=reviewer, new_deadline=new_deadline, reason="Training cancelled by the academy."
        )
    assert (extension.previous_deadline, extension.new_deadline, extension.actor_label) == (
        old_deadline,
        new_deadline,
        "reviewer",
    )
    assert Pledge.objects.get(pk=pledge.pk).deadline == new_deadline
    assert pledge.status == Status.APPROVED
    assert not pledge.transitions.filter(to_status=Status.APPROVED).exists()  # no status change
    assert "Training cancelled by the academy." in mailoutbox[0].body


def test_extending_a_lapsed_pledge_reinstates_it(mailoutbox, commit, reviewer):
    pledge = pledge_in_status(Status.LAPSED)
    with commit():
        services.pledge_extend_deadline(
            pledge=pledge, actor=reviewer, new_deadline=today() + datetime.timedelta(days=90), reason="Needs time."
        )
    assert Pledge.objects.get(pk=pledge.pk).status == Status.APPROVED
    transition = pledge.transitions.get(from_status=Status.LAPSED)
    assert transition.to_status == Status.APPROVED
    assert transition.reason.startswith("Reinstated: deadline extended to")
    assert "The pledge is reinstated" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("days_after_current", "days_from_today", "code"),
    [(0, 30, "not_later"), (-5, 30, "not_later"), (10, 0, "not_future")],
)
def test_a_new_deadline_must_be_later_and_in_the_future(reviewer, days_after_current, days_from_today, code):
    pledge = pledge_in_status(Status.LAPSED, deadline=today() - datetime.timedelta(days=10))
    if days_from_today:
        pledge.deadline = today() + datetime.timedelta(days=days_from_today)
        Pledge.objects.filter(pk=pledge.pk).update(deadline=pledge.deadline)
    new_deadline = pledge.deadline + datetime.timedelta(days=days_after_current)
    with pytest.raises(ValidationError) as caught:
        services.pledge_extend_deadline(pledge=pledge, actor=reviewer, new_deadline=new_deadline, reason="More time.")
    assert caught.value.error_dict["new_deadline"][0].code == code
    assert not DeadlineExtension.objects.exists()


def test_a_lapsed_pledge_is_not_reinstated_when_its_agency_has_pledged_again(reviewer):
    lapsed = pledge_in_status(Status.LAPSED)
    PledgeFactory(agency=lapsed.agency)
    with pytest.raises(ValidationError, match="already has a pledge under way"):
        services.pledge_extend_deadline(
            pledge=lapsed, actor=reviewer, new_deadline=today() + datetime.timedelta(days=60), reason="More time."
        )
    assert Pledge.objects.get(pk=lapsed.pk).status == Status.LAPSED
    assert not DeadlineExtension.objects.exists()


def test_reissuing_needs_a_pledge_that_has_a_progress_link(reviewer):
    with pytest.raises(ValidationError) as caught:
        services.progress_link_reissue(pledge=pledge_in_status(Status.EMAIL_VERIFIED), actor=reviewer)
    assert caught.value.code == "no_progress_link"


# --- Every transition, allowed and refused -------------------------------------------------------------------


def _verify_email(pledge, staff):
    services.pledge_verify_email(token=tokens.make_verification_token(pledge))


def _complete(pledge, staff):
    PracticeProgress.objects.filter(pledge=pledge).exclude(practice=Practice.CIT).update(verified_at=timezone.now())
    cit = PracticeProgress.objects.filter(pledge=pledge, practice=Practice.CIT)
    cit.update(sworn_trained=pledge.agency.sworn_officers)
    services.practice_verify(pledge=pledge, practice=Practice.CIT, actor=staff)


ACTIONS = {
    "verify_email": (_verify_email, Status.EMAIL_VERIFIED),
    "approve": (lambda pledge, staff: services.pledge_approve(pledge=pledge, actor=staff), Status.APPROVED),
    "reject": (lambda pledge, staff: services.pledge_reject(pledge=pledge, actor=staff, reason="No."), Status.REJECTED),
    "withdraw": (lambda pledge, staff: services.pledge_withdraw(pledge=pledge, reason="Bye."), Status.WITHDRAWN),
    "mark_lapsed": (lambda pledge, staff: services.pledge_mark_lapsed(pledge=pledge), Status.LAPSED),
    "reinstate": (
        lambda pledge, staff: services.pledge_extend_deadline(
            pledge=pledge, actor=staff, new_deadline=today() + datetime.timedelta(days=60), reason="More time."
        ),
        Status.APPROVED,
    ),
    "complete": (_complete, Status.COMPLETED),
}
ALLOWED_FROM = {
    "verify_email": {Status.SUBMITTED},
    "approve": {Status.EMAIL_VERIFIED},
    "reject": {Status.SUBMITTED, Status.EMAIL_VERIFIED},
    "withdraw": {Status.SUBMITTED, Status.EMAIL_VERIFIED, Status.APPROVED},
    "mark_lapsed": {Status.APPROVED},
    "reinstate": {Status.LAPSED},
    "complete": {Status.APPROVED},
}


def test_the_services_cover_every_edge_of_the_transition_table_and_no_other():
    edges = {(start, ACTIONS[action][1]) for action, starts in ALLOWED_FROM.items() for start in starts}
    assert edges == {(start, end) for start, ends in PLEDGE_TRANSITIONS.items() for end in ends}


@pytest.mark.parametrize("from_status", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_service_moves_only_the_pledges_the_workflow_allows(action, from_status, reviewer):
    # Approved-like pledges get a passed deadline, so lapsing is possible when allowed.
    pledge = pledge_in_status(from_status, deadline=today() - datetime.timedelta(days=1))
    perform, to_status = ACTIONS[action]
    transitions_before = pledge.transitions.count()
    if from_status in ALLOWED_FROM[action]:
        perform(pledge, reviewer)
        assert Pledge.objects.get(pk=pledge.pk).status == to_status
        assert pledge.transitions.count() == transitions_before + 1
        latest = pledge.transitions.latest("pk")
        assert (latest.from_status, latest.to_status) == (from_status, to_status)
    else:
        if action == "reinstate" and from_status == Status.APPROVED:
            perform(pledge, reviewer)  # Extending an approved pledge moves its deadline, not its status.
        else:
            with pytest.raises((InvalidTransition, PledgeLinkError, ValidationError)):
                perform(pledge, reviewer)
        assert Pledge.objects.get(pk=pledge.pk).status == from_status
        assert pledge.transitions.count() == transitions_before


# --- The roster entry: every transition keeps Agency.roster_pledge right -------------------------------------


def roster_entry(agency):
    """(pledge id, status, approval time) of the agency's roster entry, as stored."""
    agency = Agency.objects.get(pk=agency.pk)
    return agency.roster_pledge_id, agency.roster_status, agency.roster_approved_at


def entry_of(pledge):
    pledge.refresh_from_db()
    return pledge.pk, pledge.status, pledge.approved_at


NOT_ON_ROSTER = (None, "", None)
EDGES = [(action, start) for action, starts in ALLOWED_FROM.items() for start in sorted(starts)]


@pytest.mark.parametrize("pledged_before", [False, True], ids=["first pledge", "after a lapse"])
@pytest.mark.parametrize(("action", "from_status"), EDGES)
def test_every_transition_keeps_the_roster_entry_right(action, from_status, pledged_before, reviewer):
    agency = AgencyFactory()
    earlier = None
    if pledged_before:
        earlier = pledge_in_status(
            Status.LAPSED, agency=agency, approved_at=timezone.now() - datetime.timedelta(days=900)
        )
    pledge = pledge_in_status(from_status, agency=agency, deadline=today() - datetime.timedelta(days=1))
    perform, to_status = ACTIONS[action]

    perform(pledge, reviewer)

    if to_status in Pledge.PUBLIC_STATUSES:
        assert roster_entry(agency) == entry_of(pledge)
    elif earlier:
        assert roster_entry(agency) == entry_of(earlier)
    else:
        assert roster_entry(agency) == NOT_ON_ROSTER


def test_a_pledge_joins_the_roster_when_approved_and_a_new_one_replaces_the_lapsed_one_then(reviewer):
    first = submit()
    assert roster_entry(first.agency) == NOT_ON_ROSTER
    _verify_email(first, reviewer)
    services.pledge_approve(pledge=first, actor=reviewer)
    assert roster_entry(first.agency) == entry_of(first)
    Pledge.objects.filter(pk=first.pk).update(deadline=today() - datetime.timedelta(days=1))
    services.pledge_mark_lapsed(pledge=first)

    second = submit()  # The agency pledges again: the lapsed pledge stays on the roster meanwhile.
    _verify_email(second, reviewer)
    assert second.agency == first.agency
    assert roster_entry(first.agency) == entry_of(first)
    assert roster_entry(first.agency)[1] == Status.LAPSED
    services.pledge_approve(pledge=second, actor=reviewer)
    assert roster_entry(first.agency) == entry_of(second)


def test_saving_an_agency_loaded_before_a_status_change_keeps_its_roster_entry(reviewer):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)
    agency = Agency.objects.get(pk=pledge.agency_id)  # Loaded while not on the roster.
    services.pledge_approve(pledge=pledge, actor=reviewer)

    agency.sworn_officers = 250
    agency.save()

    assert roster_entry(agency) == entry_of(pledge)
    assert Agency.objects.get(pk=agency.pk).sworn_officers == 250


def test_the_demo_agencies_are_on_the_roster_with_their_pledges():
    services.load_demo_pledges()

    for agency in Agency.objects.all():
        public = agency.pledges.filter(status__in=Pledge.PUBLIC_STATUSES).first()
        assert roster_entry(agency) == (entry_of(public) if public else NOT_ON_ROSTER)
    assert Agency.objects.filter(roster_pledge__isnull=False).count() == 6


def test_the_migration_fills_every_agencys_roster_entry():
    lapsed_then_approved = pledge_in_status(Status.LAPSED, approved_at=timezone.now() - datetime.timedelta(days=900))
    current = pledge_in_status(Status.APPROVED, agency=lapsed_then_approved.agency)
    completed = pledge_in_status(Status.COMPLETED)
    in_review = pledge_in_status(Status.EMAIL_VERIFIED)
    Agency.objects.update(roster_pledge=None, roster_status="", roster_approved_at=None)

    run_data_migration("pledges.migrations.0005_agency_roster_entry", "fill_roster_entries")

    assert roster_entry(current.agency) == entry_of(current)
    assert roster_entry(completed.agency) == entry_of(completed)
    assert roster_entry(in_review.agency) == NOT_ON_ROSTER


# --- Progress reports -----------------------------------------------------------------------------------------


def test_every_report_is_kept_and_the_latest_values_are_current():
    pledge = approved_pledge()
    first = report(pledge, Practice.CIT, sworn_trained=5, non_sworn_trained=1, note="First academy class.")
    second = report(pledge, Practice.CIT, sworn_trained=12)
    assert list(ProgressReport.objects.filter(pledge=pledge).order_by("pk")) == [first, second]
    assert (first.sworn_trained, first.note, first.reported_by_label) == (5, "First academy class.", ACTOR_CONTACT)
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.CIT)
    assert (progress.sworn_trained, progress.non_sworn_trained) == (12, 0)
    assert progress.last_reported_at == second.created_at


def test_staff_may_report_on_an_agencys_behalf(reviewer):
    entry = services.pledge_record_progress(
        pledge=approved_pledge(), practice=Practice.POLICY, policy_adopted_on=today(), reported_by=reviewer
    )
    assert (entry.reported_by, entry.reported_by_label) == (reviewer, "reviewer")


def test_a_report_takes_only_its_practices_values():
    with pytest.raises(TypeError, match="sworn_trained do not belong"):
        report(approved_pledge(), Practice.POLICY, policy_adopted_on=today(), sworn_trained=3)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.EMAIL_VERIFIED, Status.COMPLETED, Status.WITHDRAWN])
def test_progress_is_reported_only_on_approved_or_lapsed_pledges(status):
    with pytest.raises(ValidationError) as caught:
        report(pledge_in_status(status), Practice.CIT, sworn_trained=1)
    assert caught.value.code == "not_reporting"
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("practice", "values"),
    [(Practice.PARTNERSHIP, {"partner_organizations": " \n "}), (Practice.POLICY, {})],
)
def test_an_empty_report_is_refused(practice, values):
    with pytest.raises(ValidationError) as caught:
        report(approved_pledge(), practice, **values)
    assert caught.value.code == "empty_report"


def test_a_note_alone_is_a_report():
    entry = report(approved_pledge(), Practice.PARTNERSHIP, note="Meeting the county crisis centre next month.")
    assert entry.note == "Meeting the county crisis centre next month."


def test_a_lapsed_pledge_may_still_report():
    assert report(pledge_in_status(Status.LAPSED), Practice.CIT, sworn_trained=1).pk


@pytest.mark.parametrize(
    ("practice", "values", "field", "message"),
    [
        (Practice.CIT, {"sworn_trained": 101}, "sworn_trained", "more than the agency’s 100 sworn officers"),
        (Practice.CIT, {}, "sworn_trained", "Enter the number of sworn officers trained"),
        (Practice.MHFA, {"sworn_trained": 1, "non_sworn_trained": 21}, "non_sworn_trained", "20 non-sworn staff"),
        (Practice.POLICY, {"policy_adopted_on": datetime.date(2999, 1, 1)}, "policy_adopted_on", "in the future"),
    ],
)
def test_impossible_reports_are_refused_and_not_kept(practice, values, field, message):
    pledge = approved_pledge()
    with pytest.raises(ValidationError) as caught:
        report(pledge, practice, **values)
    assert message in caught.value.message_dict[field][0]
    assert not ProgressReport.objects.exists()


def test_evidence_is_kept_privately_and_a_report_without_a_document_keeps_the_last_one():
    pledge = approved_pledge()
    first = report(
        pledge,
        Practice.PARTNERSHIP,
        partner_organizations="Riverside Mental Health\n\n  Crisis Line  ",
        agreement_date=today(),
        agreement_document=SimpleUploadedFile("mou.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    assert first.agreement_document.name.startswith(f"private/pledges/{pledge.pk}/partnership/")
    assert first.partner_organizations == "Riverside Mental Health\nCrisis Line"
    report(pledge, Practice.PARTNERSHIP, partner_organizations="Riverside Mental Health", agreement_date=today())
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.PARTNERSHIP)
    assert progress.agreement_document.name == first.agreement_document.name
    assert progress.partner_list() == ["Riverside Mental Health"]


def test_a_document_that_is_not_what_it_claims_is_refused():
    pledge = approved_pledge()
    with pytest.raises(ValidationError) as caught:
        report(
            pledge,
            Practice.POLICY,
            policy_adopted_on=today(),
            policy_document=SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
        )
    assert "policy_document" in caught.value.message_dict
    assert not ProgressReport.objects.exists()


def test_a_policy_may_point_to_a_published_catalog_resource():
    resource = ResourceFactory(title="Model policy: responding to persons in crisis")
    entry = report(approved_pledge(), Practice.POLICY, policy_adopted_on=today(), policy_resource=resource)
    assert PracticeProgress.objects.get(pk=entry.pledge.progress_for(Practice.POLICY).pk).policy_resource == resource


def test_a_practice_reported_met_is_sent_to_the_reviewers(mailoutbox, commit, reviewer):
    pledge = approved_pledge()
    with commit():
        report(pledge, Practice.CIT, sworn_trained=19)
    assert mailoutbox == []
    with commit():
        report(pledge, Practice.CIT, sworn_trained=20)
    [email] = mailoutbox
    assert email.to == ["reviewer@clearinghouse.example.org"]
    assert email.subject.startswith("Practice ready to verify: Crisis Intervention Team (CIT) training")
    assert "20 of 100 sworn officers trained (20.0%)" in email.body


def test_a_report_that_makes_a_verified_practice_unmet_clears_its_verification(reviewer):
    pledge = approved_pledge()
    report(pledge, Practice.CIT, sworn_trained=25)
    services.practice_verify(pledge=pledge, practice=Practice.CIT, actor=reviewer)
    still_met = report(pledge, Practice.CIT, sworn_trained=22)
    assert not still_met.cleared_verification
    assert PracticeProgress.objects.get(pledge=pledge, practice=Practice.CIT).verified_at is not None
    unmet = report(pledge, Practice.CIT, sworn_trained=15, note="Officers left.")
    assert unmet.cleared_verification
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.CIT)
    assert (progress.verified_at, progress.verified_by) == (None, None)


def test_fewer_cit_officers_can_unverify_mhfa_under_the_combined_rule(settings, reviewer):
    settings.ONE_MIND_MHFA_RULE = "combined"
    pledge = approved_pledge()
    report(pledge, Practice.CIT, sworn_trained=20)
    report(pledge, Practice.MHFA, sworn_trained=80)
    services.practice_verify(pledge=pledge, practice=Practice.MHFA, actor=reviewer)
    entry = report(pledge, Practice.CIT, sworn_trained=10)
    assert entry.cleared_verification
    assert PracticeProgress.objects.get(pledge=pledge, practice=Practice.MHFA).verified_at is None


# --- Verification and completion --------------------------------------------------------------------------------


def test_an_unmet_practice_cannot_be_verified(reviewer):
    pledge = approved_pledge()
    report(pledge, Practice.CIT, sworn_trained=19)
    with pytest.raises(ValidationError) as caught:
        services.practice_verify(pledge=pledge, practice=Practice.CIT, actor=reviewer)
    assert caught.value.code == "practice_not_met"
    assert "19 of 100 sworn officers trained (19.0%)" in caught.value.messages[0]


def test_a_practice_is_verified_once(reviewer):
    pledge = approved_pledge()
    report(pledge, Practice.POLICY, policy_adopted_on=today())
    progress = services.practice_verify(pledge=pledge, practice=Practice.POLICY, actor=reviewer)
    assert (progress.verified_by, progress.is_verified) == (reviewer, True)
    with pytest.raises(ValidationError) as caught:
        services.practice_verify(pledge=pledge, practice=Practice.POLICY, actor=reviewer)
    assert caught.value.code == "already_verified"


def test_practices_are_verified_only_on_approved_pledges(reviewer):
    with pytest.raises(ValidationError) as caught:
        services.practice_verify(pledge=pledge_in_status(Status.LAPSED), practice=Practice.POLICY, actor=reviewer)
    assert caught.value.code == "not_approved"


@pytest.mark.parametrize(("rule", "verifiable"), [("combined", True), ("mhfa_only", False)])
def test_the_mhfa_rule_in_force_decides_verification(settings, reviewer, rule, verifiable):
    settings.ONE_MIND_MHFA_RULE = rule
    pledge = approved_pledge()
    report(pledge, Practice.CIT, sworn_trained=20)
    report(pledge, Practice.MHFA, sworn_trained=80)
    if verifiable:
        services.practice_verify(pledge=pledge, practice=Practice.MHFA, actor=reviewer)
    else:
        with pytest.raises(ValidationError, match="not met yet"):
            services.practice_verify(pledge=pledge, practice=Practice.MHFA, actor=reviewer)


def test_verifying_the_fourth_practice_completes_the_pledge(mailoutbox, commit, reviewer, deliver_mail):
    pledge = approved_pledge()
    meet_all_practices(pledge)
    for practice in (Practice.PARTNERSHIP, Practice.POLICY, Practice.CIT):
        services.practice_verify(pledge=pledge, practice=practice, actor=reviewer)
        assert Pledge.objects.get(pk=pledge.pk).status == Status.APPROVED
    deliver_mail()
    mailoutbox.clear()  # the reviewers' notes on practices met
    with commit():
        services.practice_verify(pledge=pledge, practice=Practice.MHFA, actor=reviewer)
    pledge.refresh_from_db()
    assert pledge.status == Status.COMPLETED
    assert pledge.completed_at is not None
    transition = pledge.transitions.get(to_status=Status.COMPLETED)
    assert (transition.actor, transition.reason) == (reviewer, "All four practices verified.")
    [email] = mailoutbox
    assert email.to == [pledge.contact_email]
    assert email.subject.startswith("Congratulations")


def test_completion_happens_in_the_same_transaction_as_the_last_verification(monkeypatch, reviewer):
    pledge = approved_pledge()
    meet_all_practices(pledge)
    for practice in (Practice.PARTNERSHIP, Practice.POLICY, Practice.CIT):
        services.practice_verify(pledge=pledge, practice=practice, actor=reviewer)

    def fail(*args, **kwargs):
        raise RuntimeError("mail server down while rendering")

    monkeypatch.setattr("pledges.emails.completed_message", fail)
    with pytest.raises(RuntimeError):
        services.practice_verify(pledge=pledge, practice=Practice.MHFA, actor=reviewer)
    assert Pledge.objects.get(pk=pledge.pk).status == Status.APPROVED
    assert PracticeProgress.objects.get(pledge=pledge, practice=Practice.MHFA).verified_at is None


# --- Reminders and lapsing --------------------------------------------------------------------------------------


def test_reminders_go_ninety_and_thirty_days_before_the_deadline_once_each(mailoutbox, deliver_mail):
    deadline = today() + datetime.timedelta(days=120)
    pledge = approved_pledge(deadline=deadline)
    assert services.send_deadline_reminders(today=deadline - datetime.timedelta(days=91)).sent == []
    run = services.send_deadline_reminders(today=deadline - datetime.timedelta(days=90))
    assert [(sent.pk, days) for sent, days in run.sent] == [(pledge.pk, 90)]
    assert services.send_deadline_reminders(today=deadline - datetime.timedelta(days=89)).sent == []
    assert services.send_deadline_reminders(today=deadline - datetime.timedelta(days=30)).sent[0][1] == 30
    assert services.send_deadline_reminders(today=deadline - datetime.timedelta(days=30)).sent == []
    assert services.send_deadline_reminders(today=deadline).sent == []
    deliver_mail()
    assert [email.subject for email in mailoutbox] == [
        f"90 days left: One Mind pledge of {pledge.agency.name}",
        f"30 days left: One Mind pledge of {pledge.agency.name}",
    ]
    assert mailoutbox[0].to == [pledge.contact_email]
    assert "Practices not yet verified:" in mailoutbox[0].body
    assert tokens.read_progress_token(token_in(mailoutbox[0].body, "progress")) == pledge


def test_a_late_first_run_sends_only_the_closest_reminder(mailoutbox, deliver_mail):
    deadline = today() + datetime.timedelta(days=20)
    pledge = approved_pledge(deadline=deadline)
    run = services.send_deadline_reminders(today=today())
    assert [days for _pledge, days in run.sent] == [30]
    assert services.send_deadline_reminders(today=today()).sent == []
    deliver_mail()
    assert len(mailoutbox) == 1
    assert set(DeadlineReminder.objects.filter(pledge=pledge).values_list("days_before", "was_sent")) == {
        (90, False),
        (30, True),
    }


def test_reminders_are_due_again_after_an_extension(mailoutbox, reviewer, deliver_mail):
    pledge = approved_pledge(deadline=today() + datetime.timedelta(days=25))
    services.send_deadline_reminders(today=today())
    new_deadline = today() + datetime.timedelta(days=100)
    services.pledge_extend_deadline(pledge=pledge, actor=reviewer, new_deadline=new_deadline, reason="More time.")
    deliver_mail()
    mailoutbox.clear()
    assert services.send_deadline_reminders(today=today()).sent == []
    for days_before in (90, 30):
        run = services.send_deadline_reminders(today=new_deadline - datetime.timedelta(days=days_before))
        assert [days for _pledge, days in run.sent] == [days_before]
    deliver_mail()
    assert len(mailoutbox) == 2


def test_only_approved_pledges_get_reminders(mailoutbox):
    soon = today() + datetime.timedelta(days=10)
    for status in (Status.COMPLETED, Status.WITHDRAWN, Status.LAPSED):
        pledge_in_status(status, deadline=soon)
    assert services.send_deadline_reminders(today=today()).sent == []
    assert mailoutbox == []


def test_a_reminder_that_fails_to_send_is_retried_next_run(monkeypatch, mailoutbox):
    pledge = approved_pledge(deadline=today() + datetime.timedelta(days=30))
    healthy = approved_pledge(deadline=today() + datetime.timedelta(days=30))
    real_send = EmailMultiAlternatives.send

    def flaky_send(message, *args, **kwargs):
        if message.to == [pledge.contact_email]:
            raise ConnectionError("SMTP unavailable")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)
    run = services.send_deadline_reminders(today=today())
    assert [(sent.pk, days) for sent, days in run.sent] == [(healthy.pk, 30)]
    assert [(failed.pk, days) for failed, days, _error in run.failed] == [(pledge.pk, 30)]
    assert not DeadlineReminder.objects.filter(pledge=pledge).exists()
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    retry = services.send_deadline_reminders(today=today())
    assert [(sent.pk, days) for sent, days in retry.sent] == [(pledge.pk, 30)]


def test_overdue_pledges_lapse_once(mailoutbox, commit):
    overdue = approved_pledge(deadline=today() - datetime.timedelta(days=1))
    due_today = approved_pledge(deadline=today())
    completed = pledge_in_status(Status.COMPLETED, deadline=today() - datetime.timedelta(days=5))
    with commit():
        run = services.lapse_overdue_pledges(today=today())
    assert [pledge.pk for pledge in run.lapsed] == [overdue.pk]
    assert run.failed == []
    assert Pledge.objects.get(pk=due_today.pk).status == Status.APPROVED
    assert Pledge.objects.get(pk=completed.pk).status == Status.COMPLETED
    assert Pledge.objects.get(pk=overdue.pk).status == Status.LAPSED
    assert [email.to for email in mailoutbox] == [[overdue.contact_email]]
    assert services.lapse_overdue_pledges(today=today()).lapsed == []


# --- Demonstration data ------------------------------------------------------------------------------------------


def test_demo_pledges_load_once_across_statuses():
    assert services.load_demo_pledges() == len(services.DEMO_AGENCIES)
    assert services.load_demo_pledges() == 0
    assert Agency.objects.count() == len(services.DEMO_AGENCIES) >= 8
    assert all(agency.is_demo and agency.name.startswith("Demo: ") for agency in Agency.objects.all())
    assert all(pledge.is_demo for pledge in Pledge.objects.all())
    assert set(Pledge.objects.values_list("status", flat=True)) >= {
        Status.SUBMITTED,
        Status.EMAIL_VERIFIED,
        Status.APPROVED,
        Status.COMPLETED,
        Status.LAPSED,
    }
    assert len(set(Agency.objects.values_list("state", flat=True))) >= 6
    for pledge in Pledge.objects.prefetch_related("practices", "transitions"):
        assert pledge.practices.count() == 4
        assert pledge.transitions.last().to_status == pledge.status
        for progress in pledge.practices.all():
            assert not progress.verified_at or progress.is_met
        if pledge.status == Status.COMPLETED:
            assert pledge.all_practices_verified
