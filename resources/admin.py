"""Catalog curation in the admin: resources, the vocabularies that describe them, and search synonyms.

Status and featured changes go through resources/services.py, which records each
one in the resource's change history. Vocabulary terms still in use cannot be
deleted: the admin says which resources use them instead of failing.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from clearinghouse.admin import ClearinghouseModelAdmin, PlainTextModelForm
from clearinghouse.one_mind import Practice
from resources import services
from resources.models import (
    RESOLUTION_KIND_SLUG,
    Audience,
    Resource,
    ResourceDueForReview,
    ResourceKind,
    SearchSynonym,
    Topic,
)
from resources.roundtrip_admin import RoundTripAdminMixin


def safe_return_url(request, fallback):
    """The page the one-click button was on (its Referer), if it is on this site; else `fallback`."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return fallback


# --- Resources ------------------------------------------------------------------


def https_url_formfield(db_field, **kwargs):
    """Form fields for the model, with web addresses typed without a scheme taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ResourceAdminForm(PlainTextModelForm):
    """The resource form, with the One Mind practices as four checkboxes instead of an inline."""

    practices = forms.MultipleChoiceField(
        label="One Mind practices",
        choices=Practice.choices,
        # "radiolist" is the admin's own class for a list of choices beside a label.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "radiolist"}),
        required=False,
        help_text="The One Mind Campaign practices this resource helps an agency meet.",
    )

    class Meta:
        model = Resource
        formfield_callback = https_url_formfield
        # Titles and names are long: the admin's default text input is too narrow for them.
        widgets = {
            name: forms.TextInput(attrs={"class": "vLargeTextField"})
            for name in ("title", "slug", "publisher", "submitting_committee", "adopting_conference")
        }
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "caution_note",
            "kind",
            "topics",
            "audiences",
            "file",
            "external_url",
            "year_adopted",
            "adopted_on",
            "identifier",
            "submitting_committee",
            "adopting_conference",
            "sunset_date",
            "publisher",
            "partners",
            "year_published",
            "status",
            "featured",
            "superseded_by",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "practices" not in self.initial:
            self.initial["practices"] = [tag.practice for tag in self.instance.practice_tags.all()]


class PracticeListFilter(admin.SimpleListFilter):
    title = "One Mind practice"
    parameter_name = "practice"

    def lookups(self, request, model_admin):
        return Practice.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in Practice.values:
            raise IncorrectLookupParameters(f"Unknown practice {self.value()!r}")
        return queryset.filter(practice_tags__practice=self.value())


def display_year_expression():
    """The year a resource is listed under: adoption year for resolutions, else publication year."""
    return Coalesce("year_adopted", "year_published")


class YearListFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            Resource.objects.annotate(listed_year=display_year_expression())
            .filter(listed_year__isnull=False)
            .order_by("-listed_year")
            .values_list("listed_year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            year = int(self.value())
        except ValueError as error:
            raise IncorrectLookupParameters(f"Not a year: {self.value()!r}") from error
        return queryset.filter(Q(year_adopted=year) | Q(year_adopted__isnull=True, year_published=year))


class ReviewDueListFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return (("due", "Due for review"), ("current", "Not yet due"))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.filter(review_due_on__lte=today)
        if self.value() == "current":
            return queryset.filter(review_due_on__gt=today)
        if self.value() is not None:
            raise IncorrectLookupParameters(f"Unknown review filter {self.value()!r}")
        return queryset


class ResolutionInForceListFilter(admin.SimpleListFilter):
    """IACP resolutions lapse at their sunset date (five years after adoption unless renewed)."""

    title = "resolution status"
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return (("in_force", "In force"), ("expired", "Expired (past sunset)"))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        resolutions = queryset.filter(kind__slug=RESOLUTION_KIND_SLUG, sunset_date__isnull=False)
        if self.value() == "in_force":
            return resolutions.filter(sunset_date__gte=today)
        if self.value() == "expired":
            return resolutions.filter(sunset_date__lt=today)
        if self.value() is not None:
            raise IncorrectLookupParameters(f"Unknown resolution status {self.value()!r}")
        return queryset


class LinkHealthListFilter(admin.SimpleListFilter):
    """What the nightly link check (linkcheck app) last found for the resource's external URL."""

    title = "link health"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        from linkcheck.models import LinkCheck

        return [*LinkCheck.State.choices, ("unchecked", "Not checked yet")]

    def queryset(self, request, queryset):
        from linkcheck.models import LinkCheck

        if self.value() is None:
            return queryset
        if self.value() == "unchecked":
            return queryset.exclude(external_url="").filter(link_check__isnull=True)
        if self.value() not in LinkCheck.State.values:
            raise IncorrectLookupParameters(f"Unknown link health {self.value()!r}")
        return queryset.filter(link_check__state=self.value())


