"""Staff corrections of mistakes: a practice verified in error, a contact address mistyped at submission."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from clearinghouse.one_mind import Practice
from pledges import emails
from pledges.models import Pledge, new_nonce
from pledges.services.workflow import lock_pledge, require_actor, require_reason


def practice_unverify(*, pledge, practice, actor, reason):
    """Withdraw a staff verification given in error, on an approved pledge. `reason` is required.

    Clears verified_at and verified_by; the practice's reported values stay as they are.
    The correction is recorded in the pledge's admin history (a LogEntry by `actor`
    saying which practice and why), since it is not a status change. A completed
    pledge is final (ValidationError code "not_approved"), and a practice that is not
    verified cannot be unverified ("not_verified"). Nobody is emailed: the contact is
    not told of individual verifications either. Returns the PracticeProgress.
    """
    require_actor(actor)
    reason = require_reason(reason)
    practice = Practice(practice)
    with transaction.atomic():
        lock_pledge(pledge)
        if pledge.status != Pledge.Status.APPROVED:
            raise ValidationError(
                "A verification can be withdrawn only on an approved pledge; this one is %(status)s.",
                code="not_approved",
                params={"status": pledge.get_status_display().lower()},
            )
        prefetch_related_objects([pledge], "practices")
        progress = pledge.progress_for(practice)
        if not progress.verified_at:
            raise ValidationError(
                "%(practice)s is not verified.", code="not_verified", params={"practice": practice.label}
            )
        progress.verified_at = None
        progress.verified_by = None
        progress.save(update_fields=["verified_at", "verified_by", "updated_at"])
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[pledge],
            action_flag=CHANGE,
            change_message=f"Verification of {practice.label} withdrawn: {reason}",
            single_object=True,
        )
    return progress


def verification_link_reissue(*, pledge, actor):
    """Revoke every verification link sent so far and email a new one to the current contact address.

    For staff who corrected a mistyped contact address on a pledge still "submitted":
    links that went to the old address stop working (LinkRevoked) and the new address
    gets a fresh link, without the contact's two-minute resend limit. Raises
    ValidationError (code "not_awaiting_verification") for any other status. Returns the pledge.
    """
    require_actor(actor)
    with transaction.atomic():
        lock_pledge(pledge)
        if pledge.status != Pledge.Status.SUBMITTED:
            raise ValidationError(
                "This pledge is not waiting for its email address to be confirmed.", code="not_awaiting_verification"
            )
        pledge.verification_nonce = new_nonce()
        pledge.verification_sent_at = timezone.now()
        pledge.save(update_fields=["verification_nonce", "verification_sent_at", "updated_at"])
        emails.queue(emails.verification_message(pledge))
    return pledge
