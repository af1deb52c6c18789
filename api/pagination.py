"""Keyset ("cursor") pagination: page 5,000 costs what page 1 costs.

A page's cursor holds the sort keys of the last row shown; the next page is the rows after
those keys in the same order, found by walking the list's index from that point (resources
migration 0010 and the roster's pledges_agency_roster_order), never by OFFSET. Each order
ends with a unique column, so no row is skipped or repeated however many share a title.

The one exception is "best match" on a search: a rank is not a key an index can start from.
Its cursor holds a position instead, and the rows come from ResourceFilterSet.result_ids, as
the HTML catalog's pages do (the first 500 ranked once and cached).
"""

import base64
import datetime
import json
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from api.errors import InvalidParameters

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class KeyColumn:
    name: str  # a field or annotation of the queryset, and the attribute of each row
    type: type  # int, str or datetime.datetime: how the cursor's value is read back
    descending: bool = False
    nullable: bool = False  # NULLs sort last (DESC NULLS LAST, as the catalog's indexes do)


@dataclass(frozen=True)
class KeysetOrder:
    name: str
    columns: tuple

    def order_by(self):
        from django.db.models import F

        return [
            F(column.name).desc(nulls_last=True) if column.descending else F(column.name).asc(nulls_last=True)
            for column in self.columns
        ]

    def after(self, values):
        """Rows strictly after `values` in this order."""
        return _after(self.columns, values) & self._index_bound(values)

    def _index_bound(self, values):
        # Implied by after(), but as a plain range on the first column it lets the database start
        # its index scan at the cursor instead of filtering every earlier entry.
        first, value = self.columns[0], values[0]
        if value is None:
            return Q(**{f"{first.name}__isnull": True})
        bound = Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": value})
        return bound | Q(**{f"{first.name}__isnull": True}) if first.nullable else bound

    def keys_of(self, row):
        return [getattr(row, column.name) if not isinstance(row, dict) else row[column.name] for column in self.columns]

    def encode(self, values):
        encoded = [value.isoformat() if isinstance(value, datetime.datetime) else value for value in values]
        return _encode({"order": self.name, "after": encoded})

    def decode(self, payload):
        values = payload.get("after")
        if payload.get("order") != self.name or not isinstance(values, list) or len(values) != len(self.columns):
            raise _bad_cursor()
        return [_decoded(column, value) for column, value in zip(self.columns, values, strict=True)]


def _decoded(column, value):
    """A key read back from a cursor, checked: a crafted cursor gets a 400, never a database error."""
    if value is None and column.nullable:
        return None
    if column.type is int and isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
        return value
    if column.type is str and isinstance(value, str) and "\x00" not in value:
        return value
    if column.type is datetime.datetime and isinstance(value, str):
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    raise _bad_cursor()


def _after(columns, values):
    first, rest = columns[0], columns[1:]
    value = values[0]
    later = _after(rest, values[1:]) if rest else None
    if value is None:  # NULLs come last: only NULLs (with later keys) follow.
        return Q(**{f"{first.name}__isnull": True}) & later
    strictly = Q(**{f"{first.name}__{'lt' if first.descending else 'gt'}": value})
    if first.nullable:
        strictly |= Q(**{f"{first.name}__isnull": True})
    return strictly | (Q(**{first.name: value}) & later) if later is not None else strictly


def _encode(payload):
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _bad_cursor():
    return InvalidParameters(
        {"cursor": ["Not a cursor this list gave out (or for another sort order): start from the first page."]}
    )


def decode_cursor(text):
    """The cursor's payload (a dict), or a 400 naming the cursor."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError):
        raise _bad_cursor() from None
    if not isinstance(payload, dict):
        raise _bad_cursor()
    return payload


def position_cursor(order_name, position):
    return _encode({"order": order_name, "position": position})


def decode_position(payload, order_name):
    position = payload.get("position")
    if payload.get("order") != order_name or not isinstance(position, int) or isinstance(position, bool):
        raise _bad_cursor()
    if position < 0:
        raise _bad_cursor()
    return position


def page_size_of(request):
    """`page_size` (1 to MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE), or a 400."""
    text = request.query_params.get("page_size")
    if text in (None, ""):
        return DEFAULT_PAGE_SIZE
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise InvalidParameters({"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return int(text)


def next_page_url(request, cursor):
    query = request.query_params.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(request.path + "?" + query.urlencode())
