"""Who is acting: the signed-in user of the request, or a label for changes nobody signed in made.

auditlog's middleware puts the request's user on every entry written during the request,
including entries written by services the admin calls (pledge approval, resource
publishing, an import started from the admin). Changes with no signed-in user carry a
source label instead: the public website, or what `acting_as` names (a command, the
daily job); anything else is "system".
"""

import contextlib
from contextvars import ContextVar

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.contrib.auth import get_user_model

SOURCE_PUBLIC = "public website (not signed in)"
SOURCE_SYSTEM = "system"

_source = ContextVar("audit_source", default=None)


@contextlib.contextmanager
def acting_as(source):
    """Label entries written inside the block that have no actor, e.g. acting_as("import_resources command")."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def current_source():
    return _source.get()


def current_actor():
    """The signed-in user of the request being served, or None (a command, the public site)."""
    try:
        actor = auditlog_value.get().get("actor")
    except LookupError:
        return None
    return actor if isinstance(actor, get_user_model()) else None


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware (the request's user on every entry), plus the public-website label."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        source = None if user is not None and user.is_authenticated else SOURCE_PUBLIC
        # auditlog sets its context variable and never resets it: without the reset, code run
        # after the request in the same thread (a test, a worker's next job) would take this
        # request's user as its actor.
        token = auditlog_value.set({})
        try:
            with acting_as(source):
                return super().__call__(request)
        finally:
            auditlog_value.reset(token)


def label_unattributed_entry(sender, instance, **kwargs):
    """pre_save of LogEntry: keep the source label beside an entry that has no actor."""
    source = current_source()
    if source and instance.actor_id is None and not (instance.additional_data or {}).get("source"):
        instance.additional_data = {**(instance.additional_data or {}), "source": source}
