"""The outbox in the admin: each message's state, attempts and last error, and "Send again".

Replaces django-post-office's own admin pages (imported first, then unregistered) with
one built on ClearinghouseModelAdmin:
- Messages hold contact details and private progress links, so staff see them only with
  both `post_office.view_email` and `pledges.view_pledge_contact` (the "Pledge reviewers"
  group has both; "Curators" have neither). Superusers see everything.
- Nothing is edited here. "Send again" (`post_office.change_email`) puts messages back in
  the queue for the worker: it never talks to the mail server during the request (the
  library's own Resend button did, on a GET).
- Templates, attachments and the separate log list are not used by the portal and are
  not shown; each message's delivery attempts are listed on its page.
"""

import post_office.admin as post_office_admin
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from post_office.models import STATUS, Attachment, Email, EmailTemplate, Log

from clearinghouse.admin import ClearinghouseModelAdmin

CONTACT_PERMISSION = "pledges.view_pledge_contact"

STATUS_LABELS = {
    STATUS.queued: "Queued",
    STATUS.requeued: "Queued, retrying after a failure",
    STATUS.sent: "Sent",
    STATUS.failed: "Failed (no more retries)",
}


def send_again(queryset):
    """Queue messages again for the worker, now, with a fresh count of retries. Returns how many."""
    return queryset.update(status=STATUS.queued, scheduled_time=None, number_of_retries=0)


class DeliveryAttemptInline(post_office_admin.LogInline):
    verbose_name = "delivery attempt"
    verbose_name_plural = "Delivery attempts"
    ordering = ("-date",)
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Email, Log, EmailTemplate, Attachment):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Email)
class OutboxEmailAdmin(ClearinghouseModelAdmin, post_office_admin.EmailAdmin):
    list_display = (
        "recipients",
        "shortened_subject",
        "state",
        "attempts",
        "last_error",
        "created",
        "scheduled_time",
    )
    list_display_links = ("recipients", "shortened_subject")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    search_help_text = "Searches recipients' addresses and subjects."
    date_hierarchy = "created"
    ordering = ("-created",)
    inlines = [DeliveryAttemptInline]
    actions = ["send_again_action"]
    save_on_top = False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and request.user.has_perm(CONTACT_PERMISSION)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # Messages are records; "Send again" is the only change (has_send_again_permission).

    def has_send_again_permission(self, request, obj=None):
        return self.has_view_permission(request) and request.user.has_perm("post_office.change_email")

    def get_queryset(self, request):
        last_error = Log.objects.filter(email=OuterRef("pk"), status=STATUS.failed).order_by("-date", "-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                attempt_count=Count("logs", filter=Q(logs__status__in=[STATUS.sent, STATUS.failed])),
                last_error_message=Subquery(last_error.values("message")[:1]),
            )
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        fieldsets[0][1]["fields"] = [
            "from_email",
            "to",
            "cc",
            "bcc",
            ("state", "scheduled_time"),
            ("attempts", "last_error"),
            "created",
        ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "state", "attempts", "last_error", "created"]

    @admin.display(description="To", ordering="to")
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.display(description="State", ordering="status")
    def state(self, email):
        return STATUS_LABELS.get(email.status, "Not queued")

    @admin.display(description="Attempts", ordering="attempt_count")
    def attempts(self, email):
        return email.attempt_count

    @admin.display(description="Last error")
    def last_error(self, email):
        return email.last_error_message or "—"

    @admin.action(description="Send the selected emails again", permissions=["send_again"])
    def send_again_action(self, request, queryset):
        count = send_again(queryset)
        self.message_user(
            request,
            f"{count} email{'s' if count != 1 else ''} queued to be sent again; the mail worker delivers them shortly.",
            messages.SUCCESS,
        )

    @method_decorator(require_POST)
    def resend(self, request, pk):
        """The change page's "Send again" button (the library's URL name "resend"): queue it again."""
        email = self._get_object_or_deny(request, pk, "view")
        if not self.has_send_again_permission(request, email):
            raise PermissionDenied
        send_again(Email.objects.filter(pk=email.pk))
        self.message_user(
            request,
            "The email is queued to be sent again; the mail worker delivers it shortly.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:post_office_email_change", args=[email.pk]))

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_send_again"] = self.has_send_again_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)
