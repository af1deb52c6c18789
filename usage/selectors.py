"""What the usage dashboard shows: each figure one aggregate query over the daily rows (decision 0022)."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.utils import timezone

from usage.models import ResourceDailyUsage, SearchDailyCount

PERIOD_CHOICES = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
TOP_COUNT = 20


@dataclass(frozen=True)
class Period:
    first_day: datetime.date
    last_day: datetime.date

    @classmethod
    def last(cls, days, *, today=None):
        today = today or timezone.localdate()
        return cls(first_day=today - datetime.timedelta(days=days - 1), last_day=today)

    @property
    def days(self):
        return [self.first_day + datetime.timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]


def _usage(period):
    return ResourceDailyUsage.objects.filter(day__range=(period.first_day, period.last_day)).order_by()


def _searches(period):
    return SearchDailyCount.objects.filter(day__range=(period.first_day, period.last_day)).order_by()


def usage_totals(period):
    totals = _usage(period).aggregate(views=Sum("views"), downloads=Sum("downloads"), link_clicks=Sum("link_clicks"))
    totals["searches"] = _searches(period).aggregate(total=Sum("searches"))["total"]
    return {name: value or 0 for name, value in totals.items()}


def daily_trend(period):
    """One entry per day of the period (days without use included, as zeros)."""
    rows = {
        row["day"]: row
        for row in _usage(period)
        .values("day")
        .annotate(views=Sum("views"), downloads=Sum("downloads"), link_clicks=Sum("link_clicks"))
    }
    searches = dict(_searches(period).values("day").annotate(total=Sum("searches")).values_list("day", "total"))
    return [
        {
            "day": day,
            "views": rows.get(day, {}).get("views", 0),
            "downloads": rows.get(day, {}).get("downloads", 0),
            "link_clicks": rows.get(day, {}).get("link_clicks", 0),
            "searches": searches.get(day, 0),
        }
        for day in period.days
    ]


def top_resources(period, limit=TOP_COUNT):
    return list(
        _usage(period)
        .values("resource_id", "resource__title", "resource__slug", "resource__kind__name")
        # The total first: once "views" names the sum, F("views") would mean the sum.
        .annotate(total=Sum(F("views") + F("downloads") + F("link_clicks")))
        .annotate(views=Sum("views"), downloads=Sum("downloads"), link_clicks=Sum("link_clicks"))
        .order_by("-total", "resource__title")[:limit]
    )


def top_searches(period, limit=TOP_COUNT):
    """The words searched most often (filters aside), with the results the latest search found."""
    return list(
        _searches(period)
        .exclude(query="")
        .values("query")
        .annotate(searches=Sum("searches"))
        .order_by("-searches", "query")[:limit]
    )


def searches_without_results(period, limit=TOP_COUNT):
    """What people looked for and the catalog did not have: searches whose latest run found nothing."""
    return list(
        _searches(period)
        .filter(result_count=0)
        .values("query", "filters")
        .annotate(searches=Sum("searches"))
        .order_by("-searches", "query")[:limit]
    )


def downloads_by(period, field):
    """Downloads per kind (`resource__kind__name`) or topic (`resource__topics__name`)."""
    return list(
        _usage(period)
        .filter(downloads__gt=0)
        .exclude(Q(**{f"{field}__isnull": True}))
        .values(name=F(field))
        .annotate(downloads=Sum("downloads"))
        .order_by("-downloads", "name")
    )
