from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from audit import registry
        from audit.context import label_unattributed_entry

        registry.register_audited_models()
        pre_save.connect(label_unattributed_entry, sender=LogEntry, dispatch_uid="audit-source-label")
