"""Search alerts for the public: ask, check your email, confirm, unsubscribe (no account)."""

import datetime
import logging

from django.core import signing
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from alerts import services, tokens
from alerts.forms import AlertForm
from alerts.models import SearchAlert
from pledges.ratelimit import RateLimit, RateLimiter
from resources.filters import ResourceFilterSet
from resources.models import Resource

logger = logging.getLogger(__name__)

# Each request sends an email to a typed address: a few an hour per network.
ALERT_REQUESTS = RateLimit(scope="search-alert", limit=5, window=datetime.timedelta(hours=1))


def _private(response):
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def alert_new(request):
    """ "Email me new matches" for the catalog search in the query string."""
    query_string = services.alert_query_string(request.GET)
    filterset = ResourceFilterSet(QueryDict(query_string), queryset=Resource.objects.none())
    description = filterset.describe()
    catalog_url = reverse("resources:list") + (f"?{query_string}" if query_string else "")
    form = AlertForm(request.POST or None)
    context = {"form": form, "description": description, "catalog_url": catalog_url, "rate_limit": ALERT_REQUESTS}
    if request.method != "POST":
        return render(request, "alerts/new.html", context)
    if form.is_spam:
        return redirect("resources:alert_pending")
    if not form.is_valid():
        return render(request, "alerts/new.html", context)
    limiter = RateLimiter(ALERT_REQUESTS, request)
    if not limiter.attempt():
        response = render(request, "alerts/new.html", {**context, "rate_limited": True}, status=429)
        response["Retry-After"] = str(int(ALERT_REQUESTS.window.total_seconds()))
        return response
    # The confirmation email is queued with the alert (the outbox, decision 0013): no mail server is asked here.
    services.alert_subscribe(email=form.cleaned_data["email"], query_string=query_string, description=description)
    return redirect("resources:alert_pending")


@require_safe
def alert_pending(request):
    return render(request, "alerts/pending.html")


def _alert_from(token, reader):
    try:
        return SearchAlert.objects.filter(pk=reader(token)).first(), None
    except signing.SignatureExpired:
        return None, "This link has expired: links to confirm an alert work for 7 days. Ask for the alert again."
    except signing.BadSignature:
        return None, "This link is not valid. Check that you copied the whole address from the email."


@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request, token):
    """GET shows a button (mail scanners fetch links); POST confirms."""
    alert, problem = _alert_from(token, tokens.read_confirm_token)
    if alert is None:
        problem = problem or "This alert no longer exists."
        return _private(render(request, "alerts/problem.html", {"problem": problem}, status=404))
    if request.method == "POST":
        alert = services.alert_confirm(alert=alert)
        return _private(render(request, "alerts/confirmed.html", {"alert": alert}))
    return _private(render(request, "alerts/confirm.html", {"alert": alert}))


@csrf_exempt  # One-click unsubscribe (RFC 8058): the mail client POSTs without a page; the signed token is the proof.
@require_http_methods(["GET", "HEAD", "POST"])
def alert_unsubscribe(request, token):
    alert, problem = _alert_from(token, tokens.read_unsubscribe_token)
    if alert is None:
        problem = problem or "This alert no longer exists."
        return _private(render(request, "alerts/problem.html", {"problem": problem}, status=404))
    if request.method == "POST":
        alert = services.alert_unsubscribe(alert=alert)
        return _private(render(request, "alerts/unsubscribed.html", {"alert": alert}))
    return _private(render(request, "alerts/unsubscribe.html", {"alert": alert}))
