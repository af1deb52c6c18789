"""The public "suggest a resource" page and its thank-you page."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from pledges.forms import add_service_errors
from pledges.ratelimit import RateLimit, RateLimiter
from suggestions import services
from suggestions.forms import SuggestionForm

logger = logging.getLogger(__name__)

# Suggestions from one network: people suggest one or two things; ten an hour leaves room for a shared office.
SUGGESTIONS = RateLimit(scope="resource-suggest", limit=10, window=datetime.timedelta(hours=1))


def render_form(request, form, *, status=200, rate_limited=False):
    context = {"form": form, "rate_limited": rate_limited, "rate_limit": SUGGESTIONS}
    return render(request, "suggestions/suggest.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request):
    """Suggest a resource: title, link or file, why it helps, and an optional private name and email."""
    if request.method != "POST":
        return render_form(request, SuggestionForm())
    form = SuggestionForm(request.POST, request.FILES)
    if form.is_spam:
        logger.info("Suggestion form submitted with the hidden field filled in: ignored.")
        return redirect("resources:suggest_thanks")
    if not form.is_valid():
        return render_form(request, form)
    limiter = RateLimiter(SUGGESTIONS, request)
    if not limiter.attempt():
        response = render_form(request, form, status=429, rate_limited=True)
        response["Retry-After"] = str(int(SUGGESTIONS.window.total_seconds()))
        return response
    try:
        suggestion = services.suggestion_submit(**form.suggestion_data())
    except ValidationError as error:
        limiter.release()
        add_service_errors(form, error)
        return render_form(request, form)
    logger.info("Suggestion %s received.", suggestion.pk)
    return redirect("resources:suggest_thanks")


@require_safe
def suggest_thanks(request):
    return render(request, "suggestions/thanks.html")
