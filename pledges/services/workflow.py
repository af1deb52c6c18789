"""What every pledge service shares: actor labels, row locks and recorded status transitions."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from pledges.models import InvalidTransition, Pledge, PledgeTransition


def label_for(actor, default):
    """Who acted, for the record: the staff username, or `default` ("agency contact", "system")."""
    return actor.get_username() if actor is not None else default


def require_actor(actor):
    if actor is None:
        raise TypeError("This action is taken by a staff user: pass actor=<User>.")


def require_reason(reason, *, key="reason"):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({key: ValidationError("Give a reason. It is recorded with the change.", code="required")})
    return reason


def lock_pledge(pledge):
    """Re-read the pledge under a row lock, so concurrent services act one after the other."""
    pledge.refresh_from_db(from_queryset=Pledge.objects.select_for_update())


def transition(pledge, to_status, *, actor, actor_label, reason="", at=None):
    """Move the locked pledge to `to_status` if PLEDGE_TRANSITIONS allows it, and record who, when and why.

    The caller sets the status-specific fields (approved_at, deadline, ...) beforehand.
    """
    if not pledge.can_transition_to(to_status):
        raise InvalidTransition(pledge, to_status)
    at = at or timezone.now()
    from_status = pledge.status
    pledge.status = to_status
    pledge.status_changed_at = at
    pledge.full_clean()
    pledge.save()
    return PledgeTransition.objects.create(
        pledge=pledge, from_status=from_status, to_status=to_status, actor=actor, actor_label=actor_label, reason=reason
    )
