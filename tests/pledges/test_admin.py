"""The pledge admin: review queue, changelist, change page, workflow buttons and intermediate pages, agencies.

Every status change in these tests goes through a button or action, which calls
pledges.services; the tests check what staff see and what the data becomes.
"""

import contextlib
import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges import tokens
from pledges.models import Agency, DeadlineExtension, Pledge, PledgeTransition, PracticeProgress, ProgressReport
from pledges.tokens import LinkRevoked
from tests.pledges.factories import AgencyFactory, pledge_in_status

pytestmark = pytest.mark.django_db

Status = Pledge.Status
CHANGELIST = reverse("admin:pledges_pledge_changelist")
REVIEW_QUEUE = reverse("admin:pledges_pledgeawaitingreview_changelist")
AGENCIES = reverse("admin:pledges_agency_changelist")
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def change_url(pledge):
    return reverse("admin:pledges_pledge_change", args=[pledge.pk])


def workflow_url(name, pledge, query=""):
    return reverse(f"admin:pledges_pledge_{name}", args=[pledge.pk]) + query


def reject_url(*pledges):
    return reverse("admin:pledges_pledge_reject") + "?ids=" + ",".join(str(pledge.pk) for pledge in pledges)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def today():
    return timezone.localdate()


@pytest.fixture
def commit(django_capture_on_commit_callbacks, deliver_mail):
    """`with commit():` runs the on-commit callbacks as a real commit would, then the mail worker delivers."""

    @contextlib.contextmanager
    def committing():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        deliver_mail()

    return committing


MET_VALUES = {
    Practice.PARTNERSHIP: {
        "partner_organizations": "Riverside Mental Health",
        "agreement_date": datetime.date(2025, 1, 5),
    },
    Practice.POLICY: {"policy_adopted_on": datetime.date(2025, 2, 1)},
    Practice.CIT: {"sworn_trained": 20},  # 20 of 100 sworn officers: the 20% target
    Practice.MHFA: {"sworn_trained": 80},  # with the 20 CIT-trained, 100% (the combined rule)
}


def meet(pledge, *practices):
    """Give practices reported values that meet them (as pledge_record_progress would leave them)."""
    for practice in practices:
        PracticeProgress.objects.filter(pledge=pledge, practice=practice).update(
            last_reported_at=timezone.now(), **MET_VALUES[practice]
        )


def mark_verified(pledge, *practices):
    PracticeProgress.objects.filter(pledge=pledge, practice__in=practices).update(verified_at=timezone.now())


def run_action(client, url, action, pledges, **extra):
    data = {"action": action, "_selected_action": [pledge.pk for pledge in pledges], **extra}
    return client.post(url, data, follow=True)


# --- The review queue ----------------------------------------------------------------------------------


def test_the_review_queue_lists_confirmed_pledges_oldest_first_linking_to_the_pledge(admin_client):
    newer = pledge_in_status(Status.EMAIL_VERIFIED, agency=AgencyFactory(name="Newer Police Department"))
    older = pledge_in_status(Status.EMAIL_VERIFIED, agency=AgencyFactory(name="Older Police Department"))
    Pledge.objects.filter(pk=older.pk).update(email_verified_at=timezone.now() - datetime.timedelta(days=9))
    pledge_in_status(Status.SUBMITTED, agency=AgencyFactory(name="Unconfirmed Police Department"))
    pledge_in_status(Status.APPROVED, agency=AgencyFactory(name="Approved Police Department"))

    response = admin_client.get(REVIEW_QUEUE)

    assert response.status_code == 200
    assert [pledge.pk for pledge in response.context["cl"].result_list] == [older.pk, newer.pk]
    page = text_of(response)
    assert "9 days" in page
    assert f'href="{change_url(older)}"' in page
    assert "Unconfirmed Police Department" not in page


# Session, user, the count, the rows with their agencies, the region filter's choices.
QUERIES_FOR_REVIEW_QUEUE = 5


def test_the_review_queue_issues_the_same_number_of_queries_for_3_or_30_pledges(
    admin_client, django_assert_num_queries
):
    for _ in range(3):
        pledge_in_status(Status.EMAIL_VERIFIED)
    admin_client.get(REVIEW_QUEUE)  # warm caches (content types)

    with django_assert_num_queries(QUERIES_FOR_REVIEW_QUEUE):
        admin_client.get(REVIEW_QUEUE)
    for _ in range(27):
        pledge_in_status(Status.EMAIL_VERIFIED)
    with django_assert_num_queries(QUERIES_FOR_REVIEW_QUEUE):
        response = admin_client.get(REVIEW_QUEUE)

    assert response.context["cl"].result_count == 30


