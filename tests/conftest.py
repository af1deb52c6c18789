import pytest
from django.core.cache import cache

from clearinghouse import content_versions
from clearinghouse.mail import deliver_queued_mail
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
    """A fast password hasher, uploads in a temporary folder, and email through the outbox into mail.outbox.

    Email takes the production path (decision 0013): `message.send()` queues it in the outbox
    (post_office's Email rows: what tests check as "queued"), and only the mail worker
    (`deliver_mail()`) delivers it, here into mail.outbox (`mailoutbox`: "delivered").
    pytest-django sets the locmem backend as EMAIL_BACKEND; this puts the outbox back in front of it.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "clearinghouse.mail.OutboxBackend"
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
        "LOCK_FILE_NAME": str(tmp_path / "mail-worker"),
    }


@pytest.fixture
def deliver_mail():
    """Run the mail worker once (`run_mail_worker --once`): the queued mail that is due is delivered."""
    return deliver_queued_mail


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty page cache: settings a test overrides change pages without a content change."""
    cache.clear()
    content_versions.forget_versions()


def pytest_sessionfinish(session):
    """Under pytest-xdist, a worker hands its count of generated cases to the controller."""
    from tests.hypothesis_support import GENERATED_CASES

    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["generated_cases"] = dict(GENERATED_CASES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller adds up the workers' counts (pytest_terminal_summary prints them)."""
    from tests.hypothesis_support import GENERATED_CASES

    GENERATED_CASES.update(getattr(node, "workeroutput", {}).get("generated_cases", {}))


def pytest_terminal_summary(terminalreporter):
    """Report how many generated cases the property-based tests ran (tests/hypothesis_support.py)."""
    from tests.hypothesis_support import GENERATED_CASES

    if GENERATED_CASES:
        total = sum(GENERATED_CASES.values())
        terminalreporter.write_sep("-", f"hypothesis: {total} generated cases")
        for name, count in sorted(GENERATED_CASES.items()):
            terminalreporter.write_line(f"  {name}: {count}")
