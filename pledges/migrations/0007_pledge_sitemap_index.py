# A narrow index of what the agency sitemap reads of each roster pledge (demo or not, last change),
# so a sitemap file of 5,000 agencies does not read 5,000 wide pledge rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0006_agency_search_text"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="pledge",
            index=models.Index(fields=["id", "is_demo", "updated_at"], name="pledges_pledge_sitemap"),
        ),
    ]
