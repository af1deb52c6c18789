"""The admin accessibility gate: axe-core on every admin page staff use, no serious or critical violation.

The pages are not listed by hand. They are generated from the admin site itself, so a
ModelAdmin or a custom admin view added later is checked without touching this file:

- for every ModelAdmin in `admin.site._registry`: its changelist (plain, with a search term,
  and with its first filter applied), the add page and the add form submitted empty (errors
  shown), the change page of an object, its history page and its delete confirmation;
- every other URL the ModelAdmin serves (`get_urls()`: the review queue, the workflow
  confirmation pages, exports...), filled with the object's id; the ones that answer with a
  download or a redirect rather than a page are reported, not checked;
- the admin index and each app's index.

As a superuser every page; as a Curator and as a Pledge reviewer (whose pages differ: read-only
fields, fewer actions and links) the changelists, change pages and custom views they may open.
"""

import datetime
import json
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.mail import EmailMessage
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from alerts.models import SearchAlert
from clearinghouse.one_mind import Practice
from linkcheck.models import LinkCheck
from pledges.models import Pledge, PledgeAwaitingReview, PracticeProgress
from resources.models import Resource
from suggestions.models import Suggestion
from tests.browser.conftest import serious_axe_violations
from tests.pledges.factories import AgencyFactory, UserFactory, ensure_pledge_reviewers_group, pledge_in_status
from tests.resources.factories import (
    ResourceFactory,
    ensure_curators_group,
    ensure_seeded_synonyms,
    ensure_seeded_vocabularies,
)
from usage.models import ResourceDailyUsage

# Names Django's ModelAdmin gives its own views (model_admin.get_urls()).
STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change")
# Custom views that need a query string to show their page (otherwise they redirect back).
CUSTOM_VIEW_QUERIES = {
    "pledges_pledge_reject": lambda objects: f"?ids={objects[Pledge].pk}&next=/admin/pledges/pledge/",
    "pledges_pledge_unverify_practice": lambda objects: f"?practice={Practice.POLICY}",
}


def admin_objects():
    """One object for every registered model (the admin's first row), made where there is none.

    Pledges: an approved one (its workflow pages open) with a practice verified, and a
    confirmed one awaiting review.
    """
    ensure_seeded_vocabularies()
    ensure_seeded_synonyms()
    ResourceFactory(title="Crisis intervention team model policy")
    approved = pledge_in_status(Pledge.Status.APPROVED, agency=AgencyFactory(name="Springfield Police Department"))
    PracticeProgress.objects.filter(pledge=approved, practice=Practice.POLICY).update(verified_at=timezone.now())
    pledge_in_status(Pledge.Status.EMAIL_VERIFIED, agency=AgencyFactory(name="Shelbyville Police Department"))
    make_operations_records()
    objects = {Pledge: approved, PledgeAwaitingReview: PledgeAwaitingReview.objects.first()}
    for model in admin.site._registry:
        if model not in objects:
            objects[model] = model._default_manager.order_by("pk").first()
        assert objects[model] is not None, f"No {model._meta.label} to open in the admin: make one in admin_objects()"
    return objects


def make_operations_records():
    """A row for each admin list of the operations apps: sign-ins, two-factor, the outbox, library health."""
    now = timezone.now()
    staff_member = UserFactory(username="staff.member")
    # As axes records a sign-in at /admin/login/ (an empty path would be an unnamed filter link).
    request = {"ip_address": "203.0.113.7", "path_info": "/admin/login/", "user_agent": "Mozilla/5.0"}
    AccessAttempt.objects.create(username="staff.member", failures_since_start=3, **request)
    AccessLog.objects.create(username="staff.member", attempt_time=now, **request)
    AccessFailureLog.objects.create(username="staff.member", attempt_time=now, **request)
    TOTPDevice.objects.create(user=staff_member, name="Phone", confirmed=True)
    EmailMessage("Your pledge", "Body", to=["contact@police.example.org"]).send()  # queued in the outbox
    overdue = ResourceFactory(
        title="Police response model policy, overdue for review", external_url="https://example.org/x"
    )
    Resource.objects.filter(pk=overdue.pk).update(review_due_on=timezone.localdate() - datetime.timedelta(days=30))
    LinkCheck.objects.create(
        resource=overdue,
        url=overdue.external_url,
        state=LinkCheck.State.BROKEN,
        checked_at=now,
        status_code=404,
        failures_in_a_row=3,
        first_failed_at=now,
    )
    Suggestion.objects.create(title="Police co-responder guide", url="https://example.org/guide", reason="Useful.")
    ResourceDailyUsage.objects.create(resource=overdue, day=timezone.localdate(), views=3, downloads=1)
    SearchAlert.objects.create(email="reader@example.org", query_string="q=police", description="“police”")


def role_users():
    superuser = UserFactory(username="superuser", is_superuser=True)
    curator = UserFactory(username="curator")
    curator.groups.add(ensure_curators_group())
    reviewer = UserFactory(username="reviewer")
    reviewer.groups.add(ensure_pledge_reviewers_group())
    return {"superuser": superuser, "curator": curator, "reviewer": reviewer}


