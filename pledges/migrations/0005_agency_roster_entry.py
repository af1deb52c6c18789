# The public roster's entry on each agency: its current public pledge, that pledge's status and
# approval time, so the roster filters, orders, pages and counts agencies without joining pledges,
# and the two partial indexes it reads (its order and its counts, each with the columns its filters
# check). The backfill is the statement pledges.services.refresh_roster_entries runs, written
# against the historical models.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

PUBLIC_STATUSES = ("approved", "completed", "lapsed")


def fill_roster_entries(apps, schema_editor):
    Agency = apps.get_model("pledges", "Agency")
    Pledge = apps.get_model("pledges", "Pledge")
    latest_public = Pledge.objects.filter(agency=OuterRef("pk"), status__in=PUBLIC_STATUSES).order_by(
        "-approved_at", "-pk"
    )
    Agency.objects.update(
        roster_pledge=Subquery(latest_public.values("pk")[:1]),
        roster_status=Coalesce(Subquery(latest_public.values("status")[:1]), Value("")),
        roster_approved_at=Subquery(latest_public.values("approved_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0004_pledgeawaitingreview"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="roster_pledge",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                help_text="The pledge the public roster shows: the latest approved, completed or lapsed one.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="pledges.pledge",
            ),
        ),
        migrations.AddField(
            model_name="agency",
            name="roster_status",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The status of roster_pledge; empty when the agency is not on the roster.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="agency",
            name="roster_approved_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When roster_pledge was approved: the roster’s “pledged on” date.",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(
                condition=models.Q(("roster_pledge__isnull", False)),
                fields=[
                    "name",
                    "state",
                    "roster_pledge",
                    "country",
                    "roster_status",
                    "agency_type",
                    "sworn_officers",
                    "roster_approved_at",
                ],
                name="pledges_agency_roster_order",
            ),
        ),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(
                condition=models.Q(("roster_pledge__isnull", False)),
                fields=["country", "state", "roster_status", "agency_type", "sworn_officers", "roster_approved_at"],
                name="pledges_agency_roster_counts",
            ),
        ),
        migrations.RunPython(fill_roster_entries, migrations.RunPython.noop),
    ]