def test_the_review_queue_is_on_the_admin_index(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert "Pledges awaiting review" in text_of(response)


def test_the_review_queue_row_address_opens_the_pledge_change_page(admin_client):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)

    response = admin_client.get(reverse("admin:pledges_pledgeawaitingreview_change", args=[pledge.pk]))

    assert response.status_code == 302
    assert response["Location"] == change_url(pledge)


def test_approving_from_the_review_queue_emails_each_contact(admin_client, commit, mailoutbox):
    pledges = [pledge_in_status(Status.EMAIL_VERIFIED) for _ in range(2)]

    with commit():
        response = run_action(admin_client, REVIEW_QUEUE, "approve_selected", pledges)

    assert messages_of(response) == [
        "2 pledges approved; an email with the private progress link is queued for each contact."
    ]
    assert {pledge.status for pledge in Pledge.objects.all()} == {Status.APPROVED}
    assert sorted(message.to[0] for message in mailoutbox) == sorted(pledge.contact_email for pledge in pledges)
    assert response.context["cl"].result_count == 0


def test_rejecting_from_the_review_queue_asks_for_a_reason_and_returns_to_the_queue(admin_client):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)

    response = run_action(admin_client, REVIEW_QUEUE, "reject_selected", [pledge])

    assert response.redirect_chain[0][0].startswith(reverse("admin:pledges_pledge_reject"))
    assert response.context["title"] == "Reject pledge"
    form_page = response.redirect_chain[0][0]
    response = admin_client.post(form_page, {"reason": "Not a law enforcement agency."})
    assert response.status_code == 302
    assert response["Location"] == REVIEW_QUEUE
    pledge.refresh_from_db()
    assert pledge.status == Status.REJECTED


# --- The changelist ----------------------------------------------------------------------------------------


def test_the_changelist_shows_agency_state_status_deadline_and_practices_verified(admin_client):
    pledge = pledge_in_status(
        Status.APPROVED,
        agency=AgencyFactory(name="Springfield Police Department", state="IL"),
        deadline=today() + datetime.timedelta(days=45),
        is_demo=True,
    )
    mark_verified(pledge, Practice.PARTNERSHIP, Practice.POLICY)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    page = text_of(response)
    assert "Springfield Police Department" in page
    assert "Illinois" in page
    assert f"{pledge.deadline:%Y-%m-%d} (45 days left)" in page
    assert "2/4" in page
    assert "Searches agency names, ORIs, cities and contact email addresses." in page
    assert "Export these pledges (CSV)" in page


# Session, user, the count of filtered rows, the rows (with agency and practices-verified
# subquery), and the region filter's choices.
QUERIES_FOR_CHANGELIST = 5


def test_the_changelist_issues_the_same_number_of_queries_for_5_or_40_pledges(admin_client, django_assert_num_queries):
    for status in (Status.APPROVED, Status.COMPLETED, Status.EMAIL_VERIFIED, Status.LAPSED, Status.SUBMITTED):
        mark_verified(pledge_in_status(status), Practice.CIT)
    admin_client.get(CHANGELIST)  # warm caches (content types)

    with django_assert_num_queries(QUERIES_FOR_CHANGELIST):
        admin_client.get(CHANGELIST)
    for _ in range(35):
        mark_verified(pledge_in_status(Status.APPROVED), Practice.CIT, Practice.MHFA)
    with django_assert_num_queries(QUERIES_FOR_CHANGELIST):
        response = admin_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 40


@pytest.fixture
def assorted_pledges():
    soon = pledge_in_status(
        Status.APPROVED,
        agency=AgencyFactory(
            name="Soon PD", state="IL", agency_type=Agency.AgencyType.MUNICIPAL_POLICE, ori="IL0840000"
        ),
        deadline=today() + datetime.timedelta(days=30),
    )
    later = pledge_in_status(
        Status.APPROVED,
        agency=AgencyFactory(name="Later SO", state="CA", agency_type=Agency.AgencyType.SHERIFF, city="Riverside"),
        deadline=today() + datetime.timedelta(days=300),
    )
    overdue = pledge_in_status(
        Status.APPROVED,
        agency=AgencyFactory(name="Overdue PD", state="IL"),
        deadline=today() - datetime.timedelta(days=3),
    )
    lapsed = pledge_in_status(Status.LAPSED, agency=AgencyFactory(name="Lapsed PD", state="NH"))
    completed = pledge_in_status(
        Status.COMPLETED,
        agency=AgencyFactory(name="Done PD", state="MN"),
        deadline=today() - datetime.timedelta(days=9),
    )
    canadian = pledge_in_status(
        Status.SUBMITTED,
        agency=AgencyFactory(name="Northshore Police Service", country="CA", state="Ontario"),
        is_demo=True,
        contact_email="pat@northshore.example.ca",
    )
    return {
        "soon": soon,
        "later": later,
        "overdue": overdue,
        "lapsed": lapsed,
        "completed": completed,
        "canadian": canadian,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status__exact=approved", {"Soon PD", "Later SO", "Overdue PD"}),
        ("?deadline=soon", {"Soon PD"}),
        ("?deadline=overdue", {"Overdue PD", "Lapsed PD"}),
        ("?region=US:IL", {"Soon PD", "Overdue PD"}),
        ("?region=CA:Ontario", {"Northshore Police Service"}),
        ("?agency__agency_type__exact=sheriff", {"Later SO"}),
        ("?demo=yes", {"Northshore Police Service"}),
        ("?demo=no", {"Soon PD", "Later SO", "Overdue PD", "Lapsed PD", "Done PD"}),
        ("?q=soon", {"Soon PD"}),
        ("?q=IL0840000", {"Soon PD"}),
        ("?q=riverside", {"Later SO"}),
        ("?q=pat@northshore", {"Northshore Police Service"}),
    ],
)
def test_the_changelist_filters_and_search(admin_client, assorted_pledges, query, expected):
    response = admin_client.get(CHANGELIST + query)

    assert {pledge.agency.name for pledge in response.context["cl"].result_list} == expected


