"""Suggestion writes: submit (public form), accept (creates a draft resource) and decline (with a reason).

Each runs in one transaction and sends its email inside it (message.send() within the atomic block):
with the portal's queued email backend the email is stored with the change or not at all.
"""

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify

from resources.models import RESERVED_SLUGS, Resource, ResourceKind
from resources.services import resource_create
from suggestions.models import Suggestion

Status = Suggestion.Status
# The kind a suggestion's draft starts as; the curator changes it while editing the draft.
DRAFT_KIND_SLUG = "external-link"


def _message(template_name, suggestion, **context):
    context = {
        "SITE_NAME": "Mental Health Response Clearinghouse",
        "SITE_URL": settings.SITE_URL,
        "suggestion": suggestion,
        **context,
    }
    subject = render_to_string(f"emails/suggestions/{template_name}_subject.txt", context)
    body = render_to_string(f"emails/suggestions/{template_name}_body.txt", context)
    return EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[suggestion.email])


@transaction.atomic
def suggestion_submit(*, title, reason, url="", file=None, name="", email=""):
    """Store a suggestion from the public form (validated with full_clean()); raises ValidationError."""
    suggestion = Suggestion(title=title, reason=reason, url=url, file=file or "", name=name, email=email)
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def _unique_slug(title):
    base = slugify(title)[:240] or "suggested-resource"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Resource.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_pending(suggestion):
    if suggestion.status != Status.PENDING:
        raise ValidationError(f"This suggestion was already {suggestion.get_status_display().lower()}.")


@transaction.atomic
def suggestion_accept(*, suggestion, actor):
    """Create a draft resource pre-filled from the suggestion, link them, and tell the suggester.

    Guarantees: only a pending suggestion is accepted (ValidationError otherwise); the draft has the
    suggestion's title, link and file and its reason as a starting summary; the resource's history
    says where it came from; the email (when an address was left) is sent in the same transaction.
    """
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _check_pending(suggestion)
    kind = ResourceKind.objects.filter(slug=DRAFT_KIND_SLUG).first() or ResourceKind.objects.order_by("pk").first()
    if kind is None:
        raise ValidationError("Create a resource kind first: the draft needs one.")
    resource = resource_create(
        title=suggestion.title,
        slug=_unique_slug(suggestion.title),
        kind=kind,
        summary=Truncator(" ".join(suggestion.reason.split())).chars(1000),
        external_url=suggestion.url,
        file=suggestion.file.name if suggestion.file else "",
        status=Resource.Status.DRAFT,
    )
    suggestion.status, suggestion.resource = Status.ACCEPTED, resource
    suggestion.decided_at, suggestion.decided_by = timezone.now(), actor
    suggestion.save()
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[resource],
        action_flag=ADDITION,
        change_message=f"Created as a draft from suggestion {suggestion.pk} (“{suggestion.title}”).",
        single_object=True,
    )
    if suggestion.email:
        _message("accepted", suggestion).send()
    return resource


@transaction.atomic
def suggestion_decline(*, suggestion, reason, actor):
    """Decline a pending suggestion with a reason (required), and tell the suggester why."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _check_pending(suggestion)
    if not reason.strip():
        raise ValidationError({"decline_reason": "Say why the suggestion is declined: the suggester may be told."})
    suggestion.status, suggestion.decline_reason = Status.DECLINED, reason.strip()
    suggestion.decided_at, suggestion.decided_by = timezone.now(), actor
    suggestion.save()
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[suggestion], action_flag=CHANGE, change_message="Declined.", single_object=True
    )
    if suggestion.email:
        _message("declined", suggestion).send()
    return suggestion


def moderation_url(suggestion):
    return settings.SITE_URL + reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
