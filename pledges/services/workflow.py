"""What every pledge service shares: actor labels, row locks, recorded status transitions, the roster entry."""

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pledges.models import Agency, InvalidTransition, Pledge, PledgeTransition


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
    refresh_roster_entry(agency_id=pledge.agency_id)
    return PledgeTransition.objects.create(
        pledge=pledge, from_status=from_status, to_status=to_status, actor=actor, actor_label=actor_label, reason=reason
    )


def refresh_roster_entries(agencies):
    """Set each agency's roster entry (Agency.ROSTER_FIELDS) from its pledges, in one statement.

    The entry is the agency's latest public pledge (approved, completed or lapsed; latest
    approval first, then the newest pledge), or empty. `agencies` is an Agency queryset:
    `Agency.objects.all()` after loading pledges in bulk. The one writer of those fields:
    transition() calls it for every status change, so no service sets them itself.
    """
    latest_public = Pledge.objects.filter(agency=OuterRef("pk"), status__in=Pledge.PUBLIC_STATUSES).order_by(
        "-approved_at", "-pk"
    )
    return agencies.update(
        roster_pledge=Subquery(latest_public.values("pk")[:1]),
        roster_status=Coalesce(Subquery(latest_public.values("status")[:1]), Value("")),
        roster_approved_at=Subquery(latest_public.values("approved_at")[:1]),
    )


def refresh_roster_entry(*, agency_id):
    """Refresh one agency's roster entry after one of its pledges was created, changed status or was deleted."""
    refresh_roster_entries(Agency.objects.filter(pk=agency_id))
