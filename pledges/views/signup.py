"""Taking the pledge, "check your email", and confirming the contact's address.

The verification link shows a page with a "Confirm" button and confirms on POST:
mail scanners and link previews fetch GET links, and would otherwise use up a
single-use link before the person reads the email.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clearinghouse.one_mind import PRACTICE_DESCRIPTIONS, Practice
from pledges import services, tokens
from pledges.forms import PledgeForm, ResendVerificationForm
from pledges.ratelimit import PLEDGE_SUBMISSIONS, VERIFICATION_RESENDS, RateLimiter
from pledges.views.common import private_link_page

logger = logging.getLogger(__name__)

# What the "check your email" page may say about the pledge just submitted (agency name, email address),
# kept for an hour in a signed cookie rather than the session: once a pledge commits, the request must
# not write to the database again, or a database failure at that moment would answer "not saved, try
# again" (503) for a pledge that was saved (decision 0017; tests/test_database_outage.py).
SUBMITTED_COOKIE = "pledge_submitted"
SUBMITTED_COOKIE_SALT = "pledges.views.signup.submitted"
SUBMITTED_COOKIE_MAX_AGE = 3600


def practice_summaries():
    return [{"label": practice.label, "description": PRACTICE_DESCRIPTIONS[practice]} for practice in Practice]


def render_pledge_form(request, form, *, status=200, rate_limited=False):
    context = {"form": form, "practices": practice_summaries(), "rate_limited": rate_limited}
    if rate_limited:
        context["rate_limit"] = PLEDGE_SUBMISSIONS
    return render(request, "pledges/start.html", context, status=status)


def remember_submission(response, *, agency_name, email):
    """Let the "check your email" page name the agency and address just used (a signed cookie, no database)."""
    response.set_cookie(
        SUBMITTED_COOKIE,
        signing.dumps({"agency": agency_name, "email": email}, salt=SUBMITTED_COOKIE_SALT),
        max_age=SUBMITTED_COOKIE_MAX_AGE,
        path="/pledge/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def remembered_submission(request):
    """{"agency": ..., "email": ...} from remember_submission(), or {} when absent, altered or expired."""
    value = request.COOKIES.get(SUBMITTED_COOKIE)
    if not value:
        return {}
    try:
        submitted = signing.loads(value, salt=SUBMITTED_COOKIE_SALT, max_age=SUBMITTED_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(submitted, dict):
        return {}
    return {key: str(submitted.get(key, "")) for key in ("agency", "email")}


@require_http_methods(["GET", "HEAD", "POST"])
def pledge_start(request):
    """The campaign, the four practices and the pledge form; a valid pledge leads to "check your email"."""
    if request.method != "POST":
        return render_pledge_form(request, PledgeForm())

    form = PledgeForm(request.POST)
    if form.is_spam:
        # Bots get the same answer as people, so they learn nothing; nothing is saved or sent.
        logger.info("Pledge form submitted with the hidden field filled in: ignored.")
        return redirect("pledges:submitted")
    if not form.is_valid():
        return render_pledge_form(request, form)

    limiter = RateLimiter(PLEDGE_SUBMISSIONS, request)
    if not limiter.attempt():
        response = render_pledge_form(request, form, status=429, rate_limited=True)
        response["Retry-After"] = str(int(PLEDGE_SUBMISSIONS.window.total_seconds()))
        return response
    try:
        pledge = services.pledge_submit(agency_data=form.agency_data(), pledge_data=form.pledge_data())
    except ValidationError as error:
        limiter.release()  # Only pledges actually made count toward the limit.
        form.add_service_errors(error)
        return render_pledge_form(request, form)
    logger.info("Pledge %s submitted.", pledge.pk)
    return remember_submission(
        redirect("pledges:submitted"), agency_name=form.cleaned_data["name"], email=form.cleaned_data["contact_email"]
    )


@require_safe
def pledge_submitted(request):
    """After the pledge: check your email, or ask for the confirmation email again."""
    submitted = remembered_submission(request)
    form = ResendVerificationForm(initial={"email": submitted.get("email", "")})
    return render(request, "pledges/submitted.html", {"submitted": submitted, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def resend_verification(request):
    """Send the confirmation email again, to an address typed in; never says whether it is known."""
    if request.method != "POST":
        return redirect("pledges:submitted")
    form = ResendVerificationForm(request.POST)
    submitted = remembered_submission(request)
    if not form.is_valid():
        return render(request, "pledges/submitted.html", {"submitted": submitted, "form": form})
    limiter = RateLimiter(VERIFICATION_RESENDS, request)
    if not limiter.attempt():
        form.add_error(None, too_many_requests_message(VERIFICATION_RESENDS))
        return render(request, "pledges/submitted.html", {"submitted": submitted, "form": form}, status=429)
    email = form.cleaned_data["email"]
    services.pledge_resend_verification_by_email(email=email)
    messages.success(
        request,
        f"If a pledge waiting for confirmation was made with {email}, we have sent a new confirmation link "
        "to that address. We send at most one every two minutes.",
    )
    return redirect("pledges:submitted")


def too_many_requests_message(rate_limit):
    return (
        f"We have received a lot of requests from your network in the last {rate_limit.window_description}. "
        "To protect the service, please wait a while and try again. If your agency shares its network with many "
        "others and this keeps happening, write to us."
    )


# --- Email verification ---------------------------------------------------------------------------


LINK_PROBLEM_STATUS = {
    tokens.LinkInvalid: 404,
    tokens.LinkExpired: 410,
    tokens.LinkRevoked: 410,
    tokens.LinkAlreadyUsed: 200,
}


def verification_link_problem(request, error, token, *, resend_error=None):
    """The page for a verification link that cannot be used: says why, and offers what can be done."""
    context = {
        "error": error,
        "kind": type(error).__name__,
        "token": token,
        "resend_error": resend_error,
    }
    return render(request, "pledges/verify_problem.html", context, status=LINK_PROBLEM_STATUS[type(error)])


@private_link_page
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token):
    """GET: a page with a "Confirm my email address" button. POST: confirm (single use)."""
    if request.method != "POST":
        try:
            pledge = tokens.read_verification_token(token)
        except tokens.PledgeLinkError as error:
            return verification_link_problem(request, error, token)
        return render(request, "pledges/verify_confirm.html", {"pledge": pledge, "token": token})

    try:
        pledge = services.pledge_verify_email(token=token)
    except tokens.PledgeLinkError as error:
        return verification_link_problem(request, error, token)
    return render(request, "pledges/verify_done.html", {"pledge": pledge})


@private_link_page
@require_POST
def verify_resend(request, token):
    """From an expired verification link: email a new one to the same address."""
    try:
        pledge = tokens.read_verification_token(token)
    except tokens.LinkExpired as error:
        pledge = error.pledge
    except tokens.PledgeLinkError as error:
        return verification_link_problem(request, error, token)
    problem = tokens.LinkExpired(pledge)
    limiter = RateLimiter(VERIFICATION_RESENDS, request)
    if not limiter.attempt():
        message = too_many_requests_message(VERIFICATION_RESENDS)
        return verification_link_problem(request, problem, token, resend_error=message)
    try:
        services.pledge_resend_verification(pledge=pledge)
    except ValidationError as error:
        return verification_link_problem(request, problem, token, resend_error=" ".join(error.messages))
    messages.success(request, "We have sent a new confirmation link. It works for 7 days.")
    return remember_submission(
        redirect("pledges:submitted"), agency_name=pledge.agency.name, email=pledge.contact_email
    )
