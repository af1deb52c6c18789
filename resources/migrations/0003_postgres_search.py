"""PostgreSQL full-text search support for the catalog (STYLE.md convention 6).

On PostgreSQL this migration:
- enables pg_trgm (a trusted extension, so the database owner may create it);
- adds a trigger that keeps resources_resource.search_vector equal to the weighted
  vector of title (A), summary (B) and body (C) on every insert and update;
- adds a GIN index on search_vector and a GIN trigram index on title (typo fallback);
- backfills search_vector for rows that already exist.

On any other database (SQLite, the zero-set-up default) it does nothing: the search
selector falls back to a simple case-insensitive match there.

The SQL lives in a vendor-gated RunPython rather than in Meta.indexes so that the
model state stays database-neutral and `makemigrations --check` stays clean.
"""

from django.db import migrations

SEARCH_VECTOR_SQL = """
    setweight(to_tsvector('pg_catalog.english', coalesce({row}title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}summary, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}body, '')), 'C')
"""

FORWARD_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""
    CREATE OR REPLACE FUNCTION resources_resource_search_vector_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := {SEARCH_VECTOR_SQL.format(row="NEW.")};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    # Every insert and update, not only UPDATE OF title/summary/body: Django's save()
    # writes the stale search_vector back, and the trigger must always have the last word.
    "DROP TRIGGER IF EXISTS resources_resource_search_vector_trigger ON resources_resource",
    """
    CREATE TRIGGER resources_resource_search_vector_trigger
    BEFORE INSERT OR UPDATE ON resources_resource
    FOR EACH ROW EXECUTE FUNCTION resources_resource_search_vector_update()
    """,
    "CREATE INDEX IF NOT EXISTS resources_resource_search_vector_gin ON resources_resource USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS resources_resource_title_trgm ON resources_resource USING gin (title gin_trgm_ops)",
    f"UPDATE resources_resource SET search_vector = {SEARCH_VECTOR_SQL.format(row='')}",
]

# The extension stays: other objects may depend on it, and it is harmless.
BACKWARD_SQL = [
    "DROP INDEX IF EXISTS resources_resource_title_trgm",
    "DROP INDEX IF EXISTS resources_resource_search_vector_gin",
    "DROP TRIGGER IF EXISTS resources_resource_search_vector_trigger ON resources_resource",
    "DROP FUNCTION IF EXISTS resources_resource_search_vector_update()",
    "UPDATE resources_resource SET search_vector = NULL",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_seed_vocabularies")]

    operations = [migrations.RunPython(run_on_postgresql(FORWARD_SQL), run_on_postgresql(BACKWARD_SQL))]