def test_the_deadline_column_says_how_the_deadline_stands(admin_client, assorted_pledges):
    page = text_of(admin_client.get(CHANGELIST))

    assert "(30 days left)" in page
    assert "(3 days overdue)" in page
    assert f"{assorted_pledges['lapsed'].deadline:%Y-%m-%d} (lapsed)" in page


@pytest.mark.parametrize("query", ["?deadline=tomorrow", "?region=Illinois", "?demo=maybe"])
def test_a_nonsense_filter_value_does_not_break_the_changelist(admin_client, query):
    pledge_in_status(Status.APPROVED)

    response = admin_client.get(CHANGELIST + query)

    assert response.status_code == 302
    assert "e=1" in response["Location"]


def test_pledges_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:pledges_pledge_add")).status_code == 403


# --- The change page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_the_change_page_opens_in_every_status(admin_client, status):
    pledge = pledge_in_status(status)

    response = admin_client.get(change_url(pledge))

    assert response.status_code == 200
    assert f"Workflow: {pledge.get_status_display().lower()}" in text_of(response)


def test_the_change_page_shows_agency_contact_practices_history_extensions_and_reports(admin_client):
    pledge = pledge_in_status(
        Status.APPROVED, agency=AgencyFactory(name="Springfield Police Department", ori="IL0840000")
    )
    meet(pledge, Practice.CIT)
    mark_verified(pledge, Practice.CIT)
    DeadlineExtension.objects.create(
        pledge=pledge,
        previous_deadline=pledge.deadline - datetime.timedelta(days=30),
        new_deadline=pledge.deadline,
        actor_label="reviewer",
        reason="Training courses were cancelled by the provider.",
    )
    ProgressReport.objects.create(
        pledge=pledge,
        practice=Practice.CIT,
        sworn_trained=20,
        note="Spring academy class.",
        reported_by_label="agency contact",
    )

    response = admin_client.get(change_url(pledge))

    page = text_of(response)
    assert reverse("admin:pledges_agency_change", args=[pledge.agency.pk]) in page
    assert "IL0840000" in page
    assert pledge.contact_email in page
    assert "Crisis Intervention Team (CIT) training" in page
    assert "20 of 100 sworn officers trained (20.0%); target 20%" in page
    assert "Training courses were cancelled by the provider." in page
    assert "Spring academy class." in page
    assert "Status history" in page
    # Status is shown, never a form field.
    assert 'name="status"' not in page
    assert "status" not in response.context["adminform"].form.fields


# The session, the user, the pledge with its agency, the workflow panel's pledge and practices (2),
# the practices inline (2: its rows, then their pledge's practices for the MHFA rule, once), and
# one query each for the status history, deadline extensions and progress reports.
QUERIES_FOR_CHANGE_PAGE = 10


def test_the_change_page_query_count_does_not_grow_with_history(admin_client, django_assert_num_queries):
    pledge = pledge_in_status(Status.APPROVED)
    admin_client.get(change_url(pledge))  # warm caches (content types)

    with django_assert_num_queries(QUERIES_FOR_CHANGE_PAGE):
        admin_client.get(change_url(pledge))
    for number in range(15):
        ProgressReport.objects.create(
            pledge=pledge, practice=Practice.CIT, sworn_trained=number, reported_by_label="agency contact"
        )
        PledgeTransition.objects.create(pledge=pledge, from_status="", to_status=Status.SUBMITTED, actor_label="test")
    with django_assert_num_queries(QUERIES_FOR_CHANGE_PAGE):
        response = admin_client.get(change_url(pledge))

    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][-1].formset.forms) == 15


