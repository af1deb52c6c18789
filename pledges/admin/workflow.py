"""The pledge workflow in the admin: custom views that call pledges.services, never set a status.

Every view is wrapped by `admin_site.admin_view` (staff login) and checks the pledge
change permission itself (view permission for downloads and exports). Views that
change something accept POST only; those that need a reason or a date show an
intermediate page first (GET) and act on its POST. A refused transition or any other
ValidationError from a service becomes an admin error message, never a 500.
"""

import logging

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearinghouse.one_mind import Practice
from pledges import exports, services
from pledges.admin.access import can_export, can_view_contact
from pledges.admin.forms import ExtendDeadlineForm, ReasonForm, add_service_errors, error_text
from pledges.admin.inlines import document_field
from pledges.models import Pledge, PracticeProgress, ProgressReport

logger = logging.getLogger(__name__)

ACTION_FORM_TEMPLATE = "admin/pledges/pledge/action_form.html"


# The largest primary key any database we run on can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def parse_ids(value):
    """Pledge ids from "3,5,8" (ignoring anything that is not a number or too large to be an id)."""
    # isascii(): str.isdigit() accepts "²", which int() refuses. SQLite overflows above 2**63 - 1.
    parts = [part.strip() for part in (value or "").split(",")]
    return [int(part) for part in parts if part.isascii() and part.isdigit() and int(part) <= MAX_ID]


