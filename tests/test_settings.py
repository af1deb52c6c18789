"""Production settings: `check --deploy` passes, secrets are required, the environment picks the backends.

Each test runs manage.py in a subprocess with clearinghouse.settings (not tests/settings.py,
which defaults DEBUG on) and an environment holding only what the test gives it, so the
settings module is imported fresh, exactly as a server would import it.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE_PY = settings.BASE_DIR / "manage.py"

# Everything clearinghouse/settings.py reads, removed from the inherited environment so that
# neither the developer's shell nor tests/settings.py (which sets DEBUG=1) leaks into a test.
PROJECT_VARIABLES_PREFIXES = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_", "SITE_URL", "DATABASE_URL", "MEDIA_")
PROJECT_VARIABLES_PREFIXES += ("STATIC_", "EMAIL_", "DEFAULT_FROM_EMAIL", "SERVER_EMAIL", "SECURE_", "UPLOAD_")
PROJECT_VARIABLES_PREFIXES += ("TIME_ZONE", "LOG_LEVEL", "DJANGO_", "CACHE_", "PAGE_CACHE_", "CONTENT_VERSION_")
PROJECT_VARIABLES_PREFIXES += ("ADMINS", "MANAGERS", "STAFF_2FA_", "AXES_")

POSTGRES_URL = "postgres://clearinghouse:password@db.internal:5432/clearinghouse"

# Prints the settings a test asserts on, as JSON on the last line of output.
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_DELIVERY_BACKEND": settings.POST_OFFICE["BACKENDS"]["default"],
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DATABASE_HOST": settings.DATABASES["default"].get("HOST", ""),
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def base_environment(**variables):
    environment = {name: value for name, value in os.environ.items() if not name.startswith(PROJECT_VARIABLES_PREFIXES)}
    environment["DJANGO_SETTINGS_MODULE"] = "clearinghouse.settings"
    environment.update(variables)
    return environment


def production_environment(**overrides):
    """DEBUG off with the two secrets production requires; `None` removes a variable."""
    variables = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "example.org"}
    variables.update(overrides)
    return base_environment(**{name: value for name, value in variables.items() if value is not None})


def manage(*arguments, environment):
    return subprocess.run(
        [sys.executable, str(MANAGE_PY), *arguments],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_seen_by(environment):
    completed = manage(
        "shell", "--no-imports", "--verbosity", "0", "--command", PRINT_SETTINGS, environment=environment
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_production_settings_pass_the_deployment_checklist():
    completed = manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=production_environment(DATABASE_URL=POSTGRES_URL)
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize(
    ("missing", "environment"),
    [
        # DEBUG unset is production: there is no development default to fall back on.
        ("SECRET_KEY", production_environment(DEBUG=None, SECRET_KEY=None)),
        # A production shell has its DATABASE_URL: manage.py's bare-checkout default does not apply.
        ("SECRET_KEY", production_environment(DEBUG=None, SECRET_KEY=None, DATABASE_URL=POSTGRES_URL)),
        ("ALLOWED_HOSTS", production_environment(ALLOWED_HOSTS=None)),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, environment):
    completed = manage("check", environment=environment)

    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert f"Production mode (DEBUG off) needs {missing} in the environment" in completed.stderr


def test_production_sends_email_by_smtp_and_uses_the_database_url():
    seen = settings_seen_by(production_environment(DATABASE_URL=POSTGRES_URL))

    assert seen["DEBUG"] is False
    assert seen["EMAIL_BACKEND"] == "clearinghouse.mail.OutboxBackend"  # queued, then the worker sends by SMTP
    assert seen["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert seen["DATABASE_ENGINE"] == "django.db.backends.postgresql"
    assert seen["DATABASE_HOST"] == "db.internal"
    assert seen["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert seen["SESSION_COOKIE_SECURE"] is True
    assert seen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize("environment", [base_environment(DEBUG="1"), base_environment()], ids=["DEBUG=1", "nothing"])
def test_development_needs_no_configuration_and_prints_email_to_the_console(environment):
    seen = settings_seen_by(environment)

    assert seen["DEBUG"] is True
    assert seen["EMAIL_BACKEND"] == "clearinghouse.mail.OutboxBackend"  # queued, then the worker prints it
    assert seen["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert seen["DATABASE_ENGINE"] == "django.db.backends.sqlite3"


PRINT_CACHE = """
import json
from django.conf import settings
print(json.dumps(settings.CACHES["default"]))
"""


@pytest.mark.parametrize(
    ("cache_url", "backend", "location"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache", "clearinghouse"),
        (
            "redis://cache.internal:6379/1",
            "django.core.cache.backends.redis.RedisCache",
            "redis://cache.internal:6379/1",
        ),
        (
            "memcached://cache-a.internal:11211,cache-b.internal:11211",
            "django.core.cache.backends.memcached.PyMemcacheCache",
            ["cache-a.internal:11211", "cache-b.internal:11211"],
        ),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache", None),
    ],
    ids=["nothing: in memory per process", "redis", "memcached", "dummy"],
)
def test_cache_url_picks_the_cache_backend(cache_url, backend, location):
    completed = manage(
        "shell", "--no-imports", "--verbosity", "0", "--command", PRINT_CACHE,
        environment=production_environment(CACHE_URL=cache_url, DATABASE_URL=POSTGRES_URL),
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout.strip().splitlines()[-1])

    assert seen["BACKEND"] == backend
    assert seen.get("LOCATION") == location


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"CACHE_URL": "mongodb://cache.internal"}, "CACHE_URL must start with"),
        ({"CONTENT_VERSION_REUSE_SECONDS": "5"}, "CONTENT_VERSION_REUSE_SECONDS must be between 0 and 1"),
    ],
)
def test_a_bad_cache_setting_is_refused_with_a_clear_message(variables, message):
    completed = manage("check", environment=production_environment(**variables))

    assert completed.returncode != 0
    assert message in completed.stderr


# --- Issue 7, finding 8: HSTS preload is an opt-in; ADMINS and MANAGERS come from the environment.

PRINT_SECURITY_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "SECURE_HSTS_PRELOAD": settings.SECURE_HSTS_PRELOAD,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "ADMINS": settings.ADMINS,
    "MANAGERS": settings.MANAGERS,
    "STAFF_2FA_REQUIRED": settings.STAFF_2FA_REQUIRED,
    "AXES_FAILURE_LIMIT": settings.AXES_FAILURE_LIMIT,
    "AXES_COOLOFF_SECONDS": settings.AXES_COOLOFF_TIME.total_seconds(),
}))
"""


