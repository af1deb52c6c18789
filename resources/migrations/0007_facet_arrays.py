"""Facet counts read one row per resource, not three link tables (issue 6; PostgreSQL only).

Each resource row carries the ids of its topics and audiences and its practices as arrays,
kept by resources.search.documents (with search_tags), so a catalog page counts every facet
in one pass over the matching rows (resources.selectors.count_facets_postgresql) instead of
joining the link tables once per facet. GIN indexes on the arrays
serve the topic, audience and practice filters and find related resources.

The arrays, the title (sorted on) and the head vector (ranked on) stay in the row (STORAGE
MAIN): migration 0006 moves what it can out of line, and an array read from the TOAST table
for each of 90,000 matches cost more than the counting itself.

Like migrations 0003 and 0005 this is vendor-gated SQL, so the model state stays
database-neutral and SQLite (which counts facets with joins) is untouched.
"""

from django.db import migrations

FACET_ARRAYS = {
    "facet_topic_ids": ("integer[]", "resources_resource_topics", "topic_id"),
    "facet_audience_ids": ("integer[]", "resources_resource_audiences", "audience_id"),
    "facet_practices": ("text[]", "resources_resourcepractice", "practice"),
}

FORWARD_SQL = [
    *(
        f"ALTER TABLE resources_resource ADD COLUMN {column} {sql_type} NOT NULL DEFAULT '{{}}'"
        for column, (sql_type, _table, _term) in FACET_ARRAYS.items()
    ),
    *(f"ALTER TABLE resources_resource ALTER COLUMN {column} SET STORAGE MAIN" for column in FACET_ARRAYS),
    "ALTER TABLE resources_resource ALTER COLUMN title SET STORAGE MAIN",
    # The catalog's topic, audience and practice filters, and related resources (the newest
    # published resources carrying a set of topics).
    *(
        f"CREATE INDEX resources_resource_{column}_gin ON resources_resource USING gin ({column})"
        " WHERE status = 'published'"
        for column in FACET_ARRAYS
    ),
    "UPDATE resources_resource SET "
    + ", ".join(
        f"{column} = coalesce((SELECT array_agg({term} ORDER BY {term}) FROM {table} "
        f"WHERE resource_id = resources_resource.id), '{{}}')"
        for column, (_sql_type, table, term) in FACET_ARRAYS.items()
    ),
]

BACKWARD_SQL = [
    *(f"DROP INDEX IF EXISTS resources_resource_{column}_gin" for column in FACET_ARRAYS),
    *(f"ALTER TABLE resources_resource DROP COLUMN {column}" for column in FACET_ARRAYS),
    "ALTER TABLE resources_resource ALTER COLUMN title SET STORAGE EXTENDED",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0006_search_tags")]

    operations = [migrations.RunPython(run_on_postgresql(FORWARD_SQL), run_on_postgresql(BACKWARD_SQL))]
