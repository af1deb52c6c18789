"""Review intervals per kind, and the first review due date of every published resource.

Policies and legal texts change fastest, so they are reviewed yearly; resolutions have a
five-year term of their own; everything else every two years (the model's default).
A resource never reviewed is due its interval after publication. Written out here (not
imported) so the migration keeps doing what it did when written.
"""

import calendar

from django.db import migrations

INTERVAL_MONTHS_BY_KIND = {"model-policy": 12, "legislative-initiative": 12, "resolution": 60}
DEFAULT_INTERVAL_MONTHS = 24
BATCH_SIZE = 2000


def add_months(date, months):
    years, month_index = divmod(date.month - 1 + months, 12)
    year, month = date.year + years, month_index + 1
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


def set_review_due_dates(apps, schema_editor):
    ResourceKind = apps.get_model("resources", "ResourceKind")
    Resource = apps.get_model("resources", "Resource")
    for slug, months in INTERVAL_MONTHS_BY_KIND.items():
        ResourceKind.objects.filter(slug=slug, review_interval_months=DEFAULT_INTERVAL_MONTHS).update(
            review_interval_months=months
        )
    interval_by_kind = dict(ResourceKind.objects.values_list("pk", "review_interval_months"))
    batch = []
    published = Resource.objects.filter(published_at__isnull=False).only("pk", "kind_id", "published_at")
    for resource in published.iterator(chunk_size=BATCH_SIZE):
        resource.review_due_on = add_months(resource.published_at.date(), interval_by_kind[resource.kind_id])
        batch.append(resource)
        if len(batch) == BATCH_SIZE:
            Resource.objects.bulk_update(batch, ["review_due_on"])
            batch = []
    Resource.objects.bulk_update(batch, ["review_due_on"])


class Migration(migrations.Migration):
    dependencies = [("resources", "0011_review_dates")]

    operations = [migrations.RunPython(set_review_due_dates, migrations.RunPython.noop)]
