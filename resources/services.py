"""Catalog write operations: create, publish, archive, feature, tag with practices.

The admin and the seed loader write through these functions (STYLE.md, convention 2);
the CSV import (resources/importing.py) writes in bulk instead, validating every row by
the model's rules (full_clean) and deriving the same fields (Resource.set_derived_fields).
Each validates with `full_clean()` and runs in one transaction; status changes made on
behalf of a staff member are recorded in the admin's change history (LogEntry), so a
resource's history shows who did what, when.
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from clearinghouse import content_versions
from clearinghouse.one_mind import Practice
from resources.models import Resource, ResourcePractice
from resources.search.documents import refresh_search_tags

Status = Resource.Status

# The one place that says which status changes are allowed. Every status can move
# to every other: archiving is reversible and a published resource may go back to
# draft for rework; a "change" to the same status is a no-op, not an error.
STATUS_TRANSITIONS = {
    Status.DRAFT: {Status.PUBLISHED, Status.ARCHIVED},
    Status.PUBLISHED: {Status.ARCHIVED, Status.DRAFT},
    Status.ARCHIVED: {Status.PUBLISHED, Status.DRAFT},
}

STATUS_CHANGE_MESSAGES = {
    Status.DRAFT: "Returned to draft.",
    Status.PUBLISHED: "Published.",
    Status.ARCHIVED: "Archived.",
}


@dataclass
class BulkChangeResult:
    """What a bulk action did: resources changed, left alone (already so), and refused as invalid."""

    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    invalid: list = field(default_factory=list)  # (resource, ValidationError) pairs


def _log_changes(*, actor, resources, message):
    """Record one change-history entry per resource, as the admin does for a form save."""
    if actor is None or not resources:
        return
    LogEntry.objects.log_actions(user_id=actor.pk, queryset=resources, action_flag=CHANGE, change_message=message)


def _validate_for_status_change(resource):
    # The upload was checked by content when it arrived; re-reading every file on
    # each publish would be slow and would fail on storage hiccups unrelated to the change.
    resource.full_clean(exclude=["file"], validate_unique=False)


@transaction.atomic
def resource_set_status(*, resources, status, actor=None):
    """Move resources to `status` (draft, published or archived), one validated save each.

    Guarantees: only allowed transitions happen (STATUS_TRANSITIONS); a resource
    already in `status` is left alone; a resource that fails validation is not
    changed and is returned in `invalid`; publishing sets `published_at` the first
    time; each change made by `actor` gets a change-history entry. All or nothing
    per call: one transaction.
    """
    status = Status(status)
    result = BulkChangeResult()
    for resource in _with_kind(resources):
        if resource.status == status:
            result.unchanged.append(resource)
            continue
        if status not in STATUS_TRANSITIONS[Status(resource.status)]:
            result.invalid.append((resource, ValidationError(f"Cannot go from {resource.status} to {status}.")))
            continue
        resource.status = status
        try:
            _validate_for_status_change(resource)
        except ValidationError as error:
            resource.refresh_from_db(fields=["status"])
            result.invalid.append((resource, error))
            continue
        resource.save(update_fields=["status", "published_at", "updated_at"])
        result.changed.append(resource)
    _log_changes(actor=actor, resources=result.changed, message=STATUS_CHANGE_MESSAGES[status])
    return result


def resource_publish(*, resources, actor=None):
    """Publish resources (see resource_set_status for the guarantees)."""
    return resource_set_status(resources=resources, status=Status.PUBLISHED, actor=actor)


def resource_archive(*, resources, actor=None):
    """Archive resources: they leave the public catalog but keep their history and address."""
    return resource_set_status(resources=resources, status=Status.ARCHIVED, actor=actor)


@transaction.atomic
def resource_set_featured(*, resources, featured, actor=None):
    """Feature (or stop featuring) resources on the home page; logs each change made by `actor`."""
    result = BulkChangeResult()
    for resource in resources:
        if resource.featured == featured:
            result.unchanged.append(resource)
            continue
        resource.featured = featured
        resource.save(update_fields=["featured", "updated_at"])
        result.changed.append(resource)
    _log_changes(actor=actor, resources=result.changed, message="Featured." if featured else "No longer featured.")
    return result


@transaction.atomic
def resource_set_practices(*, resource, practices):
    """Make the resource's One Mind practice tags exactly `practices` (Practice values).

    Keeps existing tags that stay (no churn of rows), adds the new ones and
    removes the rest. Unknown practice values raise ValueError.
    """
    wanted = {Practice(practice) for practice in practices}
    existing = set(resource.practice_tags.values_list("practice", flat=True))
    resource.practice_tags.exclude(practice__in=wanted).delete()
    ResourcePractice.objects.bulk_create(
        [ResourcePractice(resource=resource, practice=practice) for practice in sorted(wanted - existing)]
    )
    # The tags are rows of their own, written in bulk: record the change on the resource's trail.
    added, removed = sorted(wanted - existing), sorted(existing - wanted)
    for operation, changed in (("add", added), ("delete", removed)):
        if changed:
            audit.record_change(
                resource,
                {"practices": {"type": "m2m", "operation": operation, "objects": [Practice(p).label for p in changed]}},
            )
    # bulk_create sends no signal: refresh what search and the facets read, and the pages.
    refresh_search_tags([resource.pk])
    content_versions.bump(content_versions.CATALOG)


@transaction.atomic
def resource_create(*, topics=(), audiences=(), practices=(), **fields):
    """Create one resource from model field values, validated with full_clean(), with its tags.

    `fields` are Resource model fields (kind as a ResourceKind, superseded_by as a
    Resource). Raises ValidationError (nothing saved) when the resource is invalid.
    """
    resource = Resource(**fields)
    resource.full_clean()
    resource.save()
    if topics:
        resource.topics.set(topics)
    if audiences:
        resource.audiences.set(audiences)
    if practices:
        resource_set_practices(resource=resource, practices=practices)
    return resource


def _with_kind(resources):
    """Validation reads resource.kind: fetch it with the resources when given a queryset."""
    if hasattr(resources, "select_related"):
        return resources.select_related("kind")
    return resources


@transaction.atomic
def resource_mark_superseded(*, resource, superseded_by, actor=None):
    """Record that `superseded_by` replaces `resource` (validated; logged when `actor` is given)."""
    resource.superseded_by = superseded_by
    resource.full_clean(exclude=["file"], validate_unique=False)
    resource.save(update_fields=["superseded_by", "updated_at"])
    _log_changes(actor=actor, resources=[resource], message=f"Marked as superseded by “{superseded_by}”.")
    return resource


@transaction.atomic
def resource_mark_reviewed(*, resources, actor, reviewed_on=None):
    """Record that `actor` reviewed `resources` on `reviewed_on` (today) and found them still current.

    Guarantees: each resource's last review date and reviewer are set and its next due date moves
    on by its review interval; each gets a change-history entry. One transaction.
    """
    reviewed_on = reviewed_on or timezone.localdate()
    reviewed = []
    for resource in _with_kind(resources):
        resource.last_reviewed_on = reviewed_on
        resource.last_reviewed_by = actor
        resource.review_due_on = resource.computed_review_due_on()
        resource.save(update_fields=["last_reviewed_on", "last_reviewed_by", "review_due_on", "updated_at"])
        reviewed.append(resource)
    _log_changes(actor=actor, resources=reviewed, message=f"Reviewed on {reviewed_on:%Y-%m-%d}: still current.")
    return reviewed


REVIEW_DUE_BATCH_SIZE = 2000


@transaction.atomic
def refresh_review_due_dates(*, kind):
    """Recompute when the resources of `kind` that follow its default interval are next due for review.

    Called after a kind's review interval changes; resources with their own interval keep theirs.
    Returns how many due dates changed. Due dates are not shown publicly, so no page changes.
    """
    changed = []
    following_kind = Resource.objects.filter(kind=kind, review_interval_months__isnull=True).only(
        "pk", "last_reviewed_on", "published_at", "review_interval_months", "review_due_on", "kind_id"
    )
    for resource in following_kind.iterator(chunk_size=REVIEW_DUE_BATCH_SIZE):
        due_on = resource.computed_review_due_on(kind_interval_months=kind.review_interval_months)
        if due_on != resource.review_due_on:
            resource.review_due_on = due_on
            changed.append(resource)
    Resource.objects.bulk_update(changed, ["review_due_on"], batch_size=REVIEW_DUE_BATCH_SIZE)
    return len(changed)
