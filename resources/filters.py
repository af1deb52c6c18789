"""The catalog's one FilterSet (STYLE.md convention 1).

The HTML list, the Atom feed and the tests all filter through `ResourceFilterSet`.
Within a facet, several values mean "any of them" (topic=a&topic=b: about a or b);
different facets combine with "and". Facet counts follow the usual faceted-search
convention: each option's count is what the results would be with that option added
to the current search and every *other* facet's filters, so ticking a box never
leads to an unexpected count and the options of a facet stay visible once one is ticked.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.db import connections, models
from django.db.models.functions import Coalesce
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from clearinghouse.forms import USWDSFormMixin
from clearinghouse.one_mind import Practice
from resources.facet_arrays import FacetArrayOverlaps
from resources.models import RESOLUTION_KIND_SLUG, Audience, Resource, ResourceKind, ResourcePractice, Topic
from resources.search import MAX_QUERY_LENGTH, normalize_search_query, prepare_search
from resources.selectors import (
    cached_catalog_read,
    practice_counts,
    resolution_status_counts,
    tally_facets_postgresql,
    vocabulary_facet_counts,
    vocabulary_terms,
)

FEED_TITLE = "Clearinghouse resources"
# How many of the first results a search keeps ranked (25 pages of 20): see result_ids().
RANKED_WINDOW = 500
YEAR_RANGE = {"min_value": 1893, "max_value": 2100}  # The IACP's first conference was in 1893.

# A resolution is dated by its adoption; anything else by its publication.
EFFECTIVE_YEAR = Coalesce("year_adopted", "year_published")


class SortOrder(models.TextChoices):
    RELEVANCE = "relevance", "Best match"
    NEWEST = "newest", "Newest additions"
    YEAR = "year", "Year, most recent first"
    TITLE = "title", "Title, A to Z"
    MOST_USED = "most_used", "Most used"


MOST_USED_DAYS = 30


def recent_use_subquery():
    """Views, downloads and link clicks of the resource in the last MOST_USED_DAYS days (usage app).

    Read through the ranked-results cache (result_ids) like every order, so the order is
    recomputed when the catalog changes or the day does, not on every page.
    """
    from usage.models import ResourceDailyUsage

    since = timezone.localdate() - datetime.timedelta(days=MOST_USED_DAYS)
    totals = (
        ResourceDailyUsage.objects.filter(resource=models.OuterRef("pk"), day__gte=since)
        .order_by()
        .values("resource")
        .annotate(total=models.Sum(models.F("views") + models.F("downloads") + models.F("link_clicks")))
        .values("total")
    )
    return models.Subquery(totals, output_field=models.IntegerField())


class ResolutionStatus(models.TextChoices):
    IN_FORCE = "yes", "In force"
    EXPIRED = "no", "Expired"


@extend_schema_field(OpenApiTypes.INT)  # For the API's OpenAPI schema (api/, decision 0019).
class YearFilter(django_filters.Filter):
    """A year, typed into a text box with a numeric keypad on phones.

    Not <input type="number">: a year typed wrongly ("20l9") is shown back with its error, and a
    number box can neither show it (the browser blanks it) nor carry it as valid HTML.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)


