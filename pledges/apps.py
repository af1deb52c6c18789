from django.apps import AppConfig


class PledgesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pledges"
    verbose_name = "One Mind pledges"
