"""Shared pieces of the property-based tests (decision 0016): the profile, the strategies, the case count.

The profile is deterministic (derandomize): CI and every developer run the same generated cases,
and a failure found once is found again. `HYPOTHESIS_PROFILE=explore` draws new cases each run,
ten times as many, for a longer search by hand; `HYPOTHESIS_PROFILE=quick` runs a tenth of the
cases, for a fast local run (CI uses the default).
"""

import codecs
import os
from collections import Counter
from contextlib import contextmanager
from urllib.parse import quote_from_bytes

from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# How many times the default number of examples each profile runs.
PROFILE_FACTORS = {"clearinghouse": 1, "explore": 10, "quick": 0.1}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "clearinghouse"

settings.register_profile(
    "clearinghouse",
    derandomize=True,
    database=None,  # nothing written under .hypothesis/ (derandomized cases are found again anyway)
    deadline=None,  # a shared CI machine has slow moments; speed is measured, not asserted per case
    print_blob=True,
    # Each example runs inside the test's database transaction, in a savepoint it rolls back
    # (examples_in_savepoints), so the function-scoped db fixture is the intended set-up.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("explore", parent=settings.get_profile("clearinghouse"), derandomize=False)
settings.register_profile("quick", parent=settings.get_profile("clearinghouse"))
settings.load_profile(PROFILE)


def examples(count):
    """`count` examples, scaled by the profile in use (PROFILE_FACTORS)."""
    return max(1, int(count * PROFILE_FACTORS.get(PROFILE, 1)))


# How many generated cases each form or list was given in this run; printed by tests/conftest.py.
GENERATED_CASES = Counter()


@contextmanager
def one_case(name):
    """Count one generated case of `name` and undo everything it wrote to the database afterwards."""
    GENERATED_CASES[name] += 1
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class LeanClient(Client):
    """The test client without its record of every template rendered and its context.

    Copying the context of each of a page's hundreds of template renders is most of the cost of a
    request in tests; these tests read only the status, the headers and the body. Exceptions a
    view lets through are still raised, as with the usual client.
    """

    def request(self, **request):
        environ = self._base_environ(**request)
        exception_uid = f"request-exception-{id(request)}"
        got_request_exception.connect(self.store_exc_info, dispatch_uid=exception_uid)
        try:
            response = self.handler(environ)
        finally:
            got_request_exception.disconnect(dispatch_uid=exception_uid)
        self.check_exception(response)
        response.request = request
        if response.cookies:
            self.cookies.update(response.cookies)
        return response


# --- Strategies ------------------------------------------------------------------------------------------

CONTROL_AND_INVISIBLE = st.characters(categories=("Cc", "Cf", "Zl", "Zp", "Cs", "Co"))
TRICKY_VALUES = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x0c",
        "\ud800",  # a lone surrogate: sent as the bytes ED A0 80, which are not UTF-8
        "\ufeff",
        "\u202e",
        "0",
        "-1",
        "-0",
        "1e309",
        "NaN",
        "inf",
        "9" * 400,
        "-" + "9" * 40,
        "0x10",
        "١٢",  # Arabic-Indic digits
        "2024-02-30",
        "0000-00-00",
        "99999-01-01",
        "https://",
        "javascript:alert(1)",
        "a@b",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "on",
        "true",
        "null",
        "x" * 5000,
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
).map(str)
NASTY_TEXT = st.one_of(
    TRICKY_VALUES,
    NUMBERS,
    st.text(max_size=30),
    st.text(alphabet=CONTROL_AND_INVISIBLE, max_size=8),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=260),
)
# Wrong character sets a client may declare for a form; None is a plain UTF-8 form.
CHARSETS = st.sampled_from([None, None, None, "utf-8", "UTF-8", "latin-1", "utf-16", "ascii", "no-such-charset"])


def field_values(valid_value):
    """Values a field may arrive with: missing ([]), the valid one, bad ones, or repeated."""
    return st.one_of(
        st.just([valid_value]),
        st.lists(NASTY_TEXT, min_size=0, max_size=3),
        st.lists(st.just(valid_value), min_size=2, max_size=2),
    )


@st.composite
def form_fields(draw, valid, *, max_bad_fields=4, extra_names=()):
    """{name: [values]} from a valid form's data, with a few fields made bad, missing or repeated, and junk fields."""
    names = sorted(valid)
    bad = draw(st.sets(st.sampled_from(names), max_size=max_bad_fields)) if names else set()
    fields = {name: [valid[name]] for name in names if name not in bad and valid[name] is not None}
    for name in bad:
        values = draw(field_values(valid[name] or ""))
        if values:
            fields[name] = values
    junk = draw(
        st.dictionaries(st.one_of(st.sampled_from([*extra_names, "x"]), st.text(max_size=5)), NASTY_TEXT, max_size=2)
    )
    for name, value in junk.items():
        fields.setdefault(name, []).append(value)
    return fields


def urlencoded(fields):
    """`fields` as an application/x-www-form-urlencoded body, byte for byte what a careless client sends.

    Lone surrogates are encoded with surrogatepass, giving the invalid UTF-8 a broken client would.
    """

    def percent_encoded(text):
        return quote_from_bytes(text.encode("utf-8", "surrogatepass"))

    return "&".join(
        f"{percent_encoded(name)}={percent_encoded(value)}" for name, values in fields.items() for value in values
    )


def without_surrogates(fields):
    """The same fields for a multipart body, which the test client must encode as UTF-8."""
    return {
        name.encode("utf-8", "replace").decode(): [value.encode("utf-8", "replace").decode() for value in values]
        for name, values in fields.items()
    }


def post_form(client, path, fields, charset=None):
    """POST `fields` urlencoded, declaring `charset` when given (and encoded in it, when Python knows it)."""
    content_type = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
    try:
        codec = codecs.lookup(charset).name if charset else "ascii"
    except LookupError:
        codec = "ascii"
    return client.generic("POST", path, urlencoded(fields).encode(codec), content_type=content_type)
