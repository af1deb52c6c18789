"""An agency's public page, its completion badge (SVG) and its printable certificate."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from clearinghouse.content_versions import CATALOG, PLEDGES
from clearinghouse.page_cache import public_page
from pledges import selectors
from pledges.filters import PUBLIC_STATUS_LABELS
from pledges.models import Pledge
from pledges.views.common import practice_rows


def public_agency_or_404(slug):
    page = selectors.agency_page(slug=slug)
    if page is None:
        raise Http404("No agency with a public pledge has this address.")
    return page


def completed_agency_or_404(slug):
    page = public_agency_or_404(slug)
    if page.pledge.status != Pledge.Status.COMPLETED:
        raise Http404("This agency has not completed the pledge.")
    return page


@public_page(PLEDGES, CATALOG)  # A practice may name a catalog policy.
@require_safe
def agency_detail(request, slug):
    """An agency's public pledge: status, dates, each practice; for a completed one, its badge."""
    page = public_agency_or_404(slug)
    agency_url = request.build_absolute_uri(page.agency.get_absolute_url())
    is_completed = page.pledge.status == Pledge.Status.COMPLETED
    badge_path = reverse("pledges:badge", kwargs={"slug": slug})
    context = {
        "agency": page.agency,
        "pledge": page.pledge,
        "rows": practice_rows(page.pledge),
        "public_status": PUBLIC_STATUS_LABELS[page.pledge.status],
        "days_left": page.pledge.days_until_deadline() if page.pledge.status == Pledge.Status.APPROVED else None,
        "canonical_url": agency_url,
        "is_completed": is_completed,
        "badge_url": request.build_absolute_uri(badge_path) if is_completed else "",
    }
    return render(request, "pledges/agency.html", context)


@public_page(PLEDGES)
@require_safe
def agency_badge(request, slug):
    """The completion badge as SVG, at a stable address a chief can embed on the agency's site."""
    page = completed_agency_or_404(slug)
    response = render(
        request,
        "pledges/badge.svg",
        {"agency": page.agency, "pledge": page.pledge},
        content_type="image/svg+xml; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=3600)
    # Served as an image on other sites: nothing in it may load or run anything.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@public_page(PLEDGES)
@require_safe
def agency_certificate(request, slug):
    """A printable certificate of completion."""
    page = completed_agency_or_404(slug)
    context = {
        "agency": page.agency,
        "pledge": page.pledge,
        "agency_url": request.build_absolute_uri(page.agency.get_absolute_url()),
    }
    return render(request, "pledges/certificate.html", context)
