"""The portal's admin site: Django's, with staff login protection and a guarded "view on site".

- Login: username, password and, for staff with an authenticator app, its code
  (staff_auth.forms.StaffLoginForm); django-axes counts every failure and answers the
  lockout page (HTTP 429) after too many.
- Two-factor authentication: any staff member may set up an authenticator app at
  /admin/two-factor/. When STAFF_2FA_REQUIRED is on, staff who can see pledge contacts
  must: until this session has signed in with a code, every admin page sends them to that
  page (to set up an app, or to enter a code from the one they have).
- "View on site" (/admin/r/<content type>/<id>/) redirects only staff who may see the
  object in the admin (and, for agencies, the pledges): the redirect's address names
  the object, so it must not tell a Curator the name of an agency whose pledge is not public.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse

from staff_auth import views
from staff_auth.forms import StaffLoginForm
from staff_auth.two_factor import two_factor_required


class StaffAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/staff_auth/login.html"

    def get_urls(self):
        urls = [
            path("two-factor/", self.admin_view(self.two_factor_view), name="two_factor"),
        ]
        for pattern in super().get_urls():
            if getattr(pattern, "name", None) == "view_on_site":
                pattern = path(
                    "r/<path:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site_view),
                    name="view_on_site",
                )
            urls.append(pattern)
        return urls

    def admin_view(self, view, cacheable=False):
        """Django's admin_view, and a session that must sign in with two factors is sent to do so."""
        checked = super().admin_view(view, cacheable)
        two_factor_page = getattr(view, "__func__", None) is StaffAdminSite.two_factor_view
        logout_page = getattr(view, "__func__", None) is admin.AdminSite.logout

        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            exempt = two_factor_page or logout_page
            if not exempt and two_factor_required(user) and not user.is_verified():
                return HttpResponseRedirect(reverse("admin:two_factor"))
            return checked(request, *args, **kwargs)

        return guarded

    def two_factor_view(self, request):
        return views.two_factor(request, admin_site=self)

    def view_on_site_view(self, request, content_type_id, object_id):
        """Django's "view on site" redirect, for staff who may see the object in the admin; 404 otherwise.

        A 404 (not a 403) for everything refused, so the answer does not even say whether the object exists.
        """
        try:
            content_type = ContentType.objects.get_for_id(int(content_type_id))
        except (ValueError, ContentType.DoesNotExist) as error:
            raise Http404("No such object.") from error
        model_admin = self._registry.get(content_type.model_class())
        if model_admin is None:
            raise Http404("No such object.")
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("No such object.")
        may_view_on_site = getattr(model_admin, "may_view_on_site", None)
        if may_view_on_site is not None and not may_view_on_site(request, obj):
            raise Http404("No such object.")
        return shortcut(request, content_type_id, object_id)
