"""Full-text search on SQLite, the zero-set-up default: FTS5 tables kept by triggers (issue 6).

On SQLite this migration creates, kept current by triggers on resources_resource, and fills:
- resources_resource_fts: the searched columns, stemmed (`porter unicode61`, accents removed),
  ranked by bm25 with PostgreSQL's weights (title and identifier 10; tags and summary 4;
  publisher, partners, committee and conference 2; body 1);
- resources_resource_title_trigrams: titles as trigrams, for misspelled queries.
Both are external-content tables: the text stays in resources_resource alone.

It refuses to run, saying why, on an SQLite older than 3.35 or without FTS5 and its trigram
tokenizer. On PostgreSQL it does nothing: migrations 0003 and 0006 keep its search vector.

The SQL is this migration's own copy of resources.search.sqlite_index, which describes the index
as it must be now (and repairs its triggers after Django rebuilds the table). It lives in a
vendor-gated RunPython, like 0003's, so the model state stays database-neutral.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, migrations

FULL_TEXT_TABLE = "resources_resource_fts"
TITLE_TRIGRAM_TABLE = "resources_resource_title_trigrams"
COLUMN_WEIGHTS = {
    "title": 10,
    "identifier": 10,
    "search_tags": 4,
    "summary": 4,
    "publisher": 2,
    "partners": 2,
    "submitting_committee": 2,
    "adopting_conference": 2,
    "body": 1,
}


def _columns(prefix=""):
    return ", ".join(f"{prefix}{column}" for column in COLUMN_WEIGHTS)


FORWARD_SQL = [
    f"CREATE VIRTUAL TABLE {FULL_TEXT_TABLE} USING fts5({_columns()}, content='resources_resource', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE {TITLE_TRIGRAM_TABLE} USING fts5(title, content='resources_resource', "
    "content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER resources_resource_search_insert
AFTER INSERT ON resources_resource BEGIN
    INSERT INTO {FULL_TEXT_TABLE}(rowid, {_columns()}) VALUES (new.id, {_columns("new.")});
    INSERT INTO {TITLE_TRIGRAM_TABLE}(rowid, title) VALUES (new.id, new.title);
END""",
    f"""CREATE TRIGGER resources_resource_search_delete
AFTER DELETE ON resources_resource BEGIN
    INSERT INTO {FULL_TEXT_TABLE}({FULL_TEXT_TABLE}, rowid, {_columns()}) VALUES ('delete', old.id, {_columns("old.")});
    INSERT INTO {TITLE_TRIGRAM_TABLE}({TITLE_TRIGRAM_TABLE}, rowid, title) VALUES ('delete', old.id, old.title);
END""",
    f"""CREATE TRIGGER resources_resource_search_update
AFTER UPDATE OF id, {_columns()} ON resources_resource BEGIN
    INSERT INTO {FULL_TEXT_TABLE}({FULL_TEXT_TABLE}, rowid, {_columns()}) VALUES ('delete', old.id, {_columns("old.")});
    INSERT INTO {FULL_TEXT_TABLE}(rowid, {_columns()}) VALUES (new.id, {_columns("new.")});
END""",
    f"""CREATE TRIGGER resources_resource_title_trigrams_update
AFTER UPDATE OF id, title ON resources_resource BEGIN
    INSERT INTO {TITLE_TRIGRAM_TABLE}({TITLE_TRIGRAM_TABLE}, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO {TITLE_TRIGRAM_TABLE}(rowid, title) VALUES (new.id, new.title);
END""",
    f"INSERT INTO {FULL_TEXT_TABLE}({FULL_TEXT_TABLE}, rank) "
    f"VALUES ('rank', 'bm25({', '.join(f'{weight:.1f}' for weight in COLUMN_WEIGHTS.values())})')",
    # The backfill: each index reads every existing row.
    f"INSERT INTO {FULL_TEXT_TABLE}({FULL_TEXT_TABLE}) VALUES ('rebuild')",
    f"INSERT INTO {TITLE_TRIGRAM_TABLE}({TITLE_TRIGRAM_TABLE}) VALUES ('rebuild')",
]

BACKWARD_SQL = [
    "DROP TRIGGER IF EXISTS resources_resource_title_trigrams_update",
    "DROP TRIGGER IF EXISTS resources_resource_search_update",
    "DROP TRIGGER IF EXISTS resources_resource_search_delete",
    "DROP TRIGGER IF EXISTS resources_resource_search_insert",
    f"DROP TABLE IF EXISTS {TITLE_TRIGRAM_TABLE}",
    f"DROP TABLE IF EXISTS {FULL_TEXT_TABLE}",
]


def check_fts5_available(connection):
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(text, tokenize='trigram')")
            cursor.execute("DROP TABLE temp.fts5_probe")
            # Search ranks from a materialized match list (SQLite 3.35).
            cursor.execute("WITH probe AS MATERIALIZED (SELECT 1) SELECT * FROM probe")
        except OperationalError as error:
            cursor.execute("SELECT sqlite_version()")
            (version,) = cursor.fetchone()
            raise ImproperlyConfigured(
                f"Catalog search on SQLite needs SQLite's FTS5 full-text search with its trigram tokenizer "
                f"(SQLite 3.35 or later, built with FTS5), but this Python's SQLite {version} says: {error}. "
                "Use a Python whose sqlite3 module has FTS5 (python.org and most Linux distributions' do), "
                "or PostgreSQL (set DATABASE_URL)."
            ) from error


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    check_fts5_available(schema_editor.connection)
    for statement in FORWARD_SQL:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in BACKWARD_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("resources", "0008_search_synonyms")]

    operations = [
        migrations.RunPython(forward, backward),
    ]
