"""Search alerts: double opt-in, the weekly digest (sent once, only new matches), one-click unsubscribe."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from alerts import services
from alerts.models import SearchAlert
from tests.outbox import sent_mail
from tests.resources.factories import ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

NEW_ALERT = reverse("resources:alert_new")


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def link_in(message, name):
    prefix = reverse(f"resources:{name}", args=["TOKEN"]).split("TOKEN")[0]
    return re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^/\s]+/)", message.body).group(1)


def send_alerts(**options):
    out = io.StringIO()
    call_command("send_search_alerts", stdout=out, **options)
    return out.getvalue()


def subscribe(client, query="q=crisis&topic=training", email="reader@example.org"):
    return client.post(f"{NEW_ALERT}?{query}&page=3&sort=title", {"email": email, "homepage": ""})


@pytest.fixture
def training():
    return TopicFactory(slug="training", name="Training")


def test_an_alert_is_confirmed_by_a_signed_link_before_anything_is_sent(client, training):
    response = subscribe(client)
    assert response.status_code == 302
    alert = SearchAlert.objects.get()
    assert alert.query_string == "q=crisis&topic=training"  # page and sort are not part of it
    assert alert.confirmed_at is None
    assert [message.to for message in sent_mail()] == [["reader@example.org"]]

    confirm = link_in(sent_mail()[0], "alert_confirm")
    assert "Confirm" in text_of(client.get(confirm))  # A page with a button: scanners' GETs confirm nothing.
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    confirmed = client.post(confirm)
    assert "Search alert confirmed" in text_of(confirmed)
    alert.refresh_from_db()
    assert alert.is_active


def test_a_tampered_confirmation_link_is_refused(client):
    subscribe(client)
    confirm = link_in(sent_mail()[0], "alert_confirm")
    response = client.post(confirm.replace(confirm.split("/")[-2], confirm.split("/")[-2][:-3] + "abc"))
    assert response.status_code == 404
    assert "not valid" in text_of(response)
    assert SearchAlert.objects.get().confirmed_at is None


def test_a_bad_address_is_a_field_error(client):
    response = client.post(f"{NEW_ALERT}?q=crisis", {"email": "not an address"})
    assert "Enter an email address like name@example.org." in text_of(response)
    assert not SearchAlert.objects.exists()


def test_confirmed_sent_once_then_unsubscribed(client, training):
    """The issue's "done when": confirmed, sent once, unsubscribed."""
    ResourceFactory(title="Old crisis training", topics=[training])  # published before the alert
    subscribe(client)
    client.post(link_in(sent_mail()[0], "alert_confirm"))
    sent_mail().clear()
    ResourceFactory(title="New crisis training", topics=[training])
    ResourceFactory(title="New crisis report")  # not in the topic
    ResourceFactory(title="New training without the word", topics=[training])

    assert "1 digests sent" in send_alerts()
    assert "0 digests sent" in send_alerts()  # The same day: nothing twice.

    assert len(sent_mail()) == 1
    digest = sent_mail()[0]
    assert "New crisis training" in digest.body
    assert "Old crisis training" not in digest.body
    assert "New crisis report" not in digest.body
    assert "New training without the word" not in digest.body
    unsubscribe = link_in(digest, "alert_unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # One-click unsubscribe as a mail client does it (RFC 8058): a POST without a CSRF token.
    client.handler.enforce_csrf_checks = True
    assert "Search alert stopped" in text_of(client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}))
    ResourceFactory(title="Another crisis training", topics=[training])
    later = timezone.now() + datetime.timedelta(days=8)
    services.send_digests(now=later)
    assert len(sent_mail()) == 1


def test_the_digest_is_weekly_and_covers_everything_since_the_last(client, training):
    subscribe(client)
    client.post(link_in(sent_mail()[0], "alert_confirm"))
    sent_mail().clear()
    ResourceFactory(title="First crisis training", topics=[training])
    services.send_digests()
    ResourceFactory(title="Second crisis training", topics=[training])

    services.send_digests(now=timezone.now() + datetime.timedelta(days=3))
    assert len(sent_mail()) == 1  # not a week yet
    services.send_digests(now=timezone.now() + datetime.timedelta(days=7))
    assert len(sent_mail()) == 2
    assert "Second crisis training" in sent_mail()[1].body
    assert "First crisis training" not in sent_mail()[1].body


def test_dry_run_sends_and_records_nothing(client, training):
    subscribe(client)
    client.post(link_in(sent_mail()[0], "alert_confirm"))
    sent_mail().clear()
    ResourceFactory(title="New crisis training", topics=[training])
    output = send_alerts(dry_run=True)
    assert "Would send alert" in output
    assert sent_mail() == []
    assert SearchAlert.objects.get().last_digest_at is None


def test_unconfirmed_alerts_get_nothing(client, training):
    subscribe(client)
    sent_mail().clear()
    ResourceFactory(title="New crisis training", topics=[training])
    send_alerts()
    assert sent_mail() == []


def test_the_catalog_offers_an_alert_for_its_search(client, training):
    page = text_of(client.get(reverse("resources:list"), {"q": "crisis", "topic": "training"}))
    assert f'href="{NEW_ALERT}?q=crisis&amp;topic=training"' in page
    assert "Email me new matches for this search" in page


def test_subscribers_addresses_need_a_permission(client, django_user_model):
    alert = SearchAlert.objects.create(email="reader@example.org", description="Resources matching crisis")
    staff = django_user_model.objects.create_user("staff", "s@example.org", "a long test password", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_searchalert"))
    client.force_login(staff)
    url = reverse("admin:alerts_searchalert_change", args=[alert.pk])
    assert "reader@example.org" not in text_of(client.get(url))
    staff.user_permissions.add(Permission.objects.get(codename="view_subscriber_email"))
    staff = django_user_model.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert "reader@example.org" in text_of(client.get(url))


def test_the_confirmation_is_queued_with_the_alert_and_no_mail_server_is_asked(client, settings):
    """The outbox (decision 0013): the request never talks to the mail server, so its state cannot fail it."""
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    response = client.post(f"{NEW_ALERT}?q=crisis", {"email": "reader@example.org"})
    assert response.status_code == 302
    assert SearchAlert.objects.filter(email="reader@example.org").exists()
    [queued] = Email.objects.filter(status=STATUS.queued)
    assert queued.to == ["reader@example.org"]
