"""Search alert writes: subscribe (sends the confirmation), confirm, unsubscribe, and the weekly digest.

Emails are sent with message.send() inside the write's transaction: with the portal's queued email
backend the email is stored with the change or not at all.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from alerts import tokens
from alerts.models import ALERT_PARAMETERS, SearchAlert
from resources.filters import ResourceFilterSet
from resources.models import Resource

DIGEST_INTERVAL = datetime.timedelta(days=7)
DIGEST_MAX_RESOURCES = 50


def alert_query_string(query_dict):
    """The catalog parameters an alert follows, in a stable order (page and sort dropped)."""
    kept = QueryDict(mutable=True)
    for name in ALERT_PARAMETERS:
        values = sorted(value for value in query_dict.getlist(name) if value.strip())
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def _email(template_name, alert, *, headers=None, **context):
    context = {
        "SITE_NAME": "Mental Health Response Clearinghouse",
        "SITE_URL": settings.SITE_URL,
        "alert": alert,
        **context,
    }
    subject = render_to_string(f"emails/alerts/{template_name}_subject.txt", context)
    body = render_to_string(f"emails/alerts/{template_name}_body.txt", context)
    return EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[alert.email], headers=headers or {})


@transaction.atomic
def alert_subscribe(*, email, query_string, description):
    """Create a pending alert and send its confirmation link (double opt-in: nothing else is sent before)."""
    alert = SearchAlert(email=email, query_string=query_string, description=description[:500])
    alert.full_clean()
    alert.save()
    _email("confirm", alert, confirm_url=tokens.confirm_url(alert), link_days=tokens.CONFIRM_MAX_AGE.days).send()
    return alert


@transaction.atomic
def alert_confirm(*, alert):
    """Confirm the address; only resources published from now on are sent. Confirming twice changes nothing."""
    alert = SearchAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.confirmed_at is None:
        alert.confirmed_at = alert.covered_through = timezone.now()
        alert.save(update_fields=["confirmed_at", "covered_through", "updated_at"])
    return alert


@transaction.atomic
def alert_unsubscribe(*, alert):
    alert = SearchAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is None:
        alert.unsubscribed_at = timezone.now()
        alert.save(update_fields=["unsubscribed_at", "updated_at"])
    return alert


def new_matches(alert, *, since, until):
    """Published resources matching the alert's search, published in (since, until], newest first."""
    published = Resource.objects.published().filter(published_at__gt=since, published_at__lte=until)
    filterset = ResourceFilterSet(QueryDict(alert.query_string), queryset=published)
    resources = filterset.filter_queryset(filterset.queryset.all())
    return list(resources.select_related("kind").order_by("-published_at", "title")[:DIGEST_MAX_RESOURCES])


@dataclass
class DigestRun:
    sent: list = field(default_factory=list)  # (alert, resources)
    nothing_new: list = field(default_factory=list)
    not_due: int = 0


def send_digests(*, now=None, dry_run=False):
    """Send each active alert due (a week since its last digest) the resources published since.

    Idempotent: each alert is handled in its own transaction that sends its email and records what
    it covered, so a second run (or a run after a crash) sends nothing twice.
    """
    now = now or timezone.now()
    run = DigestRun()
    for alert_id in SearchAlert.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            alert = SearchAlert.objects.select_for_update().get(pk=alert_id)
            if alert.last_digest_at is not None and now - alert.last_digest_at < DIGEST_INTERVAL - datetime.timedelta(
                hours=1
            ):
                run.not_due += 1
                continue
            since = alert.covered_through or alert.confirmed_at
            resources = new_matches(alert, since=since, until=now)
            if dry_run:
                (run.sent if resources else run.nothing_new).append((alert, resources))
                continue
            if resources:
                unsubscribe = tokens.unsubscribe_url(alert)
                headers = {
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
                _email("digest", alert, headers=headers, resources=resources, unsubscribe_url=unsubscribe).send()
                run.sent.append((alert, resources))
            else:
                run.nothing_new.append((alert, resources))
            alert.covered_through, alert.last_digest_at = now, now
            alert.save(update_fields=["covered_through", "last_digest_at", "updated_at"])
    return run
