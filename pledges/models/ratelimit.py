"""Rate-limit records: one row per counted request, per scope and client (see pledges/ratelimit.py).

Kept in the database because the site runs as several stateless processes behind a
load balancer: a counter in one process's memory would let a client spread its
requests across processes. Rows older than their scope's window are deleted as new
ones arrive, so the table stays small.
"""

from django.db import models
from django.utils import timezone


class RateLimitHit(models.Model):
    """One counted request from one client in one scope (e.g. "pledge-submit")."""

    scope = models.CharField(max_length=40)
    # A keyed hash of the client's IP address: enough to count, without storing the address itself.
    client_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["scope", "client_key", "created_at"], name="pledges_ratelimit_client"),
            models.Index(fields=["scope", "created_at"], name="pledges_ratelimit_expiry"),
        ]

    def __str__(self):
        return f"{self.scope} at {self.created_at:%Y-%m-%d %H:%M:%S}"
