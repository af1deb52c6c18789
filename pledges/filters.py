"""The public roster's one FilterSet (STYLE.md convention 1): the HTML roster, its CSV download and the tests.

It filters the agencies on the roster (selectors.roster_agencies: each agency with its
current public pledge), which never loads contact details. Invalid values (an unknown state, a year out of
range) are ignored and reported by the page, never an error.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Value
from django.db.models.functions import Upper
from django.utils import timezone

from clearinghouse.forms import MemoizedSelect, USWDSFormMixin
from pledges.constants import COUNTRIES, US_STATES
from pledges.models import Agency, Pledge
from pledges.selectors import ROSTER_ORDER, roster_agencies

# The campaign was launched in October 2016: no pledge is older.
FIRST_PLEDGE_YEAR = 2016
OUTSIDE_US = "outside-us"

# How the public reads each roster status.
PUBLIC_STATUS_LABELS = {
    Pledge.Status.APPROVED: "In progress",
    Pledge.Status.COMPLETED: "Completed",
    Pledge.Status.LAPSED: "Lapsed",
}


@dataclass(frozen=True)
class SizeBand:
    value: str
    label: str
    minimum: int
    maximum: int | None  # None: no upper bound


# Agency size by sworn officers, in the bands used for law enforcement agency statistics.
SIZE_BANDS = (
    SizeBand("1-24", "1 to 24 sworn officers", 1, 24),
    SizeBand("25-49", "25 to 49 sworn officers", 25, 49),
    SizeBand("50-99", "50 to 99 sworn officers", 50, 99),
    SizeBand("100-249", "100 to 249 sworn officers", 100, 249),
    SizeBand("250-999", "250 to 999 sworn officers", 250, 999),
    SizeBand("1000-", "1,000 or more sworn officers", 1000, None),
)
SIZE_BANDS_BY_VALUE = {band.value: band for band in SIZE_BANDS}


def pledge_years():
    """Years in which an agency could have pledged, newest first (no query)."""
    return [(str(year), str(year)) for year in range(timezone.localdate().year, FIRST_PLEDGE_YEAR - 1, -1)]


class RosterFilterForm(USWDSFormMixin, forms.Form):
    pass


class RosterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_name",
        label="Agency name or city",
        max_length=100,
        widget=forms.TextInput(attrs={"inputmode": "search", "enterkeyhint": "search"}),
    )
    # Every roster page renders these lists (56 states, 56 countries): MemoizedSelect renders each once.
    state = django_filters.ChoiceFilter(
        widget=MemoizedSelect,
        choices=US_STATES,
        method="filter_state",
        label="State (United States)",
        empty_label="Any state",
    )
    country = django_filters.ChoiceFilter(
        widget=MemoizedSelect,
        choices=[(OUTSIDE_US, "Outside the United States"), *COUNTRIES],
        method="filter_country",
        label="Country",
        empty_label="Any country",
    )
    agency_type = django_filters.ChoiceFilter(
        widget=MemoizedSelect,
        choices=Agency.AgencyType.choices,
        field_name="agency_type",
        label="Type of agency",
        empty_label="Any type",
    )
    size = django_filters.ChoiceFilter(
        widget=MemoizedSelect,
        choices=[(band.value, band.label) for band in SIZE_BANDS],
        method="filter_size",
        label="Size",
        empty_label="Any size",
    )
    status = django_filters.ChoiceFilter(
        widget=MemoizedSelect,
        choices=list(PUBLIC_STATUS_LABELS.items()),
        field_name="roster_status",
        label="Status",
        empty_label="Any status",
    )
    year = django_filters.ChoiceFilter(
        widget=MemoizedSelect, choices=pledge_years, method="filter_year", label="Year pledged", empty_label="Any year"
    )

    class Meta:
        model = Agency
        fields = []
        form = RosterFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = roster_agencies()
        super().__init__(data, queryset=queryset, **kwargs)

    @property
    def qs(self):
        # Always in roster order, whatever the filters.
        return super().qs.order_by(*ROSTER_ORDER)

    def filter_name(self, queryset, name, value):
        # Each word in the name or the city, in any case: Agency.search_text is both in capitals,
        # and a word has no space with which to span them.
        for word in value.split():
            queryset = queryset.filter(search_text__contains=Upper(Value(word)))
        return queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(country="US", state=value)

    def filter_country(self, queryset, name, value):
        if value == OUTSIDE_US:
            return queryset.exclude(country="US")
        return queryset.filter(country=value)

    def filter_size(self, queryset, name, value):
        band = SIZE_BANDS_BY_VALUE[value]
        queryset = queryset.filter(sworn_officers__gte=band.minimum)
        if band.maximum is not None:
            queryset = queryset.filter(sworn_officers__lte=band.maximum)
        return queryset

    def filter_year(self, queryset, name, value: int):
        # "Pledged on" is the approval date: the day the agency joined the roster and its window began.
        return queryset.filter(roster_approved_at__year=int(value))

    def active_filters(self):
        """(label, value label) for each filter applied, for the page's summary."""
        if not self.is_bound:
            return []
        self.form.is_valid()  # cleaned_data then holds the valid values only.
        data = self.form.cleaned_data
        active = []
        for name, field in self.form.fields.items():
            value = data.get(name)
            if value in (None, ""):
                continue
            choices = dict(getattr(field, "choices", ()))
            active.append((field.label, choices.get(value, value)))
        return active
