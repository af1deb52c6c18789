"""PostgreSQL for the benchmark: the server from DATABASE_URL, throwaway databases on it, bulk writes.

The benchmark never touches the database DATABASE_URL names: it creates its own databases
beside it on the same server (the role needs CREATEDB, as CI's has) and drops them after.
"""

import contextlib
import datetime
import io
import urllib.parse

import dj_database_url

NO_POSTGRESQL_HELP = """\
The benchmark needs PostgreSQL, as production runs on; it refuses SQLite.
Set DATABASE_URL to a PostgreSQL 15 server where the role may create databases, e.g.
    DATABASE_URL=postgres://clearinghouse:clearinghouse@127.0.0.1:5432/clearinghouse make bench
No PostgreSQL yet? On a Debian machine, `sudo .ci/run` installs PostgreSQL 15 and starts the
cluster CI uses (port 54329, role clearinghouse/clearinghouse, database clearinghouse); then
    DATABASE_URL=postgres://clearinghouse:clearinghouse@127.0.0.1:54329/clearinghouse make bench
The benchmark creates and drops its own databases beside that one and never touches it."""

# Rows per COPY statement: big enough to amortize the round trip, small enough to bound memory.
COPY_BATCH_ROWS = 5_000


class BenchmarkError(Exception):
    """The benchmark cannot run as asked; the message says why and what to do."""


def parse_postgresql_url(url):
    """DATABASE_URL's parts (dj_database_url's dict), or BenchmarkError unless it is PostgreSQL."""
    if not url:
        raise BenchmarkError("DATABASE_URL is not set.\n\n" + NO_POSTGRESQL_HELP)
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        raise BenchmarkError(f"DATABASE_URL cannot be read ({error}).\n\n{NO_POSTGRESQL_HELP}") from error
    if "postgresql" not in config["ENGINE"]:
        raise BenchmarkError(f"DATABASE_URL selects {config['ENGINE']}.\n\n{NO_POSTGRESQL_HELP}")
    return config


def url_for_database(url, name):
    """DATABASE_URL with its database name replaced by `name` (same server, role and options)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name)))


def _connect(url, name):
    import psycopg2

    config = parse_postgresql_url(url)
    return psycopg2.connect(
        dbname=name,
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )


@contextlib.contextmanager
def server_cursor(url):
    """A cursor on the server's maintenance database, in autocommit (CREATE and DROP DATABASE need it)."""
    import psycopg2

    config = parse_postgresql_url(url)
    try:
        connection = _connect(url, "postgres")
    except psycopg2.OperationalError as error:
        if 'database "postgres" does not exist' not in str(error):
            raise BenchmarkError(
                f"Cannot reach PostgreSQL at {config['HOST']}:{config['PORT']}: {error}\n{NO_POSTGRESQL_HELP}"
            ) from error
        connection = _connect(url, "template1")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def database_exists(url, name):
    with server_cursor(url) as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def drop_database(url, name):
    from psycopg2 import sql

    with server_cursor(url) as cursor:
        # FORCE ends sessions still connected (a profiler left open): the data is being replaced.
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create_database(url, name):
    """Create `name` on DATABASE_URL's server, dropping any database of that name first."""
    from psycopg2 import sql

    drop_database(url, name)
    with server_cursor(url) as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))


# The README's advice for production on SSD-backed PostgreSQL (Deployment): the benchmark follows it.
DATABASE_SETTINGS = {"random_page_cost": "1.1"}


def apply_database_settings(url, name):
    """ALTER DATABASE name SET … for DATABASE_SETTINGS: what a production database is advised to have."""
    from psycopg2 import sql

    with server_cursor(url) as cursor:
        for setting, value in DATABASE_SETTINGS.items():
            cursor.execute(
                sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
                )
            )


def describe_database_settings():
    return ", ".join(f"{setting} = {value}" for setting, value in DATABASE_SETTINGS.items())


