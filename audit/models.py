"""The audit trail's entries are django-auditlog's LogEntry rows; this proxy gives them their place in the admin."""

from auditlog.models import LogEntry


class AuditTrailEntry(LogEntry):
    """One recorded change: who (actor), when (timestamp), which object, which fields from what to what."""

    class Meta:
        proxy = True
        verbose_name = "change"
        verbose_name_plural = "changes"
        # Who may read which entries follows the models' own view permissions (audit.access).
        default_permissions = ()
