"""The usage dashboard in the admin (Usage statistics → Resource usage): figures, charts, CSV export.

Shown instead of a changelist: the daily rows are aggregates, not records to edit. Curators have
the view permission (migration 0002); nothing here identifies a visitor.
"""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse

from clearinghouse.admin import ClearinghouseModelAdmin
from usage import charts, selectors
from usage.models import ResourceDailyUsage

CSV_TABLES = ("daily", "resources", "searches", "no_results")


@admin.register(ResourceDailyUsage)
class UsageDashboardAdmin(ClearinghouseModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def period_days(self, request):
        try:
            days = int(request.GET.get("days", selectors.DEFAULT_PERIOD))
        except ValueError:
            days = selectors.DEFAULT_PERIOD
        return days if days in selectors.PERIOD_CHOICES else selectors.DEFAULT_PERIOD

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        days = self.period_days(request)
        period = selectors.Period.last(days)
        if request.GET.get("format") == "csv":
            return self.csv_export(period, request.GET.get("table", "daily"))
        trend = selectors.daily_trend(period)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Usage statistics",
            "days": days,
            "period": period,
            "period_choices": selectors.PERIOD_CHOICES,
            "totals": selectors.usage_totals(period),
            "trend": trend,
            "use_chart": charts.trend_chart(
                trend,
                ["views", "downloads", "link_clicks"],
                title="Resource use per day",
                description=f"Page views, downloads and link clicks per day, {period.first_day} to {period.last_day}.",
            ),
            "search_chart": charts.trend_chart(
                trend,
                ["searches"],
                title="Searches per day",
                description=f"Catalog searches per day, {period.first_day} to {period.last_day}.",
            ),
            "top_resources": selectors.top_resources(period),
            "top_searches": selectors.top_searches(period),
            "searches_without_results": selectors.searches_without_results(period),
            "downloads_by_kind": selectors.downloads_by(period, "resource__kind__name"),
            "downloads_by_topic": selectors.downloads_by(period, "resource__topics__name"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/usage/dashboard.html", context)

    def csv_export(self, period, table):
        table = table if table in CSV_TABLES else "daily"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"usage-{table}-{period.first_day}-to-{period.last_day}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        if table == "daily":
            writer.writerow(["day", "views", "downloads", "link_clicks", "searches"])
            for entry in selectors.daily_trend(period):
                writer.writerow(
                    [entry["day"], entry["views"], entry["downloads"], entry["link_clicks"], entry["searches"]]
                )
        elif table == "resources":
            writer.writerow(["resource", "address", "kind", "views", "downloads", "link_clicks", "total"])
            for row in selectors.top_resources(period, limit=None):
                writer.writerow(
                    [
                        row["resource__title"],
                        row["resource__slug"],
                        row["resource__kind__name"],
                        row["views"],
                        row["downloads"],
                        row["link_clicks"],
                        row["total"],
                    ]
                )
        elif table == "searches":
            writer.writerow(["search", "searches"])
            for row in selectors.top_searches(period, limit=None):
                writer.writerow([row["query"], row["searches"]])
        else:
            writer.writerow(["search", "filters", "searches"])
            for row in selectors.searches_without_results(period, limit=None):
                writer.writerow([row["query"], row["filters"], row["searches"]])
        return response