class ReviewAdminMixin:
    """The review columns, the one-click "reviewed, still current" button and action, shared by both lists."""

    @admin.display(description="Resolution", ordering="sunset_date")
    def resolution_status(self, resource):
        if not resource.kind.is_resolution or resource.in_force is None:
            return ""
        if resource.in_force:
            return "In force"
        return format_html('<strong class="admin-expired">Expired</strong> (sunset {})', resource.sunset_date)

    @admin.display(description="Review due", ordering="review_due_on")
    def review_due(self, resource):
        if resource.review_due_on is None:
            return ""
        if resource.is_due_for_review:
            return format_html("<strong>Due</strong> since {}", resource.review_due_on)
        return str(resource.review_due_on)

    @admin.display(description="Mark reviewed")
    def review_button(self, resource):
        # A submit button of the changelist's own form (which carries the CSRF token), sent to
        # this resource's review URL: one click, no nested form.
        url = reverse("admin:resources_resource_mark_reviewed", args=[resource.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">'
            'Reviewed, still current<span class="visually-hidden">: {}</span></button>',
            url,
            resource.title,
        )

    @admin.action(description="Mark selected resources reviewed, still current", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        reviewed = services.resource_mark_reviewed(resources=queryset, actor=request.user)
        self.message_user_count(request, len(reviewed), "marked reviewed today")


@admin.register(Resource)
class ResourceAdmin(RoundTripAdminMixin, ReviewAdminMixin, ClearinghouseModelAdmin):
    form = ResourceAdminForm
    list_display = (
        "title",
        "kind",
        "year",
        "status",
        "featured",
        "resolution_status",
        "review_due",
        "link_health",
        "updated_at",
    )
    list_filter = (
        "status",
        "kind",
        "featured",
        "topics",
        "audiences",
        PracticeListFilter,
        YearListFilter,
        ReviewDueListFilter,
        ResolutionInForceListFilter,
        LinkHealthListFilter,
    )
    list_select_related = ("kind", "link_check")
    search_fields = ("title", "slug", "summary", "publisher", "identifier")
    search_help_text = "Searches titles, addresses (slugs), summaries, publishers and resolution identifiers."
    ordering = ("-updated_at",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("topics", "audiences", "superseded_by")
    readonly_fields = (
        "file_size_display",
        "published_at",
        "created_at",
        "updated_at",
        "last_reviewed_by",
        "review_due_on",
    )
    actions = ("publish", "archive", "feature", "unfeature", "mark_reviewed", "export_for_editing")

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/mark-reviewed/",
                self.admin_site.admin_view(self.mark_reviewed_view),
                name="resources_resource_mark_reviewed",
            ),
        ]
        return urls + super().get_urls()

    def mark_reviewed_view(self, request, object_id):
        """POST: record that the signed-in curator reviewed this resource today; back to where they were."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        resource = self.get_object(request, unquote(object_id))
        if resource is None or not self.has_change_permission(request, resource):
            raise PermissionDenied
        services.resource_mark_reviewed(resources=[resource], actor=request.user)
        self.message_user(request, f"“{resource}” marked reviewed today, still current.", messages.SUCCESS)
        return HttpResponseRedirect(safe_return_url(request, reverse("admin:resources_resource_changelist")))

    def get_fieldsets(self, request, obj=None):
        # Resolution details stay open for resolutions and fold away for everything else.
        resolution_classes = () if obj is not None and obj.is_resolution else ("collapse",)
        return (
            ("Description", {"fields": ("title", "slug", "summary", "body", "caution_note")}),
            ("Classification", {"fields": ("kind", "topics", "audiences", "practices")}),
            (
                "File or link",
                {
                    "description": "Give an uploaded file, an external link, or both.",
                    "fields": ("file", "file_size_display", "external_url"),
                },
            ),
            (
                "Resolution details",
                {
                    "classes": resolution_classes,
                    "description": "For IACP resolutions. Leave the identifier blank when the record has none.",
                    "fields": (
                        "year_adopted",
                        "adopted_on",
                        "identifier",
                        "submitting_committee",
                        "adopting_conference",
                        "sunset_date",
                    ),
                },
            ),
            (
                "Publication",
                {
                    "fields": (
                        "publisher",
                        "partners",
                        "year_published",
                        "status",
                        "featured",
                        "superseded_by",
                        "published_at",
                        "created_at",
                        "updated_at",
                    )
                },
            ),
            (
                "Review",
                {
                    "description": "“Reviewed, still current” (due-for-review list) records today and you.",
                    "fields": ("last_reviewed_on", "last_reviewed_by", "review_interval_months", "review_due_on"),
                },
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A published resource's address is public and linked from elsewhere: only a
        # superuser may still change it (e.g. to fix a typo right after publishing).
        if obj is not None and obj.published_at is not None and not request.user.is_superuser:
            readonly.append("slug")
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        if "slug" in self.get_readonly_fields(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    @admin.display(description="Link", ordering="link_check__state")
    def link_health(self, resource):
        link_check = getattr(resource, "link_check", None)  # Reverse one-to-one: absent until checked.
        if not resource.external_url or link_check is None:
            return ""
        if link_check.state == link_check.State.OK:
            return link_check.get_state_display()
        return format_html("<strong>{}</strong> ({})", link_check.get_state_display(), link_check.outcome)

    @admin.display(description="Year", ordering=display_year_expression())
    def year(self, resource):
        return resource.display_year

    @admin.display(description="File size")
    def file_size_display(self, resource):
        return filesizeformat(resource.file_size) if resource.file_size else ""

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            # Save the other edits, then move the status through the catalog service so
            # its transition rules apply; the form's own history entry records the change.
            new_status = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            result = services.resource_set_status(resources=[obj], status=new_status)
            for _resource, error in result.invalid:
                reasons = " ".join(dict.fromkeys(error.messages))
                self.message_user(request, f"Status not changed: {reasons}", messages.ERROR)
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "practices" in form.changed_data:
            services.resource_set_practices(resource=form.instance, practices=form.cleaned_data["practices"])

    def _report_bulk_change(self, request, result, *, verb, unchanged_reason):
        self.message_user_count(
            request, len(result.changed), verb, unchanged=len(result.unchanged), unchanged_reason=unchanged_reason
        )
        for resource, error in result.invalid:
            # The same message may be attached to several fields (file and external URL): say it once.
            reasons = " ".join(dict.fromkeys(error.messages))
            self.message_user(request, f"“{resource}” was not {verb}: {reasons}", level=messages.ERROR)

    @admin.action(description="Publish selected resources", permissions=["change"])
    def publish(self, request, queryset):
        result = services.resource_publish(resources=queryset, actor=request.user)
        self._report_bulk_change(request, result, verb="published", unchanged_reason="already published")

    @admin.action(description="Archive selected resources", permissions=["change"])
    def archive(self, request, queryset):
        result = services.resource_archive(resources=queryset, actor=request.user)
        self._report_bulk_change(request, result, verb="archived", unchanged_reason="already archived")

    @admin.action(description="Feature selected resources on the home page", permissions=["change"])
    def feature(self, request, queryset):
        result = services.resource_set_featured(resources=queryset, featured=True, actor=request.user)
        self._report_bulk_change(request, result, verb="featured", unchanged_reason="already featured")

    @admin.action(description="Stop featuring selected resources", permissions=["change"])
    def unfeature(self, request, queryset):
        result = services.resource_set_featured(resources=queryset, featured=False, actor=request.user)
        self._report_bulk_change(request, result, verb="no longer featured", unchanged_reason="not featured")


@admin.register(ResourceDueForReview)
class ResourceDueForReviewAdmin(ReviewAdminMixin, ClearinghouseModelAdmin):
    """Published resources whose review is due, oldest due first, each with a one-click review button."""

    list_display = (
        "title",
        "kind",
        "resolution_status",
        "last_reviewed_on",
        "last_reviewed_by",
        "review_due",
        "review_button",
    )
    list_display_links = ("title",)
    list_filter = ("kind", ResolutionInForceListFilter)
    list_select_related = ("kind", "last_reviewed_by")
    search_fields = ("title", "slug", "identifier")
    search_help_text = "Searches titles, addresses (slugs) and resolution identifiers."
    ordering = ("review_due_on", "title")
    actions = ("mark_reviewed",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=Resource.Status.PUBLISHED, review_due_on__lte=timezone.localdate())
            .defer("search_vector", "search_head", "body")
        )

    # Curators' rights on resources apply: no permissions of its own to grant.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("resources.view_resource") or request.user.has_perm("resources.change_resource")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("resources.change_resource")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The resource is edited in its own admin.
        return HttpResponseRedirect(reverse("admin:resources_resource_change", args=[object_id]))


# --- Vocabularies ---------------------------------------------------------------


def _in_use_message(term, count, advice):
    noun = "resource" if count == 1 else "resources"
    return f"“{term}” is used by {count} {noun}, so it cannot be deleted. {advice}"


@admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
def delete_selected_unless_in_use(modeladmin, request, queryset):
    """Django's bulk delete, refused with a clear message when any selected term is in use."""
    in_use = [term for term in modeladmin.annotate_usage(queryset) if term.resource_count]
    if in_use:
        for term in in_use:
            modeladmin.message_user(
                request, _in_use_message(term, term.resource_count, modeladmin.in_use_advice), messages.ERROR
            )
        modeladmin.message_user(request, "Nothing was deleted.", messages.WARNING)
        return None
    return delete_selected(modeladmin, request, queryset)


class VocabularyAdmin(ClearinghouseModelAdmin):
    """Shared admin for kinds, topics and audiences: usage counts and protection from deletion while in use."""

    list_display = ("name", "slug", "resource_count", "sort_order")
    search_fields = ("name", "slug", "description")
    search_help_text = "Searches names, slugs and descriptions."
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("sort_order", "name")
    readonly_fields = ("created_at", "updated_at")
    # The Resource changelist filter that lists the resources using a term.
    resource_filter_parameter = ""
    in_use_advice = ""

    def annotate_usage(self, queryset):
        return queryset.annotate(resource_count=Count("resources"))

    def get_queryset(self, request):
        return self.annotate_usage(super().get_queryset(request))

    @admin.display(description="Resources", ordering="resource_count")
    def resource_count(self, term):
        count = getattr(term, "resource_count", None)
        if count is None:
            count = term.resources.count()
        if not count:
            return 0
        url = reverse("admin:resources_resource_changelist")
        return format_html('<a href="{}?{}={}">{}</a>', url, self.resource_filter_parameter, term.pk, count)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_unless_in_use, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        term = self.get_object(request, unquote(object_id))
        if term is not None and term.resource_count:
            self.message_user(request, _in_use_message(term, term.resource_count, self.in_use_advice), messages.ERROR)
            change_url_name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
            return HttpResponseRedirect(reverse(change_url_name, args=[term.pk], current_app=self.admin_site.name))
        return super().delete_view(request, object_id, extra_context)


@admin.register(ResourceKind)
class ResourceKindAdmin(VocabularyAdmin):
    list_display = ("name", "plural_name", "slug", "resource_count", "review_interval_months", "sort_order")
    fields = (
        "name",
        "plural_name",
        "slug",
        "description",
        "review_interval_months",
        "sort_order",
        "created_at",
        "updated_at",
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "review_interval_months" in form.changed_data:
            count = services.refresh_review_due_dates(kind=obj)
            self.message_user(request, f"Review due dates of {count} resources recomputed.", messages.INFO)

    resource_filter_parameter = "kind__id__exact"
    in_use_advice = "Give those resources another kind first."


@admin.register(Topic)
class TopicAdmin(VocabularyAdmin):
    fields = ("name", "slug", "description", "sort_order", "created_at", "updated_at")
    resource_filter_parameter = "topics__id__exact"
    in_use_advice = "Remove the topic from those resources first."


@admin.register(Audience)
class AudienceAdmin(VocabularyAdmin):
    fields = ("name", "slug", "description", "sort_order", "created_at", "updated_at")
    resource_filter_parameter = "audiences__id__exact"
    in_use_advice = "Remove the audience from those resources first."


# --- Search synonyms ------------------------------------------------------------


class SearchSynonymForm(PlainTextModelForm):
    class Meta:
        model = SearchSynonym
        fields = ["terms", "note"]
        widgets = {
            "terms": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "note": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ClearinghouseModelAdmin):
    """Curated synonyms: applied to every catalog search from the next search on."""

    form = SearchSynonymForm
    list_display = ("equivalent_terms", "note", "updated_at")
    list_filter = ("updated_at",)
    search_fields = ("terms", "note")
    search_help_text = "Searches the terms and the notes."
    ordering = ("terms",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "description": (
                    "A search for any of these terms also finds resources with the others: "
                    "“CIT” finds “crisis intervention team”, and the other way round. Choose "
                    "abbreviations that mean only this in the field (not “ED”, which is also "
                    "emergency department)."
                ),
                "fields": ("terms", "note"),
            },
        ),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description="Equivalent terms", ordering="terms")
    def equivalent_terms(self, synonym):
        return str(synonym)
