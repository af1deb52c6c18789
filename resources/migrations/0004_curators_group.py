"""Create the Curators group: staff who curate the catalog, and nothing in pledges.

Permissions are normally created by a post_migrate signal, after all migrations,
so on a fresh database they do not exist yet when this runs: create them first.
The group name and permission list are written out here, frozen with the
migration, rather than imported from code that may change later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"  # resources.roles.CURATORS_GROUP

# Model -> actions. Curators may delete vocabulary terms (the admin refuses terms
# still in use) and practice tags, but not resources: they archive those instead,
# which keeps the public address and the change history.
CURATOR_PERMISSIONS = {
    "resource": ("add", "change", "view"),
    "resourcekind": ("add", "change", "delete", "view"),
    "topic": ("add", "change", "delete", "view"),
    "audience": ("add", "change", "delete", "view"),
    "resourcepractice": ("add", "change", "delete", "view"),
}


def create_curators_group(apps, schema_editor):
    resources_config = apps.get_app_config("resources")
    # Migration-state app configs have no models module, which create_permissions
    # takes to mean "no models": flag it for the call, then put it back.
    models_module = getattr(resources_config, "models_module", None)
    resources_config.models_module = models_module or True
    try:
        create_permissions(resources_config, verbosity=0, using=schema_editor.connection.alias, apps=apps)
    finally:
        resources_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in CURATOR_PERMISSIONS.items() for action in actions]
    permissions = list(Permission.objects.filter(content_type__app_label="resources", codename__in=codenames))
    missing = sorted(set(codenames) - {permission.codename for permission in permissions})
    if missing:
        raise RuntimeError(f"Permissions missing for the Curators group: {', '.join(missing)}")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def remove_curators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0003_postgres_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators_group, remove_curators_group)]
