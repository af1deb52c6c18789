"""The agency's private progress page: where it stands, progress reports, evidence, withdrawal."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.query import prefetch_related_objects
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from clearinghouse.one_mind import Practice
from clearinghouse.templatetags.query_urls import url_with_query
from clearinghouse.uploads import file_extension
from pledges import selectors, services, tokens
from pledges.filters import PUBLIC_STATUS_LABELS
from pledges.forms import REPORT_FORMS, WithdrawForm, document_display_name
from pledges.models import InvalidTransition, Pledge, PracticeProgress, ProgressReport
from pledges.rules import TRAINING_PRACTICES
from pledges.views.common import (
    DOCUMENT_FIELDS,
    practice_or_404,
    practice_rows,
    private_link_page,
)
from resources.selectors import helpful_resources, policy_resource_choices

logger = logging.getLogger(__name__)


def build_report_form(practice, pledge, progress, data=None, files=None):
    kwargs = {"progress": progress}
    if practice == Practice.POLICY:
        kwargs["policy_resources"] = policy_resource_choices()
    if practice in TRAINING_PRACTICES:
        kwargs["sworn_officers"] = pledge.agency.sworn_officers
    return REPORT_FORMS[practice](data, files, **kwargs)


def render_progress(request, pledge, token, *, bound_form=None, withdraw_form=None, status=200):
    prefetch_related_objects([pledge], "practices__policy_resource")
    rows = practice_rows(pledge)
    reports = list(selectors.practice_reports(pledge=pledge))
    resources, resource_totals = helpful_resources()
    can_report = pledge.accepts_progress_reports
    for row in rows:
        practice = row["practice"]
        row["reports"] = [report for report in reports if report.practice == practice]
        row["resources"] = resources[practice]
        row["resource_total"] = resource_totals[practice]
        row["resources_url"] = url_with_query(reverse("resources:list"), QueryDict(), practice=practice.value)
        if can_report:
            if bound_form is not None and bound_form.practice == practice:
                row["form"] = bound_form
            else:
                row["form"] = build_report_form(practice, pledge, row["progress"])
        document_field = DOCUMENT_FIELDS.get(practice)
        if document_field and getattr(row["progress"], document_field):
            row["document_name"] = document_display_name(getattr(row["progress"], document_field).name)
    can_withdraw = pledge.can_transition_to(Pledge.Status.WITHDRAWN)
    context = {
        "pledge": pledge,
        "agency": pledge.agency,
        "token": token,
        "rows": rows,
        "can_report": can_report,
        "can_withdraw": can_withdraw,
        "withdraw_form": withdraw_form or (WithdrawForm() if can_withdraw else None),
        "days_left": pledge.days_until_deadline(),
        "public_status": PUBLIC_STATUS_LABELS.get(pledge.status, pledge.get_status_display()),
    }
    return render(request, "pledges/progress.html", context, status=status)


def progress_link_problem(request, error):
    status = 404 if isinstance(error, tokens.LinkInvalid) else 403
    return render(request, "pledges/progress_problem.html", {"error": error}, status=status)


def progress_page_url(token, practice=None):
    url = reverse("pledges:progress", kwargs={"token": token})
    return f"{url}#practice-{practice.value}" if practice else url


@private_link_page
@require_safe
def progress(request, token):
    """The agency's private page: where each practice stands, forms to report progress, the history."""
    try:
        pledge = tokens.read_progress_token(token)
    except tokens.PledgeLinkError as error:
        return progress_link_problem(request, error)
    return render_progress(request, pledge, token)


@private_link_page
@require_POST
def progress_report(request, token, practice):
    """Record a progress report on one practice (with an optional document)."""
    practice = practice_or_404(practice)
    try:
        pledge = tokens.read_progress_token(token)
    except tokens.PledgeLinkError as error:
        return progress_link_problem(request, error)
    if not pledge.accepts_progress_reports:
        messages.error(request, "Progress can no longer be reported on this pledge.")
        return redirect(progress_page_url(token))
    prefetch_related_objects([pledge], "practices")
    form = build_report_form(practice, pledge, pledge.progress_for(practice), request.POST, request.FILES)
    if form.is_valid():
        try:
            services.pledge_record_progress(pledge=pledge, practice=practice, **form.report_values())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return report_saved(request, token, practice)
    return render_progress(request, pledge, token, bound_form=form)


def report_saved(request, token, practice):
    messages.success(request, f"Thank you. Your report on {practice.label} is saved.")
    return redirect(progress_page_url(token, practice))


@private_link_page
@require_POST
def progress_withdraw(request, token):
    """The agency withdraws its pledge (a reason and a confirmation are required)."""
    try:
        pledge = tokens.read_progress_token(token)
    except tokens.PledgeLinkError as error:
        return progress_link_problem(request, error)
    if not pledge.can_transition_to(Pledge.Status.WITHDRAWN):
        messages.error(request, InvalidTransition(pledge, Pledge.Status.WITHDRAWN).messages[0])
        return redirect(progress_page_url(token))
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_withdraw(pledge=pledge, actor=None, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return withdrawn(request, token)
    return render_progress(request, pledge, token, withdraw_form=form)


def withdrawn(request, token):
    messages.success(request, "The pledge is withdrawn. Thank you for letting us know.")
    return redirect(progress_page_url(token))


def serve_document(field_file):
    """Stream uploaded evidence as an attachment, under the name the agency gave it."""
    if not field_file:
        raise Http404("No document.")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The document is missing from storage.") from error
    name = document_display_name(field_file.name)
    if not file_extension(name):
        name = f"{name}.{file_extension(field_file.name)}"
    return FileResponse(handle, as_attachment=True, filename=name)


@private_link_page
@require_safe
def progress_document(request, token, practice):
    """The document on file for a practice (its latest report's, or an earlier one kept)."""
    practice = practice_or_404(practice)
    if practice not in DOCUMENT_FIELDS:
        raise Http404("This practice has no document.")
    try:
        pledge = tokens.read_progress_token(token)
    except tokens.PledgeLinkError as error:
        return progress_link_problem(request, error)
    field = DOCUMENT_FIELDS[practice]
    progress = get_object_or_404(PracticeProgress.objects.only("pk", field), pledge=pledge, practice=practice)
    return serve_document(getattr(progress, field))


@private_link_page
@require_safe
def progress_report_document(request, token, report_id):
    """The document sent with one earlier report."""
    try:
        pledge = tokens.read_progress_token(token)
    except tokens.PledgeLinkError as error:
        return progress_link_problem(request, error)
    report = get_object_or_404(
        ProgressReport.objects.only("pk", "practice", *DOCUMENT_FIELDS.values()), pk=report_id, pledge=pledge
    )
    return serve_document(report.agreement_document or report.policy_document)
