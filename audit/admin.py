"""The audit trail in the admin: one list of every recorded change, searchable and filtered by model,
object, actor and date (AuditTrailAdmin), and the staff accounts' History pages (users, groups).

Each staff user sees only the entries of models they may view (audit.access), with pledge
contact details masked unless they may see them. The list runs a fixed number of queries
per page, however many entries there are.
"""

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal

from audit.access import hidden_fields, visible_content_types, visible_models
from audit.history import AuditHistoryMixin
from audit.models import AuditTrailEntry
from audit.presentation import ACTION_LABELS, describe
from clearinghouse.admin import ClearinghouseModelAdmin

# django-auditlog registers its own LogEntry admin: this one replaces it (access rules, masking).
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)

# Query-string filters the trail accepts. Everything else (notably lookups into the stored
# changes, which would reveal masked values one guess at a time through the row count) is refused.
ALLOWED_LOOKUPS = {
    "content_type",
    "object_id",  # One object's entries, with `content_type`: its History page links here.
    "action__exact",
    "actor",
    "timestamp__gte",
    "timestamp__lt",
    "timestamp__isnull",
}


# The largest id the databases we run on can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def as_id(value):
    """An id from the query string, or None: isascii() because "²".isdigit() is true and int() refuses it."""
    if value and value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None


def printable(text):
    """A search word without control characters (PostgreSQL refuses NUL in a query; none is in a value)."""
    return "".join(character for character in text if character.isprintable())


class ModelListFilter(admin.SimpleListFilter):
    title = "model"
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        models = visible_content_types(request.user)
        return sorted(
            ((str(pk), str(model._meta.verbose_name).capitalize()) for pk, model in models.items()),
            key=lambda choice: choice[1],
        )

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        value = as_id(self.value())
        return queryset.none() if value is None else queryset.filter(content_type_id=value)


class ActionListFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "action__exact"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in ACTION_LABELS.items() if value != LogEntry.Action.ACCESS]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        value = as_id(self.value())
        return queryset.none() if value is None else queryset.filter(action=value)


class ActorListFilter(admin.SimpleListFilter):
    """Staff users, and "no user" for the public website, commands and the system."""

    title = "changed by"
    parameter_name = "actor"
    NOBODY = "none"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("username").values_list("pk", "username")
        return [(self.NOBODY, "No user (public website, commands, system)"), *((str(pk), name) for pk, name in staff)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == self.NOBODY:
            return queryset.filter(actor__isnull=True)
        value = as_id(self.value())
        return queryset.none() if value is None else queryset.filter(actor_id=value)


@admin.register(AuditTrailEntry)
class AuditTrailAdmin(ClearinghouseModelAdmin):
    list_display_links = None
    list_filter = (
        ModelListFilter,
        ActionListFilter,
        ActorListFilter,
        ("timestamp", admin.DateFieldListFilter),
    )
    list_select_related = ("actor", "content_type")
    ordering = ("-timestamp", "-pk")
    search_fields = ("object_repr",)
    search_help_text = (
        "Searches the changed objects’ names, who changed them (username) and the recorded values. "
        "Each word must match."
    )
    actions = None

    # --- Who may see what ------------------------------------------------------------------

    # Asked on every admin page (the sidebar lists the apps): decided from permissions alone, no query.
    def has_module_permission(self, request):
        return bool(visible_models(request.user))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return bool(visible_models(request.user))
        return obj.content_type.model_class() in visible_models(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(content_type_id__in=list(visible_content_types(request.user)))

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in ALLOWED_LOOKUPS

    def get_search_results(self, request, queryset, search_term):
        """Each word in the object's name, the actor's username or the recorded values; masked values never match."""
        masked_models = hidden_fields(request.user)
        masked_types = [pk for pk, model in visible_content_types(request.user).items() if model in masked_models]
        for bit in smart_split(printable(search_term)):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if not bit:
                continue
            in_values = Q(changes__icontains=bit)
            if masked_types:
                in_values &= ~Q(content_type_id__in=masked_types)
            queryset = queryset.filter(Q(object_repr__icontains=bit) | Q(actor__username__icontains=bit) | in_values)
        return queryset, False

    # --- The list -----------------------------------------------------------------------------

    def get_list_display(self, request):
        hidden = hidden_fields(request.user)

        @admin.display(description="Changes")
        def changes(entry):
            described = describe(entry, entry.content_type.model_class(), hidden)
            # The template escapes every value; the list shows its HTML as it is.
            return mark_safe(render_to_string("admin/audit/change_rows.html", {"rows": described["rows"]}))

        return ("when", "changed_by", "model", "changed_object", "action_label", changes)

    @admin.display(description="Date/time", ordering="timestamp")
    def when(self, entry):
        return entry.timestamp

    @admin.display(description="Changed by")
    def changed_by(self, entry):
        return describe(entry, None, {})["actor"]

    @admin.display(description="Model")
    def model(self, entry):
        model = entry.content_type.model_class()
        return str(model._meta.verbose_name).capitalize() if model is not None else entry.content_type.model

    @admin.display(description="Object")
    def changed_object(self, entry):
        """The object's name, linked to its admin page while it exists (a practice's: its pledge's page)."""
        content_type = entry.content_type
        name, args = f"admin:{content_type.app_label}_{content_type.model}_change", [entry.object_pk]
        pledge_id = (entry.additional_data or {}).get("pledge_id")
        if content_type.model == "practiceprogress" and pledge_id:
            name, args = "admin:pledges_pledge_change", [pledge_id]
        if entry.action == LogEntry.Action.DELETE:
            return entry.object_repr
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description="Action")
    def action_label(self, entry):
        return ACTION_LABELS.get(entry.action, "")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """One entry, read-only, with the same masking as the list."""
        entry_id = as_id(object_id)
        if entry_id is None:
            raise Http404
        entry = self.get_queryset(request).select_related("actor", "content_type").filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        if not self.has_view_permission(request, entry):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change to {entry.object_repr}",
            "opts": self.opts,
            "described_entries": [describe(entry, entry.content_type.model_class(), hidden_fields(request.user))],
        }
        return TemplateResponse(request, "admin/audit/entry.html", context)


# --- Staff accounts: the same History page with the audit trail as every portal admin ------------

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditHistoryMixin, UserAdmin):
    pass


@admin.register(Group)
class AuditedGroupAdmin(AuditHistoryMixin, GroupAdmin):
    pass