def custom_admin_urls(model_admin, obj, objects):
    """(name, path) of each view the ModelAdmin adds to Django's own, with the object's id filled in."""
    opts = model_admin.model._meta
    prefix = f"{opts.app_label}_{opts.model_name}_"
    standard = {prefix + view for view in STANDARD_VIEWS}
    urls = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in standard:
                arguments = set(pattern.pattern.regex.groupindex)
                if arguments - {"object_id"}:
                    continue  # e.g. a file of one upload: a download, not a page
                kwargs = {"object_id": obj.pk} if arguments else {}
                query = CUSTOM_VIEW_QUERIES.get(pattern.name, lambda objects: "")(objects)
                urls.append((pattern.name, reverse(f"admin:{pattern.name}", kwargs=kwargs) + query))

    walk(model_admin.get_urls())
    return urls


def admin_pages(user, objects, *, full):
    """[(label, path, submit_empty)] of the admin pages `user` may open; `full` adds the rest.

    A changelist is checked searched and filtered at once (one page load: the search box, the
    filter sidebar and the result count all show), and plain (`full`). The add form is checked
    submitted empty: the same page with the error messages on it.
    """
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [("admin index", reverse("admin:index"), False)] if full else []
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model._meta
        app_labels.add(opts.app_label)
        obj = objects[model]
        name = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{name}_changelist")
        if full:
            pages.append((f"{opts.label} changelist", changelist, False))
        query = "?q=police" if model_admin.search_fields else ""
        fragment = "#first-filter" if model_admin.list_filter else ""
        if query or fragment:
            pages.append((f"{opts.label} changelist searched and filtered", changelist + query + fragment, False))
        elif not full:
            pages.append((f"{opts.label} changelist", changelist, False))
        if model_admin.has_view_or_change_permission(request, obj):
            pages.append((f"{opts.label} change", reverse(f"{name}_change", args=[obj.pk]), False))
        if full and model_admin.has_add_permission(request):
            pages.append((f"{opts.label} add submitted empty", reverse(f"{name}_add"), True))
        if full:
            pages.append((f"{opts.label} history", reverse(f"{name}_history", args=[obj.pk]), False))
        if full and model_admin.has_delete_permission(request, obj):
            pages.append((f"{opts.label} delete", reverse(f"{name}_delete", args=[obj.pk]), False))
        for url_name, path in custom_admin_urls(model_admin, obj, objects):
            response = client.get(path)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages.append((url_name, path, False))
    if full:
        pages += [(f"{app} app index", reverse("admin:app_list", args=[app]), False) for app in sorted(app_labels)]
    return pages


def open_signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def check_pages(context, live_server, pages):
    """{page label: serious violations}, for every page with any."""
    page = context.new_page()
    found = {}
    for label, path, submit_empty in pages:
        started = time.monotonic()
        address, _hash, fragment = path.partition("#")
        response = page.goto(live_server.url + address)
        assert response.status == 200, f"{label}: {address} answered {response.status}"
        if fragment == "first-filter":
            # The first choice of the first filter that is not "All" (whatever filters the admin
            # has), on top of the search: the filter's links keep the search term.
            page.locator("#changelist-filter li:not(.selected) a").first.click()
            page.wait_for_load_state()
            assert "q=police" in page.url or "?q=" not in address, f"{label}: the filter dropped the search"
        if submit_empty:
            page.locator("#content-main form input[type=submit][name=_save]").first.click()
            page.wait_for_load_state()
            assert page.locator(".errornote").count(), f"{label}: the empty form was accepted"
        violations = serious_axe_violations(page)
        if violations:
            found[f"{label} ({page.url.removeprefix(live_server.url)})"] = [
                {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
                for v in violations
            ]
        print(f"{time.monotonic() - started:5.1f} s  {label}")
    page.close()
    return found


EXPECTED_PAGES = {
    # Pages the generator must find (so that it cannot silently check nothing).
    "superuser": (
        "resources.Resource changelist searched and filtered",
        "resources.Resource add submitted empty",
        "resources.Resource history",
        "resources.Resource delete",
        "pledges.Pledge change",
        "pledges.PledgeAwaitingReview changelist searched and filtered",
        "pledges_pledge_reject",
        "pledges_pledge_withdraw",
        "pledges_pledge_extend_deadline",
        "pledges_pledge_unverify_practice",
    ),
    "curator": ("resources.Resource change", "resources.Topic changelist searched and filtered"),
    "reviewer": ("pledges.Pledge change", "pledges_pledge_reject", "pledges.Agency change"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["superuser", "curator", "reviewer"])
def test_every_admin_page_has_no_serious_accessibility_violations(browser, live_server, role):
    user = role_users()[role]
    objects = admin_objects()
    pages = admin_pages(user, objects, full=role == "superuser")
    labels = [label for label, _path, _submit in pages]
    for expected in EXPECTED_PAGES[role]:
        assert expected in labels, f"{expected} was not generated: {labels}"
    if role != "superuser":
        assert not any(label.startswith("auth.") for label in labels), "a role saw the user admin"

    context = open_signed_in(browser, live_server, user)
    try:
        failures = check_pages(context, live_server, pages)
    finally:
        context.close()
    assert not failures, f"axe-core found serious violations as {role}:\n{json.dumps(failures, indent=2)}"
