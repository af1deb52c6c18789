"""Bulk import of resources from a CSV file (a spreadsheet saved as CSV).

Reading and checking are kept apart from writing, so a curator can see every
problem in a file at once: `read_resource_csv` parses and validates every row,
reporting row numbers as the spreadsheet shows them (the header is row 1), and
`import_resources` writes the good rows in one transaction, or nothing at all
when any row is bad (unless asked to skip bad rows). The management command
`import_resources` is a thin wrapper around these.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils.text import slugify

from clearinghouse.one_mind import Practice
from resources import services
from resources.models import Audience, Resource, ResourceKind, Topic

COLUMNS = (
    "title",
    "slug",
    "kind",
    "summary",
    "body",
    "topics",
    "audiences",
    "practices",
    "publisher",
    "partners",
    "year_published",
    "external_url",
    "year_adopted",
    "identifier",
    "submitting_committee",
    "adopting_conference",
    "status",
)
# Every imported resource needs a link: files cannot travel in a CSV.
REQUIRED_COLUMNS = ("title", "kind", "summary", "external_url")
LIST_SEPARATOR = ";"
IMPORTABLE_STATUSES = (Resource.Status.DRAFT, Resource.Status.PUBLISHED)

# Columns copied to the model as they are (after trimming).
TEXT_COLUMNS = ("summary", "body", "publisher", "identifier", "submitting_committee", "adopting_conference")


class ImportFileError(Exception):
    """The file as a whole cannot be read: not UTF-8, empty, or missing required columns."""


@dataclass
class ImportRow:
    """One data row: its spreadsheet row number, the resource it describes, and what is wrong with it."""

    row_number: int
    title: str = ""
    fields: dict = field(default_factory=dict)
    topics: list = field(default_factory=list)
    audiences: list = field(default_factory=list)
    practices: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors


@dataclass
class ImportResult:
    """What an import found and did. `created` is empty for a dry run or a refused import."""

    rows: list
    created: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def valid_rows(self):
        return [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self):
        return [row for row in self.rows if not row.is_valid]


def normalise_column_name(name):
    """“Year published ” → “year_published”: headers typed by people in a spreadsheet."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def decode_csv(data):
    """Text of an uploaded or opened CSV file (bytes), without the BOM Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "The file is not UTF-8 text. In Excel, use “Save as” and choose “CSV UTF-8 (Comma delimited)”."
        ) from error


class _Vocabulary:
    """Terms looked up by slug or by name, ignoring case; loaded once for the whole file."""

    def __init__(self, terms, label):
        self.label = label
        self.by_key = {}
        for term in terms:
            self.by_key[term.slug.lower()] = term
            self.by_key[term.name.lower()] = term

    def find(self, value):
        return self.by_key.get(value.strip().lower())


def _split_list(value):
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def _parse_year(value, column, errors):
    if not value:
        return None
    try:
        year = int(value)
    except ValueError:
        errors.append(f"{column}: “{value}” is not a year.")
        return None
    if not 1893 <= year <= 2100:
        errors.append(f"{column}: {year} is not a plausible year (1893 to 2100).")
        return None
    return year


def _lookup_terms(value, vocabulary, errors):
    terms = []
    for item in _split_list(value):
        term = vocabulary.find(item)
        if term is None:
            errors.append(f"Unknown {vocabulary.label} “{item}”.")
        elif term not in terms:
            terms.append(term)
    return terms


def _parse_practices(value, errors):
    by_key = {}
    for practice in Practice:
        by_key[practice.value] = practice.value
        by_key[practice.label.lower()] = practice.value
    practices = []
    for item in _split_list(value):
        practice = by_key.get(item.lower())
        if practice is None:
            errors.append(f"Unknown practice “{item}”: use {', '.join(Practice.values)}.")
        elif practice not in practices:
            practices.append(practice)
    return practices


def _parse_status(value, default_status, errors):
    if not value:
        return default_status
    for status in IMPORTABLE_STATUSES:
        if value.lower() in (status.value, status.label.lower()):
            return status.value
    allowed = " or ".join(status.value for status in IMPORTABLE_STATUSES)
    errors.append(f"status: “{value}” is not a status an import can set; use {allowed}.")
    return default_status


def _model_errors(resource, already_reported):
    """Messages from the model's own validation (lengths, identifier format, resolution year...)."""
    # The file was never part of a CSV row. The kind was looked up (or reported
    # missing) already: validating it again would cost one query per row.
    try:
        resource.full_clean(exclude=["file", "kind"], validate_unique=False)
    except ValidationError as error:
        messages = []
        for field_name, field_messages in error.message_dict.items():
            if field_name in already_reported or field_name == "file":
                continue
            prefix = "" if field_name == "__all__" else f"{field_name}: "
            messages.extend(f"{prefix}{message}" for message in field_messages)
        return messages
    return []


