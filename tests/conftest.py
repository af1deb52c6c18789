import pytest
from django.core.cache import cache

from clearinghouse import content_versions
from tests.pledges.factories import ensure_pledge_reviewers_group
from tests.resources.factories import ensure_curators_group, ensure_seeded_synonyms, ensure_seeded_vocabularies


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Make sure the rows that data migrations create are there when the session starts.

    Transactional tests (the browser tests) flush the database when they finish, and
    --reuse-db keeps that flushed database for the next run, so without this a second
    run would start without the vocabularies, the search synonyms and the staff groups.
    """
    with django_db_blocker.unblock():
        ensure_seeded_vocabularies()
        ensure_seeded_synonyms()
        ensure_curators_group()
        ensure_pledge_reviewers_group()


@pytest.fixture(autouse=True)
def fast_and_isolated(settings, tmp_path):
    """A fast password hasher, uploads in a temporary folder, and email kept in mail.outbox."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty page cache: settings a test overrides change pages without a content change."""
    cache.clear()
    content_versions.forget_versions()


def pytest_terminal_summary(terminalreporter):
    """Report how many generated cases the property-based tests ran (tests/hypothesis_support.py)."""
    from tests.hypothesis_support import GENERATED_CASES

    if GENERATED_CASES:
        total = sum(GENERATED_CASES.values())
        terminalreporter.write_sep("-", f"hypothesis: {total} generated cases")
        for name, count in sorted(GENERATED_CASES.items()):
            terminalreporter.write_line(f"  {name}: {count}")
