from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def repair_sqlite_search_index(sender, using, **kwargs):
    """After `migrate`: Django rebuilds a table to alter it on SQLite, dropping its triggers; put
    back those that keep the full-text index current (resources.search.sqlite_index)."""
    from resources.search.sqlite_index import repair_search_index

    repair_search_index(connections[using])


class ResourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "resources"
    verbose_name = "Resource catalog"

    def ready(self):
        from clearinghouse import content_versions
        from resources import signals  # noqa: F401 (connects the receivers)

        # Every catalog model, including ones added later: cached pages showing the catalog
        # are keyed by this version (clearinghouse/content_versions.py).
        content_versions.track_app(self, content_versions.CATALOG)
        post_migrate.connect(repair_sqlite_search_index, sender=self)
