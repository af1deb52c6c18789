"""A shared cache of public pages for anonymous visitors, with conditional GET (decision 0006).

`@public_page(CATALOG, ...)` on a view of a public page:

- An anonymous visitor (no session or messages cookie) is served the page rendered for the
  same address, host, day and content versions, from Django's cache: locmem per process by
  default, Redis or memcached when CACHE_URL says so. No template is rendered and the session
  is never read. After a change commits, its content version rises (content_versions.py) and
  the next request renders afresh.
- The answer carries `ETag` (a hash of that key: known before rendering, so a matching
  `If-None-Match` gets a 304 at once), `Last-Modified` (the latest change of the page's
  versions, or midnight) and `Cache-Control: public, max-age=PAGE_CACHE_MAX_AGE` with
  `Vary: Cookie`, so a proxy or CDN may serve it too.
- Anyone with a session or pending messages (staff, a pledger who just signed up) gets the page
  rendered for them, marked `private, no-cache`, and nothing is stored.
- A response is stored and marked public only if it is a 200 that set no cookie, used no CSRF
  token, wrote nothing to the session, added no message and did not mark itself private or
  no-store (as staff previews do). Anything else passes through untouched.

`cached_for_version(names, key_parts, compute)` caches a computed value (facet counts) the
same way.
"""

import functools
import hashlib
import logging
from datetime import datetime, time
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from clearinghouse import content_versions

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
# A response saying any of these is for one visitor only.
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")
# Headers the decorator sets itself on every answer; a stored page keeps the view's other headers.
OWN_HEADERS = {"etag", "last-modified", "content-length"}
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".svg", ".xml", ".json"}
_MISSING = object()


# --- Keys ----------------------------------------------------------------------------------


@functools.cache
def release_fingerprint():
    """A hash of the code and templates this process runs (and of the static manifest, if any).

    Part of every key and ETag: a release that changes a template or a view renders afresh and
    answers no conditional request with a 304 for a page the old code rendered, even if no
    content changed. The same code gives the same fingerprint on every server.
    """
    digest = hashlib.sha256(django.get_version().encode())
    # Every app of this project (not the installed libraries, which the Django version and the
    # static manifest stand for): a new app's views and templates count as much as the first three.
    base_dir = Path(settings.BASE_DIR).resolve()
    app_paths = {Path(config.path).resolve() for config in apps.get_app_configs()}
    roots = sorted(path for path in app_paths if path.is_relative_to(base_dir) and "site-packages" not in path.parts)
    roots += [Path(directory) for engine in settings.TEMPLATES for directory in engine.get("DIRS", ())]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _versions_key(names, versions):
    return " ".join(f"{name}={content_versions.version_of(versions, name).number}" for name in names)


def _digest(*parts):
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def page_key(request, names, versions, today):
    """What a public page's content depends on: code, scheme and host, path, query, day, content versions.

    The query is the parsed parameters re-encoded in their order: spellings of the same query
    (`%20` or `+`) share an entry, and everything a page renders from request.GET is the same.
    """
    return _digest(
        release_fingerprint(),
        request.scheme,
        request.get_host(),
        request.path,
        request.GET.urlencode(),
        today.isoformat(),
        _versions_key(names, versions),
    )


def last_modified(names, versions, today):
    """The latest change of the page's versions, or the start of today (pages show dates and deadlines)."""
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    changes = [content_versions.version_of(versions, name).changed_at for name in names]
    return max([midnight, *changes])


# --- The cache, never fatal ------------------------------------------------------------------


def _cache_get(key):
    try:
        return cache.get(key, _MISSING)
    except Exception:  # A cache server that is down must slow the site, not break it.
        logger.warning("Cache read failed for %s", key, exc_info=True)
        return _MISSING


