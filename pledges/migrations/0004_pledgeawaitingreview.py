# The review queue in the staff admin: a proxy of Pledge (no table, no permissions used of its own).
# Depends on 0003 (the public pages' rate limit, written in parallel) so the history stays one line.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0003_rate_limit_hits"),
    ]

    operations = [
        migrations.CreateModel(
            name="PledgeAwaitingReview",
            fields=[],
            options={
                "verbose_name": "pledge awaiting review",
                "verbose_name_plural": "pledges awaiting review",
                "ordering": ["email_verified_at", "pk"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("pledges.pledge",),
        ),
    ]
