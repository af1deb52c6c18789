"""The curators' round trip: the catalog exported in the import format, edited, imported back.

- `export_rows(resources)` writes resources as import rows (resources/importing.py COLUMNS): the
  file a curator opens in a spreadsheet and imports again.
- On import with `update_existing`, a row whose slug names an existing resource updates it:
  only the columns present in the file, and only the cells that differ (`check_update_row`
  says what would change, per row, for the dry-run report). Rows without an existing slug
  create resources as before. The import stays all or nothing.
- `apply_resource_updates` writes the updates through Resource.save() and the many-to-many
  managers, so every signal runs (search tags, facet arrays, "did you mean" words, the pages'
  content version) and so does any change history that listens to them. It is the one place
  updates are written: a change trail for bulk paths belongs there.
"""

import contextlib
import copy
import json
from dataclasses import dataclass, field

from auditlog.context import set_actor as auditlog_actor
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from audit.context import acting_as
from resources.models import Resource
from resources.services import resource_set_practices

LIST_SEPARATOR = "; "
# The statuses a row may give an existing resource (a new one is draft or published).
UPDATABLE_STATUSES = tuple(Resource.Status)
# Columns holding lists (separated by ";"), compared as sets of terms.
LIST_COLUMNS = ("topics", "audiences", "practices")


def export_row(resource):
    """One resource as an import row: {column: cell text}. Needs kind, topics, audiences, practice_tags."""
    return {
        "title": resource.title,
        "slug": resource.slug,
        "kind": resource.kind.slug,
        "summary": resource.summary,
        "body": resource.body,
        "topics": LIST_SEPARATOR.join(topic.slug for topic in resource.topics.all()),
        "audiences": LIST_SEPARATOR.join(audience.slug for audience in resource.audiences.all()),
        "practices": LIST_SEPARATOR.join(tag.practice for tag in resource.practice_tags.all()),
        "publisher": resource.publisher,
        "partners": LIST_SEPARATOR.join(resource.partner_list()),
        "year_published": "" if resource.year_published is None else str(resource.year_published),
        "external_url": resource.external_url,
        "year_adopted": "" if resource.year_adopted is None else str(resource.year_adopted),
        "identifier": resource.identifier,
        "submitting_committee": resource.submitting_committee,
        "adopting_conference": resource.adopting_conference,
        "status": resource.status,
    }


def export_queryset(resources):
    """`resources` with what export_row reads, in a stable order, read in chunks by the caller."""
    return (
        resources.select_related("kind")
        .defer("search_vector", "search_head", "search_tags")
        .prefetch_related("topics", "audiences", "practice_tags")
        .order_by("pk")
    )


@dataclass
class ResourceUpdate:
    """What one row would change in an existing resource: {column: [old cell, new cell]}, and the values."""

    resource: Resource
    changes: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)  # model field -> new value (scalars)
    terms: dict = field(default_factory=dict)  # "topics"/"audiences" -> terms, "practices" -> values


def _same_terms(old_cell, new_cell):
    def split(cell):
        return {item.strip().lower() for item in cell.split(";") if item.strip()}

    return split(old_cell) == split(new_cell)


def check_update_row(row, cells, resource, *, kinds, topics, audiences, parse):
    """Fill `row` (an importing.ImportRow) with the update `cells` would make to `resource`, or errors.

    `cells`: {column: text} of the columns present in the file. `parse` is the importer's own
    parsing (years, terms, practices, URLs), so a cell means the same in a new or an updated row.
    """
    errors = []
    current = export_row(resource)
    update = ResourceUpdate(resource=resource)
    for column, raw in cells.items():
        if column == "slug":
            continue
        new_cell = raw.strip()
        old_cell = current[column]
        if column in LIST_COLUMNS or column == "partners":
            if _same_terms(old_cell, new_cell):
                continue
        elif new_cell == old_cell:
            continue
        value = parse(column, new_cell, errors, kinds=kinds, topics=topics, audiences=audiences)
        if column in LIST_COLUMNS:
            update.terms[column] = value
        else:
            update.values["kind" if column == "kind" else column] = value
        update.changes[column] = [old_cell, new_cell]
    row.title = cells.get("title", resource.title).strip() or resource.title
    if not errors and update.values:
        errors.extend(_model_errors(resource, update.values))
    row.errors = errors
    row.update = update
    return row


def _model_errors(resource, values):
    """The model's own validation of `resource` with `values`, on a copy (nothing is changed)."""
    candidate = copy.copy(resource)
    for name, value in values.items():
        setattr(candidate, name, value)
    try:
        candidate.full_clean(exclude=["file", "kind", "slug"], validate_unique=False)
    except ValidationError as error:
        return [
            f"{'' if name == '__all__' else name + ': '}{message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def apply_resource_updates(updates, *, actor=None, source="CSV import"):
    """Write each ResourceUpdate to its resource, in the caller's transaction; returns their pks.

    Only the changed fields are saved (Resource.save with update_fields, plus what save derives:
    published_at, the sunset date), and only changed term lists are replaced, so signals keep
    search, facets and cached pages current. The audit trail (audit/, django-auditlog) records
    each save and each topic or audience change through those signals, as `actor`'s (the
    curator; None: the signed-in user of the request, if any) or labelled `source` (a command);
    practices are recorded by resource_set_practices. Each resource's admin history also says
    who changed which columns, as resources.services records bulk actions.
    """
    _record_history(updates, actor)
    changed_ids = []
    attributed = auditlog_actor(actor) if actor is not None else contextlib.nullcontext()
    with attributed, acting_as(source):
        for update in updates:
            _apply(update)
            changed_ids.append(update.resource.pk)
    return changed_ids


def _apply(update):
    resource = update.resource
    if update.values:
        for name, value in update.values.items():
            setattr(resource, name, value)
        derived = {"published_at", "sunset_date", "updated_at"}
        resource.save(update_fields=sorted({*update.values, *derived}))
    elif update.terms:  # Only its terms changed: it was still changed.
        resource.save(update_fields=["updated_at"])
    if "topics" in update.terms:
        resource.topics.set(update.terms["topics"])
    if "audiences" in update.terms:
        resource.audiences.set(update.terms["audiences"])
    if "practices" in update.terms:
        resource_set_practices(resource=resource, practices=update.terms["practices"])


def _record_history(updates, actor):
    """One admin change-history entry per changed resource, naming the columns ("Changed Title and Topics")."""
    if actor is None or not updates:
        return
    content_type = ContentType.objects.get_for_model(Resource)
    LogEntry.objects.bulk_create(
        LogEntry(
            user_id=actor.pk,
            content_type=content_type,
            object_id=str(update.resource.pk),
            object_repr=str(update.resource)[:200],
            action_flag=CHANGE,
            change_message=json.dumps(
                [{"changed": {"fields": [column.replace("_", " ").capitalize() for column in update.changes]}}]
            ),
        )
        for update in updates
    )
