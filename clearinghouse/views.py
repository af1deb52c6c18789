"""Site-wide views: robots.txt, the health and readiness checks and the error pages in the site's style.

Every error status the portal answers has a page in the site's style (decision 0016): 400, 403
(and the CSRF 403), 404, 405 (clearinghouse.middleware.MethodNotAllowedPageMiddleware), 429, 500
and 503 (clearinghouse.database_outage, decision 0017). The 500 and 503 pages are rendered without
the request: they must work when a context processor or the database is what failed.
"""

import logging
import sys

from django.conf import settings
from django.db import Error as AnyDatabaseError
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from clearinghouse import database_outage
from clearinghouse.page_cache import public_page

logger = logging.getLogger(__name__)

# How long the readiness probe lets PostgreSQL take over its one trivial query.
READINESS_STATEMENT_TIMEOUT_MS = 1000


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


@never_cache
@require_safe
def readyz(request):
    """ "ok" (200) when the database answers a trivial query within a second; 503 otherwise.

    For load balancers that should stop sending traffic to a server that cannot reach the
    database, and for deployment checks. It reads no session and is never cached. A database
    that cannot be reached at all fails after DATABASE_CONNECT_TIMEOUT seconds.
    """
    try:
        check_database_answers()
    except AnyDatabaseError as error:
        logger.warning("Readiness check failed: %s", database_outage.describe(error))
        response = HttpResponse("database unavailable", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(settings.DATABASE_OUTAGE_RETRY_AFTER)
        return response
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def check_database_answers():
    """Run SELECT 1 on the default database, bounded by a statement timeout on PostgreSQL."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # SET LOCAL: the timeout ends with this transaction and never reaches a later request.
            cursor.execute("SET LOCAL statement_timeout = %s", [READINESS_STATEMENT_TIMEOUT_MS])
        cursor.execute("SELECT 1")
        cursor.fetchone()


def bad_request(request, exception=None):
    """A request Django could not read: a form sent in another encoding than UTF-8, too many fields, ...

    It must not touch request.POST: reading it is what failed. (Django's default 400 view is
    protected by requires_csrf_token, which reads the form again and turned a 400 into a 500.)
    """
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this inside its exception handler: a database outage raised outside a view
    # (a middleware saving the session, say) still gets the 503 page, not "something went wrong".
    error = sys.exc_info()[1]
    if database_outage.is_database_unavailable(error):
        database_outage.log_outage(request, error)
        return database_outage.service_unavailable_response()
    # No request context: the failure may have come from a context processor or the database.
    # Staff are said to be told only when error emails go somewhere (settings.ADMINS).
    html = loader.get_template("500.html").render({"staff_emailed": bool(settings.ADMINS)})
    return HttpResponse(html, status=500)


def method_not_allowed_page(request, response):
    """The styled 405 page in place of `response` (an HttpResponseNotAllowed), keeping its Allow header."""
    page = render(request, "405.html", status=405)
    page["Allow"] = response["Allow"]
    return page


def too_many_requests(request, *, retry_after_seconds, message=""):
    """The styled 429 page, with Retry-After: for a client over a rate limit (pledges.ratelimit)."""
    minutes = max(1, round(retry_after_seconds / 60))
    response = render(request, "429.html", {"message": message, "retry_after_minutes": minutes}, status=429)
    response["Retry-After"] = str(int(retry_after_seconds))
    return response


def csrf_failure(request, reason=""):
    """A refused form post (missing or stale CSRF token), explained in the site's style.

    The usual cause for a real person is a form left open for a long time or cookies
    blocked; the page says how to recover instead of Django's bare technical page.
    """
    return render(request, "403_csrf.html", status=403)
