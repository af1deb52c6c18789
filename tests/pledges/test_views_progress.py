"""The agency's private progress page: where it stands, reporting progress, evidence, withdrawing."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges import services, tokens
from pledges.models import Pledge, ProgressReport
from resources.models import Resource
from tests.pledges.factories import ReviewerFactory, pledge_in_status
from tests.resources.factories import ResourceFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def client(client, django_capture_on_commit_callbacks, deliver_mail):
    """The test client, running each POST's after-commit callbacks (the services' emails) as a commit would."""
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(*args, **kwargs)
        deliver_mail()  # the mail worker's next pass: what the POST queued reaches mail.outbox
        return response

    client.post = post_and_commit
    return client


@pytest.fixture
def pledge():
    return pledge_in_status(
        Pledge.Status.APPROVED,
        agency__name="Springfield Police Department",
        agency__sworn_officers=100,
        agency__non_sworn_staff=20,
        contact_name="Casey Morgan",
    )


@pytest.fixture
def token(pledge):
    return tokens.make_progress_token(pledge)


def page_url(token):
    return reverse("pledges:progress", kwargs={"token": token})


def report_url(token, practice):
    return reverse("pledges:progress_report", kwargs={"token": token, "practice": practice})


def field_error(html, field):
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</span>', html, re.S)
    return " ".join(match.group(1).split()) if match else None


def pdf(name="agreement.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def assert_private(response):
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


# --- The page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_agency_the_deadline_and_the_four_practices(client, pledge, token):
    response = client.get(page_url(token))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Springfield Police Department"]
    assert pledge.deadline.strftime("%B") in html
    assert "days left" in html
    for practice in Practice:
        assert f'id="practice-{practice.value}"' in html
        assert report_url(token, practice.value) in html
    # Progress bars for the two training practices, accessible and without inline styles.
    assert html.count('role="progressbar"') == 2
    assert 'aria-valuemax="100"' in html
    assert "style=" not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert_private(response)


def test_the_link_can_be_used_again_and_again(client, token):
    assert client.get(page_url(token)).status_code == 200
    assert client.get(page_url(token)).status_code == 200


def test_a_reissued_link_revokes_the_old_one(client, pledge, token):
    services.progress_link_reissue(pledge=pledge, actor=ReviewerFactory())
    new_token = tokens.make_progress_token(pledge)

    old = client.get(page_url(token))

    assert old.status_code == 403
    assert "This link does not work" in old.content.decode()
    assert "Springfield Police Department" not in old.content.decode()
    assert_private(old)
    assert client.get(page_url(new_token)).status_code == 200
    # A revoked link can report nothing either.
    assert client.post(report_url(token, "cit"), {"cit-sworn_trained": "5"}).status_code == 403
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("bad_token", ["not-a-token", "WzEsImFiYyJd:forged-signature"])
def test_an_invalid_link_is_a_not_found_page(client, pledge, bad_token):
    response = client.get(page_url(bad_token))

    assert response.status_code == 404
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode()) == ["This link does not work"]
    assert_private(response)


def test_a_verification_token_does_not_open_the_progress_page(client, pledge):
    assert client.get(page_url(tokens.make_verification_token(pledge))).status_code == 404


def test_the_page_lists_published_catalog_resources_for_each_practice(client, token):
    ResourceFactory(title="Building a CIT program", practices=[Practice.CIT])
    ResourceFactory(title="Draft CIT curriculum", practices=[Practice.CIT], status=Resource.Status.DRAFT)
    ResourceFactory(title="Model policy on crisis response", practices=[Practice.POLICY])
    for number in range(6):
        ResourceFactory(title=f"Partnership guide {number}", practices=[Practice.PARTNERSHIP])

    html = client.get(page_url(token)).content.decode()

    cit_section = html[html.index('id="practice-cit"') :]
    assert "Building a CIT program" in cit_section
    assert "Draft CIT curriculum" not in html
    assert "Model policy on crisis response" in html
    partnership = html[html.index('id="practice-partnership"') : html.index('id="practice-policy"')]
    assert partnership.count("Partnership guide") == 4
    assert "All 6 resources for this practice" in partnership
    assert "/resources/?practice=partnership" in partnership


# --- Reporting progress ----------------------------------------------------------------------------------


def test_a_training_report_is_saved_and_appears_in_the_history(client, pledge, token):
    ReviewerFactory(email="reviewer@clearinghouse.example.org")

    response = client.post(
        report_url(token, "cit"),
        {"cit-sworn_trained": "25", "cit-non_sworn_trained": "3", "cit-note": "Spring academy class."},
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(token) + "#practice-cit"
    report = ProgressReport.objects.get()
    assert (report.practice, report.sworn_trained, report.non_sworn_trained) == ("cit", 25, 3)
    assert report.reported_by_label == "agency contact"
    page = client.get(response["Location"]).content.decode()
    assert "Your report on Crisis Intervention Team (CIT) training is saved." in page
    assert "25 sworn officers and 3 non-sworn staff trained." in page
    assert "Spring academy class." in page
    # 25% meets the 20% target: the reviewers are told it awaits verification.
    assert "Met, awaiting verification" in page
    assert [message.to for message in mail.outbox] == [["reviewer@clearinghouse.example.org"]]


def test_each_report_adds_to_the_history(client, pledge, token):
    client.post(report_url(token, "mhfa"), {"mhfa-sworn_trained": "10"})
    client.post(report_url(token, "mhfa"), {"mhfa-sworn_trained": "30"})

    html = client.get(page_url(token)).content.decode()

    assert ProgressReport.objects.filter(practice="mhfa").count() == 2
    assert "10 sworn officers and 0 non-sworn staff trained." in html
    assert "30 sworn officers and 0 non-sworn staff trained." in html


def test_the_report_form_opens_with_the_latest_values(client, pledge, token):
    client.post(report_url(token, "cit"), {"cit-sworn_trained": "17"})

    html = client.get(page_url(token)).content.decode()

    assert re.search(r'name="cit-sworn_trained" value="17"', html)


def test_a_partnership_report_with_its_agreement(client, pledge, token):
    response = client.post(
        report_url(token, "partnership"),
        {
            "partnership-partner_organizations": "County Behavioral Health\n\nNAMI Springfield\n",
            "partnership-agreement_date": "2024-03-15",
            "partnership-agreement_document": pdf("signed agreement.pdf"),
        },
    )

    assert response.status_code == 302
    progress = pledge.practices.get(practice="partnership")
    assert progress.partner_list() == ["County Behavioral Health", "NAMI Springfield"]
    assert progress.agreement_date == datetime.date(2024, 3, 15)
    assert progress.agreement_document.name.startswith(f"private/pledges/{pledge.pk}/partnership/")
    html = client.get(page_url(token)).content.decode()
    assert "Document on file:" in html
    # Storage makes names safe: spaces become underscores.
    assert "signed_agreement.pdf" in html


def test_a_policy_report_may_name_a_catalog_model_policy(client, pledge, token):
    model_policy = ResourceFactory(title="Responding to Persons in Crisis", practices=[Practice.POLICY])
    ResourceFactory(title="Unrelated report", practices=[Practice.CIT])

    form_html = client.get(page_url(token)).content.decode()
    policy_select = re.search(r'<select name="policy-policy_resource".*?</select>', form_html, re.S).group(0)
    assert "Responding to Persons in Crisis" in policy_select
    assert "Unrelated report" not in policy_select

    client.post(
        report_url(token, "policy"),
        {"policy-policy_adopted_on": "2024-01-10", "policy-policy_resource": str(model_policy.pk)},
    )

    progress = pledge.practices.get(practice="policy")
    assert progress.policy_resource == model_policy
    assert progress.policy_adopted_on == datetime.date(2024, 1, 10)


def tomorrow():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


BAD_REPORTS = [
    pytest.param("cit", {"cit-sworn_trained": ""}, "cit-sworn_trained", "0 if none yet", id="training-missing"),
    pytest.param("cit", {"cit-sworn_trained": "-1"}, "cit-sworn_trained", "greater than or equal to 0", id="negative"),
    pytest.param("cit", {"cit-sworn_trained": "ten"}, "cit-sworn_trained", "Enter a whole number", id="not-a-number"),
    pytest.param("cit", {"cit-sworn_trained": "9" * 25}, "cit-sworn_trained", "Check this number", id="huge-number"),
    pytest.param(
        "mhfa",
        {"mhfa-sworn_trained": "101"},
        "mhfa-sworn_trained",
        "more than the agency’s 100 sworn officers",
        id="more-trained-than-sworn",
    ),
    pytest.param(
        "cit",
        {"cit-sworn_trained": "5", "cit-non_sworn_trained": "21"},
        "cit-non_sworn_trained",
        "more than the agency’s 20 non-sworn staff",
        id="more-non-sworn-than-staff",
    ),
    pytest.param(
        "partnership",
        {"partnership-partner_organizations": "NAMI", "partnership-agreement_date": tomorrow()},
        "partnership-agreement_date",
        "This date is in the future.",
        id="future-agreement",
    ),
    pytest.param(
        "partnership",
        {"partnership-partner_organizations": "NAMI", "partnership-agreement_date": "2024-02-30"},
        "partnership-agreement_date",
        "Enter a real date",
        id="impossible-date",
    ),
    pytest.param(
        "policy",
        {"policy-policy_adopted_on": tomorrow()},
        "policy-policy_adopted_on",
        "This date is in the future.",
        id="future-policy",
    ),
    pytest.param(
        "policy",
        {"policy-policy_resource": "999999"},
        "policy-policy_resource",
        "Select a valid choice",
        id="unknown-policy-resource",
    ),
    pytest.param(
        "partnership",
        {"partnership-partner_organizations": "x" * 2001},
        "partnership-partner_organizations",
        "at most 2000 characters",
        id="too-long",
    ),
]


@pytest.mark.parametrize(("practice", "data", "field", "message"), BAD_REPORTS)
def test_a_bad_report_is_shown_on_its_field_and_nothing_typed_is_lost(client, token, practice, data, field, message):
    note = "Nothing typed is lost: «note» ✓"
    response = client.post(report_url(token, practice), {**data, f"{practice}-note": note})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in (field_error(html, field) or ""), f"no {message!r} under {field}"
    assert "Your report was not saved" in html
    assert "Nothing typed is lost: «note» ✓" in html
    # The form with the error is open; the others keep their own values.
    assert re.search(
        rf'<details class="pledge-report" open>\s*<summary[^>]*>Report progress: {re.escape(Practice(practice).label)}',
        html,
    )
    assert not ProgressReport.objects.exists()


def test_an_empty_report_is_refused_with_a_message_at_the_top_of_the_form(client, token):
    response = client.post(report_url(token, "partnership"), {"partnership-partner_organizations": ""})

    assert response.status_code == 200
    assert "Report at least one value, or add a note." in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(lambda: SimpleUploadedFile("agreement.exe", b"MZ\x90\x00"), "not accepted", id="wrong-type"),
        pytest.param(
            lambda: SimpleUploadedFile("agreement.pdf", b"<html>not a pdf</html>"), "does not match", id="fake-pdf"
        ),
        pytest.param(lambda: pdf(), "the limit is", id="oversize"),
    ],
)
def test_a_bad_upload_is_refused_on_its_field(client, settings, token, upload, message):
    settings.UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1

    response = client.post(
        report_url(token, "partnership"),
        {"partnership-partner_organizations": "NAMI", "partnership-agreement_document": upload()},
    )

    assert response.status_code == 200
    assert message in field_error(response.content.decode(), "partnership-agreement_document")
    assert "NAMI</textarea>" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_an_unknown_practice_is_not_found(client, token):
    assert client.post(report_url(token, "yoga"), {}).status_code == 404


def test_reports_are_refused_once_the_pledge_is_completed(client):
    pledge = pledge_in_status(Pledge.Status.COMPLETED)
    token = tokens.make_progress_token(pledge)

    html = client.get(page_url(token)).content.decode()
    assert "Pledge completed" in html
    assert "Report progress:" not in html

    response = client.post(report_url(token, "cit"), {"cit-sworn_trained": "5"}, follow=True)
    assert "Progress can no longer be reported" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_lapsed_pledge_can_still_report(client):
    pledge = pledge_in_status(Pledge.Status.LAPSED)
    token = tokens.make_progress_token(pledge)

    assert "The deadline has passed" in client.get(page_url(token)).content.decode()
    assert client.post(report_url(token, "cit"), {"cit-sworn_trained": "5"}).status_code == 302


# --- Evidence downloads ---------------------------------------------------------------------------------


@pytest.fixture
def reported_agreement(client, pledge, token):
    client.post(
        report_url(token, "partnership"),
        {"partnership-partner_organizations": "NAMI", "partnership-agreement_document": pdf("our agreement.pdf")},
    )
    return ProgressReport.objects.get()


def download(response):
    return b"".join(response.streaming_content)


def test_evidence_downloads_with_the_token(client, pledge, token, reported_agreement):
    current = client.get(reverse("pledges:progress_document", kwargs={"token": token, "practice": "partnership"}))
    of_report = client.get(
        reverse("pledges:progress_report_document", kwargs={"token": token, "report_id": reported_agreement.pk})
    )

    for response in (current, of_report):
        assert response.status_code == 200
        assert download(response) == PDF_BYTES
        assert response["Content-Disposition"] == 'attachment; filename="our_agreement.pdf"'
        assert_private(response)


def test_evidence_needs_a_valid_current_token(client, pledge, token, reported_agreement):
    services.progress_link_reissue(pledge=pledge, actor=ReviewerFactory())

    revoked = client.get(reverse("pledges:progress_document", kwargs={"token": token, "practice": "partnership"}))
    forged = client.get(
        reverse("pledges:progress_report_document", kwargs={"token": "forged", "report_id": reported_agreement.pk})
    )

    assert revoked.status_code == 403
    assert forged.status_code == 404


def test_another_agencys_token_cannot_download_this_evidence(client, reported_agreement):
    other = pledge_in_status(Pledge.Status.APPROVED)
    other_token = tokens.make_progress_token(other)

    response = client.get(
        reverse("pledges:progress_report_document", kwargs={"token": other_token, "report_id": reported_agreement.pk})
    )

    assert response.status_code == 404


def test_evidence_is_not_served_from_a_public_media_url(client, reported_agreement):
    assert client.get(f"/media/{reported_agreement.agreement_document.name}").status_code == 404


def test_a_practice_without_a_document_has_nothing_to_download(client, token):
    assert (
        client.get(reverse("pledges:progress_document", kwargs={"token": token, "practice": "partnership"})).status_code
        == 404
    )
    assert (
        client.get(reverse("pledges:progress_document", kwargs={"token": token, "practice": "cit"})).status_code == 404
    )


# --- Withdrawing -------------------------------------------------------------------------------------------


def withdraw_url(token):
    return reverse("pledges:progress_withdraw", kwargs={"token": token})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        pytest.param({"withdraw-confirm": "on"}, "withdraw-reason", "Give a reason", id="no-reason"),
        pytest.param(
            {"withdraw-reason": "   ", "withdraw-confirm": "on"}, "withdraw-reason", "Give a reason", id="blank"
        ),
        pytest.param({"withdraw-reason": "Budget cuts."}, "withdraw-confirm", "Tick the box", id="not-confirmed"),
    ],
)
def test_withdrawing_needs_a_reason_and_a_confirmation(client, pledge, token, data, field, message):
    response = client.post(withdraw_url(token), data)

    assert response.status_code == 200
    assert message in field_error(response.content.decode(), field)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


def test_withdrawing_ends_the_pledge_and_takes_it_off_the_roster(client, pledge, token):
    response = client.post(
        withdraw_url(token), {"withdraw-reason": "New chief.", "withdraw-confirm": "on"}, follow=True
    )

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert pledge.transitions.last().reason == "New chief."
    html = response.content.decode()
    assert "The pledge is withdrawn." in html
    assert "This pledge was withdrawn" in html
    assert "Report progress:" not in html
    assert "Withdraw the pledge" not in html
    assert [message.to for message in mail.outbox] == [[pledge.contact_email]]
    assert client.get(pledge.agency.get_absolute_url()).status_code == 404


def test_a_lapsed_pledge_offers_no_withdrawal(client):
    token = tokens.make_progress_token(pledge_in_status(Pledge.Status.LAPSED))

    assert "Withdraw the pledge" not in client.get(page_url(token)).content.decode()
    response = client.post(withdraw_url(token), {"withdraw-reason": "Done.", "withdraw-confirm": "on"}, follow=True)
    assert "A pledge that is lapsed cannot be withdrawn." in response.content.decode()
    assert Pledge.objects.get().status == Pledge.Status.LAPSED


# --- Bounded queries ------------------------------------------------------------------------------------


def add_history(client, token, count):
    for number in range(count):
        client.post(report_url(token, "mhfa"), {"mhfa-sworn_trained": str(number)})
        ResourceFactory(title=f"Guide {number}", practices=[Practice.MHFA, Practice.POLICY])


@pytest.mark.parametrize("count", [3, 30])
def test_the_progress_page_runs_a_fixed_number_of_queries(client, token, django_assert_max_num_queries, count):
    add_history(client, token, count)

    with django_assert_max_num_queries(6):
        response = client.get(page_url(token))

    assert response.status_code == 200


def test_forms_on_the_private_page_need_their_csrf_token():
    pledge = pledge_in_status(Pledge.Status.APPROVED)
    token = tokens.make_progress_token(pledge)
    browser = Client(enforce_csrf_checks=True)

    refused = browser.post(report_url(token, "cit"), {"cit-sworn_trained": "5"})
    assert refused.status_code == 403
    assert ProgressReport.objects.count() == 0

    # The control: with the token the page's form carries, the same report is saved.
    browser.get(page_url(token))
    csrf_token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    saved = browser.post(report_url(token, "cit"), {"cit-sworn_trained": "5", "csrfmiddlewaretoken": csrf_token})
    assert saved.status_code == 302
    assert ProgressReport.objects.count() == 1


def test_the_public_pledge_form_still_needs_its_csrf_token():
    assert Client(enforce_csrf_checks=True).post(reverse("pledges:start"), {}).status_code == 403
