"""Read-only inlines of the pledge and agency change pages: a pledge's history, practices and reports.

History is never edited in the admin (STYLE.md convention 4): these inlines refuse
add, change and delete, so Django renders them as plain read-only tables. Each runs
one query (two for practices, whose evaluation reads the sibling CIT row).
"""

from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from clearinghouse.one_mind import Practice
from pledges.models import DeadlineExtension, Pledge, PledgeTransition, PracticeProgress, PracticeValues, ProgressReport


def document_field(row):
    """The evidence field a practice row or report can hold: agreement or policy document, else None."""
    fields = set(PracticeValues.FIELDS_BY_PRACTICE[Practice(row.practice)]) & set(PracticeValues.DOCUMENT_FIELDS)
    return next(iter(fields), None)


def evidence_link(row, url_name):
    """A link to download the row's evidence through the admin (never MEDIA_URL), or "" when there is none."""
    field = document_field(row)
    document = getattr(row, field) if field else None
    if not document:
        return ""
    url = reverse(url_name, args=[row.pledge_id, row.pk])
    filename = document.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    return format_html('<a href="{}">{}</a>', url, filename)


def reported_values(row):
    """The row's values for its practice, one per line, as staff read them."""
    practice = Practice(row.practice)
    lines = []
    if practice == Practice.PARTNERSHIP:
        partners = row.partner_list()
        lines.append(("Partners", "; ".join(partners) if partners else "none"))
        lines.append(("Agreement date", row.agreement_date or "—"))
    elif practice == Practice.POLICY:
        lines.append(("Adopted on", row.policy_adopted_on or "—"))
        if row.policy_resource_id:
            lines.append(("Follows", row.policy_resource.title))
    else:
        lines.append(("Sworn officers trained", "—" if row.sworn_trained is None else row.sworn_trained))
        lines.append(("Non-sworn staff trained", row.non_sworn_trained))
    return format_html_join(mark_safe("<br>"), "{}: {}", lines)


def practice_order():
    """Practices in the campaign's order (partnership, policy, MHFA, CIT), not alphabetically."""
    return Case(
        *(When(practice=practice, then=Value(index)) for index, practice in enumerate(Practice.values)),
        output_field=IntegerField(),
    )


def local_date_time(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else None


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    @admin.display(description="By")
    def by(self, record):
        """Who acted: the staff username, "agency contact" or "system" (recorded as a label)."""
        return getattr(record, "actor_label", None) or getattr(record, "reported_by_label", "")

    def has_view_permission(self, request, obj=None):
        # Whoever may see a pledge sees its history and practices, whatever their permissions on these models.
        user = request.user
        return user.has_perm("pledges.view_pledge") or user.has_perm("pledges.change_pledge")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PledgeTransitionInline(ReadOnlyInline):
    model = PledgeTransition
    verbose_name = "status change"
    verbose_name_plural = "status history"
    fields = ("when", "change", "by", "reason")
    readonly_fields = fields

    @admin.display(description="When")
    def when(self, transition):
        return local_date_time(transition.created_at)

    @admin.display(description="Change")
    def change(self, transition):
        to_label = Pledge.Status(transition.to_status).label
        if not transition.from_status:
            return to_label
        return f"{Pledge.Status(transition.from_status).label} → {to_label}"


class DeadlineExtensionInline(ReadOnlyInline):
    model = DeadlineExtension
    verbose_name = "deadline extension"
    verbose_name_plural = "deadline extensions"
    fields = ("when", "previous_deadline", "new_deadline", "by", "reason")
    readonly_fields = fields

    @admin.display(description="When")
    def when(self, extension):
        return local_date_time(extension.created_at)


class PracticeProgressInline(ReadOnlyInline):
    """The four practices: latest values, whether they meet the rule, and who verified them."""

    model = PracticeProgress
    verbose_name = "practice"
    verbose_name_plural = "practices"
    fields = ("practice", "values", "met", "last_reported", "verified", "evidence")
    readonly_fields = fields
    evidence_url_name = "admin:pledges_pledge_practice_evidence"

    def get_queryset(self, request):
        # The MHFA evaluation reads the CIT row through pledge.practices: prefetched once for all four.
        return (
            super()
            .get_queryset(request)
            .select_related("pledge__agency", "policy_resource", "verified_by")
            .prefetch_related("pledge__practices")
            .order_by(practice_order())
        )

    @admin.display(description="Reported values")
    def values(self, progress):
        return reported_values(progress)

    @admin.display(description="Met")
    def met(self, progress):
        evaluation = progress.evaluation
        return format_html("<strong>{}</strong><br>{}", "Met" if evaluation.is_met else "Not met", evaluation.summary)

    @admin.display(description="Last reported")
    def last_reported(self, progress):
        return local_date_time(progress.last_reported_at)

    @admin.display(description="Verified")
    def verified(self, progress):
        if not progress.verified_at:
            return "Not verified"
        verified_on = f"{timezone.localtime(progress.verified_at):%Y-%m-%d}"
        if progress.verified_by is None:  # demo data, or a staff user since deleted
            return verified_on
        return format_html("{} by {}", verified_on, progress.verified_by.get_username())

    @admin.display(description="Evidence")
    def evidence(self, progress):
        return evidence_link(progress, self.evidence_url_name)


class ProgressReportInline(ReadOnlyInline):
    """Every report, newest first: the history behind the practices' latest values."""

    model = ProgressReport
    verbose_name = "progress report"
    verbose_name_plural = "progress reports"
    fields = ("reported", "practice", "values", "note", "by", "cleared_verification", "evidence")
    readonly_fields = fields

    @admin.display(description="Reported")
    def reported(self, report):
        return local_date_time(report.created_at)

    evidence_url_name = "admin:pledges_pledge_report_evidence"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("policy_resource")

    @admin.display(description="Reported values")
    def values(self, report):
        return reported_values(report)

    @admin.display(description="Evidence")
    def evidence(self, report):
        return evidence_link(report, self.evidence_url_name)


class AgencyPledgeInline(ReadOnlyInline):
    """An agency's pledges (usually one), linking to each pledge's page. No contact details."""

    model = Pledge
    verbose_name = "pledge"
    verbose_name_plural = "pledges"
    fields = ("pledge_link", "status", "submitted_at", "approved_at", "deadline", "completed_at", "is_demo")
    readonly_fields = fields

    @admin.display(description="Pledge")
    def pledge_link(self, pledge):
        url = reverse("admin:pledges_pledge_change", args=[pledge.pk])
        return format_html('<a href="{}">Pledge {} ({})</a>', url, pledge.pk, pledge.get_status_display().lower())
