"""Settings for the Mental Health Response Clearinghouse.

This is the one place that reads the environment. Development (DEBUG=1, which
`make run` and `make test` set) works with no other variable; production
(DEBUG unset or 0) refuses to start without SECRET_KEY and ALLOWED_HOSTS and
turns every transport-security setting on.
"""

import datetime
import os
import re
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_addresses(name):
    """Email addresses from a comma-separated variable: `Name <a@example.org>, b@example.org`.

    Returns (name, address) pairs, as Django 5.2's ADMINS and MANAGERS expect; refuses a
    value with an entry that is not an address, so a typo never silently emails no one.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return []
    pairs = getaddresses([value])
    if any("@" not in address for _name, address in pairs):
        raise ImproperlyConfigured(
            f'{name} must be comma-separated email addresses, e.g. "Name <a@example.org>, b@example.org".'
        )
    return [(name_ or address, address) for name_, address in pairs]


def env_list(name, default=()):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if DEBUG:
    # A development-only key: never used when DEBUG is off (see below).
    SECRET_KEY = SECRET_KEY or "development-only-insecure-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    missing = [name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value]
    if missing:
        raise ImproperlyConfigured(
            f"Production mode (DEBUG off) needs {' and '.join(missing)} in the environment. "
            "For local development set DEBUG=1, or use `make run`."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in emails and feeds sent outside a request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin with staff login protection: axes lockout, TOTP two-factor (staff_auth, decision 0014).
    "staff_auth.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "clearinghouse.staticfiles_app.ClearinghouseStaticFilesConfig",  # without USWDS's unused icons
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "clearinghouse.outbox_app.OutboxConfig",  # django-post-office
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "clearinghouse",
    "staff_auth",
    "resources",
    "pledges",
    "audit",
    "api",
    "linkcheck",
    "suggestions",
    "usage",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry it too: every response does.
    "clearinghouse.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed here (static files already are, by WhiteNoise, which answers above
    # this line): about a fifth of the bytes. Django's gzip adds random padding against BREACH,
    # and CSRF tokens are masked per response (decision 0018).
    "django.middleware.gzip.GZipMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks; it answers only under /api/ (CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    "clearinghouse.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "clearinghouse.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session signed in with a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    # After authentication: puts the signed-in user on every audit trail entry of the request.
    "audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view failing because the database is unavailable answers 503, not 500 (decision 0017).
    "clearinghouse.database_outage.DatabaseOutageMiddleware",
    # Last: turns a login refused by django-axes into the lockout page (HTTP 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clearinghouse.urls"

# The audit trail (django-auditlog; which models and fields: audit/registry.py; decision 0015).
# No IP addresses: the trail records who by their login, and the public site's visitors are
# not identified (the rate limiter keeps only keyed hashes of addresses for the same reason).
AUDITLOG_DISABLE_REMOTE_ADDR = True
# A changed foreign key reads "Policy → Report", not "3 → 5", and still does after the
# related row is deleted.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
WSGI_APPLICATION = "clearinghouse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clearinghouse.context_processors.site",
            ],
        },
    },
]

# Every form renders its fields through one USWDS field template.
FORM_RENDERER = "clearinghouse.forms.USWDSFormRenderer"

# --- Database ---------------------------------------------------------------
# PostgreSQL in production and CI (DATABASE_URL); SQLite is only the zero-set-up default.

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable database host fails a request in seconds (a 503, decision 0017) instead of
        # holding a worker for the minutes a TCP connect can take. ?connect_timeout= in the URL wins.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
        )
else:
    # The zero-set-up default: a local SQLite file under var/ (git-ignored).
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Seconds a visitor (and a load balancer) is told to wait before retrying when the database is
# unavailable: the Retry-After of the 503 page and of /readyz (decision 0017).
DATABASE_OUTAGE_RETRY_AFTER = env_int("DATABASE_OUTAGE_RETRY_AFTER", 10)
if not 1 <= DATABASE_OUTAGE_RETRY_AFTER <= 3600:
    raise ImproperlyConfigured("DATABASE_OUTAGE_RETRY_AFTER must be between 1 and 3600 seconds.")

# --- Cache ------------------------------------------------------------------
# Public pages and facet counts for anonymous visitors are cached under content versions kept in
# the database (clearinghouse/page_cache.py, decision 0006). With no CACHE_URL each process keeps
# its own cache in memory: nothing to run. CACHE_URL shares one cache between all processes:
# redis://host:6379/0 (or rediss://) uses Redis (the redis package), memcached://host:11211 uses
# memcached (the pymemcache package); dummy:// turns server-side caching off.


def cache_settings(url, max_entries):
    scheme, _, rest = url.partition("://")
    if not url or scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "clearinghouse",
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme in {"memcached", "pymemcache"}:
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": rest.rstrip("/").split(","),
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, unix://, memcached://, locmem:// or dummy:// (got {scheme}://)."
    )


CACHE_URL = env_str("CACHE_URL")
CACHES = {"default": {**cache_settings(CACHE_URL, env_int("CACHE_MAX_ENTRIES", 1000)), "KEY_PREFIX": "ch"}}
# How long the server keeps a cached page or fragment (seconds): a bound on staleness should a
# version bump ever be lost, and on memory.
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 3600)
# Cache-Control max-age of public pages: how long a browser, proxy or CDN may reuse one unasked.
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 300)
# How long a process may reuse the content versions it read (seconds; 0 reads them on every request).
# At most one second: after a change commits, no visitor is served the old page for longer.
CONTENT_VERSION_REUSE_SECONDS = float(env_str("CONTENT_VERSION_REUSE_SECONDS") or 1)
if not 0 <= CONTENT_VERSION_REUSE_SECONDS <= 1:
    raise ImproperlyConfigured("CONTENT_VERSION_REUSE_SECONDS must be between 0 and 1.")

# --- Auth -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# django-axes counts failed logins first (and refuses locked-out ones); ModelBackend checks passwords.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Staff login protection (decision 0014) --------------------------------------------
# After AXES_FAILURE_LIMIT failed logins for one username (from anywhere) or from one client IP
# (for any usernames) within the cool-off, that username or IP is refused for AXES_COOLOFF_MINUTES
# counted from the last try. Unlock sooner: manage.py axes_reset_username NAME / axes_reset_ip IP.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Every try while locked out is recorded and restarts the cool-off (the default), so a guesser
# that keeps going stays out. A success does not wipe the count (else anyone with one valid
# login could reset their address's count between guesses at another account).
AXES_RESET_ON_SUCCESS = False
# Every failed attempt is kept (not only the running count), for the admin's list.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The same client address as the pledge forms' rate limit (USE_X_FORWARDED_FOR, below).
AXES_CLIENT_IP_CALLABLE = "staff_auth.client_ip.client_ip_for_axes"
AXES_LOCKOUT_CALLABLE = "staff_auth.views.lockout"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# No "AXES: BEGIN ..." banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False

# Two-factor codes are required of staff who can see pledge contacts (the "Pledge reviewers",
# superusers) when this is on; for everyone else they stay optional.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", default=False)
# The issuer shown in authenticator apps beside the staff member's username.
OTP_TOTP_ISSUER = "Clearinghouse staff"
# Never show a device's secret key or QR code again in the device admin once it exists.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------
# USWDS comes from npm (node_modules, installed by the set-up) and is served by
# WhiteNoise under /static/uswds/ (its images and JavaScript): never from a CDN.
# The stylesheet is compiled from theme/ by the set-up (`make install`) into build/static/
# with only the USWDS packages the portal uses, and its fonts subset there (decision 0018),
# so USWDS's precompiled CSS, its full fonts and its Sass sources are not collected.

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    BASE_DIR / "build" / "static",
    ("uswds/img", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist" / "img"),
    ("uswds/js", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist" / "js"),
]

# Uploads are never served straight from MEDIA_ROOT: resource files go through a
# view that checks publication, pledge evidence through views that check access.
# With several app servers, MEDIA_ROOT must be shared storage (see README).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

STORAGES = {
    # Uploaded names capped in bytes (clearinghouse/storage.py).
    "default": {"BACKEND": "clearinghouse.storage.CappedNameFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 26_214_400

# --- Email ----------------------------------------------------------------------
# Every message goes to the outbox (django-post-office's table) in the transaction that causes it,
# and a worker (`manage.py run_mail_worker`) delivers it: decision 0013, clearinghouse/mail.py.
# EMAIL_BACKEND in the environment names how the worker delivers: console in development, SMTP
# (EMAIL_HOST, ...) in production. Tests deliver into mail.outbox (tests/conftest.py).

EMAIL_BACKEND = "clearinghouse.mail.OutboxBackend"
EMAIL_DELIVERY_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
if EMAIL_DELIVERY_BACKEND in {EMAIL_BACKEND, "post_office.EmailBackend"}:
    raise ImproperlyConfigured("EMAIL_BACKEND names how queued mail is delivered (e.g. SMTP), not the outbox itself.")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mental Health Response Clearinghouse <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# A failed delivery is retried after EMAIL_RETRY_SECONDS, the wait doubling each time up to
# EMAIL_RETRY_MAX_SECONDS, EMAIL_MAX_RETRIES times (the defaults: about 15 hours); then the message
# is marked failed and staff can send it again from the admin.
POST_OFFICE = {
    # Where the worker delivers. DEFAULT_PRIORITY is never "now", which would send during the request.
    "BACKENDS": {"default": EMAIL_DELIVERY_BACKEND},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": env_int("EMAIL_MAX_RETRIES", 20),
    "RETRY_INTERVAL": datetime.timedelta(seconds=env_int("EMAIL_RETRY_SECONDS", 60)),
    "MAX_RETRY_INTERVAL": datetime.timedelta(seconds=env_int("EMAIL_RETRY_MAX_SECONDS", 3600)),
    # One pass delivers at most 100 messages over 5 SMTP connections, then looks again.
    "BATCH_SIZE": 100,
    "THREADS_PER_PROCESS": 5,
    "BATCH_DELIVERY_TIMEOUT": 180,
    # A log row for every attempt, sent or failed: the admin shows attempts and the last error from them.
    "LOG_LEVEL": 2,
    # Used on SQLite only: on PostgreSQL the workers of every app server share an advisory lock.
    "LOCK_FILE_NAME": str(env_str("EMAIL_WORKER_LOCK_FILE") or BASE_DIR / "var" / "mail-worker"),
    "CELERY_ENABLED": False,
}
# How often run_mail_worker looks for queued mail (seconds).
EMAIL_WORKER_INTERVAL = env_int("EMAIL_WORKER_INTERVAL", 5)

# --- Security -------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "clearinghouse.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
    if env_bool("SECURE_PROXY_SSL_HEADER", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading is hard to undo (browsers ship the list): an explicit opt-in, never a default.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # check --deploy warns whenever preload is off; off is the decision here, not an oversight.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Written out in full so a reviewer can read it. Scripts and styles come only
# from this site; USWDS needs data: images for its icons.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Browser features no page of the portal uses, turned off for every page and any embedded frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

# --- Error reports ----------------------------------------------------------------
# Who is emailed the details of a 500 (ADMINS) and of broken links (MANAGERS), e.g.
# ADMINS="Ops team <ops@example.org>, dev@example.org". Empty: no error email is sent.
ADMINS = env_addresses("ADMINS")
MANAGERS = env_addresses("MANAGERS") or ADMINS

# --- Logging --------------------------------------------------------------------
# Every handler redacts private-link tokens and email addresses (clearinghouse/log_redaction.py).
# Django's own loggers are configured here too, so none keeps a default handler without the filter.

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A 503 (database outage, readiness probe) is logged as a warning: no error email per request.
        "service_unavailable_is_a_warning": {"()": "clearinghouse.database_outage.ServiceUnavailableIsAWarning"},
        "redact_secrets": {"()": "clearinghouse.log_redaction.RedactSecretsFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["redact_secrets", "require_debug_false"],
            "reporter_class": "clearinghouse.log_redaction.RedactingExceptionReporter",
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # django.request and django.security propagate here and on to the root's console.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # Runs before the handlers above see the record: a 503 reaches them as a warning.
        "django.request": {"filters": ["service_unavailable_is_a_warning"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Configured here so django-post-office does not add a second handler of its own (every line twice).
        "post_office": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# --- Portal -----------------------------------------------------------------------

# Largest upload accepted for a catalog file or pledge evidence.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)

# WhiteNoise serves straight from the finders in development, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Source maps are fetched only by a developer's browser tools: compressing them (Brotli at its
# highest level) was half of collectstatic's time on every deploy.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# --- One Mind pledge ------------------------------------------------------------------
# Which MHFA rule decides the Mental Health First Aid practice (pledges/rules.py):
# "combined" (the campaign's current wording: MHFA- plus CIT-trained sworn officers
# cover 100%) or "mhfa_only" (the original: MHFA alone for 100% of sworn officers).
ONE_MIND_MHFA_RULE = env_str("ONE_MIND_MHFA_RULE", "combined")
if ONE_MIND_MHFA_RULE not in {"combined", "mhfa_only"}:
    raise ImproperlyConfigured('ONE_MIND_MHFA_RULE must be "combined" or "mhfa_only".')

# The pledge team's mailbox: the Reply-To of emails to agency contacts, and who is told of pledges
# awaiting review when no active "Pledge reviewers" member has an email address.
PLEDGE_REVIEW_NOTIFY_EMAILS = env_list("PLEDGE_REVIEW_NOTIFY_EMAILS")

# The public pledge forms are rate-limited per client IP (pledges/ratelimit.py). Set this only when
# exactly one trusted proxy (the load balancer) sits in front of the app and appends the client's
# address to X-Forwarded-For: the rightmost entry is then used. Otherwise REMOTE_ADDR is used, and
# behind a proxy every visitor would share one limit.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", default=False)

# --- Open data: the public API (/api/v1/) and the data page (decision 0019) -------------------

# The licence the catalog and the roster are published under, as the data page and the API state it.
OPEN_DATA_LICENCE_NAME = env_str("OPEN_DATA_LICENCE_NAME", "Creative Commons Attribution 4.0 International (CC BY 4.0)")
OPEN_DATA_LICENCE_URL = env_str("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")
# Requests a minute one anonymous client (one IP address) may make to /api/v1/ before it is answered
# 429 with Retry-After; "off" for no limit (the benchmark). Counted in the cache: with the default
# per-process memory cache each gunicorn worker counts on its own (a client may get up to workers x
# this), with CACHE_URL every process shares one count.
API_ANON_RATE = env_str("API_ANON_RATE", "120/minute")
if API_ANON_RATE != "off" and not re.fullmatch(r"\d+/(second|minute|hour|day)", API_ANON_RATE):
    raise ImproperlyConfigured('API_ANON_RATE must be like "120/minute" (second, minute, hour or day) or "off".')

REST_FRAMEWORK = {
    # Public, read-only and anonymous: no sessions, so no CSRF and no per-user answers to cache.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    # JSON only: the human documentation is /api/ and the interactive reference /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_CLASSES": [] if API_ANON_RATE == "off" else ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": None if API_ANON_RATE == "off" else API_ANON_RATE},
    # The client's address for the rate limit: REMOTE_ADDR, or the rightmost X-Forwarded-For entry
    # behind one trusted proxy (the same rule as the pledge forms' limit, USE_X_FORWARDED_FOR).
    "NUM_PROXIES": 1 if USE_X_FORWARDED_FOR else 0,
    "EXCEPTION_HANDLER": "api.errors.json_error_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mental Health Response Clearinghouse API",
    "DESCRIPTION": (
        "Read-only open data: the published resource catalog, its vocabularies, the public roster of "
        "One Mind Campaign agencies and summary statistics. No key is needed. See /api/ for a guide."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "LICENSE": {"name": OPEN_DATA_LICENCE_NAME, "url": OPEN_DATA_LICENCE_URL},
    "COMPONENT_SPLIT_REQUEST": True,
}

# Cross-origin GETs from any site (browser apps of researchers and other clearinghouses), under /api/ only.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After")
