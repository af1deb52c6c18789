"""The curators' round trip: export in the import format, edit cells, dry run, import; only the edits apply."""

import csv
import io

import pytest
from auditlog.models import LogEntry as AuditLogEntry
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from resources.importing import import_resources
from resources.models import Resource
from resources.roundtrip_admin import import_format_lines
from tests.pledges.factories import UserFactory
from tests.resources.factories import AudienceFactory, ResolutionFactory, ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

ROUND_TRIP_URL = reverse("admin:resources_resource_round_trip")


@pytest.fixture
def catalog():
    training = TopicFactory(slug="training", name="Training")
    TopicFactory(slug="legislation", name="Legislation")
    officers = AudienceFactory(slug="officers", name="Officers")
    ResourceFactory(title="CIT curriculum", topics=[training], audiences=[officers], practices=["cit"])
    ResourceFactory(title="Policy guide", status=Resource.Status.DRAFT, publisher="IACP")
    ResolutionFactory(title="A resolution", year_adopted=2014)


def exported():
    text = "".join(import_format_lines(Resource.objects.all())).removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def as_csv(rows, columns=None):
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def normalized(row):
    """A row with its lists in a fixed order (the export lists terms in the vocabulary's order)."""
    lists = ("topics", "audiences", "practices", "partners")
    return {column: "; ".join(sorted(cell.split("; "))) if column in lists else cell for column, cell in row.items()}


def snapshot():
    """Every resource as the import format sees it, and when each last changed."""
    return (
        {row["slug"]: normalized(row) for row in exported()},
        dict(Resource.objects.values_list("slug", "updated_at")),
    )


def test_an_unedited_export_changes_nothing(catalog):
    before, _times = snapshot()
    result = import_resources(as_csv(exported()), update_existing=True)
    assert result.invalid_rows == []
    assert [row.changes for row in result.updated_rows] == [{}, {}, {}]
    assert result.updated_ids == []
    assert result.created_ids == []
    assert snapshot()[0] == before


def test_edited_cells_and_only_they_are_applied_after_a_dry_run(catalog):
    trail_before = AuditLogEntry.objects.count()
    trail_before_pk = AuditLogEntry.objects.order_by("pk").last().pk
    rows = exported()
    before, times = snapshot()
    by_slug = {row["slug"]: row for row in rows}
    by_slug["cit-curriculum"]["title"] = "CIT curriculum, 2nd edition"
    by_slug["cit-curriculum"]["topics"] = "training; legislation"
    by_slug["policy-guide"]["status"] = "published"
    by_slug["a-resolution"]["practices"] = "policy"
    rows.append({**dict.fromkeys(rows[0], ""), "title": "Brand new", "kind": "report",
                 "summary": "New.", "external_url": "https://example.org/new"})  # fmt: skip
    file = as_csv(rows)

    dry = import_resources(file, update_existing=True, dry_run=True)
    changes = {row.slug: row.changes for row in dry.updated_rows if row.changes}
    assert changes == {
        "cit-curriculum": {
            "title": ["CIT curriculum", "CIT curriculum, 2nd edition"],
            "topics": ["training", "training; legislation"],
        },
        "policy-guide": {"status": ["draft", "published"]},
        "a-resolution": {"practices": ["", "policy"]},
    }
    assert dry.created_count == 1
    assert snapshot() == (before, times)  # A dry run saves nothing.

    result = import_resources(file, update_existing=True)
    assert len(result.created_ids) == 1
    assert sorted(Resource.objects.filter(pk__in=result.updated_ids).values_list("slug", flat=True)) == [
        "a-resolution", "cit-curriculum", "policy-guide",
    ]  # fmt: skip
    after, after_times = snapshot()
    assert after.pop("brand-new")["status"] == "draft"
    for slug, row in after.items():
        expected = dict(before[slug])
        for column, (_old, new) in changes.get(slug, {}).items():
            expected[column] = new
        assert row == normalized(expected), slug
    assert after_times["cit-curriculum"] > times["cit-curriculum"]
    policy_guide = Resource.objects.get(slug="policy-guide")
    assert policy_guide.published_at is not None  # Published through save(): what it derives is set.
    assert Resource.objects.filter(slug="cit-curriculum", topics__slug="legislation").exists()
    # The trail has the edits (labelled with the import as their source, no one being signed in).
    cit = Resource.objects.get(slug="cit-curriculum")
    cit_entries = AuditLogEntry.objects.get_for_object(cit).filter(pk__gt=trail_before_pk)
    assert any(entry.changes.get("title") == ["CIT curriculum", "CIT curriculum, 2nd edition"] for entry in cit_entries)
    assert any("topics" in entry.changes for entry in cit_entries)
    assert AuditLogEntry.objects.count() > trail_before


def test_only_the_columns_present_are_updated(catalog):
    result = import_resources("slug,publisher\ncit-curriculum,NAMI\n", update_existing=True)
    assert result.invalid_rows == []
    resource = Resource.objects.get(slug="cit-curriculum")
    assert resource.publisher == "NAMI"
    assert resource.title == "CIT curriculum"
    assert list(resource.topics.values_list("slug", flat=True)) == ["training"]


