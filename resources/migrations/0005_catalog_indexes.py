"""Indexes for the public catalog's listing, facet counts and typo fallback.

- On every database: published resources newest first (Resource.Meta.indexes), the order of
  the home page's "newest" list and, on SQLite, of the catalog.
- On PostgreSQL only, a partial index of the published resources in the catalog's default
  order (newest first, resources without a date last: `DESC NULLS LAST`, which SQLite cannot
  put in an index; ties on the date are sorted by title after reading). It also carries, as
  INCLUDE columns, every column the catalog's filters and facet counts read (id, kind,
  years, sunset date), so PostgreSQL answers "which published resources pass these
  filters?" from this small index alone (an index-only scan) instead of reading the wide
  rows, with their summaries and bodies, of the whole table. Each page asks that question
  several times: for the count and for each facet count.

  Title is deliberately left out. With it, the planner would compare every title with a
  misspelled query by reading this index, since it cannot tell that word_similarity() is
  costly, instead of asking the trigram index on title for the few candidates (measured on
  5,000 resources: 55-75 ms instead of 7 ms for "narcan programme").

The PostgreSQL index lives in a vendor-gated RunPython, like migration 0003, so the model
state stays database-neutral and `makemigrations --check` stays clean.
"""

from django.db import migrations, models

CATALOG_LISTING_INDEX = "resources_resource_catalog_listing"

FORWARD_SQL = f"""
    CREATE INDEX IF NOT EXISTS {CATALOG_LISTING_INDEX} ON resources_resource
        (published_at DESC NULLS LAST)
        INCLUDE (id, kind_id, year_adopted, year_published, sunset_date)
        WHERE status = 'published'
"""

BACKWARD_SQL = f"DROP INDEX IF EXISTS {CATALOG_LISTING_INDEX}"


def run_on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0004_curators_group")]

    operations = [
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(fields=["status", "-published_at", "title"], name="resource_status_newest_idx"),
        ),
        migrations.RunPython(run_on_postgresql(FORWARD_SQL), run_on_postgresql(BACKWARD_SQL)),
    ]