def security_settings_seen_by(environment):
    completed = manage(
        "shell", "--no-imports", "--verbosity", "0", "--command", PRINT_SECURITY_SETTINGS, environment=environment
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_production_does_not_ask_for_hsts_preloading_unless_told_to():
    default = security_settings_seen_by(production_environment(DATABASE_URL=POSTGRES_URL))
    opted_in = security_settings_seen_by(production_environment(DATABASE_URL=POSTGRES_URL, SECURE_HSTS_PRELOAD="1"))

    assert default["SECURE_HSTS_SECONDS"] == 31_536_000
    assert default["SECURE_HSTS_PRELOAD"] is False
    assert opted_in["SECURE_HSTS_PRELOAD"] is True


def test_production_with_hsts_preloading_still_passes_the_deployment_checklist():
    environment = production_environment(DATABASE_URL=POSTGRES_URL, SECURE_HSTS_PRELOAD="1")

    completed = manage("check", "--deploy", "--fail-level", "WARNING", environment=environment)

    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_admins_and_managers_come_from_the_environment():
    seen = security_settings_seen_by(
        production_environment(ADMINS="Ops Team <ops@example.org>, dev@example.org", DATABASE_URL=POSTGRES_URL)
    )
    with_managers = security_settings_seen_by(
        production_environment(ADMINS="ops@example.org", MANAGERS="Editors <editors@example.org>")
    )

    assert seen["ADMINS"] == [["Ops Team", "ops@example.org"], ["dev@example.org", "dev@example.org"]]
    assert seen["MANAGERS"] == seen["ADMINS"]
    assert with_managers["MANAGERS"] == [["Editors", "editors@example.org"]]


def test_without_admins_no_one_is_emailed():
    seen = security_settings_seen_by(production_environment(DATABASE_URL=POSTGRES_URL))

    assert seen["ADMINS"] == []


def test_a_malformed_admins_value_is_refused_with_a_clear_message():
    completed = manage("check", environment=production_environment(ADMINS="Ops Team, ops-at-example.org"))

    assert completed.returncode != 0
    assert "ADMINS must be comma-separated email addresses" in completed.stderr


def test_staff_login_protection_is_configured_from_the_environment():
    default = security_settings_seen_by(production_environment(DATABASE_URL=POSTGRES_URL))
    tuned = security_settings_seen_by(
        production_environment(STAFF_2FA_REQUIRED="1", AXES_FAILURE_LIMIT="5", AXES_COOLOFF_MINUTES="60")
    )

    assert (default["STAFF_2FA_REQUIRED"], default["AXES_FAILURE_LIMIT"], default["AXES_COOLOFF_SECONDS"]) == (
        False,
        10,
        1800,
    )
    assert (tuned["STAFF_2FA_REQUIRED"], tuned["AXES_FAILURE_LIMIT"], tuned["AXES_COOLOFF_SECONDS"]) == (True, 5, 3600)
