"""Recording changes that bypass model signals: bulk writers call these (decision 0015).

Saves, deletes and many-to-many changes of audited models (audit.registry) are recorded
by django-auditlog on their own. bulk_create, bulk_update and QuerySet.update send no
signals, so a bulk path that makes a staff change (the CSV import, a curator's CSV
round trip) records it here, one entry per object, in one INSERT per call:

    from audit.services import record_changes

    record_changes(
        [(resource, {"title": ["Old title", "New title"]}) for resource in updated],
        action="update",
        actor=request.user,            # or None: the request's user, else the source label
        source="CSV import",           # shown when there is no actor
    )

`changes` maps a field name to [old value, new value] (as text; "None" for empty) or,
for a many-to-many field, to {"type": "m2m", "operation": "add" or "delete",
"objects": [names]}. `field_changes` computes the former for you. Derived fields (search
vectors, roster entries, ...) are not staff changes: leave them out, as registry does.
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.encoding import smart_str

from audit.context import SOURCE_SYSTEM, current_actor, current_source
from audit.registry import excluded_fields

ACTIONS = {"create": LogEntry.Action.CREATE, "update": LogEntry.Action.UPDATE, "delete": LogEntry.Action.DELETE}


def _value_text(value):
    return smart_str(value) if value is not None else "None"


def field_changes(old_values, new_values, *, model=None):
    """{field: [old, new]} for each field whose value differs between two dicts of field values.

    With `model`, fields the trail leaves out for it (audit.registry) are skipped.
    Values are stored as text, as auditlog stores them.
    """
    skipped = excluded_fields(model) if model is not None else set()
    changes = {}
    for name, new in new_values.items():
        old = old_values.get(name)
        if name in skipped or old == new:
            continue
        changes[name] = [_value_text(old), _value_text(new)]
    return changes


def record_changes(changes_by_object, *, action="update", actor=None, source=None):
    """Record one trail entry per (object, changes) pair, in one bulk INSERT; returns the entries.

    `action` is "create", "update" or "delete". `actor` is the staff user who made the
    change; None takes the signed-in user of the current request, if any. Entries with no
    actor are labelled `source` (e.g. "import_resources command"), else the current
    audit.context.acting_as label, else "system". Pairs with empty changes are skipped
    for updates (nothing changed). Runs in the caller's transaction: a rolled-back import
    leaves no entries.
    """
    action_value = ACTIONS[action]
    actor = actor if actor is not None else current_actor()
    label = None if actor is not None else (source or current_source() or SOURCE_SYSTEM)
    now = timezone.now()
    content_types = {}
    entries = []
    for obj, changes in changes_by_object:
        if not changes and action_value == LogEntry.Action.UPDATE:
            continue
        model = type(obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        entries.append(
            LogEntry(
                content_type=content_types[model],
                object_pk=str(obj.pk),
                object_id=obj.pk if isinstance(obj.pk, int) else None,
                object_repr=smart_str(obj),
                action=action_value,
                changes=changes or {},
                actor=actor,
                actor_email=getattr(actor, "email", None) if actor is not None else None,
                additional_data={"source": label} if label else None,
                timestamp=now,
            )
        )
    return LogEntry.objects.bulk_create(entries)


def record_change(obj, changes, *, action="update", actor=None, source=None):
    """Record one change of one object (see record_changes); returns the entry, or None if nothing changed."""
    entries = record_changes([(obj, changes)], action=action, actor=actor, source=source)
    return entries[0] if entries else None
