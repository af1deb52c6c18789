"""Changelist filters of the pledge admin: where the agency is, and where the pledge stands on its deadline."""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone

from pledges.constants import COUNTRY_NAMES
from pledges.models import Agency, Pledge

# "Deadline within" looks this many days ahead: the first reminder goes out then.
DEADLINE_SOON_DAYS = 90


class DeadlineListFilter(admin.SimpleListFilter):
    """Approved pledges whose deadline is near, and pledges whose deadline passed before completion."""

    title = "deadline"
    parameter_name = "deadline"
    SOON = "soon"
    OVERDUE = "overdue"

    def lookups(self, request, model_admin):
        return [
            (self.SOON, f"Within {DEADLINE_SOON_DAYS} days"),
            (self.OVERDUE, "Passed, not completed"),
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        today = timezone.localdate()
        if self.value() == self.SOON:
            return queryset.filter(
                status=Pledge.Status.APPROVED,
                deadline__gte=today,
                deadline__lte=today + datetime.timedelta(days=DEADLINE_SOON_DAYS),
            )
        if self.value() == self.OVERDUE:
            # Lapsed pledges, and approved ones the daily job has not lapsed yet.
            return queryset.filter(status__in=Pledge.REPORTING_STATUSES, deadline__lt=today)
        raise IncorrectLookupParameters(f"Unknown deadline filter {self.value()!r}")


class RegionListFilter(admin.SimpleListFilter):
    """The state, province or region (with the country outside the US), listing only places that occur.

    Values look like "US:IL" or "CA:Ontario". `agency_path` is the lookup from the
    changelist's model to the Agency ("" on the Agency changelist).
    """

    title = "state or region"
    parameter_name = "region"
    agency_path = ""

    def _lookup(self, name):
        return f"{self.agency_path}__{name}" if self.agency_path else name

    def lookups(self, request, model_admin):
        agencies = Agency.objects.all()
        if self.agency_path:
            agencies = agencies.filter(pledges__isnull=False)
        places = agencies.order_by().values_list("country", "state").distinct()
        choices = []
        for country, state in places:
            place = Agency(country=country, state=state)
            choices.append((f"{country}:{state}", place.region_label or place.country_name))
        return sorted(choices, key=lambda choice: (not choice[0].startswith("US:"), choice[1]))

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        country, separator, state = self.value().partition(":")
        if not separator:
            raise IncorrectLookupParameters(f"Not a region: {self.value()!r}")
        return queryset.filter(**{self._lookup("country"): country, self._lookup("state"): state})


class PledgeRegionListFilter(RegionListFilter):
    agency_path = "agency"


class CountryListFilter(admin.SimpleListFilter):
    """The agency's country, listing only the countries that occur (not every choice of the field)."""

    title = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Agency.objects.order_by().values_list("country", flat=True).distinct()
        return sorted(
            ((code, COUNTRY_NAMES.get(code, code)) for code in codes), key=lambda choice: (choice[0] != "US", choice[1])
        )

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(country=self.value())


class DemoListFilter(admin.SimpleListFilter):
    """Demonstration data (names starting "Demo:") or real agencies."""

    title = "demo data"
    parameter_name = "demo"

    def lookups(self, request, model_admin):
        return [("yes", "Demo data only"), ("no", "Real agencies only")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in ("yes", "no"):
            raise IncorrectLookupParameters(f"Unknown demo filter {self.value()!r}")
        return queryset.filter(is_demo=self.value() == "yes")
