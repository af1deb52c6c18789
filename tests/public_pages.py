"""Every public page in each of its states, for the accessibility and HTML validity gates.

The pages come from the URL configuration (tests/test_site.py's walker: every public HTML
page, filled by its kwargs builder), so a new public page is covered once test_site.py knows
how to fill it. Then the states a visitor meets: empty (nothing published yet), filled, with
errors (a form posted empty or with nonsense), no results, and the private pages reached
through the emailed links (confirmation, progress), which the walker skips.

A state is (label, method, path, data): GET, or POST with form data (the CSRF check is off
in Django's test client; the browser gate submits the page's own form instead).
"""

from pledges import tokens
from tests.pledges.factories import PledgeFactory
from tests.resources.factories import ResolutionFactory, ResourceFactory
from tests.test_site import PUBLIC_HTML_PAGES, PUBLIC_PAGE_ARGUMENTS

# The catalog and roster before anything is published.
EMPTY_STATES = [
    ("home, nothing published", "GET", "/", None),
    ("catalog, nothing published", "GET", "/resources/", None),
    ("roster, no agencies", "GET", "/pledge/agencies/", None),
]


def walked_pages():
    """(label, GET, path, None) of every public HTML page of the URL configuration, filled."""
    pages = []
    for entry in PUBLIC_HTML_PAGES:
        kwargs = PUBLIC_PAGE_ARGUMENTS[entry.name]() if entry.name in PUBLIC_PAGE_ARGUMENTS else {}
        pages.append((entry.name, "GET", entry.path(kwargs), None))
    return pages


def filled_states():
    """Make the content, then (label, method, path, data) for every page and state beyond the empty ones."""
    ResourceFactory.create_batch(3)
    ResolutionFactory()
    pledge = PledgeFactory(approved=True)
    unconfirmed = PledgeFactory()
    verify_token = tokens.make_verification_token(unconfirmed)
    progress_token = tokens.make_progress_token(pledge)
    progress = f"/pledge/progress/{progress_token}/"
    return [
        *walked_pages(),
        ("catalog, searched and filtered", "GET", "/resources/?q=policy&sort=title", None),
        ("catalog, no results", "GET", "/resources/?q=zzqxvw", None),
        ("catalog, invalid filters", "GET", "/resources/?year_min=abc&year_max=1&kind=nonsense&page=x", None),
        ("catalog, page 2 of 1", "GET", "/resources/?page=2", None),
        ("roster, no results", "GET", "/pledge/agencies/?q=zzqxvw", None),
        ("roster, invalid filters", "GET", "/pledge/agencies/?state=XX&size=huge", None),
        ("pledge form, posted empty", "POST", "/pledge/", {}),
        ("check your email, resend posted empty", "POST", "/pledge/resend/", {}),
        ("confirm email", "GET", f"/pledge/verify/{verify_token}/", None),
        ("confirm email, broken link", "GET", "/pledge/verify/not-a-real-token/", None),
        ("progress page", "GET", progress, None),
        ("progress page, broken link", "GET", "/pledge/progress/not-a-real-token/", None),
        ("progress, report posted empty", "POST", f"/pledge/progress/{progress_token}/report/policy/", {}),
        ("progress, withdrawal posted empty", "POST", f"/pledge/progress/{progress_token}/withdraw/", {}),
        ("page not found", "GET", "/no-such-page/", None),
    ]
