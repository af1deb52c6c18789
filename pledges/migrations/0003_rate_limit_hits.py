# The database-backed rate limit of the public pledge forms (pledges/ratelimit.py).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0002_pledge_reviewers_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateLimitHit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope", models.CharField(max_length=40)),
                ("client_key", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["scope", "client_key", "created_at"], name="pledges_ratelimit_client"),
                    models.Index(fields=["scope", "created_at"], name="pledges_ratelimit_expiry"),
                ],
            },
        ),
    ]