def _validate_row(row_number, cells, *, kinds, topics, audiences, default_status):
    errors = []
    value = {column: (cells.get(column) or "").strip() for column in COLUMNS}
    row = ImportRow(row_number=row_number, title=value["title"])
    # Fields whose problem has been reported here, so the model does not repeat it.
    reported = set()

    if not value["title"]:
        errors.append("title: missing.")
        reported.add("title")
    if not value["summary"]:
        errors.append("summary: missing.")
        reported.add("summary")

    kind = None
    if not value["kind"]:
        errors.append("kind: missing.")
    else:
        kind = kinds.find(value["kind"])
        if kind is None:
            errors.append(f"Unknown kind “{value['kind']}”.")

    slug = value["slug"]
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            errors.append(f"slug: “{slug}” may contain only letters, numbers, hyphens and underscores.")
            slug = ""
    else:
        slug = slugify(value["title"])[:255]
    reported.add("slug")

    url = value["external_url"]
    if not url:
        errors.append(
            "external_url: missing. Every imported resource needs a link; files cannot be imported "
            "from a CSV (upload them in the admin after the import)."
        )
        reported.add("external_url")
    else:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.append(f"external_url: “{url}” is not a valid web address (it should start with https://).")
            reported.add("external_url")

    year_published = _parse_year(value["year_published"], "year_published", errors)
    year_adopted = _parse_year(value["year_adopted"], "year_adopted", errors)
    if value["year_published"] and year_published is None:
        reported.add("year_published")
    if value["year_adopted"] and year_adopted is None:
        reported.add("year_adopted")
    if kind is not None and kind.is_resolution and not value["year_adopted"]:
        errors.append("year_adopted: missing. A resolution needs the year it was adopted.")
        reported.add("year_adopted")

    row.topics = _lookup_terms(value["topics"], topics, errors)
    row.audiences = _lookup_terms(value["audiences"], audiences, errors)
    row.practices = _parse_practices(value["practices"], errors)
    status = _parse_status(value["status"], default_status, errors)

    row.fields = {
        "title": value["title"],
        "slug": slug,
        "kind": kind,
        "external_url": url,
        "partners": "\n".join(_split_list(value["partners"])),
        "year_published": year_published,
        "year_adopted": year_adopted,
        "status": status,
        **{column: value[column] for column in TEXT_COLUMNS},
    }
    errors.extend(_model_errors(Resource(**row.fields), reported))
    row.errors = errors
    return row


def _check_slugs(rows):
    """A slug must be new to the catalog and used once in the file."""
    slugs = [row.fields["slug"] for row in rows if row.fields.get("slug")]
    taken = set(Resource.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    first_row_for_slug = {}
    for row in rows:
        slug = row.fields.get("slug")
        if not slug:
            if row.title and not any(error.startswith("slug:") for error in row.errors):
                row.errors.append("slug: the title gives no usable address; fill in the slug column.")
            continue
        if slug in taken:
            row.errors.append(
                f"slug: a resource with the address “{slug}” already exists. If this is a different resource, "
                "give it its own slug."
            )
        elif slug in first_row_for_slug:
            row.errors.append(f"slug: “{slug}” is also used by row {first_row_for_slug[slug]}.")
        else:
            first_row_for_slug[slug] = row.row_number


def _with_progress(progress, items, description):
    return progress(items, description) if progress else items


def read_resource_csv(text, *, default_status=Resource.Status.DRAFT, progress=None):
    """Parse and validate every row of a resource CSV; writes nothing.

    Returns one ImportRow per non-blank data row, each with its spreadsheet row
    number (header = row 1) and the reasons it cannot be imported, if any. Raises
    ImportFileError when the file as a whole is unusable. `progress`, if given,
    is called as progress(iterable, description) and returns an iterable that
    reports progress (e.g. a tqdm bar).
    """
    if not text.strip():
        raise ImportFileError("The file is empty.")
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ImportFileError(f"The file is not a readable CSV file: {error}.") from error
    header = [normalise_column_name(name) for name in records[0]]
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}.")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(f"Required column(s) missing: {', '.join(missing)}. The header row is row 1.")
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise ImportFileError(f"Column(s) appear more than once: {', '.join(duplicated)}.")

    vocabularies = {
        "kinds": _Vocabulary(ResourceKind.objects.all(), "kind"),
        "topics": _Vocabulary(Topic.objects.all(), "topic"),
        "audiences": _Vocabulary(Audience.objects.all(), "audience"),
    }
    # Spreadsheet row numbers: csv.reader yields one record per spreadsheet row,
    # even when a quoted cell spans several lines of the file.
    data_records = [
        (number, cells) for number, cells in enumerate(records[1:], start=2) if any(c.strip() for c in cells)
    ]
    if not data_records:
        raise ImportFileError("The file has a header row but no resources.")
    rows = []
    for row_number, cells in _with_progress(progress, data_records, "Checking rows"):
        named_cells = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        if any(cell.strip() for cell in cells[len(header) :]):
            row = ImportRow(row_number=row_number, title=named_cells.get("title", "").strip())
            row.errors.append(f"More cells than there are columns in the header row ({len(header)}).")
            rows.append(row)
            continue
        rows.append(_validate_row(row_number, named_cells, default_status=default_status, **vocabularies))
    _check_slugs(rows)
    return rows


def import_resources(text, *, default_status=Resource.Status.DRAFT, skip_invalid=False, dry_run=False, progress=None):
    """Import resources from CSV text, all or nothing.

    Guarantees: every row is validated before anything is written; when any row
    is invalid nothing is imported unless `skip_invalid`, in which case exactly
    the valid rows are; a dry run writes nothing. The writes run in one transaction
    through services.resource_create. `default_status` applies to rows whose
    status cell is empty.
    """
    rows = read_resource_csv(text, default_status=default_status, progress=progress)
    result = ImportResult(rows=rows, dry_run=dry_run)
    if dry_run or (result.invalid_rows and not skip_invalid):
        return result
    with transaction.atomic():
        for row in _with_progress(progress, result.valid_rows, "Importing"):
            result.created.append(
                services.resource_create(
                    **row.fields, topics=row.topics, audiences=row.audiences, practices=row.practices
                )
            )
    return result