def test_posting_a_status_on_the_change_form_does_not_change_it(admin_client):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)
    data = {
        "target_months": 24,
        "chief_executive_name": "Jordan Rivera",
        "chief_executive_title": "Chief of Police",
        "contact_name": "Casey Morgan",
        "contact_title": "Coordinator",
        "contact_email": pledge.contact_email,
        "contact_phone": "217-555-0100",
        "status": Status.APPROVED,
        "_save": "Save",
    }
    for prefix in ("practices", "transitions", "deadline_extensions", "progress_reports"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = admin_client.post(change_url(pledge), {**data, "chief_executive_name": "Jordan Rivera-Lee"})

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.chief_executive_name == "Jordan Rivera-Lee"
    assert pledge.status == Status.EMAIL_VERIFIED


def test_correcting_the_email_of_an_unconfirmed_pledge_sends_a_new_link_and_revokes_the_old(
    admin_client, commit, mailoutbox
):
    pledge = pledge_in_status(Status.SUBMITTED, contact_email="casey@typo.example.org")
    old_token = tokens.make_verification_token(pledge)
    data = {
        "target_months": 24,
        "chief_executive_name": pledge.chief_executive_name,
        "chief_executive_title": pledge.chief_executive_title,
        "contact_name": pledge.contact_name,
        "contact_title": pledge.contact_title,
        "contact_email": "casey@springfield.example.org",
        "contact_phone": pledge.contact_phone,
        "_save": "Save",
    }
    for prefix in ("practices", "transitions", "deadline_extensions", "progress_reports"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    with commit():
        response = admin_client.post(change_url(pledge), data, follow=True)

    assert "An email with a new verification link is queued for the new address" in " ".join(messages_of(response))
    assert [message.to for message in mailoutbox] == [["casey@springfield.example.org"]]
    with pytest.raises(LinkRevoked):
        tokens.read_verification_token(old_token)


# --- Decisions ---------------------------------------------------------------------------------------------


def test_approving_from_the_change_page_sets_the_deadline_and_emails_the_contact(admin_client, commit, mailoutbox):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)

    with commit():
        response = admin_client.post(workflow_url("approve", pledge), follow=True)

    pledge.refresh_from_db()
    assert pledge.status == Status.APPROVED
    assert pledge.deadline is not None
    assert pledge.transitions.last().actor.username == "admin"
    assert messages_of(response) == [
        f"“{pledge.agency.name}” was approved; an email with the progress link is queued for its contact."
    ]
    assert [message.to for message in mailoutbox] == [[pledge.contact_email]]


def test_state_changes_refuse_get(admin_client):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)

    for name in ("approve", "mark_lapsed", "reissue_progress_link", "reissue_verification_link", "verify_practice"):
        assert admin_client.get(workflow_url(name, pledge)).status_code == 405
    pledge.refresh_from_db()
    assert pledge.status == Status.EMAIL_VERIFIED


def test_a_refused_transition_is_an_error_message_not_a_500(admin_client):
    pledge = pledge_in_status(Status.SUBMITTED)

    response = admin_client.post(workflow_url("approve", pledge), follow=True)

    assert response.status_code == 200
    assert messages_of(response) == ["A pledge that is submitted cannot be approved."]
    pledge.refresh_from_db()
    assert pledge.status == Status.SUBMITTED


def test_the_bulk_approve_action_approves_what_it_can_and_says_why_not_for_the_rest(admin_client):
    ready = pledge_in_status(Status.EMAIL_VERIFIED)
    unconfirmed = pledge_in_status(Status.SUBMITTED, agency=AgencyFactory(name="Unconfirmed PD"))

    response = run_action(admin_client, CHANGELIST, "approve_selected", [ready, unconfirmed])

    assert messages_of(response) == [
        "“Unconfirmed PD” was not approved: A pledge that is submitted cannot be approved.",
        "1 pledge approved; an email with the private progress link is queued for each contact.",
    ]
    ready.refresh_from_db()
    unconfirmed.refresh_from_db()
    assert (ready.status, unconfirmed.status) == (Status.APPROVED, Status.SUBMITTED)


def test_the_reject_page_lists_the_pledges_and_needs_a_reason(admin_client):
    pledges = [pledge_in_status(Status.EMAIL_VERIFIED, agency=AgencyFactory(name=f"Agency {n}")) for n in range(2)]
    approved = pledge_in_status(Status.APPROVED, agency=AgencyFactory(name="Approved Agency"))

    response = run_action(admin_client, CHANGELIST, "reject_selected", [*pledges, approved])

    page = text_of(response)
    assert response.context["title"] == "Reject 3 pledges"
    assert "Agency 0" in page
    assert "Agency 1" in page
    assert "Approved Agency" in page
    assert "Approved Agency</a> (Illinois): approved" in page
    assert "not possible (the pledge is approved); it will be left as it is." in page
    assert 'name="csrfmiddlewaretoken"' in page

    response = admin_client.post(response.redirect_chain[-1][0], {"reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Give a reason. It is recorded with the change."]}
    assert {pledge.status for pledge in Pledge.objects.filter(pk__in=[p.pk for p in pledges])} == {
        Status.EMAIL_VERIFIED
    }


