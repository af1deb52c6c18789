"""The "link health" page: broken, failing and redirected links, each with one-click answers.

Curators' rights on resources apply (view to see, change to act): link checks are facts about
resources, not something with a role of its own.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from clearinghouse.admin import ClearinghouseModelAdmin
from linkcheck import services
from linkcheck.models import LinkCheck
from resources.admin import safe_return_url
from resources.models import Resource


class AttentionListFilter(admin.SimpleListFilter):
    title = "curator review"
    parameter_name = "reviewed"

    def lookups(self, request, model_admin):
        return (("no", "Needs attention"), ("yes", "Reviewed, left as is"))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(reviewed_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(reviewed_at__isnull=False)
        if self.value() is not None:
            raise IncorrectLookupParameters(f"Unknown review filter {self.value()!r}")
        return queryset


@admin.register(LinkCheck)
class LinkHealthAdmin(ClearinghouseModelAdmin):
    list_display = (
        "resource_title",
        "address",
        "state",
        "outcome",
        "failures_in_a_row",
        "checked_at",
        "one_click_actions",
    )
    list_display_links = None
    list_filter = ("state", AttentionListFilter)
    list_select_related = ("resource",)
    search_fields = ("resource__title", "url", "final_url")
    search_help_text = "Searches resource titles and the addresses checked or redirected to."
    ordering = ("-failures_in_a_row", "resource__title")
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(state=LinkCheck.State.OK)

    # --- Permissions: those of resources -----------------------------------------------

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm("resources.view_resource") or user.has_perm("resources.change_resource")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("resources.change_resource")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        link_check = get_object_or_404(LinkCheck, pk=object_id)
        return HttpResponseRedirect(reverse("admin:resources_resource_change", args=[link_check.resource_id]))

    # --- Columns -------------------------------------------------------------------------

    @admin.display(description="Resource", ordering="resource__title")
    def resource_title(self, link_check):
        url = reverse("admin:resources_resource_change", args=[link_check.resource_id])
        return format_html('<a href="{}">{}</a>', url, link_check.resource.title)

    @admin.display(description="Address", ordering="url")
    def address(self, link_check):
        if link_check.state == LinkCheck.State.REDIRECTED:
            return format_html(
                "{}<br>moved permanently to<br><strong>{}</strong>", link_check.url, link_check.final_url
            )
        return link_check.url

    @admin.display(description="Last answer")
    def outcome(self, link_check):
        return link_check.outcome

    @admin.display(description="Actions")
    def one_click_actions(self, link_check):
        # Submit buttons of the changelist's own form (it carries the CSRF token), each sent to
        # its own URL: one click, no nested forms.
        buttons = []
        if link_check.state == LinkCheck.State.REDIRECTED:
            buttons.append(("accept-redirect", "Use the new address"))
        if link_check.reviewed_at is None:
            buttons.append(("mark-reviewed", "Mark reviewed"))
        if link_check.resource.status != Resource.Status.ARCHIVED:
            buttons.append(("archive", "Archive resource"))
        return format_html_join(
            " ",
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}'
            '<span class="visually-hidden">: {}</span></button>',
            (
                (reverse(f"admin:linkcheck_linkcheck_{name.replace('-', '_')}", args=[link_check.pk]), label, title)
                for name, label in buttons
                for title in [link_check.resource.title]
            ),
        )

    # --- One-click actions ---------------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(self._action_view(name)),
                name=f"linkcheck_linkcheck_{name.replace('-', '_')}",
            )
            for name in ("accept-redirect", "mark-reviewed", "archive")
        ]
        return urls + super().get_urls()

    def _action_view(self, name):
        def view(request, pk):
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            if not self.has_change_permission(request):
                raise PermissionDenied
            link_check = get_object_or_404(LinkCheck.objects.select_related("resource"), pk=pk)
            title = link_check.resource.title
            try:
                if name == "accept-redirect":
                    services.link_accept_redirect(link_check=link_check, actor=request.user)
                    message = f"“{title}” now links to {link_check.url}."
                elif name == "mark-reviewed":
                    services.link_mark_reviewed(link_check=link_check, actor=request.user)
                    message = f"The link of “{title}” is marked reviewed and left as is."
                else:
                    services.link_archive_resource(link_check=link_check, actor=request.user)
                    message = f"“{title}” is archived."
            except ValidationError as error:
                self.message_user(request, f"“{title}”: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(safe_return_url(request, reverse("admin:linkcheck_linkcheck_changelist")))

        return view
