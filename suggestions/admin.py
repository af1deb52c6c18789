"""The moderation queue for Curators: each suggestion's page has "accept" or "decline with a reason".

Suggesters' names and email addresses are shown only to staff with the contact permission
(suggestions.view_suggester_contact); the list never shows them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from clearinghouse.admin import ClearinghouseModelAdmin
from suggestions import services
from suggestions.models import CONTACT_PERMISSION, Suggestion

ACCEPT, DECLINE = "accept", "decline"


class ModerationForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("", "Not decided yet"), (ACCEPT, "Accept: create a draft resource from it"), (DECLINE, "Decline")],
        required=False,
        widget=forms.RadioSelect,
        help_text="The suggester is emailed either way when they left an address.",
    )

    class Meta:
        model = Suggestion
        fields = ["decline_reason"]
        widgets = {"decline_reason": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == DECLINE and not (cleaned.get("decline_reason") or "").strip():
            self.add_error("decline_reason", "Say why the suggestion is declined: the suggester may be told.")
        return cleaned


@admin.register(Suggestion)
class SuggestionAdmin(ClearinghouseModelAdmin):
    form = ModerationForm
    list_display = ("title", "status", "where", "created_at", "draft_resource")
    list_filter = ("status", "created_at")
    list_select_related = ("resource",)
    search_fields = ("title", "reason", "url")
    search_help_text = "Searches titles, reasons and links (not the suggesters' contact details)."
    ordering = ("-created_at",)
    actions = None
    save_on_top = False

    def has_add_permission(self, request):
        return False  # Suggestions come from the public form.

    def changelist_view(self, request, extra_context=None):
        # The queue: opened without filters, it shows what awaits review.
        if not request.GET and request.method == "GET":
            return HttpResponseRedirect(f"{request.path}?status__exact={Suggestion.Status.PENDING}")
        return super().changelist_view(request, extra_context)

    def can_see_contact(self, request):
        return request.user.has_perm(CONTACT_PERMISSION)

    def get_fieldsets(self, request, obj=None):
        suggestion_fields = ["title", "link", "attached_file", "reason", "created_at"]
        fieldsets = [("Suggestion", {"fields": suggestion_fields})]
        if self.can_see_contact(request):
            fieldsets.append(("Suggester (private)", {"fields": ["name", "email"]}))
        if obj is not None and obj.status == Suggestion.Status.PENDING:
            fieldsets.append(("Decision", {"fields": ["decision", "decline_reason"]}))
        else:
            fieldsets.append(
                ("Decision", {"fields": ["status", "decided_at", "decided_by", "decline_reason", "draft_resource"]})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["title", "link", "attached_file", "reason", "created_at", "name", "email"]
        if obj is None or obj.status != Suggestion.Status.PENDING:
            readonly += ["status", "decided_at", "decided_by", "decline_reason", "draft_resource"]
        return readonly

    @admin.display(description="Link")
    def link(self, suggestion):
        if not suggestion.url:
            return ""
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', suggestion.url, suggestion.url)

    @admin.display(description="Attached file")
    def attached_file(self, suggestion):
        return suggestion.file.name.rsplit("/", 1)[-1] if suggestion.file else ""

    @admin.display(description="Link or file")
    def where(self, suggestion):
        if suggestion.url:
            return suggestion.url
        return "Attached file" if suggestion.file else ""

    @admin.display(description="Draft resource")
    def draft_resource(self, suggestion):
        if suggestion.resource_id is None:
            return ""
        url = reverse("admin:resources_resource_change", args=[suggestion.resource_id])
        return format_html('<a href="{}">{}</a>', url, suggestion.resource.title)

    def save_model(self, request, obj, form, change):
        """Route the decision through the services; nothing else of a suggestion is edited here."""
        decision = form.cleaned_data.get("decision")
        self._decision_error = None
        try:
            if decision == ACCEPT:
                resource = services.suggestion_accept(suggestion=obj, actor=request.user)
                obj.refresh_from_db()
                url = reverse("admin:resources_resource_change", args=[resource.pk])
                self.message_user(
                    request,
                    format_html('Accepted: the draft <a href="{}">{}</a> is ready to edit.', url, resource.title),
                    messages.SUCCESS,
                )
            elif decision == DECLINE:
                services.suggestion_decline(
                    suggestion=obj, reason=form.cleaned_data["decline_reason"], actor=request.user
                )
                obj.refresh_from_db()
                self.message_user(request, f"“{obj.title}” declined.", messages.SUCCESS)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        pass  # No related objects are edited here.

    def log_change(self, request, obj, message):
        pass  # The services log what was decided.
