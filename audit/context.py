"""Who is acting: the signed-in user of the request, or a label for changes nobody signed in made.

auditlog's middleware puts the request's user on every entry written during the request,
including entries written by services the admin calls (pledge approval, resource
publishing, an import started from the admin). Changes with no signed-in user carry a
source label instead: the public website, or what `acting_as` names (a command, the
daily job); anything else is "system".
"""

import contextlib
from contextvars import ContextVar

from auditlog.middleware import AuditlogMiddleware

SOURCE_PUBLIC = "public website (not signed in)"
SOURCE_SYSTEM = "system"

_source = ContextVar("audit_source", default=None)
_actor = ContextVar("audit_actor", default=None)


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
    return _actor.get()


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware (the request's user on every entry), plus the public-website label."""

    def __call__(self, request):
        user = self._get_actor(request)
        # Our own variable, reset when the request ends: auditlog's (auditlog.context) is never
        # reset, so code running later in the same thread would read this request's user from it.
        token = _actor.set(user)
        try:
            with acting_as(None if user is not None else SOURCE_PUBLIC):
                return super().__call__(request)
        finally:
            _actor.reset(token)


def label_unattributed_entry(sender, instance, **kwargs):
    """pre_save of LogEntry: keep the source label beside an entry that has no actor."""
    source = current_source()
    if source and instance.actor_id is None and not (instance.additional_data or {}).get("source"):
        instance.additional_data = {**(instance.additional_data or {}), "source": source}
