"""The client address django-axes counts failed logins against.

The same rule as the pledge forms' rate limit (pledges.ratelimit.client_ip): REMOTE_ADDR,
or the rightmost X-Forwarded-For entry when settings.USE_X_FORWARDED_FOR says exactly one
trusted proxy appends it. Entries a client wrote itself are never trusted, so nobody can
dodge the per-address lockout by sending a made-up X-Forwarded-For.
"""

from pledges.ratelimit import client_ip


def client_ip_for_axes(request):
    """The client's IP address, or None when there is no valid one (axes stores an IP address field)."""
    address = client_ip(request)
    return None if address == "unknown" else address
