"""The last check of each resource's external link (linkcheck.checker, `manage.py check_links`)."""

from django.conf import settings
from django.db import models

from clearinghouse.models import TimeStampedModel


class LinkCheck(TimeStampedModel):
    """One row per resource with an external URL: what the latest check found and how long it has failed.

    Not tracked by the page cache's content versions: the checker rewrites these rows daily. The
    services bump the catalog's version themselves when a link becomes broken or works again,
    since the public page says so.
    """

    class State(models.TextChoices):
        OK = "ok", "Working"
        REDIRECTED = "redirected", "Moved permanently"
        FAILING = "failing", "Failing"
        BROKEN = "broken", "Broken"

    resource = models.OneToOneField("resources.Resource", on_delete=models.CASCADE, related_name="link_check")
    url = models.URLField("address checked", max_length=500)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OK, db_index=True)
    checked_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField("final address", max_length=2000, blank=True)
    redirect_chain = models.JSONField(default=list, blank=True, help_text="[[status, location], ...]")
    error = models.CharField(max_length=255, blank=True)
    failures_in_a_row = models.PositiveSmallIntegerField(default=0)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    # A curator looked at this problem and chose to leave it (until the state changes again).
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "link check"
        ordering = ["-failures_in_a_row", "resource__title"]

    def __str__(self):
        return f"{self.url}: {self.get_state_display()}"

    @property
    def outcome(self):
        """What the check found, in a few words: "404", "Timed out", "301 → https://…"."""
        if self.error:
            return self.error
        return str(self.status_code or "")

    @property
    def suggested_url(self):
        """The address a permanent redirect moved the link to, to offer as an update."""
        return self.final_url if self.state == self.State.REDIRECTED else ""

    @property
    def needs_attention(self):
        return self.state != self.State.OK and self.reviewed_at is None

    def web_archive_url(self):
        """The Internet Archive's latest copy of the address (its /web/<address> redirects to the newest capture)."""
        return f"https://web.archive.org/web/{self.url}"
