"""Search alerts: a weekly email of newly published resources matching a catalog search. No account."""

from django.db import models

from clearinghouse.models import TimeStampedModel

# Who may see subscribers' email addresses (nobody by default; superusers have every permission).
EMAIL_PERMISSION = "alerts.view_subscriber_email"
# The catalog parameters an alert keeps (not page or sort).
ALERT_PARAMETERS = ("q", "kind", "topic", "audience", "practice", "year_min", "year_max", "in_force")


class SearchAlert(TimeStampedModel):
    email = models.EmailField()
    query_string = models.CharField(max_length=1000, blank=True, help_text="The catalog search, as in its address.")
    description = models.CharField(max_length=500)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Resources published up to this moment have been covered (sent, or published before confirmation).
    covered_through = models.DateTimeField(null=True, blank=True)
    # When the weekly digest last ran for it (sent, or found nothing new).
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_subscriber_email", "Can see the email addresses of search alert subscribers")]

    def __str__(self):
        return self.description

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None
