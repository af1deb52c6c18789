"""The Pledge changelist and change page.

Staff edit only descriptive fields here (the chief executive, the contact, the months
to implement before approval, the demo flag). Status and the workflow dates are
read-only: every transition is a button or action calling pledges.services (see
workflow.py). Contact details are visible only with `pledges.view_pledge_contact`.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from audit.history import entries_for
from clearinghouse.admin import ClearinghouseModelAdmin
from clearinghouse.one_mind import Practice
from pledges import selectors, services
from pledges.admin.access import CONTACT_FIELDS, can_view_contact
from pledges.admin.filters import DeadlineListFilter, DemoListFilter, PledgeRegionListFilter
from pledges.admin.inlines import (
    DeadlineExtensionInline,
    PledgeTransitionInline,
    PracticeProgressInline,
    ProgressReportInline,
)
from pledges.admin.workflow import PledgeWorkflowMixin, approve_pledges
from pledges.models import Pledge, PracticeProgress

Status = Pledge.Status


def verified_practices_annotation():
    """How many of the pledge's practices are verified, in SQL (one subquery, no per-row query)."""
    verified = (
        PracticeProgress.objects.filter(pledge=OuterRef("pk"), verified_at__isnull=False)
        .order_by()
        .values("pledge")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(verified, output_field=IntegerField()), 0)


def local_date(moment):
    """A timestamp as the date it was where the site is (YYYY-MM-DD), or None."""
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else None


def days_phrase(days):
    if days == 0:
        return "due today"
    if days > 0:
        return f"{days} day left" if days == 1 else f"{days} days left"
    return "1 day overdue" if days == -1 else f"{-days} days overdue"


