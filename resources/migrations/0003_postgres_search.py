"""PostgreSQL full-text search support (filled in by the search work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_seed_vocabularies")]

    operations = []