def _cache_set(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Cache write failed for %s", key, exc_info=True)


# --- Pages -----------------------------------------------------------------------------------


def is_anonymous_request(request):
    """Without a session cookie the visitor is anonymous and sees what every anonymous visitor sees.

    (A messages cookie means a message waits to be shown to this visitor alone.)
    """
    cookies = request.COOKIES
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def _cache_control_directives(response):
    return {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}


def is_shareable(request, response):
    """A response every anonymous visitor may be given: nothing in it belongs to this one request."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if _cache_control_directives(response) & set(PRIVATE_DIRECTIVES):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # The page holds a CSRF token (get_token ran).
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and messages.added_new)


def _mark_private(response):
    if response.status_code == 200 and "no-store" not in _cache_control_directives(response):
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _mark_public(response, *, etag, modified_at, max_age):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified_at.timestamp())
    if "max-age" in _cache_control_directives(response):
        patch_cache_control(response, public=True)  # The view chose how long (the badge: an hour).
    else:
        patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ("Cookie",))
    return response


def _is_not_modified(request, etag, modified_at):
    """The visitor's copy is current: If-None-Match names this ETag, or (without one) If-Modified-Since is recent."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        # Weak comparison (RFC 9110 13.1.2); "*" is not honoured: it would answer 304 for a page that is missing.
        return etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
    if_modified_since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return if_modified_since is not None and int(modified_at.timestamp()) <= if_modified_since


def _stored(response):
    headers = [(name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS]
    return (response.status_code, headers, response.content)


def _from_stored(entry):
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def public_page(*version_names, max_age=None):
    """Cache the view's page for anonymous visitors and let browsers and proxies cache it (see module doc).

    `version_names`: the content the page shows (content_versions.CATALOG, PLEDGES); a change to any
    of them gives the page a new key. `max_age`: the Cache-Control lifetime, PAGE_CACHE_MAX_AGE by
    default. The view itself must not vary by anything but the request's path, query and host.
    """
    names = tuple(version_names)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_anonymous_request(request) or content_versions.has_uncommitted_changes(names):
                return _mark_private(view(request, *args, **kwargs))

            versions = content_versions.current_versions()
            today = timezone.localdate()
            key = page_key(request, names, versions, today)
            etag = f'W/"{key[:32]}"'
            modified_at = last_modified(names, versions, today)
            lifetime = settings.PAGE_CACHE_MAX_AGE if max_age is None else max_age
            if _is_not_modified(request, etag, modified_at):
                return _mark_public(HttpResponseNotModified(), etag=etag, modified_at=modified_at, max_age=lifetime)

            entry = _cache_get(f"page:{key}")
            if entry is _MISSING:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()  # A TemplateResponse (the sitemap): render it to store it.
                if not is_shareable(request, response):
                    return response if response.status_code != 200 else _mark_private(response)
                _cache_set(f"page:{key}", _stored(response), settings.PAGE_CACHE_TIMEOUT)
            else:
                response = _from_stored(entry)
            return _mark_public(response, etag=etag, modified_at=modified_at, max_age=lifetime)

        wrapped.public_page_versions = names
        return wrapped

    return decorator


# --- Fragments -------------------------------------------------------------------------------


def cached_for_version(version_names, key_parts, compute, *, timeout=None):
    """`compute()`, cached until a version in `version_names` changes, the day ends or `timeout` passes.

    `key_parts`: strings and numbers that, with the versions, determine the result (for facet counts:
    the normalized filter parameters). The value must be picklable (Redis and memcached store it).
    `timeout`: seconds, PAGE_CACHE_TIMEOUT by default. Within a transaction that changed one of
    these versions, computes without the cache (its data is not yet everyone's).
    """
    names = (version_names,) if isinstance(version_names, str) else tuple(version_names)
    if content_versions.has_uncommitted_changes(names):
        return compute()
    versions = content_versions.current_versions()
    key = "fragment:" + _digest(
        release_fingerprint(),
        timezone.localdate().isoformat(),
        _versions_key(names, versions),
        repr(tuple(key_parts)),
    )
    value = _cache_get(key)
    if value is _MISSING:
        value = compute()
        _cache_set(key, value, settings.PAGE_CACHE_TIMEOUT if timeout is None else timeout)
    return value
