"""Who is acting: the signed-in user of the request, or a label for changes nobody signed in made.

AuditActorMiddleware lets every entry written during a request name its signed-in user,
including entries written by services the admin calls (pledge approval, resource
publishing, an import started from the admin). Changes with no signed-in user carry a
source label instead: the public website, or what `acting_as` names (a command, the
daily job); anything else is "system".
"""

import contextlib
from contextvars import ContextVar

SOURCE_PUBLIC = "public website (not signed in)"
SOURCE_SYSTEM = "system"

_source = ContextVar("audit_source", default=None)
_request = ContextVar("audit_request", default=None)


@contextlib.contextmanager
def acting_as(source):
    """Label entries written inside the block that have no actor, e.g. acting_as("import_resources command")."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def current_actor():
    """The signed-in user of the request being served, or None (a command, the public site).

    Read only when an entry is written: resolving request.user reads the session, and doing that
    on every request would put `Vary: Cookie` on every public page (decision 0006's page cache).
    """
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def current_source():
    """The label of entries with no actor: what acting_as names, else "public website" during a request."""
    source = _source.get()
    if source is None and _request.get() is not None and current_actor() is None:
        return SOURCE_PUBLIC
    return source


class AuditActorMiddleware:
    """Remember the request being served, so entries written during it name its signed-in user.

    Not auditlog's own middleware: that one resolves the user (a session read) and connects a
    signal receiver on every request, and never resets its context variable, so code running later
    in the same thread would read this request's user from it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def label_unattributed_entry(sender, instance, **kwargs):
    """pre_save of LogEntry: the request's signed-in user as actor, or the source label beside an entry with none."""
    if instance.actor_id is None:
        actor = current_actor()
        if actor is not None:
            instance.actor = actor
            instance.actor_email = getattr(actor, "email", None)
            return
    source = current_source()
    if source and instance.actor_id is None and not (instance.additional_data or {}).get("source"):
        instance.additional_data = {**(instance.additional_data or {}), "source": source}
