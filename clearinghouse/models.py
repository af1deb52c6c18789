from django.db import models


class TimeStampedModel(models.Model):
    """Every model records when it was created and last changed (STYLE.md, convention 4)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ContentVersion(models.Model):
    """A counter per kind of public content ("catalog", "pledges"), raised after every committed change.

    Cached pages and fragments are keyed by these numbers (clearinghouse/content_versions.py), so one
    UPDATE here makes every app process stop serving what was cached before the change.
    """

    name = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"{self.name} v{self.version}"
