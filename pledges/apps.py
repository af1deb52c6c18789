from django.apps import AppConfig


class PledgesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pledges"
    verbose_name = "One Mind pledges"

    def ready(self):
        from clearinghouse import content_versions
        from pledges.models import DeadlineReminder, RateLimitHit

        # Cached roster and agency pages are keyed by this version. Not tracked: rate-limit hits
        # (written on every form post, never shown: tracking them would let anyone empty the cache)
        # and the reminder log (internal bookkeeping of the daily job).
        content_versions.track_app(self, content_versions.PLEDGES, exclude=(RateLimitHit, DeadlineReminder))
