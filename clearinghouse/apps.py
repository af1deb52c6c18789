from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClearinghouseConfig(AppConfig):
    name = "clearinghouse"
    verbose_name = "Clearinghouse"

    def ready(self):
        from clearinghouse import content_versions

        post_migrate.connect(content_versions.bump_all_after_migrate, sender=self)
