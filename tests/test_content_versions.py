"""Content versions: every kind of committed write to the catalog or the pledges raises its version once.

Tests run inside a transaction that never commits; `committed()` runs the on-commit callbacks
as a real commit would (Django's captureOnCommitCallbacks), so the version bumps happen.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from clearinghouse import content_versions
from clearinghouse.content_versions import CATALOG, PLEDGES
from clearinghouse.models import ContentVersion
from clearinghouse.one_mind import Practice
from pledges import services as pledge_services
from pledges.models import Pledge, RateLimitHit
from pledges.ratelimit import PLEDGE_SUBMISSIONS, RateLimiter
from resources import services as resource_services
from resources.importing import import_resources
from resources.models import Resource, ResourceKind, Topic
from tests.pledges.factories import AgencyFactory, PledgeFactory, ReviewerFactory, agency_data, pledge_data
from tests.resources.factories import ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def version(name):
    return ContentVersion.objects.filter(name=name).values_list("version", flat=True).first() or 0


def raises_version_once(name, committed, write):
    before = {CATALOG: version(CATALOG), PLEDGES: version(PLEDGES)}
    with committed():
        write()
    return version(name) == before[name] + 1


# --- The mechanism ---------------------------------------------------------------------------


def test_a_change_raises_its_version_only_when_the_transaction_commits(committed):
    before = version(CATALOG)
    with committed():
        ResourceFactory()
        assert version(CATALOG) == before, "bumped before the commit: other processes would cache old data"
    assert version(CATALOG) == before + 1


def test_many_changes_in_one_transaction_raise_the_version_once(committed):
    before = version(CATALOG)
    with committed():
        for _ in range(3):
            ResourceFactory(topics=[TopicFactory()])
    assert version(CATALOG) == before + 1


def test_a_rolled_back_change_raises_nothing(committed):
    before = version(CATALOG)
    with committed():
        try:
            with transaction.atomic():
                ResourceFactory()
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert version(CATALOG) == before


def test_a_change_that_survives_a_rolled_back_savepoint_still_raises_the_version(committed):
    before = version(CATALOG)
    with committed():
        ResourceFactory()
        try:
            with transaction.atomic():
                ResourceFactory()
                raise RuntimeError("the second write fails")
        except RuntimeError:
            pass
    assert version(CATALOG) == before + 1


def test_a_catalog_change_leaves_the_pledges_version_alone(committed):
    before = version(PLEDGES)
    with committed():
        ResourceFactory()
    assert version(PLEDGES) == before


def test_the_first_bump_of_a_name_creates_its_row(committed):
    ContentVersion.objects.filter(name=CATALOG).delete()
    assert content_versions.version_of(content_versions.current_versions(), CATALOG).number == 0

    with committed():
        content_versions.bump(CATALOG)

    row = ContentVersion.objects.get(name=CATALOG)
    assert row.version == 1
    assert timezone.now() - row.changed_at < datetime.timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_bump_is_immediate():
    before = version(CATALOG)
    content_versions.bump(CATALOG)
    assert version(CATALOG) == before + 1


def test_every_catalog_model_is_tracked_including_the_many_to_many_tables():
    assert CATALOG in content_versions.tracked_versions(Resource)
    assert CATALOG in content_versions.tracked_versions(Resource.topics.through)
    assert CATALOG in content_versions.tracked_versions(Resource.audiences.through)
    assert CATALOG in content_versions.tracked_versions(Topic)
    assert content_versions.tracked_versions(RateLimitHit) == frozenset()


# --- Reading the versions --------------------------------------------------------------------


def test_a_process_reuses_the_versions_it_read_for_at_most_the_set_time(settings, monkeypatch):
    settings.CONTENT_VERSION_REUSE_SECONDS = 1
    clock = [1000.0]
    monkeypatch.setattr(content_versions.time, "monotonic", lambda: clock[0])
    ContentVersion.objects.update_or_create(name=CATALOG, defaults={"version": 5, "changed_at": timezone.now()})
    assert content_versions.current_versions()[CATALOG].number == 5

    # Another process bumps (a direct UPDATE: this process's own bumps forget what it read).
    ContentVersion.objects.filter(name=CATALOG).update(version=6)
    clock[0] += 0.9
    assert content_versions.current_versions()[CATALOG].number == 5
    clock[0] += 0.2
    assert content_versions.current_versions()[CATALOG].number == 6


def test_with_no_reuse_every_read_goes_to_the_database(settings):
    settings.CONTENT_VERSION_REUSE_SECONDS = 0
    ContentVersion.objects.update_or_create(name=CATALOG, defaults={"version": 5, "changed_at": timezone.now()})
    assert content_versions.current_versions()[CATALOG].number == 5
    ContentVersion.objects.filter(name=CATALOG).update(version=6)
    assert content_versions.current_versions()[CATALOG].number == 6


def test_a_bump_by_this_process_is_seen_at_once(settings, committed):
    settings.CONTENT_VERSION_REUSE_SECONDS = 1
    before = content_versions.version_of(content_versions.current_versions(), CATALOG).number
    with committed():
        ResourceFactory()
    assert content_versions.current_versions()[CATALOG].number == before + 1


# --- Every kind of catalog write ---------------------------------------------------------------


def _import_one_row():
    header = "title,kind,summary,external_url,topics,practices,status"
    row = "Imported guide,Report,A guide.,https://example.org/imported,A topic in use,policy,published"
    result = import_resources(f"{header}\n{row}\n")
    assert result.created_ids, result.invalid_rows


CATALOG_WRITES = {
    "create through the service": lambda resource, topic: resource_services.resource_create(
        title="New policy",
        slug="new-policy",
        kind=ResourceKind.objects.get(slug="report"),
        summary="New.",
        external_url="https://example.org/new",
        topics=[topic],
        practices=[Practice.POLICY],
    ),
    "edit and save": lambda resource, topic: Resource.objects.filter(pk=resource.pk).first().save(),
    "publish": lambda resource, topic: resource_services.resource_publish(
        resources=Resource.objects.filter(pk=resource.pk)
    ),
    "archive": lambda resource, topic: resource_services.resource_archive(resources=[resource]),
    "feature": lambda resource, topic: resource_services.resource_set_featured(resources=[resource], featured=True),
    "tag with a practice (bulk_create)": lambda resource, topic: resource_services.resource_set_practices(
        resource=resource, practices=[Practice.POLICY, Practice.MHFA]
    ),
    "untag a practice": lambda resource, topic: resource_services.resource_set_practices(
        resource=resource, practices=[]
    ),
    "add a topic": lambda resource, topic: resource.topics.add(topic),
    "remove a topic": lambda resource, topic: resource.topics.remove(*resource.topics.all()),
    "clear the audiences": lambda resource, topic: resource.audiences.clear(),
    "rename a topic": lambda resource, topic: Topic.objects.filter(pk=topic.pk).first().save(),
    "delete topics in bulk (admin action)": lambda resource, topic: Topic.objects.filter(pk=topic.pk).delete(),
    "delete a resource": lambda resource, topic: resource.delete(),
    "mark superseded": lambda resource, topic: resource_services.resource_mark_superseded(
        resource=resource, superseded_by=Resource.objects.exclude(pk=resource.pk).first()
    ),
    "import_resources": lambda resource, topic: _import_one_row(),
    "load_seed": lambda resource, topic: call_command("load_seed", stdout=io.StringIO()),
}


@pytest.mark.parametrize("write", CATALOG_WRITES.values(), ids=CATALOG_WRITES.keys())
def test_every_kind_of_catalog_write_raises_the_catalog_version(committed, write):
    with committed():
        resource = ResourceFactory(status=Resource.Status.DRAFT, practices=[Practice.POLICY])
        ResourceFactory(title="Another resource")
        topic = TopicFactory(name="A topic nobody uses")
        resource.topics.add(TopicFactory(name="A topic in use"))

    assert raises_version_once(CATALOG, committed, lambda: write(resource, topic))


# --- Every kind of pledge write ------------------------------------------------------------------


def _lapse_overdue_pledge():
    PledgeFactory(approved=True, deadline=timezone.localdate() - datetime.timedelta(days=1))
    call_command("send_pledge_reminders", stdout=io.StringIO(), stderr=io.StringIO())


def _record_progress():
    pledge_services.pledge_record_progress(
        pledge=PledgeFactory(approved=True), practice=Practice.POLICY, policy_adopted_on=timezone.localdate()
    )


def _extend_deadline():
    pledge = PledgeFactory(approved=True)
    pledge_services.pledge_extend_deadline(
        pledge=pledge,
        actor=ReviewerFactory(),
        new_deadline=pledge.deadline + datetime.timedelta(days=90),
        reason="Budget delays.",
    )


PLEDGE_WRITES = {
    "submit a pledge": lambda: pledge_services.pledge_submit(agency_data=agency_data(), pledge_data=pledge_data()),
    "approve a pledge": lambda: pledge_services.pledge_approve(
        pledge=PledgeFactory(email_verified=True), actor=ReviewerFactory()
    ),
    "record progress": _record_progress,
    "extend a deadline": _extend_deadline,
    "edit an agency": lambda: AgencyFactory().save(),
    "lapse overdue pledges (send_pledge_reminders)": _lapse_overdue_pledge,
    "load_demo_pledges": lambda: call_command("load_demo_pledges", stdout=io.StringIO()),
}


@pytest.mark.parametrize("write", PLEDGE_WRITES.values(), ids=PLEDGE_WRITES.keys())
def test_every_kind_of_pledge_write_raises_the_pledges_version(committed, write):
    assert raises_version_once(PLEDGES, committed, write)


def test_the_demo_pledges_bump_although_their_progress_is_bulk_created(committed):
    before = version(PLEDGES)
    with committed():
        call_command("load_demo_pledges", stdout=io.StringIO())
    assert version(PLEDGES) == before + 1
    assert Pledge.objects.filter(is_demo=True).exists()


def test_a_rate_limit_hit_raises_nothing(committed, rf):
    before = version(PLEDGES)
    with committed():
        RateLimiter(PLEDGE_SUBMISSIONS, rf.post("/pledge/")).attempt()
    assert RateLimitHit.objects.exists()
    assert version(PLEDGES) == before


def test_migrate_raises_every_version(committed):
    before = (version(CATALOG), version(PLEDGES))
    with committed():
        call_command("migrate", verbosity=0)
    assert (version(CATALOG), version(PLEDGES)) == (before[0] + 1, before[1] + 1)