class PledgeSearchMixin:
    """Search by agency name, ORI and city; by contact email only for staff allowed to see contacts."""

    search_fields = ("agency__name", "agency__ori", "agency__city")
    search_help_text = "Searches agency names, ORIs and cities."
    contact_search_help_text = "Searches agency names, ORIs, cities and contact email addresses."

    def get_search_fields(self, request):
        fields = tuple(super().get_search_fields(request))
        if can_view_contact(request.user):
            fields += ("contact_email",)
        return fields

    def lookup_allowed(self, lookup, value, request=None):
        # Django allows any local-field lookup in the query string (?contact_email__startswith=a), which
        # would let staff without the contact permission guess contact details from the row counts.
        if lookup.split("__", 1)[0] in CONTACT_FIELDS and not (request and can_view_contact(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if can_view_contact(request.user):
            changelist.search_help_text = self.contact_search_help_text
        return changelist

    @admin.display(description="Agency", ordering="agency__name")
    def agency_name(self, pledge):
        return pledge.agency.name

    @admin.display(description="State or region", ordering="agency__state")
    def region(self, pledge):
        return pledge.agency.region_label

    @admin.display(description="Demo", boolean=True, ordering="is_demo")
    def demo(self, pledge):
        return pledge.is_demo


@admin.register(Pledge)
class PledgeAdmin(PledgeWorkflowMixin, PledgeSearchMixin, ClearinghouseModelAdmin):
    list_display = (
        "agency_name",
        "region",
        "status",
        "submitted",
        "approved",
        "deadline_with_days_left",
        "practices_verified",
        "demo",
    )
    list_display_links = ("agency_name",)
    list_filter = ("status", DeadlineListFilter, PledgeRegionListFilter, "agency__agency_type", DemoListFilter)
    list_select_related = ("agency",)
    ordering = ("-submitted_at", "-pk")
    inlines = (PracticeProgressInline, PledgeTransitionInline, DeadlineExtensionInline, ProgressReportInline)
    actions = ("approve_selected", "reject_selected", "export_selected")
    # Shown on every page; the form leaves out what the user may not see (get_fieldsets).
    base_readonly_fields = (
        "agency_summary",
        "status",
        "attestation_text",
        "submitted_at",
        "email_verified_at",
        "approved_at",
        "deadline_summary",
        "completed_at",
        "status_changed_at",
        "rejection_reason",
        "verification_sent_at",
        "progress_link_issued_at",
        "created_at",
        "updated_at",
    )

    def audit_related_entries(self, obj):
        # The History page of a pledge also shows the changes of its four practices (verification, reports).
        return [entries_for(PracticeProgress, obj.practices.values_list("pk", flat=True))]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("agency")
            .annotate(verified_practices=verified_practices_annotation())
        )

    # --- Permissions -------------------------------------------------------------------

    def has_add_permission(self, request):
        # Pledges come from agencies, through the public form and pledge_submit (which records
        # the submission and sends the verification email); staff never create them here.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Pledges and their history are records: no bulk deletion.
        actions.pop("delete_selected", None)
        return actions

    # --- Change page -------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            ("Agency", {"fields": ("agency_summary",)}),
            (
                "Pledge",
                {
                    "fields": (
                        "status",
                        "target_months",
                        "chief_executive_name",
                        "chief_executive_title",
                        "attestation_text",
                        "is_demo",
                    )
                },
            ),
        ]
        if can_view_contact(request.user):
            fieldsets.append(
                (
                    "Agency contact",
                    {
                        "description": "Changing the email address of a pledge awaiting confirmation sends a new "
                        "verification link there, and links sent to the old address stop working.",
                        "fields": CONTACT_FIELDS,
                    },
                )
            )
        fieldsets += [
            (
                "Dates",
                {
                    "fields": (
                        "submitted_at",
                        "email_verified_at",
                        "approved_at",
                        "deadline_summary",
                        "completed_at",
                        "status_changed_at",
                        "rejection_reason",
                    )
                },
            ),
            (
                "Links and record",
                {
                    "classes": ("collapse",),
                    "fields": ("verification_sent_at", "progress_link_issued_at", "created_at", "updated_at"),
                },
            ),
        ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.base_readonly_fields)
        # The deadline was computed from the months at approval; later changes go through an extension.
        if obj is not None and obj.approved_at is not None:
            readonly.append("target_months")
        return readonly

    @admin.display(description="Agency")
    def agency_summary(self, pledge):
        agency = pledge.agency
        lines = [
            ("Type", agency.get_agency_type_display()),
            ("Location", agency.location_label),
            ("ORI", agency.ori or "none given"),
            ("Sworn officers", agency.sworn_officers),
            ("Non-sworn staff", "not given" if agency.non_sworn_staff is None else agency.non_sworn_staff),
        ]
        if agency.website:
            lines.append(("Website", agency.website))
        summary = format_html(
            '<a href="{}"><strong>{}</strong></a>{}<br>{}',
            reverse("admin:pledges_agency_change", args=[agency.pk]),
            agency.name,
            " (demo data)" if agency.is_demo else "",
            format_html_join(mark_safe("<br>"), "{}: {}", lines),
        )
        if pledge.is_public:
            summary += format_html('<br><a href="{}">Public agency page</a>', agency.get_absolute_url())
        return summary

    @admin.display(description="Deadline")
    def deadline_summary(self, pledge):
        if pledge.deadline is None:
            return "Set on approval"
        text = f"{pledge.deadline:%Y-%m-%d}"
        if pledge.status == Status.APPROVED:
            text += f" ({days_phrase(pledge.days_until_deadline())})"
        return text

    # --- Changelist ---------------------------------------------------------------------

    @admin.display(description="Submitted", ordering="submitted_at")
    def submitted(self, pledge):
        return local_date(pledge.submitted_at)

    @admin.display(description="Approved", ordering="approved_at")
    def approved(self, pledge):
        return local_date(pledge.approved_at)

    @admin.display(description="Deadline", ordering="deadline")
    def deadline_with_days_left(self, pledge):
        if pledge.deadline is None:
            return None
        if pledge.status == Status.APPROVED:
            return f"{pledge.deadline:%Y-%m-%d} ({days_phrase(pledge.days_until_deadline())})"
        if pledge.status == Status.LAPSED:
            return f"{pledge.deadline:%Y-%m-%d} (lapsed)"
        return f"{pledge.deadline:%Y-%m-%d}"

    @admin.display(description="Verified", ordering="verified_practices")
    def practices_verified(self, pledge):
        return f"{pledge.verified_practices}/{len(Practice.values)}"

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_export_permission(request):
            query = request.GET.urlencode()
            extra_context["export_url"] = reverse("admin:pledges_pledge_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, extra_context)

    # --- Actions ------------------------------------------------------------------------

    @admin.action(description="Approve selected pledges (emails each contact)", permissions=["change"])
    def approve_selected(self, request, queryset):
        approve_pledges(self, request, list(queryset))

    @admin.action(description="Reject selected pledges…", permissions=["change"])
    def reject_selected(self, request, queryset):
        return HttpResponseRedirect(self.reject_url(queryset, next_url=request.get_full_path()))

    @admin.action(description="Export selected pledges as CSV", permissions=["export"])
    def export_selected(self, request, queryset):
        return self.csv_response(request, queryset)

    # --- Saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "contact_email" in form.changed_data and obj.status == Status.SUBMITTED:
            try:
                services.verification_link_reissue(pledge=obj, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    "An email with a new verification link is queued for the new address; "
                    "links sent to the old one no longer work.",
                    messages.INFO,
                )

    def delete_model(self, request, obj):
        agency_id = obj.agency_id
        super().delete_model(request, obj)
        # The deleted pledge may have been the agency's roster entry: an older public pledge takes its place.
        services.refresh_roster_entry(agency_id=agency_id)

    # --- The workflow panel on the change page -----------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.has_change_permission(request):
            extra_context["workflow"] = self.workflow_context(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, object_id):
        """The buttons the pledge's status allows, and the practices with their verify/unverify actions."""
        try:
            pledge = selectors.pledge_with_practices(pledge_id=int(unquote(object_id)))
        except (Pledge.DoesNotExist, ValueError):
            return None

        def url(name, query=""):
            return reverse(f"admin:pledges_pledge_{name}", args=[pledge.pk]) + query

        actions = []
        if pledge.status == Status.EMAIL_VERIFIED:
            actions.append(
                {
                    "label": "Approve",
                    "url": url("approve"),
                    "post": True,
                    "help": "Sets the deadline and emails the contact the private progress link.",
                }
            )
        if pledge.can_transition_to(Status.REJECTED):
            actions.append(
                {
                    "label": "Reject…",
                    "url": self.reject_url([pledge]),
                    "help": "Asks for a reason, which is emailed to a confirmed contact.",
                }
            )
        if pledge.status == Status.SUBMITTED:
            actions.append(
                {
                    "label": "Send a new verification link",
                    "url": url("reissue_verification_link"),
                    "post": True,
                    "help": "Emails the contact a new link; links sent before stop working.",
                }
            )
        if pledge.status in Pledge.REPORTING_STATUSES:
            actions.append(
                {
                    "label": "Extend the deadline…",
                    "url": url("extend_deadline"),
                    "help": "Reinstates a lapsed pledge."
                    if pledge.status == Status.LAPSED
                    else "Asks for a new date and a reason.",
                }
            )
        if pledge.status == Status.APPROVED and pledge.deadline < timezone.localdate():
            actions.append(
                {
                    "label": "Mark lapsed",
                    "url": url("mark_lapsed"),
                    "post": True,
                    "help": "The deadline has passed; the daily job would mark it lapsed tomorrow morning.",
                }
            )
        if pledge.status in (Status.APPROVED, Status.LAPSED, Status.COMPLETED):
            actions.append(
                {
                    "label": "Reissue the progress link",
                    "url": url("reissue_progress_link"),
                    "post": True,
                    "help": "Emails the contact a new private link; the old one stops working.",
                }
            )
        if pledge.can_transition_to(Status.WITHDRAWN):
            actions.append({"label": "Withdraw…", "url": url("withdraw"), "help": "Asks for a reason."})

        practices = []
        for progress in pledge.practice_progress():
            evaluation = progress.evaluation
            practices.append(
                {
                    "progress": progress,
                    "evaluation": evaluation,
                    "can_verify": pledge.status == Status.APPROVED and evaluation.is_met and not progress.verified_at,
                    "can_unverify": pledge.status == Status.APPROVED and progress.verified_at is not None,
                    "unverify_url": url("unverify_practice", f"?practice={progress.practice}"),
                }
            )
        return {
            "pledge": pledge,
            "actions": actions,
            "practices": practices,
            "verify_url": url("verify_practice"),
            "can_verify_any": pledge.status == Status.APPROVED,
        }