def test_rejecting_records_the_reason_emails_the_contact_and_reports_refusals(admin_client, commit, mailoutbox):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)
    approved = pledge_in_status(Status.APPROVED, agency=AgencyFactory(name="Approved Agency"))

    with commit():
        response = admin_client.post(
            reject_url(pledge, approved), {"reason": "Not a law enforcement agency."}, follow=True
        )

    assert messages_of(response) == [
        "“Approved Agency” was not rejected: A pledge that is approved cannot be rejected.",
        "1 pledge rejected.",
    ]
    pledge.refresh_from_db()
    assert pledge.status == Status.REJECTED
    assert pledge.rejection_reason == "Not a law enforcement agency."
    assert [message.to for message in mailoutbox] == [[pledge.contact_email]]
    assert "Not a law enforcement agency." in mailoutbox[0].body


def test_rejecting_one_pledge_returns_to_its_page(admin_client):
    pledge = pledge_in_status(Status.SUBMITTED)

    response = admin_client.post(reject_url(pledge), {"reason": "Duplicate submission."})

    assert response["Location"] == change_url(pledge)


def test_the_reject_page_ignores_an_offsite_next_address(admin_client):
    pledge = pledge_in_status(Status.SUBMITTED)

    response = admin_client.post(reject_url(pledge) + "&next=https://evil.example.com/", {"reason": "Spam."})

    assert response["Location"] == change_url(pledge)


def test_the_reject_page_without_pledges_goes_back(admin_client):
    response = admin_client.get(reverse("admin:pledges_pledge_reject") + "?ids=999999,abc", follow=True)

    assert messages_of(response) == ["No pledges were selected to reject."]


@pytest.mark.parametrize("ids", ["²", "99999999999999999999", "-1,³"])
def test_the_reject_page_ignores_ids_that_are_not_plain_numbers(admin_client, ids):
    # "²".isdigit() is True but int("²") fails; a 20-digit id overflows SQLite: neither may be a 500.
    response = admin_client.get(reverse("admin:pledges_pledge_reject") + "?ids=" + ids, follow=True)

    assert messages_of(response) == ["No pledges were selected to reject."]


def test_withdrawing_asks_for_a_reason(admin_client, commit, mailoutbox):
    pledge = pledge_in_status(Status.APPROVED)
    url = workflow_url("withdraw", pledge)

    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Give a reason. It is recorded with the change."]

    with commit():
        response = admin_client.post(url, {"reason": "The agency merged with the county sheriff."}, follow=True)

    pledge.refresh_from_db()
    assert pledge.status == Status.WITHDRAWN
    assert pledge.transitions.last().reason == "The agency merged with the county sheriff."
    assert messages_of(response) == [f"“{pledge.agency.name}” was withdrawn."]


def test_withdrawing_a_closed_pledge_is_refused_with_a_message(admin_client):
    pledge = pledge_in_status(Status.COMPLETED)

    response = admin_client.post(workflow_url("withdraw", pledge), {"reason": "Asked to."}, follow=True)

    assert messages_of(response) == ["A pledge that is completed cannot be withdrawn."]


# --- Deadline ----------------------------------------------------------------------------------------------


def test_extending_the_deadline(admin_client, commit, mailoutbox):
    pledge = pledge_in_status(Status.APPROVED, deadline=today() + datetime.timedelta(days=20))
    new_deadline = today() + datetime.timedelta(days=200)
    url = workflow_url("extend_deadline", pledge)

    page = text_of(admin_client.get(url))
    assert f"The current deadline is {pledge.deadline:%Y-%m-%d}." in page

    with commit():
        response = admin_client.post(
            url, {"new_deadline": new_deadline.isoformat(), "reason": "Academy delayed."}, follow=True
        )

    assert messages_of(response) == [f"The deadline of “{pledge.agency.name}” is now {new_deadline:%Y-%m-%d}."]
    pledge.refresh_from_db()
    assert pledge.deadline == new_deadline
    assert pledge.deadline_extensions.get().reason == "Academy delayed."
    assert [message.to for message in mailoutbox] == [[pledge.contact_email]]


@pytest.mark.parametrize(
    ("new_deadline", "error"),
    [
        ("", "Enter the new deadline."),
        ("next spring", "Enter a date, e.g. 2027-06-30."),
        ("2001-01-01", "Choose a date after the current deadline"),
    ],
)
def test_a_bad_new_deadline_is_shown_on_the_field_and_keeps_what_was_typed(admin_client, new_deadline, error):
    pledge = pledge_in_status(Status.APPROVED)

    response = admin_client.post(
        workflow_url("extend_deadline", pledge), {"new_deadline": new_deadline, "reason": "Because."}
    )

    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["new_deadline"])
    assert "Because." in text_of(response)
    assert not DeadlineExtension.objects.exists()


