"""The review queue: pledges whose contact confirmed their email address, oldest first, to approve or reject.

Its own entry on the admin index ("Pledges awaiting review"), backed by the
PledgeAwaitingReview proxy. It uses the Pledge permissions (the proxy's own are
never granted), and each row opens the pledge's ordinary change page.
"""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from clearinghouse.admin import ClearinghouseModelAdmin
from pledges.admin.filters import DemoListFilter, PledgeRegionListFilter
from pledges.admin.pledge import PledgeAdmin, PledgeSearchMixin, local_date
from pledges.admin.workflow import approve_pledges
from pledges.models import Pledge, PledgeAwaitingReview


@admin.register(PledgeAwaitingReview)
class PledgeAwaitingReviewAdmin(PledgeSearchMixin, ClearinghouseModelAdmin):
    list_display = (
        "agency_link",
        "region",
        "agency_type",
        "sworn_officers",
        "target_months",
        "submitted",
        "waiting",
        "demo",
    )
    # Rows link to the Pledge change page (agency_link), not to a change page of the proxy.
    list_display_links = None
    list_filter = (PledgeRegionListFilter, "agency__agency_type", DemoListFilter)
    list_select_related = ("agency",)
    ordering = ("email_verified_at", "pk")
    actions = ("approve_selected", "reject_selected")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Pledge.Status.EMAIL_VERIFIED).select_related("agency")

    # The Pledge permissions decide, so the "Pledge reviewers" group needs nothing for the proxy.

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm("pledges.view_pledge") or user.has_perm("pledges.change_pledge")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("pledges.change_pledge")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:pledges_pledge_change", args=[object_id]))

    @admin.display(description="Agency", ordering="agency__name")
    def agency_link(self, pledge):
        url = reverse("admin:pledges_pledge_change", args=[pledge.pk])
        return format_html('<a href="{}">{}</a>', url, pledge.agency.name)

    @admin.display(description="Type of agency", ordering="agency__agency_type")
    def agency_type(self, pledge):
        return pledge.agency.get_agency_type_display()

    @admin.display(description="Sworn officers", ordering="agency__sworn_officers")
    def sworn_officers(self, pledge):
        return pledge.agency.sworn_officers

    @admin.display(description="Submitted", ordering="submitted_at")
    def submitted(self, pledge):
        return local_date(pledge.submitted_at)

    @admin.display(description="Waiting since confirmed", ordering="email_verified_at")
    def waiting(self, pledge):
        days = (timezone.now() - pledge.email_verified_at).days
        return "less than a day" if days == 0 else ("1 day" if days == 1 else f"{days} days")

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Pledges awaiting review, oldest first", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Approve selected pledges (emails each contact)", permissions=["change"])
    def approve_selected(self, request, queryset):
        approve_pledges(
            self, request, list(Pledge.objects.filter(pk__in=queryset.values("pk")).select_related("agency"))
        )

    @admin.action(description="Reject selected pledges…", permissions=["change"])
    def reject_selected(self, request, queryset):
        return HttpResponseRedirect(PledgeAdmin.reject_url(queryset, next_url=request.get_full_path()))
