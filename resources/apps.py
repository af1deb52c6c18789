from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "resources"
    verbose_name = "Resource catalog"

    def ready(self):
        from resources import signals  # noqa: F401 (connects the receivers)