def test_extending_a_lapsed_pledge_reinstates_it(admin_client):
    pledge = pledge_in_status(Status.LAPSED)

    response = admin_client.post(
        workflow_url("extend_deadline", pledge),
        {"new_deadline": (today() + datetime.timedelta(days=90)).isoformat(), "reason": "New chief, new plan."},
        follow=True,
    )

    assert "The pledge is approved again." in messages_of(response)[0]
    pledge.refresh_from_db()
    assert pledge.status == Status.APPROVED


def test_marking_lapsed_before_the_deadline_is_refused_and_after_it_works(admin_client):
    pledge = pledge_in_status(Status.APPROVED, deadline=today() + datetime.timedelta(days=5))

    response = admin_client.post(workflow_url("mark_lapsed", pledge), follow=True)
    assert "has not passed yet" in messages_of(response)[0]
    assert "Mark lapsed" not in text_of(response)

    Pledge.objects.filter(pk=pledge.pk).update(deadline=today() - datetime.timedelta(days=1))
    assert "Mark lapsed" in text_of(admin_client.get(change_url(pledge)))
    admin_client.post(workflow_url("mark_lapsed", pledge))
    pledge.refresh_from_db()
    assert pledge.status == Status.LAPSED


def test_reissuing_the_progress_link_emails_a_new_one_and_revokes_the_old(admin_client, commit, mailoutbox):
    pledge = pledge_in_status(Status.APPROVED)
    old_token = tokens.make_progress_token(pledge)

    with commit():
        response = admin_client.post(workflow_url("reissue_progress_link", pledge), follow=True)

    assert "A new progress link was issued and an email with it is queued" in messages_of(response)[0]
    assert [message.to for message in mailoutbox] == [[pledge.contact_email]]
    with pytest.raises(LinkRevoked):
        tokens.read_progress_token(old_token)


def test_reissuing_a_progress_link_before_approval_is_refused(admin_client):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)

    response = admin_client.post(workflow_url("reissue_progress_link", pledge), follow=True)

    assert messages_of(response) == ["Only an approved, lapsed or completed pledge has a progress link."]


# --- Practices ---------------------------------------------------------------------------------------------


def test_verifying_a_met_practice(admin_client):
    pledge = pledge_in_status(Status.APPROVED)
    meet(pledge, Practice.CIT)
    page = text_of(admin_client.get(change_url(pledge)))
    assert page.count('aria-label="Verify ') == 1

    response = admin_client.post(workflow_url("verify_practice", pledge), {"practice": "cit"}, follow=True)

    assert messages_of(response) == ["Crisis Intervention Team (CIT) training is verified."]
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.CIT)
    assert progress.verified_by.username == "admin"


def test_verifying_an_unmet_practice_is_refused_with_what_is_missing(admin_client):
    pledge = pledge_in_status(Status.APPROVED)

    response = admin_client.post(workflow_url("verify_practice", pledge), {"practice": "policy"}, follow=True)

    assert messages_of(response) == [
        "Model policy is not met yet (No policy adoption reported yet). Missing: the adoption date."
    ]
    assert not PracticeProgress.objects.filter(pledge=pledge, verified_at__isnull=False).exists()


def test_verifying_an_unknown_practice_is_an_error_message(admin_client):
    pledge = pledge_in_status(Status.APPROVED)

    response = admin_client.post(workflow_url("verify_practice", pledge), {"practice": "yoga"}, follow=True)

    assert messages_of(response) == ["Choose a practice to verify."]


def test_verifying_the_fourth_practice_completes_the_pledge(admin_client, commit, mailoutbox):
    pledge = pledge_in_status(Status.APPROVED)
    meet(pledge, *Practice)
    mark_verified(pledge, Practice.PARTNERSHIP, Practice.POLICY, Practice.CIT)

    with commit():
        response = admin_client.post(workflow_url("verify_practice", pledge), {"practice": "mhfa"}, follow=True)

    pledge.refresh_from_db()
    assert pledge.status == Status.COMPLETED
    assert "completed the pledge" in messages_of(response)[1]
    assert [message.to for message in mailoutbox] == [[pledge.contact_email]]


def test_withdrawing_a_verification_given_in_error(admin_client):
    pledge = pledge_in_status(Status.APPROVED)
    meet(pledge, Practice.POLICY)
    mark_verified(pledge, Practice.POLICY)
    url = workflow_url("unverify_practice", pledge, "?practice=policy")
    assert url in text_of(admin_client.get(change_url(pledge)))

    response = admin_client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Give a reason. It is recorded with the change."]
    response = admin_client.post(url, {"reason": "Verified the wrong agency."}, follow=True)

    assert messages_of(response) == ["The verification of Model policy was withdrawn."]
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.POLICY)
    assert progress.verified_at is None
    assert progress.policy_adopted_on == MET_VALUES[Practice.POLICY]["policy_adopted_on"]
    entry = LogEntry.objects.get(object_id=str(pledge.pk))
    assert entry.get_change_message() == "Verification of Model policy withdrawn: Verified the wrong agency."


