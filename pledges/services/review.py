"""Staff decisions on a pledge, and the contact's withdrawal: approve, reject, withdraw, lapse, extend."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pledges import emails
from pledges.constants import ACTOR_CONTACT, ACTOR_SYSTEM
from pledges.models import DeadlineExtension, InvalidTransition, Pledge, new_nonce
from pledges.services.workflow import label_for, lock_pledge, require_actor, require_reason, transition


def pledge_approve(*, pledge, actor):
    """Approve a pledge whose email is verified: email_verified → approved.

    Sets approved_at and the deadline (approval date + target_months, in the site's
    time zone), issues the private progress link and emails it to the contact.
    Raises InvalidTransition from any other status. Returns the pledge.
    """
    require_actor(actor)
    with transaction.atomic():
        lock_pledge(pledge)
        if pledge.status != Pledge.Status.EMAIL_VERIFIED:
            raise InvalidTransition(pledge, Pledge.Status.APPROVED)
        now = timezone.now()
        pledge.approved_at = now
        pledge.deadline = pledge.deadline_from(timezone.localdate(now))
        pledge.progress_link_nonce = new_nonce()
        pledge.progress_link_issued_at = now
        transition(
            pledge,
            Pledge.Status.APPROVED,
            actor=actor,
            actor_label=label_for(actor, ACTOR_SYSTEM),
            reason=f"Deadline {pledge.deadline:%Y-%m-%d}.",
            at=now,
        )
        emails.queue(emails.approved_message(pledge))
    return pledge


def pledge_reject(*, pledge, actor, reason):
    """Reject a pledge under review: submitted/email_verified → rejected. `reason` is required.

    The reason is stored in rejection_reason and emailed to the contact, but only if
    the contact's address was verified (never mail an unconfirmed address). Returns the pledge.
    """
    require_actor(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        lock_pledge(pledge)
        pledge.rejection_reason = reason
        pledge.verification_nonce = new_nonce()
        transition(pledge, Pledge.Status.REJECTED, actor=actor, actor_label=label_for(actor, ""), reason=reason)
        if pledge.email_verified_at:
            emails.queue(emails.rejected_message(pledge))
    return pledge


def pledge_withdraw(*, pledge, actor=None, reason):
    """Withdraw a pledge: submitted/email_verified/approved → withdrawn. `reason` is required.

    actor=None means the agency contact, through the private progress link. The
    contact gets a confirmation if their address was verified. Returns the pledge.
    """
    reason = require_reason(reason)
    with transaction.atomic():
        lock_pledge(pledge)
        pledge.verification_nonce = new_nonce()
        transition(
            pledge, Pledge.Status.WITHDRAWN, actor=actor, actor_label=label_for(actor, ACTOR_CONTACT), reason=reason
        )
        if pledge.email_verified_at:
            emails.queue(emails.withdrawn_message(pledge, reason=reason))
    return pledge


def pledge_mark_lapsed(*, pledge, actor=None, today=None):
    """Mark an approved pledge whose deadline has passed as lapsed, and tell the contact.

    actor=None means the system (the daily job). Refused (ValidationError code
    "deadline_not_passed") while the deadline is today or later; InvalidTransition
    unless approved. The contact keeps the progress link: a lapsed pledge may still
    report, and staff may reinstate it by extending the deadline. Returns the pledge.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        lock_pledge(pledge)
        if not pledge.can_transition_to(Pledge.Status.LAPSED):
            raise InvalidTransition(pledge, Pledge.Status.LAPSED)
        if pledge.deadline >= today:
            raise ValidationError(
                "The deadline, %(deadline)s, has not passed yet.",
                code="deadline_not_passed",
                params={"deadline": f"{pledge.deadline:%B} {pledge.deadline.day}, {pledge.deadline.year}"},
            )
        transition(
            pledge,
            Pledge.Status.LAPSED,
            actor=actor,
            actor_label=label_for(actor, ACTOR_SYSTEM),
            reason=f"The deadline, {pledge.deadline:%Y-%m-%d}, passed before all four practices were verified.",
        )
        emails.queue(emails.lapsed_message(pledge))
    return pledge


def pledge_extend_deadline(*, pledge, actor, new_deadline, reason, today=None):
    """Move an approved or lapsed pledge's deadline later; a lapsed pledge is reinstated (lapsed → approved).

    Records a DeadlineExtension (old and new deadline, who, why) and, on reinstatement,
    a PledgeTransition. Reminders become due again for the new deadline. Emails the
    contact. Raises ValidationError keyed "new_deadline" (not later than the current
    deadline, or not after today) or "reason"; InvalidTransition from other statuses,
    or "agency" when a reinstated pledge's agency has pledged again meanwhile.
    Returns the DeadlineExtension.
    """
    require_actor(actor)
    reason = require_reason(reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        lock_pledge(pledge)
        if pledge.status not in (Pledge.Status.APPROVED, Pledge.Status.LAPSED):
            raise InvalidTransition(
                pledge,
                Pledge.Status.APPROVED,
                message="Only the deadline of an approved or lapsed pledge can be extended.",
            )
        if new_deadline <= pledge.deadline:
            raise ValidationError(
                {
                    "new_deadline": ValidationError(
                        "Choose a date after the current deadline, %(deadline)s.",
                        code="not_later",
                        params={"deadline": f"{pledge.deadline:%Y-%m-%d}"},
                    )
                }
            )
        if new_deadline <= today:
            raise ValidationError({"new_deadline": ValidationError("Choose a date in the future.", code="not_future")})
        label = label_for(actor, ACTOR_SYSTEM)
        extension = DeadlineExtension(
            pledge=pledge,
            previous_deadline=pledge.deadline,
            new_deadline=new_deadline,
            actor=actor,
            actor_label=label,
            reason=reason,
        )
        extension.full_clean()
        extension.save()
        pledge.deadline = new_deadline
        reinstated = pledge.status == Pledge.Status.LAPSED
        if reinstated:
            transition(
                pledge,
                Pledge.Status.APPROVED,
                actor=actor,
                actor_label=label,
                reason=f"Reinstated: deadline extended to {new_deadline:%Y-%m-%d}. {reason}",
            )
        else:
            pledge.full_clean()
            pledge.save()
        emails.queue(emails.deadline_extended_message(pledge, extension=extension, reinstated=reinstated))
    return extension


def progress_link_reissue(*, pledge, actor):
    """Revoke the pledge's progress link and email the contact a new one (approved, lapsed or completed).

    Old links then raise LinkRevoked. Raises ValidationError (code "no_progress_link")
    for pledges that were never approved. Returns the pledge.
    """
    require_actor(actor)
    with transaction.atomic():
        lock_pledge(pledge)
        if pledge.status not in (Pledge.Status.APPROVED, Pledge.Status.LAPSED, Pledge.Status.COMPLETED):
            raise ValidationError(
                "Only an approved, lapsed or completed pledge has a progress link.", code="no_progress_link"
            )
        pledge.progress_link_nonce = new_nonce()
        pledge.progress_link_issued_at = timezone.now()
        pledge.save(update_fields=["progress_link_nonce", "progress_link_issued_at", "updated_at"])
        emails.queue(emails.progress_link_message(pledge))
    return pledge
