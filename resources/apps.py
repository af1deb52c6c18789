from django.apps import AppConfig


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
