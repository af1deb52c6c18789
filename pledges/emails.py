"""The pledge emails: built from templates/emails/pledges/<name>_subject.txt and <name>_body.txt.

Services build and queue messages inside their transaction (`queue`): the message
is written to the outbox (clearinghouse/mail.py, decision 0013) with the change, so
it is delivered exactly when the change commits, never for a change rolled back,
and no request waits on the mail server. The mail worker delivers it, with retries.

Contact emails go to Pledge.contact_email, with Reply-To the pledge team's mailbox
(settings.PLEDGE_REVIEW_NOTIFY_EMAILS) when set; reviewer emails go to the active
members of the "Pledge reviewers" group with an email address, or else to
settings.PLEDGE_REVIEW_NOTIFY_EMAILS.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from pledges import selectors, tokens
from pledges.constants import VERIFICATION_LINK_MAX_AGE

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "emails/pledges"


def build_message(*, template_name, to, context):
    """An EmailMultiAlternatives rendered from the template pair `template_name`."""
    context = {"SITE_NAME": "Mental Health Response Clearinghouse", "SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"{TEMPLATE_DIR}/{template_name}_subject.txt", context)
    body = render_to_string(f"{TEMPLATE_DIR}/{template_name}_body.txt", context)
    # A subject is one line whatever the template's whitespace.
    return EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=list(to))


def queue(message):
    """Queue `message` in the outbox, in the caller's transaction (None: nothing to send)."""
    if message is not None:
        message.send()


def _contact_message(template_name, pledge, **context):
    # Replies go to the pledge team's mailbox when there is one (DEFAULT_FROM_EMAIL is often no-reply).
    reply_to = list(getattr(settings, "PLEDGE_REVIEW_NOTIFY_EMAILS", []))
    message = build_message(
        template_name=template_name,
        to=[pledge.contact_email],
        context={"pledge": pledge, "can_reply": bool(reply_to), **context},
    )
    message.reply_to = reply_to
    return message


def review_url(pledge):
    """The pledge's page in the staff admin (the admin index until the admin registers pledges)."""
    try:
        path = reverse("admin:pledges_pledge_change", args=[pledge.pk])
    except NoReverseMatch:
        path = reverse("admin:index")
    return settings.SITE_URL + path


def _reviewers_message(template_name, **context):
    recipients = selectors.reviewer_email_addresses()
    if not recipients:
        logger.warning("No pledge reviewer has an email address; %s not sent.", template_name)
        return None
    return build_message(template_name=template_name, to=recipients, context=context)


# --- To the agency contact ----------------------------------------------------------------


def verification_message(pledge):
    return _contact_message(
        "verify_email",
        pledge,
        verification_url=tokens.verification_url(pledge),
        link_days=VERIFICATION_LINK_MAX_AGE.days,
    )


def approved_message(pledge):
    return _contact_message("approved", pledge, progress_url=tokens.progress_url(pledge))


def rejected_message(pledge):
    return _contact_message("rejected", pledge)


def withdrawn_message(pledge, *, reason):
    return _contact_message("withdrawn", pledge, reason=reason)


def lapsed_message(pledge):
    return _contact_message("lapsed", pledge, progress_url=tokens.progress_url(pledge))


def deadline_extended_message(pledge, *, extension, reinstated):
    return _contact_message(
        "deadline_extended",
        pledge,
        extension=extension,
        reinstated=reinstated,
        progress_url=tokens.progress_url(pledge),
    )


def completed_message(pledge):
    return _contact_message("completed", pledge, agency_url=_agency_url(pledge))


def progress_link_message(pledge):
    return _contact_message("progress_link", pledge, progress_url=tokens.progress_url(pledge))


def deadline_reminder_message(pledge, *, days_before, days_left, unmet_practices):
    return _contact_message(
        "deadline_reminder",
        pledge,
        days_before=days_before,
        days_left=days_left,
        unmet_practices=unmet_practices,
        progress_url=tokens.progress_url(pledge),
    )


def _agency_url(pledge):
    try:
        return settings.SITE_URL + pledge.agency.get_absolute_url()
    except NoReverseMatch:
        return settings.SITE_URL + "/"


# --- To the reviewers ------------------------------------------------------------------------


def awaiting_review_message(pledge):
    return _reviewers_message("review_needed", pledge=pledge, review_url=review_url(pledge))


def practice_ready_message(progress):
    return _reviewers_message(
        "practice_ready",
        pledge=progress.pledge,
        progress=progress,
        evaluation=progress.evaluation,
        review_url=review_url(progress.pledge),
    )
