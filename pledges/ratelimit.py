"""Per-client rate limits for the public pledge forms, counted in the database.

The site runs as several stateless processes behind a load balancer, so the count
must live where every process sees it: PostgreSQL, the one source of truth (an
in-process counter would let a client spread requests across processes). Each
counted request is a RateLimitHit row; a sliding window counts the rows of the last
`window`. A request is recorded first and counted second, so two simultaneous
requests may both be refused but can never both slip past the limit.

The client is identified by its IP address, stored only as a keyed hash:

- REMOTE_ADDR by default, which is right when clients connect to Django directly.
- The rightmost X-Forwarded-For entry when settings.USE_X_FORWARDED_FOR is True:
  set it only when exactly one trusted proxy (the load balancer) sits in front of
  the app and appends the address it saw. Entries to the left of the rightmost one
  are written by the client and cannot be trusted. Without the setting, behind a
  proxy every visitor would share the proxy's address and one limit.
"""

import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pledges.models import RateLimitHit

HASH_SALT = "pledges.ratelimit.client"


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` counted requests per client per `window`, in `scope`."""

    scope: str
    limit: int
    window: datetime.timedelta

    @property
    def window_description(self):
        minutes = int(self.window.total_seconds() // 60)
        if minutes % 60 == 0:
            hours = minutes // 60
            return "hour" if hours == 1 else f"{hours} hours"
        return f"{minutes} minutes"


# New pledges from one address: an agency submits once, so five an hour is generous for a shared office.
PLEDGE_SUBMISSIONS = RateLimit(scope="pledge-submit", limit=5, window=datetime.timedelta(hours=1))
# Requests for another verification email (each can send mail to an address a stranger typed).
VERIFICATION_RESENDS = RateLimit(scope="pledge-resend", limit=5, window=datetime.timedelta(hours=1))


def client_ip(request):
    """The client's IP address: REMOTE_ADDR, or the rightmost X-Forwarded-For entry behind a trusted proxy."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            address = forwarded[-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "unknown"


def client_key(request):
    """A keyed hash of the client's IP address (the address itself is never stored)."""
    return salted_hmac(HASH_SALT, client_ip(request), algorithm="sha256").hexdigest()


class RateLimiter:
    """Counts one client's requests in one RateLimit.

    `attempt()` records a request and says whether it is within the limit; a request
    that turned out not to count (say, a form error) can be given back with `release()`.
    """

    def __init__(self, rate_limit, request):
        self.rate_limit = rate_limit
        self.key = client_key(request)
        self.hit = None

    def _recent(self, now):
        return RateLimitHit.objects.filter(
            scope=self.rate_limit.scope, client_key=self.key, created_at__gt=now - self.rate_limit.window
        )

    def attempt(self):
        """Record this request; False (and nothing recorded) when it is over the limit."""
        now = timezone.now()
        # Forget requests that have left everyone's window: the table only holds the last window.
        RateLimitHit.objects.filter(scope=self.rate_limit.scope, created_at__lte=now - self.rate_limit.window).delete()
        self.hit = RateLimitHit.objects.create(scope=self.rate_limit.scope, client_key=self.key, created_at=now)
        # Counting every recorded request, ours included: of two simultaneous requests, the one that
        # counts last sees both, so the limit is never exceeded (at worst both are refused).
        if self._recent(now).count() > self.rate_limit.limit:
            self.release()
            return False
        return True

    def release(self):
        """Give back the request recorded by `attempt()`, e.g. when it did not go through."""
        if self.hit is not None:
            self.hit.delete()
            self.hit = None