def test_withdrawing_a_verification_that_was_not_given_is_refused(admin_client):
    pledge = pledge_in_status(Status.APPROVED)

    response = admin_client.post(
        workflow_url("unverify_practice", pledge, "?practice=cit"), {"reason": "Oops."}, follow=True
    )

    assert messages_of(response) == ["Crisis Intervention Team (CIT) training is not verified."]


def test_the_unverify_page_needs_a_known_practice(admin_client):
    pledge = pledge_in_status(Status.APPROVED)

    assert admin_client.get(workflow_url("unverify_practice", pledge, "?practice=yoga")).status_code == 404


# --- Evidence ----------------------------------------------------------------------------------------------


def test_evidence_is_downloaded_through_the_admin(admin_client):
    pledge = pledge_in_status(Status.APPROVED)
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.POLICY)
    progress.policy_document.save("policy.pdf", ContentFile(PDF_BYTES))
    report = ProgressReport.objects.create(pledge=pledge, practice=Practice.POLICY, reported_by_label="agency contact")
    report.policy_document.save("signed-policy.pdf", ContentFile(PDF_BYTES))
    practice_url = reverse("admin:pledges_pledge_practice_evidence", args=[pledge.pk, progress.pk])
    report_url = reverse("admin:pledges_pledge_report_evidence", args=[pledge.pk, report.pk])

    page = text_of(admin_client.get(change_url(pledge)))
    assert practice_url in page
    assert report_url in page
    assert "/media/" not in page

    response = admin_client.get(practice_url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="policy.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "no-store" in response["Cache-Control"]
    assert admin_client.get(report_url).status_code == 200


def test_evidence_of_another_pledge_or_a_row_without_a_document_is_not_found(admin_client):
    pledge = pledge_in_status(Status.APPROVED)
    other = pledge_in_status(Status.APPROVED)
    progress = PracticeProgress.objects.get(pledge=other, practice=Practice.POLICY)
    progress.policy_document.save("policy.pdf", ContentFile(PDF_BYTES))
    cit = PracticeProgress.objects.get(pledge=pledge, practice=Practice.CIT)

    assert (
        admin_client.get(reverse("admin:pledges_pledge_practice_evidence", args=[pledge.pk, progress.pk])).status_code
        == 404
    )
    assert (
        admin_client.get(reverse("admin:pledges_pledge_practice_evidence", args=[pledge.pk, cit.pk])).status_code == 404
    )


# --- Agencies ----------------------------------------------------------------------------------------------


def test_the_agency_changelist_search_and_filters(admin_client):
    AgencyFactory(name="Springfield Police Department", ori="IL0840000", city="Springfield")
    AgencyFactory(name="Riverside County Sheriff", agency_type=Agency.AgencyType.SHERIFF, state="CA", city="Riverside")
    AgencyFactory(name="Northshore Police Service", country="CA", state="Ontario", is_demo=True)

    def names(query):
        response = admin_client.get(AGENCIES + query)
        assert response.status_code == 200
        return {agency.name for agency in response.context["cl"].result_list}

    assert names("?q=IL0840000") == {"Springfield Police Department"}
    assert names("?q=riverside") == {"Riverside County Sheriff"}
    assert names("?agency_type__exact=sheriff") == {"Riverside County Sheriff"}
    assert names("?country=CA") == {"Northshore Police Service"}
    assert names("?region=US:CA") == {"Riverside County Sheriff"}
    assert names("?demo=yes") == {"Northshore Police Service"}


# Session, user, the count, the rows (latest pledge status as a subquery), and the region and
# country filters' choices.
QUERIES_FOR_AGENCY_CHANGELIST = 6


def test_the_agency_changelist_issues_the_same_number_of_queries_for_3_or_30_agencies(
    admin_client, django_assert_num_queries
):
    for _ in range(3):
        pledge_in_status(Status.APPROVED)
    admin_client.get(AGENCIES)  # warm caches (content types)

    with django_assert_num_queries(QUERIES_FOR_AGENCY_CHANGELIST):
        admin_client.get(AGENCIES)
    for _ in range(27):
        pledge_in_status(Status.SUBMITTED)
    with django_assert_num_queries(QUERIES_FOR_AGENCY_CHANGELIST):
        response = admin_client.get(AGENCIES)

    assert response.context["cl"].result_count == 30


def test_the_agency_page_lists_its_pledges_without_contact_details_and_saves_edits(admin_client):
    pledge = pledge_in_status(Status.APPROVED, agency=AgencyFactory(name="Springfield Police Department"))
    agency = pledge.agency
    url = reverse("admin:pledges_agency_change", args=[agency.pk])

    response = admin_client.get(url)
    page = text_of(response)
    assert change_url(pledge) in page
    assert pledge.contact_email not in page

    response = admin_client.post(
        url,
        {
            "name": "Springfield Police Department",
            "slug": agency.slug,
            "agency_type": agency.agency_type,
            "website": "",
            "city": "Springfield",
            "country": "US",
            "state": "IL",
            "ori": "il0840000",
            "sworn_officers": 140,
            "non_sworn_staff": 30,
            "pledges-TOTAL_FORMS": 1,
            "pledges-INITIAL_FORMS": 1,
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.sworn_officers, agency.ori) == (140, "IL0840000")


def test_an_agency_duplicate_is_a_form_error(admin_client):
    AgencyFactory(name="Springfield Police Department", state="IL")

    response = admin_client.post(
        reverse("admin:pledges_agency_add"),
        {
            "name": "springfield police department",
            "agency_type": "municipal_police",
            "city": "Springfield",
            "country": "US",
            "state": "IL",
            "sworn_officers": 10,
            "pledges-TOTAL_FORMS": 0,
            "pledges-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "has already taken the pledge" in text_of(response)


# --- Demo data, as staff see it ----------------------------------------------------------------------------


def test_the_demo_data_is_marked_as_demo_on_the_admin(admin_client):
    from pledges.services import load_demo_pledges

    load_demo_pledges()

    response = admin_client.get(CHANGELIST + "?demo=yes")
    assert response.context["cl"].result_count == 8
    assert all(pledge.agency.name.startswith("Demo:") for pledge in response.context["cl"].result_list)
    queue = admin_client.get(REVIEW_QUEUE)
    assert [pledge.agency.name for pledge in queue.context["cl"].result_list] == [
        "Demo: Cedar Valley State University Police"
    ]
    for pledge in Pledge.objects.all():
        page = text_of(admin_client.get(change_url(pledge)))
        assert "(demo data)" in page


# --- Smoke: every page of the pledge admin opens -----------------------------------------------------------


def test_every_pledge_admin_page_opens_for_an_administrator(admin_client):
    pledge = pledge_in_status(Status.APPROVED)
    meet(pledge, Practice.CIT)
    mark_verified(pledge, Practice.CIT)
    pages = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["pledges"]),
        CHANGELIST,
        change_url(pledge),
        reverse("admin:pledges_pledge_history", args=[pledge.pk]),
        REVIEW_QUEUE,
        AGENCIES,
        reverse("admin:pledges_agency_add"),
        reverse("admin:pledges_agency_change", args=[pledge.agency.pk]),
        reverse("admin:pledges_agency_history", args=[pledge.agency.pk]),
        reject_url(pledge),
        workflow_url("withdraw", pledge),
        workflow_url("extend_deadline", pledge),
        workflow_url("unverify_practice", pledge, "?practice=cit"),
        reverse("admin:pledges_pledge_export"),
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url
    for url in (reverse("admin:pledges_pledge_add"), reverse("admin:pledges_pledgeawaitingreview_add")):
        assert admin_client.get(url).status_code == 403, url


def test_a_missing_pledge_is_not_found_on_custom_pages(admin_client):
    for name in ("withdraw", "extend_deadline", "approve"):
        url = reverse(f"admin:pledges_pledge_{name}", args=[999999])
        response = admin_client.post(url) if name == "approve" else admin_client.get(url)
        assert response.status_code == 404, url


def test_a_completed_pledges_verifications_cannot_be_withdrawn(admin_client):
    pledge = pledge_in_status(Status.COMPLETED)
    mark_verified(pledge, *Practice)

    response = admin_client.post(
        workflow_url("unverify_practice", pledge, "?practice=cit"), {"reason": "Oops."}, follow=True
    )

    assert messages_of(response) == [
        "A verification can be withdrawn only on an approved pledge; this one is completed."
    ]
    assert PracticeProgress.objects.filter(pledge=pledge, verified_at__isnull=False).count() == 4


def test_deleting_an_agencys_roster_pledge_puts_its_earlier_public_pledge_back_on_the_roster(admin_client):
    earlier = pledge_in_status(Status.LAPSED, approved_at=timezone.now() - datetime.timedelta(days=900))
    mistaken = pledge_in_status(Status.APPROVED, agency=earlier.agency)
    assert Agency.objects.get(pk=earlier.agency_id).roster_pledge_id == mistaken.pk

    response = admin_client.post(reverse("admin:pledges_pledge_delete", args=[mistaken.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Pledge.objects.filter(pk=mistaken.pk).exists()
    agency = Agency.objects.get(pk=earlier.agency_id)
    assert (agency.roster_pledge_id, agency.roster_status) == (earlier.pk, Status.LAPSED)
