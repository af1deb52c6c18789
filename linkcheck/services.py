"""Link health writes: record what the checker found, and the curator's one-click answers.

A resource's link is "failing" after one failed check and "broken" after `broken_after` in a
row (the public page then says so and offers an archived copy). A link whose every redirect
is permanent and ends at a working address is "redirected": the new address is offered to
curators, who accept it, mark the problem reviewed, or archive the resource.
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clearinghouse import content_versions
from linkcheck.models import LinkCheck
from resources.models import Resource
from resources.services import resource_archive

DEFAULT_BROKEN_AFTER = 3
# Answers that say nothing about the link itself (the site is rate-limiting us): not a failure.
INCONCLUSIVE_STATUSES = {429}
WRITE_BATCH_SIZE = 1000
RESULT_FIELDS = [
    "url",
    "state",
    "checked_at",
    "status_code",
    "final_url",
    "redirect_chain",
    "error",
    "failures_in_a_row",
    "first_failed_at",
    "last_ok_at",
    "reviewed_at",
    "reviewed_by",
    "updated_at",
]

State = LinkCheck.State


@dataclass
class RecordSummary:
    counts: dict = field(default_factory=lambda: dict.fromkeys(State.values, 0))
    newly_broken: list = field(default_factory=list)  # resource pks
    repaired: list = field(default_factory=list)


def links_to_check(*, slugs=None):
    """(resource pk, external URL) of every published resource with a web address."""
    queryset = Resource.objects.published().exclude(external_url="")
    if slugs:
        queryset = queryset.filter(slug__in=slugs)
    return list(queryset.order_by("pk").values_list("pk", "external_url"))


def _next_state(previous, result, *, broken_after, now):
    """The LinkCheck a result leads to, from the previous one (None: first check of this address)."""
    check = previous or LinkCheck(failures_in_a_row=0)
    if previous is not None and previous.url != result.url:
        # The curator changed the address: its history no longer applies.
        check.failures_in_a_row, check.first_failed_at, check.reviewed_at, check.reviewed_by = 0, None, None, None
    old_state = check.state if previous is not None else None
    check.url = result.url
    check.checked_at = now
    check.status_code = result.status_code
    check.final_url = result.final_url
    check.redirect_chain = [list(hop) for hop in result.redirects]
    check.error = result.error[:255]
    if result.status_code in INCONCLUSIVE_STATUSES:
        check.state = old_state or State.OK
        return check
    if result.ok:
        check.failures_in_a_row, check.first_failed_at, check.last_ok_at = 0, None, now
        check.state = State.REDIRECTED if result.permanently_redirected else State.OK
    else:
        check.failures_in_a_row += 1
        check.first_failed_at = check.first_failed_at or now
        check.state = State.BROKEN if check.failures_in_a_row >= broken_after else State.FAILING
    if check.state != old_state:
        check.reviewed_at, check.reviewed_by = None, None  # A new problem needs a new look.
    return check


@transaction.atomic
def record_link_results(*, links, results_by_url, broken_after=DEFAULT_BROKEN_AFTER):
    """Store the check of each (resource pk, URL) in `links` from `results_by_url` (URL -> LinkResult).

    Guarantees: one LinkCheck per resource, upserted in batches in one transaction; failures
    count up in a row and reset on success; the catalog's pages are refreshed (content version)
    only when a link became broken or stopped being broken, since only that shows publicly.
    """
    now = timezone.now()
    summary = RecordSummary()
    resource_ids = [pk for pk, _url in links]
    previous_by_resource = {}
    for start in range(0, len(resource_ids), WRITE_BATCH_SIZE):
        batch_ids = resource_ids[start : start + WRITE_BATCH_SIZE]
        previous_by_resource.update(
            (check.resource_id, check) for check in LinkCheck.objects.filter(resource_id__in=batch_ids)
        )
    checks = []
    for pk, url in links:
        previous = previous_by_resource.get(pk)
        was_broken = previous is not None and previous.state == State.BROKEN
        check = _next_state(previous, results_by_url[url], broken_after=broken_after, now=now)
        check.resource_id = pk
        check.updated_at = now
        check.created_at = check.created_at or now
        checks.append(check)
        summary.counts[check.state] += 1
        is_broken = check.state == State.BROKEN
        if is_broken and not was_broken:
            summary.newly_broken.append(pk)
        elif was_broken and not is_broken:
            summary.repaired.append(pk)
    LinkCheck.objects.bulk_create(
        checks,
        batch_size=WRITE_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["resource"],
        update_fields=RESULT_FIELDS,
    )
    if summary.newly_broken or summary.repaired:
        content_versions.bump(content_versions.CATALOG)
    return summary


def forget_unchecked_links():
    """Drop the checks of resources that no longer have a web address (or no longer exist publicly)."""
    return LinkCheck.objects.filter(resource__external_url="").delete()[0]


def _log(actor, resource, message):
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[resource], action_flag=CHANGE, change_message=message, single_object=True
    )


@transaction.atomic
def link_accept_redirect(*, link_check, actor):
    """Replace the resource's external URL with the address its link permanently redirects to.

    Raises ValidationError (nothing changed) when there is no permanent redirect to accept or the
    new address is not valid for the resource. Logged in the resource's history.
    """
    new_url = link_check.suggested_url
    if not new_url:
        raise ValidationError("This link has no permanent redirect to accept.")
    resource = Resource.objects.select_for_update().select_related("kind").get(pk=link_check.resource_id)
    old_url = resource.external_url
    resource.external_url = new_url
    resource.full_clean(exclude=["file"], validate_unique=False)
    resource.save(update_fields=["external_url", "updated_at"])
    link_check.url = new_url
    link_check.state = State.OK
    link_check.redirect_chain = []
    link_check.reviewed_at, link_check.reviewed_by = timezone.now(), actor
    link_check.save()
    _log(actor, resource, f"External URL updated to its permanent redirect: {old_url} → {new_url}.")
    return resource


@transaction.atomic
def link_mark_reviewed(*, link_check, actor):
    """A curator looked at the problem and leaves the link as it is: off the list until its state changes."""
    link_check.reviewed_at, link_check.reviewed_by = timezone.now(), actor
    link_check.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    _log(actor, link_check.resource, f"Link problem reviewed ({link_check.get_state_display().lower()}): left as is.")
    return link_check


def link_archive_resource(*, link_check, actor):
    """Archive the resource whose link died (resources.services.resource_archive)."""
    return resource_archive(resources=[link_check.resource], actor=actor)
