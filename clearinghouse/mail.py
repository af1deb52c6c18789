"""The transactional email outbox (decision 0013), for every app in the portal.

`settings.EMAIL_BACKEND` is `OutboxBackend`: `message.send()` (or `send_mail()`) anywhere
writes the message to django-post-office's Email table, on the caller's database
connection and so inside the caller's transaction. The message exists exactly when
the change that caused it commits; a rollback drops it. Nothing talks to a mail
server during a request.

The worker (`manage.py run_mail_worker`, or `deliver_queued_mail()` once) delivers
queued messages through the delivery backend (`POST_OFFICE["BACKENDS"]["default"]`:
console in development, SMTP from the environment in production). A failed attempt
is logged on the message and retried later, with the wait doubling each time
(`retry_delay`), up to `POST_OFFICE["MAX_RETRIES"]`; then the message is marked failed
and staff can send it again from the admin.
"""

import contextlib
import datetime
import logging
from collections import OrderedDict
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone
from post_office.lockfile import FileLock, FileLocked
from post_office.mail import get_queued, send_queued
from post_office.models import STATUS, Email
from post_office.settings import get_lock_file_name
from post_office.utils import create_attachments

logger = logging.getLogger(__name__)

# Any fixed number shared by every worker: PostgreSQL's advisory lock that lets one deliver at a time.
WORKER_ADVISORY_LOCK = 0x6D61696C  # "mail"


class OutboxBackend(BaseEmailBackend):
    """Queue each message in the outbox table instead of sending it; returns how many were queued.

    post_office's own backend passes subject and bodies through Django's template engine
    (`post_office.mail.create`), which would turn an agency named "{{ x }}" into "" and one
    named "{% x %}" into a TemplateSyntaxError, rolling back the change that sent the mail.
    This backend stores the text exactly as written.
    """

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            try:
                queue_message(message)
            except Exception:
                # Django's error emails to ADMINS ask for fail_silently: logging an error must
                # never raise a second one (say, the database is what failed).
                if not self.fail_silently:
                    raise
                logger.warning("Could not queue an email (%s).", message.subject, exc_info=True)
                continue
            queued += 1
        return queued


def queue_message(message):
    """Write one EmailMessage (with its HTML alternative, Reply-To and attachments) to the outbox."""
    headers = dict(message.extra_headers)
    if message.reply_to:
        headers.setdefault("Reply-To", ", ".join(str(address) for address in message.reply_to))
    html_body = next(
        (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
    )
    email = Email(
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        subject=message.subject,
        message=message.body,
        html_message=html_body,
        headers=headers or None,
        status=STATUS.queued,
    )
    email.save()  # post_office validates the addresses (full_clean) before saving.
    attachment_files = {}
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            attachment_files[attachment.get_filename()] = {
                "file": ContentFile(attachment.get_payload(decode=True)),
                "mimetype": attachment.get_content_type(),
                "headers": OrderedDict(attachment.items()),
            }
        else:
            filename, content, mimetype = attachment
            attachment_files[filename] = {"file": ContentFile(content), "mimetype": mimetype}
    if attachment_files:
        email.attachments.add(*create_attachments(attachment_files))
    return email


def retry_delay(failed_attempts):
    """How long to wait after the n-th failed attempt: RETRY_INTERVAL doubled each time, at most MAX_RETRY_INTERVAL."""
    config = settings.POST_OFFICE
    first = config["RETRY_INTERVAL"]
    longest = config.get("MAX_RETRY_INTERVAL", first)
    return min(first * 2 ** max(failed_attempts - 1, 0), longest)


def back_off(requeued_since):
    """Space out the retries post_office just scheduled (it waits RETRY_INTERVAL every time)."""
    requeued = Email.objects.filter(status=STATUS.requeued, last_updated__gte=requeued_since)
    now = timezone.now()
    for retries in set(requeued.values_list("number_of_retries", flat=True)):
        requeued.filter(number_of_retries=retries).update(scheduled_time=now + retry_delay(retries or 1))


@contextlib.contextmanager
def worker_lock():
    """Yield True if this process may deliver now: one worker at a time across every app server.

    PostgreSQL: a session advisory lock (works across hosts). SQLite (one machine): post_office's lock file.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [WORKER_ADVISORY_LOCK])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [WORKER_ADVISORY_LOCK])
        return
    try:
        with FileLock(get_lock_file_name()):
            yield True
    except FileLocked:
        yield False


def deliver_queued_mail():
    """Deliver every message that is due, batch by batch; returns (sent, failed, retrying later).

    Returns None without sending when another worker is delivering. Messages whose
    retry time has not come are left alone. Safe to call at any time and from any host.
    """
    totals = [0, 0, 0]
    with worker_lock() as acquired:
        if not acquired:
            logger.info("Another mail worker is delivering; this one waits for its next turn.")
            return None
        while get_queued().exists():
            started = timezone.now() - datetime.timedelta(seconds=1)
            sent, failed, requeued = send_queued(processes=1)
            back_off(started)
            totals = [totals[0] + sent, totals[1] + failed, totals[2] + requeued]
    return tuple(totals)
