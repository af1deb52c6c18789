"""The audit trail: who changed what, when, from what to what; where staff read it; who may read what."""

import re

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import urlencode

from audit.services import field_changes, record_changes
from clearinghouse import content_versions
from clearinghouse.one_mind import Practice
from pledges import services, tokens
from pledges.models import Pledge, PracticeProgress
from resources.importing import import_resources
from resources.models import Resource
from resources.search.documents import refresh_search_tags
from tests.pledges.factories import UserFactory, ensure_pledge_reviewers_group, pledge_in_status
from tests.resources.factories import ResourceFactory, ResourceKindFactory, TopicFactory, ensure_curators_group

pytestmark = pytest.mark.django_db

TRAIL = reverse("admin:audit_audittrailentry_changelist")
CONTACT_EMAIL = "casey.morgan@springfield.example.org"
NEW_CONTACT_EMAIL = "jordan.lee@springfield.example.org"
Status = Pledge.Status


def text_of(response):
    """The page's text as a reader sees it: tags removed, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" :", ":")


def text_of_html(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":")


def client_for(client, user):
    client.force_login(user)
    return client


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


@pytest.fixture
def curator():
    user = UserFactory(username="curator")
    user.groups.add(ensure_curators_group())
    return user


@pytest.fixture
def reviewer():
    user = UserFactory(username="reviewer")
    user.groups.add(ensure_pledge_reviewers_group())
    return user


@pytest.fixture
def no_contact_reviewer():
    """Staff who review pledges without the permission to see contact details."""
    user = UserFactory(username="no-contact")
    codenames = ("view_pledge", "change_pledge", "view_agency", "view_practiceprogress")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="pledges", codename__in=codenames))
    return user


@pytest.fixture
def report_kind():
    return ResourceKindFactory(slug="report", name="Report", plural_name="Reports")


def resource_form_data(resource, **overrides):
    data = {
        "title": resource.title,
        "slug": resource.slug,
        "summary": resource.summary,
        "body": resource.body,
        "caution_note": "",
        "kind": resource.kind_id,
        "topics": [topic.pk for topic in resource.topics.all()],
        "audiences": [],
        "practices": [],
        "external_url": resource.external_url,
        "year_adopted": "",
        "adopted_on": "",
        "identifier": "",
        "submitting_committee": "",
        "adopting_conference": "",
        "sunset_date": "",
        "publisher": resource.publisher,
        "partners": "",
        "year_published": resource.year_published or "",
        "status": resource.status,
        "superseded_by": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def contact_change_form(pledge, **overrides):
    """The pledge change form as a reviewer with the contact permission posts it."""
    data = {
        "target_months": pledge.target_months,
        "chief_executive_name": pledge.chief_executive_name,
        "chief_executive_title": pledge.chief_executive_title,
        "contact_name": pledge.contact_name,
        "contact_title": pledge.contact_title,
        "contact_email": pledge.contact_email,
        "contact_phone": pledge.contact_phone,
        "_save": "Save",
    }
    for prefix in ("practices", "transitions", "deadline_extensions", "progress_reports"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


# --- Catalog: admin edits, many-to-many links, practices ------------------------------------------------


def test_an_admin_edit_of_a_resource_records_the_curator_and_each_field_from_what_to_what(client, curator, report_kind):
    resource = ResourceFactory(kind=report_kind, title="Crisis response guide", publisher="IACP")

    response = client_for(client, curator).post(
        reverse("admin:resources_resource_change", args=[resource.pk]),
        resource_form_data(resource, title="Crisis response field guide", publisher="IACP and NAMI"),
    )

    assert response.status_code == 302
    entry = entries_for(resource).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == curator
    assert entry.changes == {
        "title": ["Crisis response guide", "Crisis response field guide"],
        "publisher": ["IACP", "IACP and NAMI"],
    }
    history = text_of(client.get(history_url(resource)))
    assert "Title: Crisis response guide → Crisis response field guide" in history
    assert "Publisher: IACP → IACP and NAMI" in history
    assert "curator" in history


def test_a_change_of_topics_and_practices_is_recorded_on_the_resource(client, curator, report_kind):
    resource = ResourceFactory(kind=report_kind)
    topic = TopicFactory(name="Co-responder programs")

    client_for(client, curator).post(
        reverse("admin:resources_resource_change", args=[resource.pk]),
        resource_form_data(resource, topics=[topic.pk], practices=[Practice.CIT]),
    )

    changes = [entry.changes for entry in entries_for(resource).filter(actor=curator)]
    assert {"topics": {"type": "m2m", "operation": "add", "objects": ["Co-responder programs"]}} in changes
    assert {"practices": {"type": "m2m", "operation": "add", "objects": [Practice.CIT.label]}} in changes
    history = text_of(client.get(history_url(resource)))
    assert "Topics: added Co-responder programs" in history
    assert f"One Mind practices: added {Practice.CIT.label}" in history


def test_an_admin_action_records_its_actor_through_the_service(client, curator, report_kind):
    resource = ResourceFactory(kind=report_kind, status=Resource.Status.DRAFT)

    client_for(client, curator).post(
        reverse("admin:resources_resource_changelist"), {"action": "publish", "_selected_action": [resource.pk]}
    )

    entry = entries_for(resource).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == curator
    assert entry.changes["status"] == ["draft", "published"]


# --- Pledges: services called from the admin, public and system changes ------------------------------------


def test_approving_a_pledge_with_the_admin_action_records_the_reviewer_and_the_status_change(client, reviewer):
    pledge = pledge_in_status(Status.EMAIL_VERIFIED)

    response = client_for(client, reviewer).post(
        reverse("admin:pledges_pledge_changelist"), {"action": "approve_selected", "_selected_action": [pledge.pk]}
    )

    assert response.status_code == 302
    entry = entries_for(pledge).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == reviewer
    assert entry.changes["status"] == ["email_verified", "approved"]
    assert "approved_at" in entry.changes
    assert "deadline" in entry.changes
    # The nonce of the private link is a secret: never in the trail.
    assert "progress_link_nonce" not in entry.changes
    history = text_of(client.get(history_url(pledge)))
    assert "Status: Email verified → Approved" in history


def test_verifying_a_practice_is_on_the_pledges_history_page(client, reviewer):
    pledge = pledge_in_status(Status.APPROVED)
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.PARTNERSHIP)
    PracticeProgress.objects.filter(pk=progress.pk).update(
        partner_organizations="County Behavioral Health", agreement_date="2025-01-05"
    )

    client_for(client, reviewer).post(
        reverse("admin:pledges_pledge_verify_practice", args=[pledge.pk]), {"practice": Practice.PARTNERSHIP}
    )

    entry = entries_for(progress).filter(actor=reviewer).get()
    assert entry.changes["verified_by"] == ["None", "reviewer"]
    assert entry.additional_data == {"pledge_id": pledge.pk}
    assert "Verified by: (empty) → reviewer" in text_of(client.get(history_url(pledge)))


def test_a_change_by_the_agency_through_its_private_link_is_labelled_as_the_public_website(client):
    pledge = pledge_in_status(Status.APPROVED, agency__sworn_officers=100)
    token = tokens.make_progress_token(pledge)

    client.post(
        reverse("pledges:progress_report", kwargs={"token": token, "practice": "mhfa"}), {"mhfa-sworn_trained": "40"}
    )

    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.MHFA)
    entry = entries_for(progress).get()
    assert entry.actor is None
    assert entry.additional_data["source"] == "public website (not signed in)"
    assert entry.changes["sworn_trained"] == ["None", "40"]


def test_a_change_by_the_daily_job_has_no_actor_and_reads_system(admin_client):
    pledge = pledge_in_status(Status.APPROVED)
    Pledge.objects.filter(pk=pledge.pk).update(deadline="2020-01-31")
    pledge.refresh_from_db()

    services.pledge_mark_lapsed(pledge=pledge)

    entry = entries_for(pledge).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor is None
    response = admin_client.get(TRAIL + f"?content_type={ContentType.objects.get_for_model(Pledge).pk}")
    row = next(row for row in response.content.decode().split("<tr") if "Approved → Lapsed" in text_of_html(row))
    assert '<td class="field-changed_by">system</td>' in row


# --- Contact details: only with pledges.view_pledge_contact --------------------------------------------------


@pytest.fixture
def pledge_with_changed_contact(client, reviewer):
    pledge = pledge_in_status(Status.SUBMITTED, contact_email=CONTACT_EMAIL)
    response = client_for(client, reviewer).post(
        reverse("admin:pledges_pledge_change", args=[pledge.pk]),
        contact_change_form(pledge, contact_email=NEW_CONTACT_EMAIL),
    )
    assert response.status_code == 302
    client.logout()
    return pledge


def test_a_reviewer_with_the_contact_permission_sees_the_contact_change(client, reviewer, pledge_with_changed_contact):
    history = text_of(client_for(client, reviewer).get(history_url(pledge_with_changed_contact)))

    assert f"{CONTACT_EMAIL} → {NEW_CONTACT_EMAIL}" in history
    assert NEW_CONTACT_EMAIL in text_of(client.get(TRAIL))
    assert client.get(TRAIL + "?q=jordan.lee").context["cl"].result_count == 1


def test_a_reviewer_without_the_contact_permission_sees_it_masked(
    client, no_contact_reviewer, pledge_with_changed_contact
):
    client_for(client, no_contact_reviewer)
    history = client.get(history_url(pledge_with_changed_contact))
    trail = client.get(TRAIL)

    for response in (history, trail):
        page = text_of(response)
        assert response.status_code == 200
        assert "Contact’s email address: (hidden) → (hidden)" in page
        assert CONTACT_EMAIL not in page
        assert NEW_CONTACT_EMAIL not in page
    # Nor can the values be found by searching or filtering on them.
    assert client.get(TRAIL + "?q=jordan.lee").context["cl"].result_count == 0
    assert client.get(TRAIL + "?changes__icontains=jordan").status_code == 400
    entry = LogEntry.objects.get_for_object(pledge_with_changed_contact).get(
        action=LogEntry.Action.UPDATE, changes__has_key="contact_email"
    )
    assert text_of(client.get(reverse("admin:audit_audittrailentry_change", args=[entry.pk]))).count("(hidden)") == 2


def test_a_curator_sees_the_catalogs_trail_and_nothing_of_the_pledges(
    client, curator, pledge_with_changed_contact, report_kind
):
    resource = ResourceFactory(kind=report_kind, title="Crisis response guide")
    pledge_entry = LogEntry.objects.get_for_object(pledge_with_changed_contact).first()
    client_for(client, curator)

    trail = client.get(TRAIL)
    models = {entry.content_type.model for entry in trail.context["cl"].result_list}

    assert trail.status_code == 200
    assert "resource" in models
    assert models <= {"resource", "resourcekind", "topic", "audience", "searchsynonym"}
    assert "Crisis response guide" in text_of(trail)
    page = text_of(trail)
    assert CONTACT_EMAIL not in page
    assert NEW_CONTACT_EMAIL not in page
    assert pledge_with_changed_contact.agency.name not in page
    assert client.get(TRAIL + "?q=jordan").context["cl"].result_count == 0
    assert client.get(reverse("admin:audit_audittrailentry_change", args=[pledge_entry.pk])).status_code == 404
    assert client.get(history_url(pledge_with_changed_contact)).status_code == 403
    assert resource.pk


# --- Staff accounts -----------------------------------------------------------------------------------------


def test_users_and_group_membership_and_permissions_are_recorded(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "new-curator",
            "password1": "a long new password 1",
            "password2": "a long new password 1",
            "usable_password": "true",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    user = UserFactory._meta.model.objects.get(username="new-curator")
    group = Group.objects.create(name="Editors")
    with set_actor(admin_user):
        user.groups.add(ensure_curators_group())
    permission = Permission.objects.get(codename="view_resource")
    admin_client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "Editors", "permissions": [permission.pk]}
    )

    created = entries_for(user).get(action=LogEntry.Action.CREATE)
    assert created.actor == admin_user
    assert created.changes["password"] == ["(hidden)", "(hidden)"]
    membership = entries_for(user).get(action=LogEntry.Action.UPDATE)
    assert membership.changes == {"groups": {"type": "m2m", "operation": "add", "objects": ["Curators"]}}
    assert membership.actor == admin_user
    permissions = entries_for(group).get(changes__has_key="permissions")
    assert permissions.actor == admin_user
    assert permissions.changes["permissions"]["objects"] == [str(permission)]
    assert "Groups: added Curators" in text_of(admin_client.get(history_url(user)))


def test_a_login_does_not_add_an_entry(client, curator):
    before = LogEntry.objects.count()

    client.post(reverse("admin:login"), {"username": "curator", "password": "a-long-test-password"})

    assert client.get(reverse("admin:index")).status_code == 200
    assert LogEntry.objects.count() == before


# --- The list: search and filters ------------------------------------------------------------------------------


def test_the_list_finds_entries_by_actor_object_model_and_date(admin_client, curator, reviewer, report_kind):
    guide = ResourceFactory(kind=report_kind, title="Crisis response guide")
    other = ResourceFactory(kind=report_kind, title="Training curriculum")
    with set_actor(curator):
        guide.summary = "Revised."
        guide.save()
    with set_actor(reviewer):
        other.summary = "Revised too."
        other.save()

    def found(query):
        return {
            (entry.object_repr, entry.actor_id) for entry in admin_client.get(TRAIL + query).context["cl"].result_list
        }

    by_curator = found("?q=curator")
    assert ("Crisis response guide", curator.pk) in by_curator
    assert ("Training curriculum", reviewer.pk) not in by_curator
    assert found("?q=training+curriculum") >= {("Training curriculum", reviewer.pk)}
    assert found(f"?actor={reviewer.pk}") == {("Training curriculum", reviewer.pk)}
    resource_type = ContentType.objects.get_for_model(Resource).pk
    assert {name for name, _actor in found(f"?content_type={resource_type}&object_id={guide.pk}")} == {
        "Crisis response guide"
    }
    # As the date filter's own links give them: aware times.
    assert (
        found(
            "?"
            + urlencode({"timestamp__gte": "2000-01-01 00:00:00+00:00", "timestamp__lt": "2000-01-02 00:00:00+00:00"})
        )
        == set()
    )
    assert len(found("?" + urlencode({"timestamp__gte": "2000-01-01 00:00:00+00:00"}))) >= 4
    # Nonsense in the query string is refused or finds nothing, never a 500.
    assert admin_client.get(TRAIL + "?object_id=abc").status_code == 302  # Django's "?e=1" page
    for nonsense in ("?actor=%01", "?actor=²", "?content_type=99999999999999999999", "?action__exact=x", "?q=%00%01"):
        assert admin_client.get(TRAIL + nonsense).status_code == 200, nonsense
    assert admin_client.get(TRAIL + "?actor=²").context["cl"].result_count == 0
    assert admin_client.get(reverse("admin:audit_audittrailentry_change", args=["²"])).status_code == 404
    assert admin_client.get(TRAIL + "?serialized_data__isnull=True").status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_bounded_number_of_queries(
    admin_client, admin_user, report_kind, count, django_assert_max_num_queries
):
    with set_actor(admin_user):
        for number in range(count):
            ResourceFactory(kind=report_kind, title=f"Guide {number}", topics=[TopicFactory()])

    # Session, user, the page's rows, their count, the actor filter's users (content types are cached).
    with django_assert_max_num_queries(7):
        response = admin_client.get(TRAIL)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_a_history_page_runs_a_bounded_number_of_queries(
    admin_client, admin_user, count, django_assert_max_num_queries
):
    pledge = pledge_in_status(Status.APPROVED)
    progress = PracticeProgress.objects.get(pledge=pledge, practice=Practice.CIT)
    with set_actor(admin_user):
        for number in range(count):
            progress.sworn_trained = number + 1
            progress.save()

    with django_assert_max_num_queries(9):
        response = admin_client.get(history_url(pledge))

    assert response.status_code == 200


# --- Bulk paths: the import records, derived fields do not ---------------------------------------------------------

IMPORT_CSV = (
    "title,kind,summary,external_url,topics,practices,status\n"
    "Crisis response guide,Report,How to respond.,https://example.org/guide,Co-responder programs,cit,draft\n"
    "Training curriculum,Report,What to teach.,https://example.org/training,,,published\n"
)


def test_an_import_records_each_resource_it_creates_by_the_curator(curator, report_kind):
    TopicFactory(name="Co-responder programs")

    result = import_resources(IMPORT_CSV, actor=curator)

    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Resource))
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(result.created_ids)
    guide = entries.get(object_repr="Crisis response guide")
    assert guide.actor == curator
    assert guide.action == LogEntry.Action.CREATE
    assert guide.changes["title"] == ["None", "Crisis response guide"]
    assert guide.changes["kind"] == ["None", "Report"]
    assert guide.changes["topics"] == {"type": "m2m", "operation": "add", "objects": ["Co-responder programs"]}
    assert guide.changes["practices"]["objects"] == [Practice.CIT.label]


def test_the_import_command_labels_its_entries_or_records_the_staff_login_given(tmp_path, curator, report_kind):
    TopicFactory(name="Co-responder programs")
    path = tmp_path / "import.csv"
    path.write_text(IMPORT_CSV)

    call_command("import_resources", str(path), "--no-progress")
    imported = LogEntry.objects.filter(action=LogEntry.Action.CREATE, content_type__model="resource", actor=None)
    labels = {entry.additional_data["source"] for entry in imported}
    Resource.objects.all().delete()
    call_command("import_resources", str(path), "--no-progress", "--actor", "curator")

    assert labels == {"import_resources command"}
    assert LogEntry.objects.filter(actor=curator, action=LogEntry.Action.CREATE).count() == 2


def test_a_refused_or_dry_run_import_leaves_no_entries(report_kind):
    before = LogEntry.objects.count()

    import_resources(IMPORT_CSV, dry_run=True)
    import_resources(IMPORT_CSV + "Bad row,Unknown kind,,,,,\n")

    assert LogEntry.objects.count() == before


def test_derived_fields_and_bulk_refreshes_add_no_entries(report_kind):
    resource = ResourceFactory(kind=report_kind, topics=[TopicFactory()])
    pledge = pledge_in_status(Status.APPROVED)
    before = LogEntry.objects.count()

    refresh_search_tags([resource.pk])
    resource.search_tags = "recomputed"
    resource.save(update_fields=["search_tags"])
    resource.refresh_from_db()
    resource.save()  # Nothing changed: the database trigger rewrites the search vector, not recorded.
    services.refresh_roster_entry(agency_id=pledge.agency_id)
    agency = pledge.agency
    agency.save()
    content_versions.bump(content_versions.CATALOG)

    assert LogEntry.objects.count() == before


def test_a_bulk_writer_records_its_updates_with_record_changes(curator, report_kind):
    # What a bulk update (the curators' CSV round trip) does: compare, write in bulk, record.
    resource = ResourceFactory(kind=report_kind, title="Old title", publisher="IACP")
    old = {"title": resource.title, "publisher": resource.publisher, "search_tags": "old tags"}
    new = {"title": "New title", "publisher": "IACP", "search_tags": "new tags"}
    unchanged = ResourceFactory(kind=report_kind)

    entries = record_changes(
        [
            (resource, field_changes(old, new, model=Resource)),
            (unchanged, field_changes({"title": "Same"}, {"title": "Same"}, model=Resource)),
        ],
        actor=curator,
    )

    assert len(entries) == 1
    entry = entries_for(resource).get(action=LogEntry.Action.UPDATE)
    # The derived search tags are left out; unchanged fields and objects are not recorded.
    assert entry.changes == {"title": ["Old title", "New title"]}
    assert entry.actor == curator
