"""Suggest a resource: the public form, and the Curators' moderation queue (accept / decline, emails)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from post_office.models import STATUS, Email

from resources.models import Resource
from suggestions.models import Suggestion
from tests.outbox import sent_mail
from tests.resources.factories import ensure_curators_group

pytestmark = pytest.mark.django_db

SUGGEST = reverse("resources:suggest")
QUEUE = reverse("admin:suggestions_suggestion_changelist")


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def form_data(**overrides):
    return {
        "title": "Crisis line hand-off checklist",
        "url": "https://www.example.org/checklist.pdf",
        "reason": "Dispatchers use it to pass calls to the 988 line.",
        "name": "Pat Example",
        "email": "pat@example.org",
        "homepage": "",
        **overrides,
    }


def change_url(suggestion):
    return reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])


def make_suggestion(**overrides):
    fields = {"title": "Co-responder guide", "url": "https://example.org/guide", "reason": "Useful.", **overrides}
    return Suggestion.objects.create(**fields)


@pytest.fixture
def curator_client(client, django_user_model):
    curator = django_user_model.objects.create_user("curator", "c@example.org", "a long test password", is_staff=True)
    curator.groups.add(ensure_curators_group())
    client.force_login(curator)
    client.user = curator
    return client


# --- The public form ---------------------------------------------------------------------


def test_a_suggestion_is_saved_with_its_private_contact_and_thanked(client):
    response = client.post(SUGGEST, form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("resources:suggest_thanks")
    suggestion = Suggestion.objects.get()
    assert suggestion.title == "Crisis line hand-off checklist"
    assert suggestion.email == "pat@example.org"
    assert suggestion.status == Suggestion.Status.PENDING
    assert "Thank you for your suggestion" in text_of(client.get(response["Location"]))


def test_a_file_instead_of_a_link_is_accepted(client):
    upload = SimpleUploadedFile("checklist.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(SUGGEST, form_data(url="", file=upload))
    assert Suggestion.objects.get().file.name.endswith(".pdf")


def test_missing_answers_get_field_errors_and_keep_what_was_typed(client):
    response = client.post(SUGGEST, form_data(title="", url="", reason="Because it is good."))

    page = text_of(response)
    assert response.status_code == 200
    assert "Enter the title of the resource." in page
    assert "Give a link or attach a file." in page
    assert "Because it is good." in page
    assert 'value="pat@example.org"' in page
    assert not Suggestion.objects.exists()


def test_a_malformed_link_or_email_is_a_field_error(client):
    page = text_of(client.post(SUGGEST, form_data(url="http://", email="not an address")))
    assert "Enter a full web address" in page
    assert "Enter an email address like name@example.org" in page
    assert not Suggestion.objects.exists()


def test_a_disguised_executable_is_refused(client):
    upload = SimpleUploadedFile("checklist.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    response = client.post(SUGGEST, form_data(url="", file=upload))
    assert response.status_code == 200
    assert not Suggestion.objects.exists()


def test_the_hidden_field_filled_in_saves_nothing_but_looks_the_same(client):
    response = client.post(SUGGEST, form_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_too_many_suggestions_from_one_network_are_refused_keeping_the_text(client):
    for number in range(10):
        assert client.post(SUGGEST, form_data(title=f"Resource {number}")).status_code == 302

    response = client.post(SUGGEST, form_data(title="One too many"))

    assert response.status_code == 429
    assert "Please try again later" in text_of(response)
    assert 'value="One too many"' in text_of(response)
    assert Suggestion.objects.count() == 10


# --- Moderation --------------------------------------------------------------------------


def test_the_queue_opens_on_what_awaits_review(curator_client):
    make_suggestion(title="Waiting")
    make_suggestion(title="Done", status=Suggestion.Status.DECLINED)

    response = curator_client.get(QUEUE, follow=True)

    titles = [suggestion.title for suggestion in response.context["cl"].result_list]
    assert titles == ["Waiting"]


def test_accepting_creates_a_linked_draft_and_tells_the_suggester(curator_client):
    suggestion = make_suggestion(title="Co-responder guide", email="pat@example.org", name="Pat")

    response = curator_client.post(change_url(suggestion), {"decision": "accept", "decline_reason": ""})

    assert response.status_code == 302
    suggestion.refresh_from_db()
    draft = suggestion.resource
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert suggestion.decided_by == curator_client.user
    assert draft.status == Resource.Status.DRAFT
    assert draft.title == "Co-responder guide"
    assert draft.external_url == "https://example.org/guide"
    assert draft.summary == "Useful."
    assert [message.to for message in sent_mail()] == [["pat@example.org"]]
    assert "accepted" in sent_mail()[0].body
    page = text_of(curator_client.get(change_url(suggestion)))
    assert reverse("admin:resources_resource_change", args=[draft.pk]) in page


def test_declining_needs_a_reason_which_the_suggester_is_sent(curator_client):
    suggestion = make_suggestion(email="pat@example.org")

    refused = curator_client.post(change_url(suggestion), {"decision": "decline", "decline_reason": " "})
    assert "Say why the suggestion is declined" in text_of(refused)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING
    assert sent_mail() == []

    curator_client.post(change_url(suggestion), {"decision": "decline", "decline_reason": "It is out of date."})
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DECLINED
    assert "It is out of date." in sent_mail()[0].body
    assert not Resource.objects.exists()


def test_no_address_no_email(curator_client):
    suggestion = make_suggestion(email="")
    curator_client.post(change_url(suggestion), {"decision": "accept", "decline_reason": ""})
    assert Suggestion.objects.get().status == Suggestion.Status.ACCEPTED
    assert sent_mail() == []


def test_a_decided_suggestion_cannot_be_decided_again(curator_client):
    suggestion = make_suggestion(status=Suggestion.Status.DECLINED, decline_reason="No.")
    curator_client.post(change_url(suggestion), {"decision": "accept"})
    assert not Resource.objects.exists()


def test_curators_see_the_suggesters_contact(curator_client):
    suggestion = make_suggestion(name="Pat Example", email="pat@example.org")
    page = text_of(curator_client.get(change_url(suggestion)))
    assert "pat@example.org" in page
    assert "Pat Example" in page


def test_staff_without_the_contact_permission_never_see_it(client, django_user_model):
    suggestion = make_suggestion(name="Pat Example", email="pat@example.org")
    staff = django_user_model.objects.create_user("helper", "h@example.org", "a long test password", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_suggestion"))
    client.force_login(staff)

    page = text_of(client.get(change_url(suggestion)))
    listing = text_of(client.get(QUEUE, follow=True))

    assert "Co-responder guide" in page
    assert "pat@example.org" not in page
    assert "Pat Example" not in page
    assert "pat@example.org" not in listing


def test_staff_without_rights_on_suggestions_are_refused(client, django_user_model):
    suggestion = make_suggestion()
    staff = django_user_model.objects.create_user("other", "o@example.org", "a long test password", is_staff=True)
    client.force_login(staff)
    assert client.get(change_url(suggestion)).status_code == 403
    assert client.post(change_url(suggestion), {"decision": "accept"}).status_code == 403
    assert not Resource.objects.exists()


def test_the_queue_costs_the_same_queries_for_3_or_30_suggestions(curator_client, django_assert_num_queries):
    url = f"{QUEUE}?status__exact=pending"
    for number in range(3):
        make_suggestion(title=f"Suggestion {number}")
    curator_client.get(url)
    # Session, user, permissions (2), the rows, the count for the status filter.
    with django_assert_num_queries(6) as captured:
        curator_client.get(url)
    for number in range(3, 30):
        make_suggestion(title=f"Suggestion {number}")
    with django_assert_num_queries(len(captured)):
        curator_client.get(url)


def test_a_decision_queues_the_suggesters_email_and_no_mail_server_is_asked(curator_client, settings):
    """The outbox (decision 0013): the decision and its email commit together; delivery comes later."""
    suggestion = make_suggestion(email="pat@example.org")
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    curator_client.post(change_url(suggestion), {"decision": "accept"}, follow=True)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert Resource.objects.filter(status=Resource.Status.DRAFT).count() == 1
    [queued] = Email.objects.filter(status=STATUS.queued)
    assert queued.to == ["pat@example.org"]
