"""Search alerts in the admin: what people follow. Addresses only with alerts.view_subscriber_email."""

from django.contrib import admin

from alerts.models import EMAIL_PERMISSION, SearchAlert
from clearinghouse.admin import ClearinghouseModelAdmin


@admin.register(SearchAlert)
class SearchAlertAdmin(ClearinghouseModelAdmin):
    list_display = ("description", "state", "created_at", "last_digest_at")
    list_filter = ("confirmed_at", "unsubscribed_at")
    search_fields = ("description", "query_string")
    search_help_text = "Searches what the alerts follow (not the subscribers' addresses)."
    ordering = ("-created_at",)
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        fields = ["description", "query_string", "created_at", "confirmed_at", "unsubscribed_at"]
        fields += ["covered_through", "last_digest_at"]
        if request.user.has_perm(EMAIL_PERMISSION):
            fields.insert(0, "email")
        return fields

    @admin.display(description="State")
    def state(self, alert):
        if alert.unsubscribed_at:
            return "Stopped"
        return "Active" if alert.confirmed_at else "Awaiting confirmation"
