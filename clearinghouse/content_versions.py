"""Named versions of the public content, raised after every committed change (decision 0006).

Cached pages and fragments are keyed by these versions (clearinghouse/page_cache.py), so a
change anywhere in the catalog makes every app process stop serving what it cached before,
without a cache server having to be told: the versions live in the database, the one
thing all processes share.

- `track(model, name)` raises version `name` whenever a row of `model` is saved or deleted
  or its many-to-many links change (Django's signals). Apps track their models in their
  AppConfig.ready(): every model of `resources` counts for "catalog", so a model added there
  later is tracked without anyone remembering to.
- `bump(name)` raises it explicitly. Signals do not fire on `QuerySet.update()`, `bulk_create()`,
  `bulk_update()` or raw SQL: code that writes tracked rows that way calls `bump()` itself.
- The bump runs after the transaction commits (`transaction.on_commit`), once per transaction
  and name, as one `UPDATE ... SET version = version + 1`: a process that sees the new version
  also sees the new data. A rolled-back transaction bumps nothing.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

CATALOG = "catalog"
PLEDGES = "pledges"

# Model class -> the version names its changes raise.
_tracked = {}

M2M_CHANGES = {"post_add", "post_remove", "post_clear"}
# The version of a name no change has raised yet (no row in the table).
NEVER_CHANGED = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime


def track(model, *names):
    """Raise the versions `names` after every committed save, delete or many-to-many change of `model`."""
    _tracked.setdefault(model, set()).update(names)
    uid = f"content_versions:{model._meta.label}"
    post_save.connect(_model_changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(_model_changed, sender=model, weak=False, dispatch_uid=uid)
    m2m_changed.connect(_links_changed, sender=model, weak=False, dispatch_uid=uid)


def track_app(app_config, name, *, exclude=()):
    """Track every model of the app for `name`, the auto-created many-to-many tables included.

    `exclude`: model classes whose rows no public page shows (say why where it is called).
    """
    for model in app_config.get_models(include_auto_created=True):
        if model not in exclude:
            track(model, name)


def tracked_versions(model):
    return frozenset(_tracked.get(model, ()))


def _model_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    bump(*_tracked.get(sender, ()), using=using)


def _links_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in M2M_CHANGES:
        bump(*_tracked.get(sender, ()), using=using)


# --- Raising a version -------------------------------------------------------------------


def bump(*names, using=DEFAULT_DB_ALIAS):
    """Raise each version in `names` once the current transaction commits (at once outside one).

    Call it after writes that send no signals (QuerySet.update, bulk_create, raw SQL). Cheap to
    call often: within one transaction a name is bumped once, however many rows changed.
    """
    connection = connections[using]
    for name in names:
        if connection.in_atomic_block and _pending_bump(connection, name):
            continue
        transaction.on_commit(_scheduled_bump(name, using), using=using, robust=True)


def _scheduled_bump(name, using):
    """The on-commit callback for `name`, marked so later writes in the same transaction can find it."""

    def bump_version():
        bump_version.done = True
        _bump_now(name, using)

    bump_version.content_version = name
    bump_version.done = False
    return bump_version


def _pending_bumps(connection):
    # Django drops the callbacks of a rolled-back savepoint from this list, so what is left is exactly
    # what will run at commit. Callbacks already run by a test's captureOnCommitCallbacks are marked done.
    for _savepoints, callback, _robust in connection.run_on_commit:
        if getattr(callback, "content_version", None) and not callback.done:
            yield callback.content_version


def _pending_bump(connection, name):
    return any(pending == name for pending in _pending_bumps(connection))


def has_uncommitted_changes(names, using=DEFAULT_DB_ALIAS):
    """True while this connection's open transaction has changed content of one of `names`.

    Such a transaction sees data no other process sees yet: pages it renders must be neither
    served from the shared cache nor stored in it. (Never true for an ordinary request, which
    runs outside a transaction; true inside a test's transaction after it wrote catalog rows.)
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        return False
    return any(pending in names for pending in _pending_bumps(connection))


def _bump_now(name, using):
    from clearinghouse.models import ContentVersion

    now = timezone.now()
    versions = ContentVersion.objects.using(using)
    if not versions.filter(name=name).update(version=F("version") + 1, changed_at=now):
        try:
            with transaction.atomic(using=using):
                versions.create(name=name, version=1, changed_at=now)
        except IntegrityError:  # Another process created it first.
            versions.filter(name=name).update(version=F("version") + 1, changed_at=now)
    forget_versions()


# --- Reading the versions ----------------------------------------------------------------

# The versions this process read last, and until when (time.monotonic()) they may be reused.
_remembered = (0.0, None)


def current_versions(using=DEFAULT_DB_ALIAS):
    """{name: Version} for every name ever bumped: one small query, or none while remembered.

    With settings.CONTENT_VERSION_REUSE_SECONDS > 0 a process reuses what it read for that long
    (decision 0006): another process's change then shows here at most that much later. A change
    made by this process is seen at once (bumping forgets what was remembered).
    """
    global _remembered
    reuse_seconds = settings.CONTENT_VERSION_REUSE_SECONDS
    if reuse_seconds > 0:
        valid_until, versions = _remembered
        if versions is not None and time.monotonic() < valid_until:
            return versions
    versions = _read_versions(using)
    if reuse_seconds > 0:
        _remembered = (time.monotonic() + reuse_seconds, versions)
    return versions


def _read_versions(using):
    from clearinghouse.models import ContentVersion

    table = ContentVersion._meta.db_table
    with connections[using].cursor() as cursor:
        # Raw SQL: this runs on every cached page view, and the ORM's overhead would be most of its cost.
        cursor.execute(f"SELECT name, version, changed_at FROM {table}")
        rows = cursor.fetchall()
    return {name: Version(number, _aware(changed_at)) for name, number, changed_at in rows}


def _aware(moment):
    if isinstance(moment, str):  # SQLite through a raw cursor
        moment = datetime.fromisoformat(moment)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def version_of(versions, name):
    return versions.get(name) or Version(0, NEVER_CHANGED)


def forget_versions():
    """Drop what this process remembered of the versions: the next read goes to the database."""
    global _remembered
    _remembered = (0.0, None)


def bump_all_after_migrate(**kwargs):
    """post_migrate: data migrations write without signals, so a migrate raises every known version."""
    from clearinghouse.models import ContentVersion

    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    if ContentVersion._meta.db_table not in connections[using].introspection.table_names():
        return
    names = {name for model_names in _tracked.values() for name in model_names}
    bump(*sorted(names), using=using)
