# The roster's name search: the agency's name and city in capitals, a column the database keeps,
# and on PostgreSQL a trigram index of it (agencies on the roster only), so a search for a rare
# word ("Dayton") reads a few index entries instead of upper-casing every agency's name and city.
# The index is PostgreSQL-only SQL in a vendor-gated RunPython (as in resources 0003 and 0005),
# so the model state stays database-neutral.

import django.db.models.functions.text
from django.db import migrations, models

SEARCH_INDEX = "pledges_agency_roster_search"

FORWARD_SQL = [
    # A trusted extension, which the database owner may create; resources 0003 creates it too.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON pledges_agency USING gin (search_text gin_trgm_ops)"
    " WHERE roster_pledge_id IS NOT NULL",
]
BACKWARD_SQL = [f"DROP INDEX IF EXISTS {SEARCH_INDEX}"]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0005_agency_roster_entry"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper(
                    django.db.models.functions.text.Concat("name", models.Value(" "), "city")
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(run_on_postgresql(FORWARD_SQL), run_on_postgresql(BACKWARD_SQL)),
    ]
