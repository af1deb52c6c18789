"""The review queue as its own entry in the staff admin: a proxy of Pledge, no table of its own."""

from pledges.models.pledge import Pledge


class PledgeAwaitingReview(Pledge):
    """Pledges whose contact confirmed their email address and that await a reviewer's decision.

    A proxy so the admin can list the queue separately (pledges/admin/review_queue.py
    filters it to "email verified"); it has no fields, rows or permissions of its own:
    the admin checks the Pledge permissions.
    """

    class Meta:
        proxy = True
        verbose_name = "pledge awaiting review"
        verbose_name_plural = "pledges awaiting review"
        ordering = ["email_verified_at", "pk"]
