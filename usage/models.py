"""Daily counts of how the catalog is used (decision 0022): no visitor is identified or stored.

Aggregates only, one row per resource and day and one per search and day, each raised by one
upsert per counted request (usage.counting). No timestamps of their own: the day is the row.
Not tracked by the page cache's content versions (decision 0006): counting a view must never
throw away the cached pages.
"""

from django.db import models


class ResourceDailyUsage(models.Model):
    resource = models.ForeignKey("resources.Resource", on_delete=models.CASCADE, related_name="daily_usage")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)
    link_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "day"], name="unique_resource_usage_day")]
        indexes = [models.Index(fields=["day"], name="resource_usage_day_idx")]
        verbose_name = "resource usage (day)"
        verbose_name_plural = "resource usage (days)"

    def __str__(self):
        return f"{self.resource_id} on {self.day}"


class SearchDailyCount(models.Model):
    """Catalog searches of one day with the same normalized words and filters."""

    day = models.DateField()
    query = models.CharField(max_length=200, blank=True)  # lowercased, spaces collapsed; "" = filters only
    filters = models.CharField(max_length=300, blank=True)  # e.g. "kind=report&topic=training", sorted
    searches = models.PositiveIntegerField(default=0)
    result_count = models.PositiveIntegerField(default=0)  # as of the latest of them

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "query", "filters"], name="unique_search_count_day"),
        ]
        verbose_name = "search (day)"
        verbose_name_plural = "searches (days)"

    def __str__(self):
        return f"“{self.query}” {self.filters} on {self.day}"
