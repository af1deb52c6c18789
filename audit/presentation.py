"""How an entry reads in the admin: who acted, and its changes as rows of field, from, to."""

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from audit.access import masked_changes
from audit.context import SOURCE_SYSTEM

# Long texts (a resource's body) are cut in the trail; the object itself has the full text.
MAX_VALUE_LENGTH = 300
ACTION_LABELS = {0: "Created", 1: "Changed", 2: "Deleted", 3: "Viewed"}
# Changes recorded under names that are not model fields (see resources.services.resource_set_practices).
EXTRA_FIELD_LABELS = {"practices": "One Mind practices"}


@dataclass
class ChangeRow:
    label: str
    old: str = ""
    new: str = ""
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def is_relation(self):
        return bool(self.added or self.removed)


def actor_label(entry):
    """The staff username; for an entry without one, the source it was recorded with, else "system"."""
    if entry.actor_id is not None and entry.actor is not None:
        return entry.actor.get_username()
    if entry.actor_email:
        return f"a deleted user ({entry.actor_email})"
    return (entry.additional_data or {}).get("source") or SOURCE_SYSTEM


def _label(model, name):
    if name in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[name]
    if model is None:
        return name
    try:
        return capfirst(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _display(model, name, value):
    text = "" if value in (None, "None") else str(value)
    if model is not None and text:
        try:
            choices = dict(model._meta.get_field(name).flatchoices)
        except FieldDoesNotExist:
            choices = {}
        text = str(choices.get(text, text))
    if len(text) > MAX_VALUE_LENGTH:
        text = text[:MAX_VALUE_LENGTH] + "…"
    return text or "(empty)"


def change_rows(entry, model, hidden):
    """The entry's changes as ChangeRows, hidden fields' values masked (audit.access.hidden_fields)."""
    rows = []
    changes = masked_changes(model, entry.changes or {}, hidden)
    for name, values in sorted(changes.items()):
        if isinstance(values, dict) and values.get("type") == "m2m":
            objects = [str(item) for item in values.get("objects", [])]
            operation = values.get("operation")
            rows.append(
                ChangeRow(
                    _label(model, name),
                    added=objects if operation == "add" else [],
                    removed=objects if operation != "add" else [],
                )
            )
        elif isinstance(values, (list, tuple)) and len(values) == 2:
            rows.append(
                ChangeRow(_label(model, name), _display(model, name, values[0]), _display(model, name, values[1]))
            )
    return rows


def describe(entry, model, hidden):
    """Everything a template shows of one entry."""
    return {
        "entry": entry,
        "when": entry.timestamp,
        "actor": actor_label(entry),
        "action": ACTION_LABELS.get(entry.action, "Changed"),
        "model_label": capfirst(model._meta.verbose_name) if model is not None else "",
        "rows": change_rows(entry, model, hidden),
    }
