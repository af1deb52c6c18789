"""Counting use without identifying anyone (decision 0022).

- Nothing is stored about the visitor: no IP address, no user agent, no cookie is read or set.
  Requests from bots (by user agent, checked and forgotten) and from browsers that ask not to be
  tracked (`DNT: 1` or `Sec-GPC: 1`) are not counted.
- Each counted request is one `INSERT … ON CONFLICT DO UPDATE SET n = n + 1` on the day's row
  (PostgreSQL, and SQLite 3.24+): no row per request, no read first, no race.
- Page views and searches are reported by the page itself (static/js/usage.js posts the signed
  token the page carries to /usage/beacon/), so pages served from the page cache or a CDN are
  counted too. The token is signed: a client can only repeat a view or a search it was served.
"""

import re

from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|scrape|fetch|monitor|preview|facebookexternalhit|headless|lighthouse|"
    r"python|curl|wget|httpx|java/|go-http|libwww|okhttp|axios|node-fetch|ClearinghouseLinkChecker",
    re.IGNORECASE,
)
SIGNING_SALT = "usage.beacon"
QUERY_MAX_LENGTH = 200
FILTERS_MAX_LENGTH = 300
COUNTERS = ("views", "downloads", "link_clicks")


def is_countable(request):
    """A person's request that does not ask not to be tracked (the user agent is read, never kept)."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if not user_agent or BOT_USER_AGENT.search(user_agent):
        return False
    return request.META.get("HTTP_DNT") != "1" and request.META.get("HTTP_SEC_GPC") != "1"


def normalize_query(text):
    return " ".join((text or "").lower().split())[:QUERY_MAX_LENGTH]


# --- Tokens the pages carry --------------------------------------------------------------------


def view_token(resource_id):
    return signing.dumps({"view": resource_id}, salt=SIGNING_SALT, compress=True)


def search_token(*, query, filters, result_count):
    payload = {"q": normalize_query(query), "f": filters[:FILTERS_MAX_LENGTH], "n": int(result_count)}
    return signing.dumps({"search": payload}, salt=SIGNING_SALT, compress=True)


def read_token(token):
    """The payload of a token a page carried, or None if it was not signed by us."""
    try:
        return signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None


# --- Upserts -----------------------------------------------------------------------------------


def count_resource_use(resource_id, counter, *, day=None):
    """Add one to `counter` (views, downloads or link_clicks) of the resource's row for the day."""
    if counter not in COUNTERS:
        raise ValueError(f"Unknown counter {counter!r}")
    day = day or timezone.localdate()
    # One statement; a resource deleted since its page was served is skipped rather than an
    # error (the foreign key is checked only at commit, too late to catch here).
    sql = (
        "INSERT INTO usage_resourcedailyusage (resource_id, day, views, downloads, link_clicks) "
        "SELECT id, %s, %s, %s, %s FROM resources_resource WHERE id = %s "
        "ON CONFLICT (resource_id, day) DO UPDATE SET "
        f"{counter} = usage_resourcedailyusage.{counter} + 1"
    )
    values = [day] + [1 if name == counter else 0 for name in COUNTERS] + [resource_id]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.rowcount == 1


def count_search(*, query, filters, result_count, day=None):
    """Add one to the day's count of this search; remember how many results it found."""
    day = day or timezone.localdate()
    sql = (
        "INSERT INTO usage_searchdailycount (day, query, filters, searches, result_count) "
        "VALUES (%s, %s, %s, 1, %s) "
        "ON CONFLICT (day, query, filters) DO UPDATE SET "
        "searches = usage_searchdailycount.searches + 1, result_count = excluded.result_count"
    )
    values = [day, normalize_query(query), filters[:FILTERS_MAX_LENGTH], max(int(result_count), 0)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, values)
