"""CSV bulk import: every bad row reported with its spreadsheet row number; all or nothing unless told otherwise."""

import datetime
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import QueryDict

from benchmarks.import_sample import write_import_csv
from clearinghouse.one_mind import Practice
from resources import importing
from resources.filters import ResourceFilterSet
from resources.importing import ImportFileError, decode_csv, import_resources, read_resource_csv
from resources.models import Resource, ResourcePractice
from resources.search import search_resources
from tests.resources.factories import ResourceFactory, ensure_seeded_vocabularies

pytestmark = pytest.mark.django_db

EXAMPLE_CSV = Path(__file__).resolve().parents[2] / "resources" / "seed" / "example-import.csv"

HEADER = "title,slug,kind,summary,topics,audiences,practices,partners,year_published,external_url,year_adopted,status"


@pytest.fixture(autouse=True)
def vocabularies():
    ensure_seeded_vocabularies()


def csv_text(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


GOOD_REPORT = (
    "Crisis calls in rural counties,,Report,A short summary.,policy;Partnerships,Leadership,"
    "partnership;cit,JEHT Foundation;SAMHSA,2019,https://example.org/rural,,"
)
GOOD_RESOLUTION = (
    "Support for crisis lines,crisis-lines-resolution,resolution,Backs crisis lines.,988-and-911,,,,,"
    "https://example.org/resolution,2022,published"
)


def write_csv(tmp_path, text, *, encoding="utf-8"):
    path = tmp_path / "resources.csv"
    path.write_bytes(text.encode(encoding))
    return path


def run_import(path, *args):
    """Run the command; its output, error output and CommandError (None on success)."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command("import_resources", str(path), *args, stdout=out, stderr=err)
    except CommandError as raised:
        error = raised
    return SimpleNamespace(out=out.getvalue(), err=err.getvalue(), error=error)


def test_good_rows_are_imported_with_their_vocabularies_as_drafts():
    result = import_resources(csv_text(GOOD_REPORT, GOOD_RESOLUTION))

    assert len(result.created_ids) == 2
    report = Resource.objects.get(slug="crisis-calls-in-rural-counties")
    assert report.status == Resource.Status.DRAFT
    assert report.kind.slug == "report"
    assert set(report.topics.values_list("slug", flat=True)) == {"policy", "partnerships"}
    assert list(report.audiences.values_list("slug", flat=True)) == ["leadership"]
    assert set(report.practices) == {Practice.PARTNERSHIP, Practice.CIT}
    assert report.partner_list() == ["JEHT Foundation", "SAMHSA"]
    assert report.year_published == 2019
    resolution = Resource.objects.get(slug="crisis-lines-resolution")
    assert resolution.status == Resource.Status.PUBLISHED
    assert resolution.year_adopted == 2022


def test_imported_resources_are_stored_as_a_save_would_store_them():
    """bulk_create skips Resource.save(): the import must derive the same fields itself."""
    import_resources(csv_text(GOOD_REPORT, GOOD_RESOLUTION))

    draft_report = Resource.objects.get(slug="crisis-calls-in-rural-counties")
    published_resolution = Resource.objects.get(slug="crisis-lines-resolution")
    assert draft_report.published_at is None
    assert draft_report.sunset_date is None
    assert published_resolution.published_at is not None
    # Adopted in 2022, known only by year: in force until the end of 2027.
    assert published_resolution.sunset_date == datetime.date(2027, 12, 31)
    assert published_resolution.in_force is not None
    assert draft_report.file_size is None
    assert published_resolution in Resource.objects.published()


def good_rows(count, *, start=0, status="published"):
    return [
        f"Resource {n},,Report,Summary {n},policy;training,leadership,policy;cit,,2020,https://example.org/{n},,{status}"
        for n in range(start, start + count)
    ]


def test_published_rows_are_listed_newest_first_in_the_order_of_the_file(monkeypatch):
    """As when rows were saved one by one: each row is published a moment after the one above it."""
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 4)
    import_resources(csv_text(*good_rows(10)))

    newest_first = list(Resource.objects.published().values_list("title", flat=True))

    assert newest_first == [f"Resource {n}" for n in reversed(range(10))]


def test_rows_in_several_batches_are_all_imported_with_their_links_and_tags(monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 3)

    result = import_resources(csv_text(*good_rows(7)))

    assert len(result.created_ids) == 7
    assert sorted(result.created_ids) == sorted(Resource.objects.values_list("pk", flat=True))
    for resource in Resource.objects.all():
        assert set(resource.topics.values_list("slug", flat=True)) == {"policy", "training"}
        assert list(resource.audiences.values_list("slug", flat=True)) == ["leadership"]
        assert set(resource.practices) == {Practice.POLICY, Practice.CIT}


def test_a_bad_row_after_several_batches_leaves_nothing_imported(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 3)
    late_bad_row = "Late bad row,,Podcast,Summary,,,,,,https://example.org/late,,"
    path = write_csv(tmp_path, csv_text(*good_rows(8), late_bad_row, *good_rows(2, start=8)))

    outcome = run_import(path)

    assert "Nothing was imported" in str(outcome.error)
    assert "11 rows checked: 10 valid, 1 invalid." in str(outcome.error)
    assert "Row 10 (Late bad row): Unknown kind “Podcast”." in outcome.err
    assert Resource.objects.count() == 0
    assert Resource.topics.through.objects.count() == 0
    assert ResourcePractice.objects.count() == 0


def test_skip_invalid_imports_the_good_rows_of_every_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 3)
    bad_row = "Bad row,,Podcast,Summary,,,,,,https://example.org/bad,,"
    path = write_csv(tmp_path, csv_text(*good_rows(4), bad_row, *good_rows(4, start=4)))

    outcome = run_import(path, "--skip-invalid")

    assert "Imported 8 resources. Skipped 1 invalid row." in outcome.out
    assert Resource.objects.count() == 8
    assert ResourcePractice.objects.count() == 16


def test_a_dry_run_over_several_batches_saves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 3)
    path = write_csv(tmp_path, csv_text(*good_rows(7)))

    outcome = run_import(path, "--dry-run")

    assert "7 rows checked: 7 valid, 0 invalid. Dry run: nothing was saved." in outcome.out
    assert Resource.objects.count() == 0


def test_a_slug_repeated_in_a_later_batch_is_reported_against_its_first_row(monkeypatch):
    """The first row was written in an earlier batch of the same import: it is not "already in the catalog"."""
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 2)
    text = csv_text(GOOD_RESOLUTION, *good_rows(3), GOOD_RESOLUTION)

    result = import_resources(text)

    (repeated,) = result.invalid_rows
    assert repeated.row_number == 6
    assert repeated.errors == ["slug: “crisis-lines-resolution” is also used by row 2."]
    assert Resource.objects.count() == 0


def test_bytes_that_are_not_utf8_late_in_a_file_leave_nothing_imported(tmp_path, monkeypatch):
    # Far enough into the file that earlier batches are written before the bad bytes are read.
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 10)
    good = csv_text(*good_rows(300)).encode()
    assert len(good) > 3 * 8192  # beyond the first chunks the text reader decodes
    path = tmp_path / "resources.csv"
    path.write_bytes(good + "Café,,Report,Summary,,,,,,https://example.org/cafe,,\n".encode("cp1252"))

    outcome = run_import(path)

    assert "CSV UTF-8" in str(outcome.error)
    assert Resource.objects.count() == 0


def test_the_status_option_applies_to_rows_without_a_status():
    import_resources(csv_text(GOOD_REPORT), default_status=Resource.Status.PUBLISHED)

    assert Resource.objects.get().status == Resource.Status.PUBLISHED


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param(",,Report,Summary,,,,,,https://example.org/a,,", "title: missing.", id="missing-title"),
        pytest.param("A title,,Report,,,,,,,https://example.org/a,,", "summary: missing.", id="missing-summary"),
        pytest.param("A title,,Podcast,Summary,,,,,,https://example.org/a,,", "Unknown kind “Podcast”.", id="kind"),
        pytest.param("A title,,Report,Summary,Astrology,,,,,https://example.org/a,,", "Unknown topic", id="topic"),
        pytest.param("A title,,Report,Summary,,Aliens,,,,https://example.org/a,,", "Unknown audience", id="audience"),
        pytest.param("A title,,Report,Summary,,,yoga,,,https://example.org/a,,", "Unknown practice", id="practice"),
        pytest.param("A title,,Report,Summary,,,,,,,,", "files cannot be imported", id="no-url"),
        pytest.param("A title,,Report,Summary,,,,,,example dot org,,", "not a valid web address", id="bad-url"),
        pytest.param("A title,,Report,Summary,,,,,twenty,https://example.org/a,,", "is not a year", id="bad-year"),
        pytest.param("A title,,Report,Summary,,,,,1066,https://example.org/a,,", "not a plausible year", id="old-year"),
        pytest.param(
            "A title,,resolution,Summary,,,,,,https://example.org/a,,", "year_adopted: missing", id="resolution"
        ),
        pytest.param("A title,bad slug!,Report,Summary,,,,,,https://example.org/a,,", "slug:", id="bad-slug"),
        pytest.param("A title,,Report,Summary,,,,,,https://example.org/a,,archived", "status:", id="bad-status"),
    ],
)
def test_a_bad_row_is_reported_with_its_reason(row, reason):
    (checked,) = read_resource_csv(csv_text(row))

    assert checked.row_number == 2
    assert any(reason in error for error in checked.errors), checked.errors


def test_a_bad_identifier_is_reported_by_the_model_rules():
    header = "title,kind,summary,external_url,year_adopted,identifier"
    (checked,) = read_resource_csv(csv_text("A title,resolution,Summary,https://example.org/a,2014,bad", header=header))

    assert checked.errors == [
        "identifier: Use the IACP format: committee, number, letter and two-digit year, e.g. NDD.028.a07."
    ]


def test_a_slug_already_in_the_catalog_or_earlier_in_the_file_is_refused():
    ResourceFactory(slug="crisis-calls-in-rural-counties")
    text = csv_text(GOOD_REPORT, GOOD_RESOLUTION, GOOD_RESOLUTION)

    first, second, third = read_resource_csv(text)

    assert any("already exists" in error for error in first.errors)
    assert second.is_valid
    assert third.errors == ["slug: “crisis-lines-resolution” is also used by row 3."]


def test_nothing_is_imported_when_one_row_is_bad_and_every_bad_row_is_listed(tmp_path):
    bad_kind = "Bad kind,,Podcast,Summary,,,,,,https://example.org/bad,,"
    no_url = "No address,,Report,Summary,,,,,,,,"
    path = write_csv(tmp_path, csv_text(GOOD_REPORT, bad_kind, GOOD_RESOLUTION, no_url))

    outcome = run_import(path)

    assert Resource.objects.count() == 0
    assert outcome.error is not None
    assert "Nothing was imported" in str(outcome.error)
    assert "--skip-invalid to import the 2 valid rows" in str(outcome.error)
    assert "Row 3 (Bad kind): Unknown kind “Podcast”." in outcome.err
    assert "Row 5 (No address): external_url: missing." in outcome.err
    assert "Row 2" not in outcome.err


def test_skip_invalid_imports_the_good_rows(tmp_path):
    path = write_csv(tmp_path, csv_text(GOOD_REPORT, "Bad kind,,Podcast,Summary,,,,,,https://example.org/bad,,"))

    outcome = run_import(path, "--skip-invalid")

    assert outcome.error is None
    assert "Imported 1 resource. Skipped 1 invalid row." in outcome.out
    assert "Row 3 (Bad kind)" in outcome.err
    assert list(Resource.objects.values_list("slug", flat=True)) == ["crisis-calls-in-rural-counties"]


def test_a_dry_run_saves_nothing(tmp_path):
    path = write_csv(tmp_path, csv_text(GOOD_REPORT, GOOD_RESOLUTION))

    outcome = run_import(path, "--dry-run")

    assert outcome.error is None
    assert "2 rows checked: 2 valid, 0 invalid. Dry run: nothing was saved." in outcome.out
    assert Resource.objects.count() == 0


def test_row_numbers_follow_the_spreadsheet_across_blank_rows_and_multi_line_cells():
    multi_line = 'Multi-line,,Report,"A summary\nover two lines",,,,,,https://example.org/multi,,'
    text = csv_text(multi_line, ",,,,,,,,,,,", "Bad kind,,Podcast,Summary,,,,,,https://example.org/bad,,")

    rows = read_resource_csv(text)

    assert [row.row_number for row in rows] == [2, 4]
    assert rows[0].is_valid
    assert not rows[1].is_valid


def test_a_utf8_bom_from_excel_and_spreadsheet_headers_are_understood(tmp_path):
    header = "Title,Kind,Summary,External URL,Year published"
    text = csv_text("Café policy review,Report,Résumé,https://example.org/cafe,2021", header=header)
    path = write_csv(tmp_path, "\ufeff" + text)

    outcome = run_import(path)

    assert outcome.error is None
    assert Resource.objects.get().title == "Café policy review"


def test_a_missing_required_column_is_a_clear_error(tmp_path):
    path = write_csv(tmp_path, csv_text("A title,Report", header="title,kind"))

    outcome = run_import(path)

    assert "Required column(s) missing: summary, external_url" in str(outcome.error)


def test_an_unknown_column_is_a_clear_error():
    with pytest.raises(ImportFileError, match="Unknown column"):
        read_resource_csv(csv_text("A,Report,S,https://example.org,x", header="title,kind,summary,external_url,topic"))


@pytest.mark.parametrize("text", ["", "\ufeff", "   \n\n"])
def test_an_empty_file_is_a_clear_error(tmp_path, text):
    path = write_csv(tmp_path, text)

    outcome = run_import(path)

    assert "The file is empty." in str(outcome.error)


def test_a_header_without_rows_is_a_clear_error():
    with pytest.raises(ImportFileError, match="no resources"):
        read_resource_csv(csv_text())


def test_a_file_that_is_not_utf8_is_a_clear_error():
    with pytest.raises(ImportFileError, match="CSV UTF-8"):
        decode_csv(
            csv_text("Café,Report,S,https://example.org", header="title,kind,summary,external_url").encode("cp1252")
        )


def test_a_missing_file_is_a_clear_error(tmp_path):
    outcome = run_import(tmp_path / "nowhere.csv")

    assert "Cannot read" in str(outcome.error)


def test_the_example_csv_imports_cleanly():
    result = import_resources(decode_csv(EXAMPLE_CSV.read_bytes()))

    assert result.invalid_rows == []
    assert len(result.created_ids) == 2


def test_a_large_file_is_checked_with_a_bounded_number_of_queries(django_assert_max_num_queries):
    rows = [
        f"Resource {n},,Report,Summary,policy;training,leadership,policy,,2020,https://example.org/{n},,"
        for n in range(200)
    ]

    with django_assert_max_num_queries(5):
        checked = read_resource_csv(csv_text(*rows))

    assert all(row.is_valid for row in checked)


def test_an_import_makes_a_few_queries_per_batch_not_per_row(monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(importing, "IMPORT_BATCH_SIZE", 50)
    text = csv_text(*good_rows(200))

    # 3 vocabularies, the savepoint and its release, then 4 batches of at most 8: the slug check
    # and the inserts of resources (two statements on SQLite, which takes 999 parameters at most),
    # topic links, audience links and practice tags, the facet arrays (PostgreSQL) and the words
    # of "did you mean".
    with django_assert_max_num_queries(3 + 2 + 4 * 8):
        result = import_resources(text)

    assert len(result.created_ids) == 200


def test_the_benchmark_generator_writes_rows_that_import_cleanly(tmp_path):
    path = write_import_csv(tmp_path / "generated.csv", 60, seed=7)

    with importing.open_csv(path) as stream:
        result = import_resources(stream)

    assert result.invalid_rows == []
    assert Resource.objects.count() == 60
    assert Resource.objects.filter(kind__slug="resolution", sunset_date__isnull=False).exists()


class FakeTerminal(io.StringIO):
    """Error output that claims to be a terminal, as when a curator runs the command by hand."""

    def isatty(self):
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_unless_disabled(tmp_path):
    path = write_csv(tmp_path, csv_text(GOOD_REPORT))
    terminal = FakeTerminal()

    call_command("import_resources", str(path), "--dry-run", stdout=io.StringIO(), stderr=terminal)
    quiet_terminal = FakeTerminal()
    call_command(
        "import_resources", str(path), "--dry-run", "--no-progress", stdout=io.StringIO(), stderr=quiet_terminal
    )

    assert "Checking rows" in terminal.getvalue()
    assert quiet_terminal.getvalue() == ""


@pytest.mark.django_db
def test_imported_resources_are_found_by_their_tags_and_counted_in_the_facets():
    text = csv_text(*good_rows(3))
    result = import_resources(text, default_status=Resource.Status.PUBLISHED)
    imported = Resource.objects.filter(pk__in=result.created_ids)
    resource = imported.prefetch_related("topics").first()
    topic = resource.topics.first()
    assert resource.search_tags.startswith(resource.kind.name)
    found = search_resources(Resource.objects.published(), f'"{topic.name}"').values_list("pk", flat=True)
    assert resource.pk in set(found)
    topic_facet = next(
        facet
        for facet in ResourceFilterSet(QueryDict(), queryset=Resource.objects.published()).facets()
        if facet.param == "topic"
    )
    assert {option.value: option.count for option in topic_facet.options}[topic.slug] >= 1
