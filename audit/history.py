"""The audit trail on each object's History page in the admin (a mixin of ClearinghouseModelAdmin).

Django's History page lists the admin's own messages ("Changed title."); below them this
adds the object's entries from the audit trail, newest first, with each field's old and
new value, and a link to all of them in the trail's list. A fixed number of queries,
however long the history: the latest HISTORY_ENTRIES entries, with their actors.
"""

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.http import urlencode

from audit.access import hidden_fields
from audit.presentation import describe
from audit.registry import is_audited

HISTORY_ENTRIES = 50


def entries_for(model, object_ids):
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=content_type, object_id__in=list(object_ids))


class AuditHistoryMixin:
    object_history_template = "admin/audit/object_history.html"

    def audit_related_entries(self, obj):
        """Entries of other objects that belong on this object's history (e.g. a pledge's practice progress)."""
        return []

    def history_view(self, request, object_id, extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id)) if is_audited(self.model) else None
        if obj is not None and self.has_view_or_change_permission(request, obj):
            model = self.model._meta.concrete_model
            queryset = entries_for(model, [obj.pk])
            for related in self.audit_related_entries(obj):
                queryset = queryset | related
            entries = list(
                queryset.select_related("actor", "content_type").order_by("-timestamp", "-pk")[:HISTORY_ENTRIES]
            )
            hidden = hidden_fields(request.user)
            content_type = ContentType.objects.get_for_model(model)
            described_entries = []
            for entry in entries:
                described = describe(entry, entry.content_type.model_class(), hidden)
                described["other_object"] = entry.content_type_id != content_type.pk
                described_entries.append(described)
            extra_context["audit_entries"] = described_entries
            extra_context["audit_more"] = len(entries) == HISTORY_ENTRIES
            extra_context["audit_trail_url"] = (
                reverse("admin:audit_audittrailentry_changelist")
                + "?"
                + urlencode({"content_type__id__exact": content_type.pk, "object_id": obj.pk})
            )
        return super().history_view(request, object_id, extra_context)
