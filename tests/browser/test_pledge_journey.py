"""The One Mind pledge end to end in Chromium: pledge, confirm, approval, roster, progress, completion.

Emails are read from django.core.mail.outbox: the live server runs in a thread of the
test process and queues them in the outbox; the test runs the mail worker's pass, which
delivers them with the in-memory email backend. The staff part goes through the
pledge admin's own buttons, as a member of the "Pledge reviewers" group.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from clearinghouse.mail import deliver_queued_mail
from pledges.constants import PLEDGE_REVIEWERS_GROUP
from pledges.models import Pledge
from tests.browser.conftest import assert_accessible
from tests.pledges.factories import UserFactory, pledge_in_status

REVIEWER_PASSWORD = "a-long-test-password"


def make_reviewer():
    """A staff member of "Pledge reviewers" with the group's permissions.

    The group is created by migration 0002, whose rows a transactional test's flush
    removes; this gives it the same permissions: everything in pledges but delete.
    """
    group, _created = Group.objects.get_or_create(name=PLEDGE_REVIEWERS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="pledges").exclude(codename__startswith="delete_")
    )
    reviewer = UserFactory(username="reviewer", email="reviewer@clearinghouse.example.org")
    reviewer.groups.add(group)
    return reviewer


def link_in_email(message, live_server, path_prefix):
    """The link in an email that starts with `path_prefix`, moved onto the live server."""
    url = re.search(rf"https?://\S+({re.escape(path_prefix)}\S+/)", message.body).group(1)
    return live_server.url + url


def h1(page):
    return page.locator("h1").inner_text().strip()


def fill_pledge_form(page):
    page.fill("#id_name", "Springfield Police Department")
    page.select_option("#id_agency_type", "municipal_police")
    page.fill("#id_city", "Springfield")
    page.select_option("#id_country", "US")
    page.select_option("#id_state", "IL")
    page.fill("#id_ori", "IL0840000")
    page.fill("#id_sworn_officers", "40")
    page.fill("#id_non_sworn_staff", "10")
    page.fill("#id_chief_executive_name", "Jordan Rivera")
    page.fill("#id_chief_executive_title", "Chief of Police")
    page.click("label[for=id_attestation]")  # USWDS draws the box on the label; the input is visually hidden.
    page.fill("#id_contact_name", "Casey Morgan")
    page.fill("#id_contact_title", "Coordinator")
    page.fill("#id_contact_email", "casey@springfield.example.org")
    page.fill("#id_contact_phone", "217-555-0100")
    page.fill("#id_target_months", "24")


def report(page, practice, fields):
    section = page.locator(f"#practice-{practice}")
    section.locator("summary").click()
    for selector, value in fields.items():
        section.locator(selector).fill(value)
    section.get_by_role("button", name="Save report").click()
    assert "is saved" in page.locator(".usa-alert--success").first.inner_text()


@pytest.mark.django_db(transaction=True)
def test_an_agency_takes_the_pledge_and_completes_it(open_page, live_server):
    reviewer = make_reviewer()

    # 1. The chief's office takes the pledge. A first try with nothing filled in shows the errors.
    page = open_page("/pledge/")
    assert not page.locator(".pledge-field--province").is_visible()  # JavaScript hides the non-US field.
    page.select_option("#id_country", "CA")
    assert page.locator(".pledge-field--province").is_visible()
    assert not page.locator(".pledge-field--state").is_visible()
    page.get_by_role("button", name="Submit the pledge").click()
    assert "Please correct the problems below" in page.inner_text("main")
    fill_pledge_form(page)
    page.get_by_role("button", name="Submit the pledge").click()
    assert h1(page) == "Check your email"
    assert "casey@springfield.example.org" in page.inner_text("main")

    # 2. The contact confirms the address from the email.
    deliver_queued_mail()  # the mail worker's pass: the outbox's queued mail reaches mail.outbox
    verification = next(message for message in mail.outbox if message.to == ["casey@springfield.example.org"])
    page.goto(link_in_email(verification, live_server, "/pledge/verify/"))
    assert h1(page) == "Confirm your email address"
    page.get_by_role("button", name="Confirm my email address").click()
    assert h1(page) == "Email address confirmed"
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.EMAIL_VERIFIED

    # 3. A reviewer approves it in the admin.
    admin = open_page("/admin/login/")
    admin.fill("#id_username", reviewer.username)
    admin.fill("#id_password", REVIEWER_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto(f"{live_server.url}/admin/pledges/pledge/{pledge.pk}/change/")
    admin.get_by_role("button", name="Approve").click()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED

    # 4. The agency is on the roster.
    page.goto(f"{live_server.url}/pledge/agencies/")
    assert page.get_by_role("link", name="Springfield Police Department").is_visible()
    assert page.locator('a[aria-label="IL, Illinois: 1 agency"]').count() == 1

    # 5. The contact reports progress on the four practices through the private link.
    deliver_queued_mail()
    approval = next(message for message in mail.outbox if "approved" in message.subject.lower())
    page.goto(link_in_email(approval, live_server, "/pledge/progress/"))
    assert h1(page) == "Springfield Police Department"
    report(
        page,
        "partnership",
        {
            "#id_partnership-partner_organizations": "Springfield Mental Health Center",
            "#id_partnership-agreement_date": "2024-03-15",
        },
    )
    report(page, "policy", {"#id_policy-policy_adopted_on": "2024-05-01"})
    report(page, "cit", {"#id_cit-sworn_trained": "10"})
    report(page, "mhfa", {"#id_mhfa-sworn_trained": "30"})
    assert page.locator(".pledge-state--met").count() == 4

    # 6. The reviewer verifies each practice; the fourth completes the pledge.
    admin.goto(f"{live_server.url}/admin/pledges/pledge/{pledge.pk}/change/")
    for practice in (
        "Community mental health partnership",
        "Model policy",
        "Mental Health First Aid training",
        "Crisis Intervention Team (CIT) training",
    ):
        admin.get_by_role("button", name=f"Verify {practice}").click()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED

    # 7. The agency's public page shows the completion and its badge.
    page.goto(f"{live_server.url}{pledge.agency.get_absolute_url()}")
    assert "Completed" in page.inner_text(".pledge-facts")
    badge = page.locator("img.pledge-badge")
    assert badge.evaluate("image => image.complete && image.naturalWidth > 0")
    page.get_by_role("link", name="Print the certificate").click()
    assert h1(page) == "Certificate of completion"


@pytest.fixture
def public_pages():
    """A completed agency and a roster to look at."""
    completed = pledge_in_status(
        Pledge.Status.COMPLETED, agency__name="Shelbyville Police Department", agency__state="IL"
    )
    pledge_in_status(Pledge.Status.APPROVED, agency__name="Demo Town Police", agency__state="CA", agency__is_demo=True)
    pledge_in_status(
        Pledge.Status.LAPSED, agency__name="Toronto Police Service", agency__country="CA", agency__state="Ontario"
    )
    return completed


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pledge_pages_have_no_serious_accessibility_violations(open_page, live_server, public_pages, viewport):
    page = open_page("/pledge/", viewport=viewport)
    assert_accessible(page)

    page.get_by_role("button", name="Submit the pledge").click()
    assert "Please correct the problems below" in page.inner_text("main")
    assert_accessible(page)

    for path in ("/pledge/agencies/", public_pages.agency.get_absolute_url()):
        page.goto(live_server.url + path)
        assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_pledge_form_works_without_javascript(open_page):
    page = open_page("/pledge/", viewport="phone", javascript=False)

    # Both region fields are shown, each labelled for the countries it serves.
    assert page.get_by_label("State (United States)").is_visible()
    assert page.get_by_label("State, province or region (outside the United States)").is_visible()
    fill_pledge_form(page)
    page.get_by_role("button", name="Submit the pledge").click()

    assert h1(page) == "Check your email"
    assert Pledge.objects.get().agency.state == "IL"
