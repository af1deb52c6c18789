"""Site-wide views: robots.txt, the health check and the error pages in the site's style."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_GET, require_safe

from clearinghouse.page_cache import public_page


@public_page()
@require_GET
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap_index"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /pledge/verify/",
        "Disallow: /pledge/progress/",
        "Disallow: /usage/",
        "Disallow: /resources/*/go/",
        f"Sitemap: {sitemap_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def healthz(request):
    """ "ok" as plain text, for load balancers and uptime checks: the app process answers requests.

    It reads no database, cache or file, so it stays cheap under any load and a database outage
    does not take every app server out of the balancer at once. It goes through the whole
    middleware stack like any page (nothing exempts it): behind the TLS-terminating load
    balancer, a probe must use an allowed host name and send X-Forwarded-Proto: https, or it
    gets the 301 to https. `make bench` measures it as the baseline "plain Django view".
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the failure may have come from a context processor or the database.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request, reason=""):
    """A refused form post (missing or stale CSRF token), explained in the site's style.

    The usual cause for a real person is a form left open for a long time or cookies
    blocked; the page says how to recover instead of Django's bare technical page.
    """
    return render(request, "403_csrf.html", status=403)
