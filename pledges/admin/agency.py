"""Agencies: the facts about each agency that took the pledge, editable by reviewers.

Staff correct names, counts and places here (the sworn-officer count is what the
training percentages are measured against). An agency's pledges are listed read-only
and open on their own change pages; contact details live on the pledge, not here.
"""

from django.contrib import admin
from django.db.models import OuterRef, Subquery

from clearinghouse.admin import ClearinghouseModelAdmin
from pledges.admin.filters import CountryListFilter, DemoListFilter, RegionListFilter
from pledges.admin.inlines import AgencyPledgeInline
from pledges.models import Agency, Pledge


@admin.register(Agency)
class AgencyAdmin(ClearinghouseModelAdmin):
    list_display = ("name", "agency_type", "city", "region", "ori", "sworn", "pledge_status", "demo")
    list_filter = ("agency_type", RegionListFilter, CountryListFilter, DemoListFilter)
    search_fields = ("name", "ori", "city")
    search_help_text = "Searches agency names, ORIs and cities."
    ordering = ("name", "state", "country")
    inlines = (AgencyPledgeInline,)
    fieldsets = (
        ("Agency", {"fields": ("name", "slug", "agency_type", "website", "is_demo")}),
        ("Location", {"fields": ("city", "country", "state", "ori")}),
        ("Staff", {"fields": ("sworn_officers", "non_sworn_staff")}),
        ("Record", {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )

    def may_view_on_site(self, request, agency):
        """Whether "View on site" may open the agency's public address, which names it (issue 7, finding 7).

        Only for staff who may view pledges: an agency's page is public only while its pledge
        is, and the address alone would tell anyone else the name of an agency under review.
        """
        return request.user.has_perm("pledges.view_pledge")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        if obj is not None and not self.may_view_on_site(request, obj):
            response.context_data["has_absolute_url"] = False
        return response

    def get_queryset(self, request):
        latest = Pledge.objects.filter(agency=OuterRef("pk")).order_by("-submitted_at", "-pk").values("status")[:1]
        return super().get_queryset(request).annotate(latest_pledge_status=Subquery(latest))

    def get_readonly_fields(self, request, obj=None):
        readonly = ["created_at", "updated_at"]
        # The slug is the agency's address on the public roster, linked from elsewhere once
        # published: only a superuser may change it.
        if obj is not None and not request.user.is_superuser:
            readonly.append("slug")
        return readonly

    @admin.display(description="State or region", ordering="state")
    def region(self, agency):
        return agency.region_label

    @admin.display(description="Sworn officers", ordering="sworn_officers")
    def sworn(self, agency):
        return agency.sworn_officers

    @admin.display(description="Demo", boolean=True, ordering="is_demo")
    def demo(self, agency):
        return agency.is_demo

    @admin.display(description="Latest pledge", ordering="latest_pledge_status")
    def pledge_status(self, agency):
        if not agency.latest_pledge_status:
            return None
        return Pledge.Status(agency.latest_pledge_status).label
