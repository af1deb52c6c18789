"""Curators moderate suggestions: view and change them, and see the suggester's contact details
(to write back about a suggestion when needed). Nobody else does unless given these permissions.

Written out here, frozen with the migration (see resources/migrations/0004_curators_group.py).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"  # resources.roles.CURATORS_GROUP
CODENAMES = ["view_suggestion", "change_suggestion", "view_suggester_contact"]


def grant_curators(apps, schema_editor):
    config = apps.get_app_config("suggestions")
    models_module = getattr(config, "models_module", None)
    config.models_module = models_module or True
    try:
        create_permissions(config, verbosity=0, using=schema_editor.connection.alias, apps=apps)
    finally:
        config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="suggestions", codename__in=CODENAMES))
    if len(permissions) != len(CODENAMES):
        raise RuntimeError("Permissions missing for the Curators' moderation of suggestions.")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def revoke_curators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="suggestions", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
        ("resources", "0004_curators_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_curators, revoke_curators)]
