"""Let the "Pledge reviewers" group see the email outbox and send a message again (decision 0013).

Outbox messages carry contact details and private progress links, so only reviewers
(who already have view_pledge_contact) get them: view_email and change_email ("Send
again") and view_log (each message's delivery attempts). Curators get nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PLEDGE_REVIEWERS_GROUP = "Pledge reviewers"  # pledges.constants.PLEDGE_REVIEWERS_GROUP, frozen here.
OUTBOX_PERMISSIONS = ["view_email", "change_email", "view_log"]


def grant_outbox_permissions(apps, schema_editor):
    # Permissions are created by post_migrate, which has not run yet on a fresh database.
    app_config = apps.get_app_config("post_office")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="post_office", codename__in=OUTBOX_PERMISSIONS)
    missing = set(OUTBOX_PERMISSIONS) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Outbox permissions missing: {', '.join(sorted(missing))}")
    group, _created = Group.objects.get_or_create(name=PLEDGE_REVIEWERS_GROUP)
    group.permissions.add(*permissions)


def revoke_outbox_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=PLEDGE_REVIEWERS_GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="post_office", codename__in=OUTBOX_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0007_pledge_sitemap_index"),
        ("post_office", "0014_alter_email_recipient_delivery_status_and_more"),
    ]

    operations = [migrations.RunPython(grant_outbox_permissions, revoke_outbox_permissions)]