def test_bad_cells_are_reported_per_row_and_nothing_is_saved(catalog):
    file = (
        "slug,title,year_published,topics,status\n"
        "cit-curriculum,New title,1700,,published\n"
        "policy-guide,,2020,nope,gone\n"
    )
    result = import_resources(file, update_existing=True)
    errors = {row.row_number: row.errors for row in result.invalid_rows}
    assert errors[2] == ["year_published: 1700 is not a plausible year (1893 to 2100)."]
    assert "title: missing." in errors[3]
    assert "Unknown topic “nope”." in errors[3]
    assert any(error.startswith("status: “gone”") for error in errors[3])
    assert Resource.objects.get(slug="cit-curriculum").title == "CIT curriculum"  # all or nothing


def test_a_resource_updated_twice_in_one_file_is_an_error(catalog):
    result = import_resources("slug,publisher\ncit-curriculum,A\ncit-curriculum,B\n", update_existing=True)
    assert result.invalid_rows[0].errors == ["slug: “cit-curriculum” is also updated by row 2."]


def test_without_update_an_existing_slug_is_still_refused(catalog):
    file = "title,slug,kind,summary,external_url\nX,cit-curriculum,report,S,https://example.org/x\n"
    result = import_resources(file)
    assert "already exists" in result.invalid_rows[0].errors[0]


def test_the_commands_export_and_update_with_a_dry_run_report(catalog, tmp_path, capsys):
    UserFactory(username="curator-cli", is_staff=True)
    path = tmp_path / "resources.csv"
    call_command("export_resources", str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3
    rows[0]["publisher"] = "Edited publisher"
    path.write_text(as_csv(rows), encoding="utf-8")
    call_command("import_resources", str(path), "--update", "--dry-run")
    output = capsys.readouterr().out
    assert f"({rows[0]['slug']}) would change:" in output
    assert "publisher: " in output
    assert "1 resource would change, 2 unchanged, 0 new resources." in output
    last_entry = AuditLogEntry.objects.order_by("pk").last().pk
    call_command("import_resources", str(path), "--update", "--actor", "curator-cli")
    edited = Resource.objects.get(slug=rows[0]["slug"])
    assert edited.publisher == "Edited publisher"
    trail = AuditLogEntry.objects.filter(pk__gt=last_entry).get()  # One entry: the one change.
    assert trail.object_pk == str(edited.pk)
    assert trail.actor.username == "curator-cli"
    assert trail.changes["publisher"][1] == "Edited publisher"
    path.write_text("slug,year_published\ncit-curriculum,abc\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_resources", str(path), "--update")


@pytest.fixture
def curator(client):
    user = UserFactory(username="curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


def test_curators_export_upload_check_and_confirm_in_the_admin(client, catalog, curator):
    changelist = reverse("admin:resources_resource_changelist")
    assert ROUND_TRIP_URL in client.get(changelist).content.decode()
    ids = list(Resource.objects.values_list("pk", flat=True))
    response = client.post(changelist, {"action": "export_for_editing", "_selected_action": ids})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    next(row for row in rows if row["slug"] == "policy-guide")["summary"] = "A better summary."

    upload = SimpleUploadedFile("edited.csv", as_csv(rows).encode("utf-8"), content_type="text/csv")
    report = client.post(ROUND_TRIP_URL, {"csv_file": upload})
    page = report.content.decode()
    assert "A better summary." in page
    assert "Nothing has been saved" in page
    assert Resource.objects.get(slug="policy-guide").summary != "A better summary."

    last_entry = AuditLogEntry.objects.order_by("pk").last().pk
    confirmed = client.post(ROUND_TRIP_URL, {"upload": report.context["upload"]})
    assert confirmed.status_code == 302
    policy_guide = Resource.objects.get(slug="policy-guide")
    assert policy_guide.summary == "A better summary."
    # The resource's history says who changed what.
    history = LogEntry.objects.get(object_id=str(policy_guide.pk))
    assert history.user == curator
    assert history.get_change_message() == "Changed Summary."
    assert LogEntry.objects.count() == 1  # The resources left as they were have no entry.
    # And the audit trail has the change, by the curator, with the old and new values.
    trail = AuditLogEntry.objects.filter(pk__gt=last_entry).get()  # Only the edited resource has one.
    assert trail.object_pk == str(policy_guide.pk)
    assert trail.actor == curator
    assert trail.changes == {"summary": ["A short plain-text summary of the resource.", "A better summary."]}
    again = client.post(ROUND_TRIP_URL, {"upload": report.context["upload"]}, follow=True)
    assert "already imported" in again.content.decode()


def test_the_admin_report_lists_problems_and_offers_no_confirmation(client, catalog, curator):
    upload = SimpleUploadedFile("bad.csv", b"slug,year_published\ncit-curriculum,abc\n", content_type="text/csv")
    page = client.post(ROUND_TRIP_URL, {"csv_file": upload}).content.decode()
    assert "year_published: “abc” is not a year." in page
    assert 'name="upload"' not in page


def test_staff_who_are_not_curators_cannot_use_the_round_trip(client, catalog):
    client.force_login(UserFactory(username="reviewer", is_staff=True))
    assert client.get(ROUND_TRIP_URL).status_code == 403
