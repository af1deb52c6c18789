"""When the database cannot answer: "temporarily unavailable, try again" (503), never "something went wrong" (500).

A restart, failover or network blip of PostgreSQL makes requests fail with OperationalError or
InterfaceError. Those are not bugs: the right answer is 503 with `Retry-After` and a page that says
to try again, logged as a warning (no error email per request during an outage). Any other error
stays a 500 (decision 0017).

- `DatabaseOutageMiddleware` turns such an error raised by a view (or its template) into the 503.
- `clearinghouse.views.server_error` does the same for one raised elsewhere (a middleware saving
  the session, say), which Django hands to the 500 handler.
- `ServiceUnavailableIsAWarning` keeps Django's own "Service Unavailable" log line of every 503
  (the readiness probe's included) at WARNING, without a traceback, so it never reaches the
  administrators' error email.

The 503 page is rendered without the request: no context processor runs, so nothing reads the
session, the user or the messages, and rendering it touches no database.

Django closes a connection that had an error at the end of the request (and checks a kept one
before reuse: CONN_MAX_AGE with CONN_HEALTH_CHECKS), so the next request connects afresh once
the database is back; tests/test_database_outage.py proves it on a real restart.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

from clearinghouse.context_processors import site_identity

logger = logging.getLogger(__name__)

# PostgreSQL SQLSTATE classes that mean "the server cannot serve you now", not "your query is wrong":
# 08 connection exception, 53 insufficient resources (too many connections, disk full, out of memory),
# 57 operator intervention (shutting down, starting up, statement timeout).
POSTGRESQL_UNAVAILABLE_CLASSES = frozenset({"08", "53", "57"})
# SQLite's equivalents: the file is locked by another writer, cannot be opened or read, or the disk is full.
SQLITE_UNAVAILABLE_ERRORS = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL")


def is_database_unavailable(error):
    """True when `error` says the database cannot be reached or cannot serve now (worth a retry).

    InterfaceError (the connection is closed) always; OperationalError when the driver gives no
    error code (PostgreSQL client-side failures: connection refused, server closed the connection)
    or a code of an "unavailable" class. A missing table or a syntax error is an OperationalError on
    SQLite too, and stays a 500.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error
    sqlite_error_name = getattr(cause, "sqlite_errorname", None)
    if sqlite_error_name is not None:
        return sqlite_error_name.startswith(SQLITE_UNAVAILABLE_ERRORS)
    sqlstate = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in POSTGRESQL_UNAVAILABLE_CLASSES
    return True


def describe(error):
    """The error's class and first line, for a one-line log entry."""
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line}"


def service_unavailable_response():
    """The styled 503 page with Retry-After, rendered without the request (and so without the database)."""
    retry_after = settings.DATABASE_OUTAGE_RETRY_AFTER
    context = {**site_identity(), "retry_after_seconds": retry_after}
    response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(retry_after)
    # Neither a browser nor a proxy may keep the outage page in place of the real one.
    add_never_cache_headers(response)
    return response


def log_outage(request, error):
    logger.warning("Database unavailable: answered 503 to %s %s (%s)", request.method, request.path, describe(error))


class DatabaseOutageMiddleware:
    """Answer 503 "temporarily unavailable" when a view fails because the database is unavailable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log_outage(request, exception)
        return service_unavailable_response()


class ServiceUnavailableIsAWarning:
    """A logging filter for `django.request`: a 503 is an expected answer, logged as a warning.

    Django logs every response of 500 or more at ERROR, and the administrators' error email
    handler sends every ERROR: without this, a one-minute outage would send one email per
    request (and per readiness probe). The record keeps its message; its traceback is dropped.
    """

    def filter(self, record):
        if getattr(record, "status_code", None) == 503 and record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
            if record.exc_info and record.exc_info[1] is not None:
                record.msg = f"{record.msg} (%s)"
                record.args = (*(record.args or ()), describe(record.exc_info[1]))
            record.exc_info = None
            record.exc_text = None
        return True
