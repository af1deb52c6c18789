"""The curators' round trip in the admin: export resources in the import format, upload the edited
file, read the dry run's report (what each row would change or create, and every problem), confirm.

Curators only: both steps need permission to add and to change resources. The uploaded file is
kept in storage (never served: decision 0003) between the dry run and the confirmation, under a
random name the confirmation names; the import runs again on it for real, all or nothing.
"""

import csv
import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from resources import updating
from resources.importing import COLUMNS, ImportFileError, decode_csv, import_resources

UPLOAD_FOLDER = "round-trip"
EXPORT_CHUNK_SIZE = 500


class _Echo:
    def write(self, value):
        return value


def import_format_lines(resources):
    """The resources as an import file (a BOM, the header, a line each), read in chunks."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for resource in updating.export_queryset(resources).iterator(chunk_size=EXPORT_CHUNK_SIZE):
        row = updating.export_row(resource)
        yield writer.writerow([row[column] for column in COLUMNS])


class RoundTripUploadForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        help_text="A file exported with “Export selected resources for editing”, or any file in the import format.",
    )


class RoundTripAdminMixin:
    """For ResourceAdmin: the export action and the upload, dry run and confirm pages."""

    change_list_template = "admin/resources/resource/change_list.html"

    @admin.action(description="Export selected resources for editing (CSV, import format)", permissions=["change"])
    def export_for_editing(self, request, queryset):
        response = StreamingHttpResponse(import_format_lines(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="clearinghouse-resources-for-editing.csv"'
        return response

    def get_urls(self):
        return [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.round_trip_view),
                name="resources_resource_round_trip",
            ),
            *super().get_urls(),
        ]

    def has_round_trip_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def round_trip_view(self, request):
        if not self.has_round_trip_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Import or update"}
        if request.method == "POST" and request.POST.get("upload"):
            return self._confirm(request, context, request.POST["upload"])
        form = RoundTripUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = decode_csv(form.cleaned_data["csv_file"].read())
                result = import_resources(text, dry_run=True, update_existing=True)
            except ImportFileError as error:
                form.add_error("csv_file", str(error))
            else:
                upload = f"{uuid.uuid4().hex}.csv"
                if not result.invalid_rows:
                    default_storage.save(f"{UPLOAD_FOLDER}/{upload}", ContentFile(text.encode("utf-8")))
                context.update(result=result, upload=upload, changed_rows=[r for r in result.updated_rows if r.changes])
                return TemplateResponse(request, "admin/resources/resource/round_trip_report.html", context)
        context["form"] = form
        return TemplateResponse(request, "admin/resources/resource/round_trip_upload.html", context)

    def _confirm(self, request, context, upload):
        name = f"{UPLOAD_FOLDER}/{upload}"
        if not upload.removesuffix(".csv").isalnum() or not default_storage.exists(name):
            messages.error(request, "That upload has expired or was already imported: upload the file again.")
            return HttpResponseRedirect(reverse("admin:resources_resource_round_trip"))
        with default_storage.open(name, "rb") as stored:
            text = decode_csv(stored.read())
        try:
            result = import_resources(text, update_existing=True, actor=request.user)
        except ImportFileError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:resources_resource_round_trip"))
        default_storage.delete(name)
        if result.invalid_rows:  # The catalog changed since the dry run: nothing was saved.
            messages.error(request, "Nothing was imported: the catalog changed since the check. Upload the file again.")
            return HttpResponseRedirect(reverse("admin:resources_resource_round_trip"))
        messages.success(
            request,
            f"Imported: {len(result.created_ids)} resource(s) created, {len(result.updated_ids)} updated.",
        )
        return HttpResponseRedirect(reverse("admin:resources_resource_changelist"))
