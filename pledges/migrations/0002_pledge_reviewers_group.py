"""Create the "Pledge reviewers" group with its permissions (STYLE.md convention 5).

Reviewers may view, add and change everything in the pledges app (never delete:
pledges and their history are records), see contact details (view_pledge_contact)
and export (export_pledges). Curators get nothing here.

Permissions are normally created by post_migrate, which has not run yet on a fresh
database, so create_permissions is called first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PLEDGE_REVIEWERS_GROUP = "Pledge reviewers"  # pledges.constants.PLEDGE_REVIEWERS_GROUP, frozen here.
MODELS = [
    "agency",
    "pledge",
    "pledgetransition",
    "deadlineextension",
    "deadlinereminder",
    "practiceprogress",
    "progressreport",
]
CUSTOM_PERMISSIONS = ["view_pledge_contact", "export_pledges"]


def create_reviewers_group(apps, schema_editor):
    app_config = apps.get_app_config("pledges")
    # create_permissions skips app configs without a models module, which migration-state
    # configs lack: flag it for the call, then put back whatever was there.
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
    codenames += CUSTOM_PERMISSIONS
    permissions = Permission.objects.filter(content_type__app_label="pledges", codename__in=codenames)
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Pledge permissions missing: {', '.join(sorted(missing))}")
    group, _created = Group.objects.get_or_create(name=PLEDGE_REVIEWERS_GROUP)
    group.permissions.add(*permissions)


def remove_reviewers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PLEDGE_REVIEWERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_reviewers_group, remove_reviewers_group)]