def counted(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def approve_pledges(modeladmin, request, pledges):
    """Approve each pledge through the service; say how many were approved and why any was refused."""
    approved = 0
    for pledge in pledges:
        try:
            services.pledge_approve(pledge=pledge, actor=request.user)
        except ValidationError as error:
            modeladmin.message_user(
                request, f"“{pledge.agency.name}” was not approved: {error_text(error)}", messages.ERROR
            )
            continue
        approved += 1
    if approved:
        modeladmin.message_user(
            request,
            f"{counted(approved, 'pledge')} approved; "
            "an email with the private progress link is queued for each contact.",
            messages.SUCCESS,
        )


class PledgeWorkflowMixin:
    """Custom admin views of PledgeAdmin: decisions, deadline, links, practice verification, evidence, export."""

    def get_urls(self):
        def url(route, view, name):
            return path(route, self.admin_site.admin_view(view), name=f"pledges_pledge_{name}")

        return [
            url("reject/", self.reject_view, "reject"),
            url("export/", self.export_view, "export"),
            url("<path:object_id>/approve/", self.approve_view, "approve"),
            url("<path:object_id>/withdraw/", self.withdraw_view, "withdraw"),
            url("<path:object_id>/extend-deadline/", self.extend_deadline_view, "extend_deadline"),
            url("<path:object_id>/mark-lapsed/", self.mark_lapsed_view, "mark_lapsed"),
            url("<path:object_id>/reissue-progress-link/", self.reissue_progress_link_view, "reissue_progress_link"),
            url(
                "<path:object_id>/reissue-verification-link/",
                self.reissue_verification_link_view,
                "reissue_verification_link",
            ),
            url("<path:object_id>/verify-practice/", self.verify_practice_view, "verify_practice"),
            url("<path:object_id>/unverify-practice/", self.unverify_practice_view, "unverify_practice"),
            url("<path:object_id>/evidence/practice/<int:row_id>/", self.practice_evidence_view, "practice_evidence"),
            url("<path:object_id>/evidence/report/<int:row_id>/", self.report_evidence_view, "report_evidence"),
            *super().get_urls(),
        ]

    # --- Shared helpers -----------------------------------------------------------------

    def change_url(self, pledge):
        return reverse("admin:pledges_pledge_change", args=[pledge.pk], current_app=self.admin_site.name)

    def changelist_url(self):
        return reverse("admin:pledges_pledge_changelist", current_app=self.admin_site.name)

    def pledge_for_change(self, request, object_id):
        """The pledge, once the user may change pledges (checked first: no hint of what exists otherwise)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        pledge = self.get_object(request, unquote(object_id))
        if pledge is None:
            raise Http404("No such pledge.")
        if not self.has_change_permission(request, pledge):
            raise PermissionDenied
        return pledge

    def run_service(self, request, service, success_message, **kwargs):
        """Call a service; report success, or its ValidationError (InvalidTransition included) as an error."""
        try:
            result = service(**kwargs)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return None
        self.message_user(request, success_message, messages.SUCCESS)
        return result

    def render_action_form(self, request, *, title, form, pledges, submit_label, intro="", cancel_url, extra=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "form": form,
            "pledges": pledges,
            "submit_label": submit_label,
            "cancel_url": cancel_url,
            **(extra or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)

    def safe_next_url(self, request, default):
        candidate = request.GET.get("next", "")
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return default

    # --- Decisions ------------------------------------------------------------------------

    @staticmethod
    def reject_url(pledges, next_url=""):
        query = {"ids": ",".join(str(pledge.pk) for pledge in pledges)}
        if next_url:
            query["next"] = next_url
        return reverse("admin:pledges_pledge_reject") + "?" + urlencode(query)

    @method_decorator(require_http_methods(["GET", "POST"]))
    def reject_view(self, request):
        """Reject one or more pledges (ids in the query string) with one reason, after confirmation."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = parse_ids(request.GET.get("ids"))
        pledges = list(self.get_queryset(request).filter(pk__in=ids).order_by("email_verified_at", "submitted_at"))
        default_next = self.change_url(pledges[0]) if len(pledges) == 1 else self.changelist_url()
        next_url = self.safe_next_url(request, default_next)
        if not pledges:
            self.message_user(request, "No pledges were selected to reject.", messages.WARNING)
            return HttpResponseRedirect(next_url)
        form = ReasonForm(
            request.POST or None,
            reason_label="Reason for rejecting",
            reason_help="Recorded with the decision and emailed to each agency contact whose address was confirmed.",
        )
        if request.method == "POST" and form.is_valid():
            rejected = 0
            for pledge in pledges:
                try:
                    services.pledge_reject(pledge=pledge, actor=request.user, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    self.message_user(
                        request, f"“{pledge.agency.name}” was not rejected: {error_text(error)}", messages.ERROR
                    )
                    continue
                rejected += 1
            if rejected:
                self.message_user(request, f"{counted(rejected, 'pledge')} rejected.", messages.SUCCESS)
            return HttpResponseRedirect(next_url)
        noun = "pledge" if len(pledges) == 1 else f"{len(pledges)} pledges"
        return self.render_action_form(
            request,
            title=f"Reject {noun}",
            intro="A rejected pledge is closed for good; the agency may submit a new pledge later.",
            form=form,
            pledges=pledges,
            submit_label="Reject",
            cancel_url=next_url,
            extra={"refused": [pledge for pledge in pledges if not pledge.can_transition_to(Pledge.Status.REJECTED)]},
        )

    @method_decorator(require_POST)
    def approve_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        self.run_service(
            request,
            services.pledge_approve,
            f"“{pledge.agency.name}” was approved; an email with the progress link is queued for its contact.",
            pledge=pledge,
            actor=request.user,
        )
        return HttpResponseRedirect(self.change_url(pledge))

    @method_decorator(require_http_methods(["GET", "POST"]))
    def withdraw_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        form = ReasonForm(
            request.POST or None,
            reason_label="Reason for withdrawing",
            reason_help="For example, the agency asked to withdraw. Recorded, and emailed to a confirmed contact.",
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.pledge_withdraw(pledge=pledge, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    self.message_user(request, error_text(error), messages.ERROR)
                    return HttpResponseRedirect(self.change_url(pledge))
                add_service_errors(form, error)
            else:
                self.message_user(request, f"“{pledge.agency.name}” was withdrawn.", messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(pledge))
        return self.render_action_form(
            request,
            title="Withdraw pledge",
            intro="A withdrawn pledge is closed for good; the agency may submit a new pledge later.",
            form=form,
            pledges=[pledge],
            submit_label="Withdraw",
            cancel_url=self.change_url(pledge),
            extra={"refused": [] if pledge.can_transition_to(Pledge.Status.WITHDRAWN) else [pledge]},
        )

    @method_decorator(require_POST)
    def mark_lapsed_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        self.run_service(
            request,
            services.pledge_mark_lapsed,
            f"“{pledge.agency.name}” was marked lapsed and its contact told.",
            pledge=pledge,
            actor=request.user,
        )
        return HttpResponseRedirect(self.change_url(pledge))

    @method_decorator(require_http_methods(["GET", "POST"]))
    def extend_deadline_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        form = ExtendDeadlineForm(
            request.POST or None,
            reason_label="Reason for the extension",
            reason_help="Recorded with the extension and emailed to the agency contact.",
        )
        if request.method == "POST" and form.is_valid():
            reinstating = pledge.status == Pledge.Status.LAPSED
            try:
                extension = services.pledge_extend_deadline(
                    pledge=pledge,
                    actor=request.user,
                    new_deadline=form.cleaned_data["new_deadline"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    self.message_user(request, error_text(error), messages.ERROR)
                    return HttpResponseRedirect(self.change_url(pledge))
                add_service_errors(form, error)
            else:
                text = f"The deadline of “{pledge.agency.name}” is now {extension.new_deadline:%Y-%m-%d}."
                if reinstating:
                    text += " The pledge is approved again."
                self.message_user(request, text, messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(pledge))
        intro = f"The current deadline is {pledge.deadline:%Y-%m-%d}." if pledge.deadline else ""
        if pledge.status == Pledge.Status.LAPSED:
            intro += " This pledge has lapsed: extending its deadline reinstates it (approved again)."
        return self.render_action_form(
            request,
            title="Extend the deadline",
            intro=intro,
            form=form,
            pledges=[pledge],
            submit_label="Extend the deadline",
            cancel_url=self.change_url(pledge),
            extra={"refused": [] if pledge.status in Pledge.REPORTING_STATUSES else [pledge]},
        )

    # --- Links ------------------------------------------------------------------------------

    @method_decorator(require_POST)
    def reissue_progress_link_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        self.run_service(
            request,
            services.progress_link_reissue,
            "A new progress link was issued and an email with it is queued for the agency contact; "
            "the old link no longer works.",
            pledge=pledge,
            actor=request.user,
        )
        return HttpResponseRedirect(self.change_url(pledge))

    @method_decorator(require_POST)
    def reissue_verification_link_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        self.run_service(
            request,
            services.verification_link_reissue,
            "A new verification link was issued and an email with it is queued for the agency contact; "
            "earlier links no longer work.",
            pledge=pledge,
            actor=request.user,
        )
        return HttpResponseRedirect(self.change_url(pledge))

    # --- Practices ---------------------------------------------------------------------------

    @staticmethod
    def practice_from(value):
        try:
            return Practice(value)
        except ValueError:
            return None

    @method_decorator(require_POST)
    def verify_practice_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        practice = self.practice_from(request.POST.get("practice"))
        if practice is None:
            self.message_user(request, "Choose a practice to verify.", messages.ERROR)
            return HttpResponseRedirect(self.change_url(pledge))
        progress = self.run_service(
            request,
            services.practice_verify,
            f"{practice.label} is verified.",
            pledge=pledge,
            practice=practice,
            actor=request.user,
        )
        if progress is not None and pledge.status == Pledge.Status.COMPLETED:
            self.message_user(
                request,
                f"All four practices are verified: “{pledge.agency.name}” completed the pledge and was congratulated.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self.change_url(pledge))

    @method_decorator(require_http_methods(["GET", "POST"]))
    def unverify_practice_view(self, request, object_id):
        pledge = self.pledge_for_change(request, object_id)
        practice = self.practice_from(request.GET.get("practice"))
        if practice is None:
            raise Http404("No such practice.")
        form = ReasonForm(
            request.POST or None,
            reason_label="Why the verification is withdrawn",
            reason_help="Recorded in the pledge’s history. The agency is not emailed.",
        )
        if request.method == "POST" and form.is_valid():
            self.run_service(
                request,
                services.practice_unverify,
                f"The verification of {practice.label} was withdrawn.",
                pledge=pledge,
                practice=practice,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            return HttpResponseRedirect(self.change_url(pledge))
        return self.render_action_form(
            request,
            title=f"Withdraw the verification of {practice.label}",
            intro="Use this when a practice was verified by mistake. The reported values stay as they are.",
            form=form,
            pledges=[pledge],
            submit_label="Withdraw the verification",
            cancel_url=self.change_url(pledge),
        )

    # --- Evidence ----------------------------------------------------------------------------

    def evidence_response(self, request, object_id, model, row_id):
        """Stream a practice's or report's evidence document to staff who may view the pledge."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        pledge = self.get_object(request, unquote(object_id))
        if pledge is None:
            raise Http404("No such pledge.")
        row = model.objects.filter(pledge=pledge, pk=row_id).first()
        field = document_field(row) if row else None
        document = getattr(row, field) if field else None
        if not document:
            raise Http404("No document.")
        try:
            handle = document.open("rb")
        except FileNotFoundError as error:
            raise Http404("The file is missing from storage.") from error
        filename = document.name.rsplit("/", 1)[-1].split("-", 1)[-1]
        response = FileResponse(handle, as_attachment=True, filename=filename)
        patch_cache_control(response, private=True, no_store=True)
        return response

    @method_decorator(require_GET)
    def practice_evidence_view(self, request, object_id, row_id):
        return self.evidence_response(request, object_id, PracticeProgress, row_id)

    @method_decorator(require_GET)
    def report_evidence_view(self, request, object_id, row_id):
        return self.evidence_response(request, object_id, ProgressReport, row_id)

    # --- Export ----------------------------------------------------------------------------------

    def has_export_permission(self, request):
        return self.has_view_permission(request) and can_export(request.user)

    def csv_response(self, request, pledges):
        include_contact = can_view_contact(request.user)
        logger.info(
            "%s exported %s pledges%s",
            request.user.get_username(),
            pledges.count(),
            " with contact details" if include_contact else "",
        )
        response = StreamingHttpResponse(
            exports.pledge_csv_lines(pledges, include_contact=include_contact), content_type="text/csv; charset=utf-8"
        )
        filename = f"pledges-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        patch_cache_control(response, private=True, no_store=True)
        return response

    @method_decorator(require_GET)
    def export_view(self, request):
        """The pledges the changelist shows with the same filters and search, as CSV."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(request, "Those filters are not valid; nothing was exported.", messages.ERROR)
            return HttpResponseRedirect(self.changelist_url())
        return self.csv_response(request, changelist.get_queryset(request))
