"""The 503 "temporarily unavailable" answer to a database outage, and /readyz (decision 0017).

Errors here are real ones: a connection to a port nobody listens on, a SQLite file that cannot
be opened, a PostgreSQL backend terminated under the test's feet. The whole outage, a cluster
restart under load on gunicorn, is tests/test_database_outage.py.
"""

import logging
import re
import sqlite3

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, ProgrammingError, close_old_connections, connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import RequestFactory
from django.urls import reverse

from benchmarks.server import free_port
from clearinghouse import views as site_views
from clearinghouse.database_outage import is_database_unavailable, service_unavailable_response
from tests.pledges.test_views_signup import submit

ON_POSTGRESQL = connection.vendor == "postgresql"
needs_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="cuts a PostgreSQL connection (set DATABASE_URL)")


@pytest.fixture
def connection_refused_error(django_db_blocker):
    """The OperationalError Django raises when PostgreSQL does not answer (nothing listens on the port)."""
    unreachable = PostgreSQLWrapper(
        {**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1",
         "PORT": free_port(), "NAME": "nowhere", "USER": "nobody", "PASSWORD": "", "OPTIONS": {}},
        alias="unreachable",
    )  # fmt: skip
    with django_db_blocker.unblock(), pytest.raises(OperationalError) as raised:
        unreachable.ensure_connection()
    return raised.value


@pytest.fixture
def sqlite_error(django_db_blocker):
    """The OperationalError Django raises running `sql` on the SQLite database `name` (not the test database)."""

    def error(name, sql="SELECT 1"):
        database = SQLiteWrapper({**settings.DATABASES["default"], "NAME": name, "OPTIONS": {}}, alias="other")
        try:
            with django_db_blocker.unblock(), pytest.raises(OperationalError) as raised, database.cursor() as cursor:
                cursor.execute(sql)
            return raised.value
        finally:
            database.close()

    return error


def h1_texts(html):
    return [re.sub(r"<[^>]+>", "", heading).strip() for heading in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


# --- Which errors mean "the database is unavailable" -----------------------------------------------


def test_a_refused_connection_means_unavailable(connection_refused_error):
    assert is_database_unavailable(connection_refused_error)


def test_a_sqlite_file_that_cannot_be_opened_means_unavailable(sqlite_error, tmp_path):
    assert is_database_unavailable(sqlite_error(str(tmp_path / "no-such-folder" / "db.sqlite3")))


def test_a_missing_sqlite_table_is_a_bug_not_an_outage(sqlite_error):
    error = sqlite_error(":memory:", "SELECT * FROM no_such_table")

    assert isinstance(error.__cause__, sqlite3.OperationalError)
    assert not is_database_unavailable(error)


@pytest.mark.django_db
def test_other_database_errors_are_not_an_outage():
    with pytest.raises((ProgrammingError, OperationalError)) as missing_table, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")

    assert not is_database_unavailable(missing_table.value)
    assert not is_database_unavailable(IntegrityError("duplicate key"))
    assert not is_database_unavailable(ValueError("not a database error"))


@needs_postgresql
@pytest.mark.django_db
def test_a_statement_timeout_means_unavailable():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 10")
        with pytest.raises(OperationalError) as raised:
            cursor.execute("SELECT pg_sleep(1)")

    assert raised.value.__cause__.pgcode == "57014"
    assert is_database_unavailable(raised.value)


# --- The 503 page ------------------------------------------------------------------------------------


def test_the_outage_page_is_a_styled_503_with_retry_after_and_no_database(settings):
    settings.DATABASE_OUTAGE_RETRY_AFTER = 12

    # No django_db mark: pytest-django refuses every database access here, so the page needs none.
    response = service_unavailable_response()

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "12"
    assert "no-store" in response["Cache-Control"]
    assert h1_texts(html) == ["Temporarily unavailable"]
    assert "try again in 12 seconds" in html
    assert "it was not saved" in html
    assert 'class="usa-header' in html  # the site's layout, from base.html
    assert "<title>Temporarily unavailable | Mental Health Response Clearinghouse</title>" in html


def test_the_500_handler_answers_503_for_a_database_outage_outside_a_view(connection_refused_error):
    # Django calls the 500 handler inside its exception handler, as here.
    request = RequestFactory().get("/")
    try:
        raise connection_refused_error
    except OperationalError:
        response = site_views.server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_OUTAGE_RETRY_AFTER)


@pytest.mark.django_db
def test_the_500_handler_keeps_500_for_other_errors():
    request = RequestFactory().get("/")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    except (ProgrammingError, OperationalError):
        response = site_views.server_error(request)

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_a_503_is_logged_as_a_warning_without_a_traceback_and_a_500_stays_an_error(connection_refused_error, caplog):
    logger = logging.getLogger("django.request")
    try:
        raise connection_refused_error
    except OperationalError as error:
        logger.error("Service Unavailable: %s", "/pledge/", extra={"status_code": 503}, exc_info=error)
        logger.error("Internal Server Error: %s", "/pledge/", extra={"status_code": 500}, exc_info=error)

    unavailable, internal = [record for record in caplog.records if record.name == "django.request"]
    assert unavailable.levelno == logging.WARNING
    assert unavailable.exc_info is None
    assert unavailable.getMessage().startswith("Service Unavailable: /pledge/ (OperationalError: ")
    assert internal.levelno == logging.ERROR
    assert internal.exc_info is not None


# --- A connection cut in the middle of a visit (PostgreSQL) ---------------------------------------------


@pytest.fixture
def cut_connection(django_db_blocker):
    """Terminate the test's own PostgreSQL backend, as a restart or failover does; reconnect afterwards."""

    def cut():
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    yield cut
    connection.close()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_cut_connection_answers_503_then_the_next_request_reconnects(client, cut_connection, caplog):
    with pytest.raises(OperationalError):  # terminating our own backend ends the statement that asked
        cut_connection()

    page = client.get(reverse("pledges:roster"))
    readiness = client.get("/readyz")

    assert page.status_code == 503
    assert page["Retry-After"] == str(settings.DATABASE_OUTAGE_RETRY_AFTER)
    assert h1_texts(page.content.decode()) == ["Temporarily unavailable"]
    assert readiness.status_code == 503
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    # What Django does at the end of every request (the test client leaves it out): a connection that
    # failed is closed, and the next request opens a new one.
    close_old_connections()
    assert client.get(reverse("pledges:roster")).status_code == 200
    assert client.get("/readyz").status_code == 200


# --- /readyz ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_answers(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # SELECT 1, the statement timeout, and the savepoint around them
        response = client.get("/readyz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_readyz_refuses_to_change_anything(client):
    assert client.post("/readyz").status_code == 405


# --- Nothing writes to the database after a pledge commits ----------------------------------------------


@pytest.mark.django_db
def test_a_pledge_post_writes_no_session_and_check_your_email_still_names_the_pledge(client):
    response = submit(client, name="Sûreté du Québec Détachement")

    assert "sessionid" not in response.cookies  # the session would be saved after the pledge commits
    html = client.get(response["Location"]).content.decode()
    assert "Sûreté du Québec Détachement" in html


@pytest.mark.django_db
def test_check_your_email_ignores_an_altered_cookie(client):
    response = submit(client)
    client.cookies["pledge_submitted"] = response.cookies["pledge_submitted"].value.replace("e", "f", 1) + "x"

    html = client.get(response["Location"]).content.decode()

    assert "Check your email" in html
    assert "Springfield Police Department" not in html
