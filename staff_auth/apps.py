from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffAuthConfig(AppConfig):
    """Staff login protection: lockout (django-axes), two-factor codes (django-otp), the admin site."""

    default = True
    name = "staff_auth"
    verbose_name = "Staff logins"


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the portal's admin site (staff_auth.admin_site) as `admin.site`."""

    default = False
    default_site = "staff_auth.admin_site.StaffAdminSite"
