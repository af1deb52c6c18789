"""Settings for the Mental Health Response Clearinghouse.

This is the one place that reads the environment. Development (DEBUG=1, which
`make run` and `make test` set) works with no other variable; production
(DEBUG unset or 0) refuses to start without SECRET_KEY and ALLOWED_HOSTS and
turns every transport-security setting on.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "clearinghouse",
    "resources",
    "pledges",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed here (static files already are, by WhiteNoise, which answers above
    # this line): about a fifth of the bytes. Django's gzip adds random padding against BREACH,
    # and CSRF tokens are masked per response (decision 0018).
    "django.middleware.gzip.GZipMiddleware",
    "clearinghouse.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "clearinghouse.urls"
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

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------
# USWDS comes from npm (node_modules, installed by the set-up) and is served by
# WhiteNoise under /static/uswds/ (its fonts, images and JavaScript): never from a CDN.
# The stylesheet is compiled from theme/ by the set-up (`make install`) into build/static/
# with only the USWDS packages the portal uses (decision 0018).

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    BASE_DIR / "build" / "static",
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
]

# Uploads are never served straight from MEDIA_ROOT: resource files go through a
# view that checks publication, pledge evidence through views that check access.
# With several app servers, MEDIA_ROOT must be shared storage (see README).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
# Console in development; SMTP from the environment in production; locmem in tests.

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mental Health Response Clearinghouse <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

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
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

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

# --- Logging --------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Portal -----------------------------------------------------------------------

# Largest upload accepted for a catalog file or pledge evidence.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)

# WhiteNoise serves straight from the finders in development, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

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
