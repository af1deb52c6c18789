"""SQLite's full-text index of the catalog (FTS5), as it must be after the last migration.

Two FTS5 tables read their text from resources_resource (external content, so no text is stored
twice) and are kept current by triggers on that table:

- resources_resource_fts: every searched column, the words stemmed (`porter unicode61`, accents
  removed), ranked by bm25 weighted like PostgreSQL's A/B/C/D: title and resolution identifier
  10, tags and summary 4, publisher, partners, committee and conference 2, body 1;
- resources_resource_title_trigrams: titles cut into trigrams, to find titles spelled like a
  misspelled query.

Migration 0007 created them (it keeps its own copy of this SQL, as migrations do; a test checks
the database still matches this module). Django rebuilds a table on SQLite to alter it (a new
table, the rows copied, the old one dropped), and the old table's triggers go with it: after
every `migrate`, `repair_search_index` puts back any trigger that is missing and rebuilds the
index from the rows.
"""

FULL_TEXT_TABLE = "resources_resource_fts"
TITLE_TRIGRAM_TABLE = "resources_resource_title_trigrams"
# The columns of resources_resource the full-text index reads, with their bm25 weights.
FULL_TEXT_COLUMN_WEIGHTS = {
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
FULL_TEXT_COLUMNS = tuple(FULL_TEXT_COLUMN_WEIGHTS)


def _columns(prefix=""):
    return ", ".join(f"{prefix}{column}" for column in FULL_TEXT_COLUMNS)


TABLES_SQL = {
    FULL_TEXT_TABLE: (
        f"CREATE VIRTUAL TABLE {FULL_TEXT_TABLE} USING fts5({_columns()}, content='resources_resource', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    ),
    TITLE_TRIGRAM_TABLE: (
        f"CREATE VIRTUAL TABLE {TITLE_TRIGRAM_TABLE} USING fts5(title, content='resources_resource', "
        "content_rowid='id', tokenize='trigram')"
    ),
}

# An external-content index forgets a row only when told the text it indexed: the triggers pass
# the old values with FTS5's 'delete' command before indexing the new ones.
TRIGGERS_SQL = {
    "resources_resource_search_insert": f"""CREATE TRIGGER resources_resource_search_insert
AFTER INSERT ON resources_resource BEGIN
    INSERT INTO {FULL_TEXT_TABLE}(rowid, {_columns()}) VALUES (new.id, {_columns("new.")});
    INSERT INTO {TITLE_TRIGRAM_TABLE}(rowid, title) VALUES (new.id, new.title);
END""",
    "resources_resource_search_delete": f"""CREATE TRIGGER resources_resource_search_delete
AFTER DELETE ON resources_resource BEGIN
    INSERT INTO {FULL_TEXT_TABLE}({FULL_TEXT_TABLE}, rowid, {_columns()}) VALUES ('delete', old.id, {_columns("old.")});
    INSERT INTO {TITLE_TRIGRAM_TABLE}({TITLE_TRIGRAM_TABLE}, rowid, title) VALUES ('delete', old.id, old.title);
END""",
    # Only when a searched column is written: publishing a resource reindexes nothing.
    "resources_resource_search_update": f"""CREATE TRIGGER resources_resource_search_update
AFTER UPDATE OF id, {_columns()} ON resources_resource BEGIN
    INSERT INTO {FULL_TEXT_TABLE}({FULL_TEXT_TABLE}, rowid, {_columns()}) VALUES ('delete', old.id, {_columns("old.")});
    INSERT INTO {FULL_TEXT_TABLE}(rowid, {_columns()}) VALUES (new.id, {_columns("new.")});
END""",
    "resources_resource_title_trigrams_update": f"""CREATE TRIGGER resources_resource_title_trigrams_update
AFTER UPDATE OF id, title ON resources_resource BEGIN
    INSERT INTO {TITLE_TRIGRAM_TABLE}({TITLE_TRIGRAM_TABLE}, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO {TITLE_TRIGRAM_TABLE}(rowid, title) VALUES (new.id, new.title);
END""",
}

# bm25 with the column weights, as the `rank` column of every full-text match (kept in the table's config).
RANK_SQL = (
    f"INSERT INTO {FULL_TEXT_TABLE}({FULL_TEXT_TABLE}, rank) "
    f"VALUES ('rank', 'bm25({', '.join(f'{weight:.1f}' for weight in FULL_TEXT_COLUMN_WEIGHTS.values())})')"
)
REBUILD_SQL = [f"INSERT INTO {table}({table}) VALUES ('rebuild')" for table in TABLES_SQL]


def _existing(cursor, object_type):
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = %s", [object_type])
    return dict(cursor.fetchall())


def repair_search_index(connection):
    """Put back the index's missing triggers and rebuild the index; True if anything was missing.

    Does nothing where there is no index: on PostgreSQL, or before migration 0007.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        tables = _existing(cursor, "table")
        if not all(table in tables for table in TABLES_SQL):
            return False
        missing = [sql for name, sql in TRIGGERS_SQL.items() if name not in _existing(cursor, "trigger")]
        for statement in missing:
            cursor.execute(statement)
        if missing:
            for statement in REBUILD_SQL:
                cursor.execute(statement)
    return bool(missing)