def count_rows(url, name, table):
    """SELECT count(*) of one table in database `name` (for checks made outside Django)."""
    from psycopg2 import sql

    connection = _connect(url, name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            return cursor.fetchone()[0]
    finally:
        connection.close()


# --- Bulk writes ----------------------------------------------------------------------------------


def _copy_text(value):
    """One value in COPY's text format."""
    if type(value) is str:  # the most common case first
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date):  # datetimes too: isoformat keeps the offset
        return value.isoformat()
    return _copy_text(str(value))


def _timestamp_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]


def write_rows(model, instances, *, now=None):
    """Insert unsaved model instances in bulk; returns how many.

    On PostgreSQL, with COPY (psycopg2's copy_expert) in batches of COPY_BATCH_ROWS: several times
    faster than INSERT for a hundred thousand rows. Instances whose primary key is set keep it
    (call reset_sequences afterwards); otherwise the database numbers them. created_at and
    updated_at keep the values given (a generated history has its own dates) or get `now`.
    Triggers run as for any insert (the catalog's search vector). Other databases (the tests on
    SQLite) get bulk_create, which sets the timestamps to now.
    """
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        instances = list(instances)
        model.objects.bulk_create(instances, batch_size=500)
        return len(instances)

    now = now or timezone.now()
    timestamps = _timestamp_fields(model)
    written = 0
    batch = []
    for instance in instances:
        for field in timestamps:
            if getattr(instance, field.attname) is None:
                setattr(instance, field.attname, now)
        batch.append(instance)
        if len(batch) >= COPY_BATCH_ROWS:
            written += _copy_batch(model, batch, connection)
            batch = []
    if batch:
        written += _copy_batch(model, batch, connection)
    return written


def _column_writers(model, with_ids):
    """[(field, converter or None)]: None where the attribute already is what COPY needs (text,
    numbers, booleans, foreign key ids), which spares a million get_db_prep_save calls a load."""
    from django.db import models

    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
    writers = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.AutoField) and not with_ids:
            continue
        if field.generated:  # Computed by the database (e.g. Agency.search_text).
            continue
        writers.append((field, None if isinstance(field, plain) else field.get_db_prep_save))
    return writers


def _copy_batch(model, batch, connection):
    writers = _column_writers(model, with_ids=batch[0].pk is not None)
    buffer = io.StringIO()
    for instance in batch:
        values = instance.__dict__
        buffer.write(
            "\t".join(
                _copy_text(
                    values[field.attname] if convert is None else convert(getattr(instance, field.attname), connection)
                )
                for field, convert in writers
            )
        )
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(field.column) for field, _convert in writers)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return len(batch)


def reset_sequences(*models):
    """After rows were written with explicit ids: the next id the database gives follows the largest."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def next_id(model):
    """The first free id of a model's table (max + 1)."""
    from django.db.models import Max

    return (model.objects.aggregate(largest=Max("pk"))["largest"] or 0) + 1


@contextlib.contextmanager
def indexes_rebuilt_after(*models, maintenance_work_mem="256MB"):
    """Drop the tables' indexes that back no constraint, and rebuild them on leaving: one build of
    an index over all the rows is several times faster than growing it row by row (the GIN indexes
    of the catalog's search above all). Unique indexes are rebuilt too, so a duplicate still fails.

    The definitions are read from PostgreSQL itself, so indexes added by later migrations are handled.
    Must run inside a transaction (atomic), so a failure leaves every index in place.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname, pg_get_indexdef(index.indexrelid)
            FROM pg_index AS index
            JOIN pg_class AS index_class ON index_class.oid = index.indexrelid
            JOIN pg_class AS table_class ON table_class.oid = index.indrelid
            WHERE table_class.relname = ANY(%s)
              AND table_class.relnamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE pg_constraint.conindid = index.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        # Deferred foreign-key checks still pending would forbid CREATE INDEX: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = %s", [maintenance_work_mem])
        for _name, definition in indexes:
            cursor.execute(definition)
