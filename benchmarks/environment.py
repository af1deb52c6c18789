"""The environment the benchmark runs the portal in: production settings, and a record of what was set.

Production mode (DEBUG off) needs SECRET_KEY and ALLOWED_HOSTS (clearinghouse/settings.py);
the benchmark sets a random key and the local host names. Every transport-security setting
keeps its production value: HTTPS redirect, HSTS, secure cookies, and trust in the load
balancer's X-Forwarded-Proto header (SECURE_PROXY_SSL_HEADER). So the load driver sends
`X-Forwarded-Proto: https`, as the TLS-terminating load balancer in front of production
does, and the pages answer 200 instead of redirecting to https. Variables in the caller's
environment that would change those settings are removed for the run, and said so.
"""

import os
import secrets

BENCH_HOSTS = "127.0.0.1,localhost"
# The header a TLS-terminating load balancer adds, which production settings trust.
FORWARDED_PROTO_HEADER = ("X-Forwarded-Proto", "https")
# Settings the benchmark sets itself, or leaves at their production defaults.
OVERRIDDEN_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "STATIC_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CSRF_TRUSTED_ORIGINS",
    "USE_X_FORWARDED_FOR",
    "API_ANON_RATE",
)
# Caller's values the benchmark may replace without mention (it needs its own).
SILENTLY_REPLACED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "STATIC_ROOT", "API_ANON_RATE"}


def production_environment(database_url, *, static_root=None, base=None):
    """(environment for the portal's processes, notes saying what was set and why).

    `base` is the environment to start from (os.environ by default).
    """
    base = dict(os.environ if base is None else base)
    removed = sorted(name for name in OVERRIDDEN_VARIABLES if name in base and name not in SILENTLY_REPLACED)
    environment = {name: value for name, value in base.items() if name not in OVERRIDDEN_VARIABLES}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "clearinghouse.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": BENCH_HOSTS,
            "DATABASE_URL": database_url,
            # One address makes every request: the API's per-client rate limit would answer 429s.
            "API_ANON_RATE": "off",
        }
    )
    notes = [
        "Production settings: DEBUG=0, a random SECRET_KEY made for this run, ALLOWED_HOSTS=" + BENCH_HOSTS + ".",
        "Kept as in production: HTTPS redirect, HSTS, secure cookies, and trust in X-Forwarded-Proto "
        "(SECURE_PROXY_SSL_HEADER); every request sends X-Forwarded-Proto: https, as the TLS-terminating "
        "load balancer does.",
        "API_ANON_RATE=off: the load comes from one address, which the API's rate limit would refuse.",
    ]
    if static_root:
        environment["STATIC_ROOT"] = str(static_root)
        notes.append(f"STATIC_ROOT={static_root} (a temporary folder; collectstatic ran into it).")
    if removed:
        notes.append(f"Ignored from your environment so production defaults apply: {', '.join(removed)}.")
    return environment, notes


def apply_environment(environment):
    """Make this process's environment exactly `environment` (before django.setup())."""
    for name in list(os.environ):
        if name not in environment:
            del os.environ[name]
    os.environ.update(environment)