class ResourceFilterForm(USWDSFormMixin, forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        year_min, year_max = cleaned_data.get("year_min"), cleaned_data.get("year_max")
        if year_min and year_max and year_min > year_max:
            self.add_error("year_max", "The “to” year must be the same as or later than the “from” year.")
        return cleaned_data


@dataclass
class ActiveFilter:
    """One value the user filtered by: shown as a removable chip and named in the feed title."""

    param: str
    value: str
    name: str  # what the facet is, e.g. "Topic"
    value_label: str  # the value as people read it, e.g. "Training"

    @property
    def label(self):
        return f"{self.name}: {self.value_label}"


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    param: str
    legend: str
    options: list
    errors: list
    multiple: bool = True

    @property
    def has_selection(self):
        return any(option.selected for option in self.options)


class ResourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search terms",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ModelMultipleChoiceFilter(
        queryset=ResourceKind.objects.all(), to_field_name="slug", method="filter_kind", label="Kind of resource"
    )
    topic = django_filters.ModelMultipleChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_topic", label="Topic"
    )
    audience = django_filters.ModelMultipleChoiceFilter(
        queryset=Audience.objects.all(), to_field_name="slug", method="filter_audience", label="Audience"
    )
    practice = django_filters.MultipleChoiceFilter(
        choices=Practice.choices, method="filter_practice", label="One Mind practice"
    )
    year_min = YearFilter(field_name="effective_year", lookup_expr="gte", label="From year", **YEAR_RANGE)
    year_max = YearFilter(field_name="effective_year", lookup_expr="lte", label="To year", **YEAR_RANGE)
    in_force = django_filters.ChoiceFilter(
        choices=ResolutionStatus.choices, method="filter_in_force", label="Resolution status", empty_label="Any"
    )
    # Applied by `qs` after every filter, since its default depends on whether there is a query.
    sort = django_filters.ChoiceFilter(
        choices=SortOrder.choices, method="filter_nothing", label="Sort by", empty_label=None
    )

    class Meta:
        model = Resource
        fields = []
        form = ResourceFilterForm

    # --- Filters -----------------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        return self.prepared_search.apply(queryset)

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind__in=value) if value else queryset

    # Many-to-many filters use subqueries, not joins, so results need no DISTINCT.
    # Many-to-many filters use subqueries, not joins, so results need no DISTINCT. On PostgreSQL
    # they test the facet arrays on the row instead (GIN indexes; combined as bitmaps).
    def filter_topic(self, queryset, name, value: str):  # The hint types the API schema's slugs.
        if not value:
            return queryset
        if self.uses_facet_arrays:
            return queryset.filter(FacetArrayOverlaps("facet_topic_ids", [term.pk for term in value]))
        return queryset.filter(pk__in=Resource.topics.through.objects.filter(topic__in=value).values("resource_id"))

    def filter_audience(self, queryset, name, value: str):
        if not value:
            return queryset
        if self.uses_facet_arrays:
            return queryset.filter(FacetArrayOverlaps("facet_audience_ids", [term.pk for term in value]))
        matching = Resource.audiences.through.objects.filter(audience__in=value).values("resource_id")
        return queryset.filter(pk__in=matching)

    def filter_practice(self, queryset, name, value):
        if not value:
            return queryset
        if self.uses_facet_arrays:
            return queryset.filter(FacetArrayOverlaps("facet_practices", list(value)))
        return queryset.filter(pk__in=ResourcePractice.objects.filter(practice__in=value).values("resource_id"))

    @cached_property
    def uses_facet_arrays(self):
        return connections[self.queryset.db].vendor == "postgresql"

    def filter_in_force(self, queryset, name, value):
        today = timezone.localdate()
        resolutions = queryset.filter(kind__slug=RESOLUTION_KIND_SLUG, sunset_date__isnull=False)
        if value == ResolutionStatus.IN_FORCE:
            return resolutions.filter(sunset_date__gte=today)
        return resolutions.filter(sunset_date__lt=today)

    def filter_nothing(self, queryset, name, value):
        return queryset

    # --- Results -----------------------------------------------------------------------

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.sort_queryset(self.filter_queryset(self.queryset.all()))
        return self._qs

    def filter_queryset(self, queryset, *, without=None, to_count=False):
        """Apply every valid filter except `without`; invalid values are ignored (the form shows why).

        `to_count`: the resources will only be counted (facets), so the search filters them
        without ranking them or building headlines.
        """
        queryset = queryset.annotate(effective_year=EFFECTIVE_YEAR)
        for name, value in self.valid_data.items():
            if name in (without, "sort"):
                continue
            if name == "q" and to_count:
                queryset = self.prepared_search.filter(queryset)
            else:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def valid_data(self):
        """The submitted values that passed validation; invalid ones are absent, hence ignored."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    @cached_property
    def prepared_search(self):
        """The search, resolved once for the results and every facet count (resources.search.PreparedSearch).

        Resolved against the whole queryset: `q` comes first among the filters, so that is what
        it has always searched, and "the full text matches nothing, fall back to similar titles"
        is decided over the whole catalog, whatever the other filters.
        """
        return prepare_search(self.queryset, self.search_query)

    @property
    def search_query(self):
        """The query actually searched for ("" when none or when it was invalid)."""
        return normalize_search_query(self.valid_data.get("q"))

    @property
    def default_sort_order(self):
        """Best match when searching, newest otherwise."""
        return SortOrder.RELEVANCE if self.search_query else SortOrder.NEWEST

    @property
    def sort_order(self):
        """The order in force: the one asked for, else the default (best match needs a query)."""
        requested = self.valid_data.get("sort") or ""
        if not requested or (requested == SortOrder.RELEVANCE and not self.search_query):
            return self.default_sort_order
        return SortOrder(requested)

    def sort_queryset(self, queryset):
        if self.sort_order == SortOrder.MOST_USED:
            queryset = queryset.annotate(recent_use=recent_use_subquery())
        ordering = {
            SortOrder.RELEVANCE: ["-search_rank", "-published_at", "title"],
            SortOrder.NEWEST: [models.F("published_at").desc(nulls_last=True), "title"],
            SortOrder.YEAR: [models.F("effective_year").desc(nulls_last=True), "title"],
            SortOrder.TITLE: ["title", "pk"],
            SortOrder.MOST_USED: [
                models.F("recent_use").desc(nulls_last=True),
                models.F("published_at").desc(nulls_last=True),
                "title",
            ],
        }[self.sort_order]
        return queryset.order_by(*ordering)

    # --- What the page shows about the filters ---------------------------------------

    def active_filters(self):
        """Each valid value the results are filtered by, in the order of the sidebar."""
        data = self.valid_data
        active = []
        if self.search_query:
            active.append(ActiveFilter("q", data["q"], "Search", f"“{self.search_query}”"))
        for param, name in (("kind", "Kind"), ("topic", "Topic"), ("audience", "Audience")):
            active += [ActiveFilter(param, term.slug, name, term.name) for term in data.get(param) or []]
        active += [
            ActiveFilter("practice", value, "One Mind practice", Practice(value).label)
            for value in data.get("practice") or []
        ]
        if data.get("year_min"):
            active.append(ActiveFilter("year_min", str(data["year_min"]), "From year", str(data["year_min"])))
        if data.get("year_max"):
            active.append(ActiveFilter("year_max", str(data["year_max"]), "To year", str(data["year_max"])))
        if data.get("in_force"):
            status = ResolutionStatus(data["in_force"])
            active.append(ActiveFilter("in_force", status.value, "Resolutions", status.label.lower()))
        return active

    def describe(self):
        """A title naming the filters, e.g. "Clearinghouse resources: Training, Crisis intervention teams"."""
        parts = []
        for active in self.active_filters():
            if active.param in ("kind", "topic", "audience"):
                parts.append(active.value_label)
            elif active.param == "practice":
                parts.append(f"One Mind practice “{active.value_label}”")
            elif active.param == "year_min":
                parts.append(f"from {active.value}")
            elif active.param == "year_max":
                parts.append(f"up to {active.value}")
            elif active.param == "in_force":
                parts.append(f"resolutions {active.value_label}")
        title = FEED_TITLE
        if self.search_query:
            title += f" matching “{self.search_query}”"
        return f"{title}: {', '.join(parts)}" if parts else title

    def facet_cache_key(self):
        """What the facet counts depend on: the valid filters and the searched text (not page or sort)."""
        data = self.valid_data
        parts = [f"q={self.search_query}"]
        for param in ("kind", "topic", "audience"):
            parts.append(f"{param}=" + ",".join(sorted(term.slug for term in data.get(param) or [])))
        parts.append("practice=" + ",".join(sorted(data.get("practice") or [])))
        parts += [f"{name}={data.get(name) or ''}" for name in ("year_min", "year_max", "in_force")]
        # Facets carry their fields' error messages, which name the invalid values.
        parts.append(self.form.errors.as_json() if self.is_bound else "")
        return "&".join(parts)

    def facets(self):
        """The sidebar's checkbox groups with counts, computed once per combination of filters
        and catalog version (selectors.cached_catalog_read): pages and sort orders of the same
        filters share them. See `count_facets` for the work on a miss.
        """
        if not hasattr(self, "_facets"):
            self._facets = cached_catalog_read(("facets", self.facet_cache_key()), self.count_facets)
        return self._facets

    def result_ids(self, start, stop):
        """The pks of results `start` to `stop` in the order in force, for one page.

        The first RANKED_WINDOW are found once per combination of search, filters and sort order
        and kept with the facet counts (cached until the catalog changes): ranking every match of
        a common word is the costly part of a page, and people page through the same results.
        Deeper pages are found on their own.
        """
        results = self.qs.values_list("pk", flat=True)
        if stop > RANKED_WINDOW:
            return list(results[start:stop])
        key = ("ranked-ids", self.facet_cache_key(), self.sort_order)
        return cached_catalog_read(key, lambda: list(results[:RANKED_WINDOW]))[start:stop]

    def result_count(self):
        """How many resources `qs` holds, read off the kind facet (every resource has one kind),
        so a page costs no COUNT over the matches of its own."""
        kind_facet = next(facet for facet in self.facets() if facet.param == "kind")
        counted = [option for option in kind_facet.options if option.selected] if kind_facet.has_selection else None
        return sum(option.count for option in (kind_facet.options if counted is None else counted))

    def count_facets(self):
        """The sidebar's checkbox groups with counts: three aggregate queries, whatever the number
        of options (kinds, topics and audiences together; practices; resolution status), plus
        resolving the search if `qs` has not done so yet.

        Options no result would match are left out, unless selected (so they can be unticked).
        """
        if self.uses_facet_arrays:
            return self.count_facets_postgresql()
        data = self.valid_data
        facets = []
        # Each facet counts within the resources matching every filter but its own; facets whose
        # own filter is not in use share the same resources, so build that queryset once.
        resources_by_exclusion = {}

        def resources_to_count(without):
            without = without if data.get(without) else None
            if without not in resources_by_exclusion:
                resources_by_exclusion[without] = self.filter_queryset(
                    self.queryset.all(), without=without, to_count=True
                )
            return resources_by_exclusion[without]

        vocabularies = {"kind": ResourceKind, "topic": Topic, "audience": Audience}
        selected_slugs = {param: {term.slug for term in data.get(param) or []} for param in vocabularies}
        term_counts = vocabulary_facet_counts(
            {model: (resources_to_count(param), selected_slugs[param]) for param, model in vocabularies.items()}
        )
        for param, model in vocabularies.items():
            selected = selected_slugs[param]
            options = [
                FacetOption(term.slug, term.name, term.match_count, term.slug in selected)
                for term in term_counts[model]
                if term.match_count or term.slug in selected
            ]
            facets.append(Facet(param, self.filters[param].label, options, self.form.errors.get(param, [])))

        selected = set(data.get("practice") or [])
        counts = practice_counts(resources_to_count("practice"))
        options = [
            FacetOption(practice.value, practice.label, count, practice.value in selected)
            for practice, count in counts.items()
            if count or practice.value in selected
        ]
        facets.append(Facet("practice", "One Mind practice", options, self.form.errors.get("practice", [])))

        selected = data.get("in_force") or ""
        counts = resolution_status_counts(resources_to_count("in_force"), timezone.localdate())
        options = [
            FacetOption(status.value, status.label, counts[status.value], status.value == selected)
            for status in ResolutionStatus
            if counts[status.value] or status.value == selected
        ]
        facets.append(
            Facet("in_force", "Resolution status", options, self.form.errors.get("in_force", []), multiple=False)
        )
        return facets

    def count_facets_postgresql(self):
        """`count_facets` in ONE query on PostgreSQL (selectors.tally_facets_postgresql), from the
        facet arrays on each resource row, plus the vocabularies (cached with the catalog)."""
        data = self.valid_data
        facet_params = ("kind", "topic", "audience", "practice", "in_force")
        # Facets whose own filter is not in use count the same resources: one set for all of them.
        groups = {}
        for param in facet_params:
            groups.setdefault(param if data.get(param) else None, []).append(param)
        resource_sets = [
            (self.filter_queryset(self.queryset.all(), without=without, to_count=True), names)
            for without, names in groups.items()
        ]
        terms = vocabulary_terms()
        kinds, topics, audiences = terms["kind"], terms["topic"], terms["audience"]
        resolution_kind = next((kind for kind in kinds if kind.slug == RESOLUTION_KIND_SLUG), None)
        tallies = tally_facets_postgresql(
            resource_sets, today=timezone.localdate(), resolution_kind_id=resolution_kind and resolution_kind.pk
        )
        tally_of = {param: tallies[index] for index, (_without, names) in enumerate(groups.items()) for param in names}

        facets = []
        for param, terms in (("kind", kinds), ("topic", topics), ("audience", audiences)):
            counts = getattr(tally_of[param], param)
            selected = {term.slug for term in data.get(param) or []}
            options = [
                FacetOption(term.slug, term.name, counts.get(str(term.pk), 0), term.slug in selected)
                for term in terms
                if counts.get(str(term.pk)) or term.slug in selected
            ]
            facets.append(Facet(param, self.filters[param].label, options, self.form.errors.get(param, [])))

        counts = tally_of["practice"].practice
        selected = set(data.get("practice") or [])
        options = [
            FacetOption(practice.value, practice.label, counts.get(practice.value, 0), practice.value in selected)
            for practice in Practice
            if counts.get(practice.value) or practice.value in selected
        ]
        facets.append(Facet("practice", "One Mind practice", options, self.form.errors.get("practice", [])))

        counts = tally_of["in_force"].in_force
        selected = data.get("in_force") or ""
        options = [
            FacetOption(status.value, status.label, counts.get(status.value, 0), status.value == selected)
            for status in ResolutionStatus
            if counts.get(status.value) or status.value == selected
        ]
        facets.append(
            Facet("in_force", "Resolution status", options, self.form.errors.get("in_force", []), multiple=False)
        )
        return facets


class ResultIds:
    """The results of a ResourceFilterSet as a sequence of pks for Paginator: its length is the
    result count (from the facets), and each slice asks `result_ids` for one page."""

    def __init__(self, filterset):
        self.filterset = filterset

    def __len__(self):
        return self.filterset.result_count()

    def count(self):
        return len(self)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("ResultIds only gives slices (pages)")
        return self.filterset.result_ids(index.start or 0, index.stop)
