"""Bulk import of resources from a CSV file (a spreadsheet saved as CSV).

A curator sees every problem in a file at once: every row is validated and each
bad one reported with its row number as the spreadsheet shows it (the header is
row 1). All or nothing: when any row is bad nothing is imported, unless asked to
skip bad rows; a dry run checks and writes everything, then rolls it back. The
management command `import_resources` is a thin wrapper around `import_resources`.

Built for files of 100,000 rows: the file is read as a stream, IMPORT_BATCH_SIZE
rows at a time. Each batch is validated without per-row queries (the vocabularies
are loaded once; slugs are checked against the catalog with one query per batch
and against earlier rows with a dict), then its valid rows are written with
bulk_create (resources, then their topic and audience links and practice tags),
all in one transaction. Once a bad row is found (and bad rows are not skipped)
writing stops, the rest of the file is still checked, and the transaction is
rolled back. Memory is bounded by
the batch size, not the file size: what is kept from one batch to the next is
the slugs seen so far, the new resources' ids and the bad rows' reasons.
"""

import csv
import datetime
import io
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from audit.services import record_changes
from clearinghouse import content_versions
from clearinghouse.one_mind import Practice
from resources import updating
from resources.models import Audience, Resource, ResourceKind, ResourcePractice, Topic
from resources.search.documents import refresh_facet_arrays, search_tags_text
from resources.search.suggestions import add_search_words

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

# Rows validated and written together: memory and the number of queries grow with batches, not rows.
IMPORT_BATCH_SIZE = 1000

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
    # The unsaved Resource built from `fields`, as the model's rules validated it.
    resource: Resource | None = None
    # With update_existing, a row naming an existing resource: what it changes (updating.ResourceUpdate).
    update: object = None

    @property
    def is_valid(self):
        return not self.errors

    def reported(self):
        """The row as the error report needs it (number, title, reasons), without the resource."""
        return ImportRow(row_number=self.row_number, title=self.title, errors=self.errors)


@dataclass
class ImportResult:
    """What an import found and did: rows checked, the invalid ones, the ids of the resources created.

    `created_ids` is empty for a dry run or a refused import.
    """

    checked_count: int = 0
    invalid_rows: list = field(default_factory=list)
    created_ids: list = field(default_factory=list)
    dry_run: bool = False
    # With update_existing: one UpdatedRow per valid row naming an existing resource (changes may be
    # empty), also for a dry run; and the ids of the resources changed (empty for a dry run).
    updated_rows: list = field(default_factory=list)
    updated_ids: list = field(default_factory=list)
    created_count: int = 0  # rows that create (or, for a dry run, would create) a resource

    @property
    def valid_count(self):
        return self.checked_count - len(self.invalid_rows)


@dataclass
class UpdatedRow:
    """A row that updates an existing resource: its number, slug, title and {column: [old, new]}."""

    row_number: int
    slug: str
    title: str
    changes: dict


def normalise_column_name(name):
    """“Year published ” → “year_published”: headers typed by people in a spreadsheet."""
    return "_".join(name.strip().lower().replace("-", " ").split())


NOT_UTF8_MESSAGE = "The file is not UTF-8 text. In Excel, use “Save as” and choose “CSV UTF-8 (Comma delimited)”."


def decode_csv(data):
    """Text of an uploaded or opened CSV file (bytes), without the BOM Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(NOT_UTF8_MESSAGE) from error


def open_csv(path):
    """A CSV file opened for reading as a stream (UTF-8, with or without the BOM Excel writes).

    Bytes that are not UTF-8 are reported (ImportFileError) when the import reaches them.
    Raises OSError when the file cannot be opened.
    """
    return open(path, encoding="utf-8-sig", newline="")


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


PRACTICES_BY_KEY = {
    **{practice.value: practice.value for practice in Practice},
    **{practice.label.lower(): practice.value for practice in Practice},
}


def _parse_practices(value, errors):
    practices = []
    for item in _split_list(value):
        practice = PRACTICES_BY_KEY.get(item.lower())
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
    row.resource = Resource(**row.fields)
    errors.extend(_model_errors(row.resource, reported))
    row.errors = errors
    return row


def _check_slugs(rows, first_row_for_slug):
    """A slug must be new to the catalog and used once in the file: one query for the whole batch.

    `first_row_for_slug` holds each slug met earlier in the file (and new to the catalog then)
    with its row number, and is updated. Those slugs are not looked up again: the rows this
    import wrote earlier in its transaction would be mistaken for resources already there.
    """
    slugs = {row.fields["slug"] for row in rows if row.fields.get("slug")} - first_row_for_slug.keys()
    taken = set(Resource.objects.filter(slug__in=slugs).values_list("slug", flat=True)) if slugs else set()
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


def _records(stream):
    """(spreadsheet row number, cells) for each record; an unreadable file raises ImportFileError."""
    # csv.reader yields one record per spreadsheet row, even when a quoted cell spans several lines.
    try:
        yield from enumerate(csv.reader(stream), start=1)
    except UnicodeDecodeError as error:
        raise ImportFileError(NOT_UTF8_MESSAGE) from error
    except csv.Error as error:
        raise ImportFileError(f"The file is not a readable CSV file: {error}.") from error


def _is_blank(cells):
    return not any(cell.strip() for cell in cells)


def _read_header(records, required=REQUIRED_COLUMNS):
    """The normalised column names of the header row (row 1), checked."""
    first = next(records, None)
    # A blank first row with nothing after it: the file is empty. (Anything after it is
    # reported below as a header without the required columns.)
    if first is None or (_is_blank(first[1]) and all(_is_blank(cells) for _number, cells in records)):
        raise ImportFileError("The file is empty.")
    header = [normalise_column_name(name) for name in first[1]]
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}.")
    missing = [column for column in required if column not in header]
    if missing:
        raise ImportFileError(f"Required column(s) missing: {', '.join(missing)}. The header row is row 1.")
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise ImportFileError(f"Column(s) appear more than once: {', '.join(duplicated)}.")
    return header


def _check_record(row_number, cells, header, *, default_status, vocabularies, existing=None):
    named_cells = {name: cell for name, cell in zip(header, cells, strict=False) if name}
    if not _is_blank(cells[len(header) :]):
        row = ImportRow(row_number=row_number, title=named_cells.get("title", "").strip())
        row.errors.append(f"More cells than there are columns in the header row ({len(header)}).")
        return row
    if existing is not None:
        row = ImportRow(row_number=row_number)
        return updating.check_update_row(row, named_cells, existing, parse=_parse_cell, **vocabularies)
    return _validate_row(row_number, named_cells, default_status=default_status, **vocabularies)


def _parse_cell(column, value, errors, *, kinds, topics, audiences):
    """A cell of an update row as the model's value (errors appended): the same rules as a new row's."""
    if column in ("title", "summary") and not value:
        errors.append(f"{column}: missing.")
    elif column == "kind":
        kind = kinds.find(value) if value else None
        if kind is None:
            errors.append(f"Unknown kind “{value}”." if value else "kind: missing.")
        return kind
    elif column in ("topics", "audiences"):
        return _lookup_terms(value, topics if column == "topics" else audiences, errors)
    elif column == "practices":
        return _parse_practices(value, errors)
    elif column == "partners":
        return "\n".join(_split_list(value))
    elif column in ("year_published", "year_adopted"):
        return _parse_year(value, column, errors)
    elif column == "external_url" and value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors.append(f"external_url: “{value}” is not a valid web address (it should start with https://).")
    elif column == "status":
        for status in updating.UPDATABLE_STATUSES:
            if value.lower() in (status.value, status.label.lower()):
                return status.value
        allowed = ", ".join(status.value for status in updating.UPDATABLE_STATUSES)
        errors.append(f"status: “{value}” is not a status; use {allowed}.")
        return None
    return value


def _existing_for_update(raw_records, header, first_row_for_slug):
    """{slug: Resource} of the resources the rows name, ready for check_update_row: one query and prefetches."""
    slug_index = header.index("slug")
    slugs = {cells[slug_index].strip() for _number, cells in raw_records if len(cells) > slug_index}
    slugs = {slug for slug in slugs if slug} - first_row_for_slug.keys()
    if not slugs:
        return {}
    resources = updating.export_queryset(Resource.objects.filter(slug__in=slugs))
    return {resource.slug: resource for resource in resources}


def _check_batch(raw_records, header, *, default_status, vocabularies, update_existing, first_row_for_slug, updated):
    """Validate a batch of (row number, cells); rows naming an existing resource are updates when asked."""
    existing = _existing_for_update(raw_records, header, first_row_for_slug) if update_existing else {}
    rows = []
    slug_index = header.index("slug") if "slug" in header else None
    for row_number, cells in raw_records:
        slug = cells[slug_index].strip() if slug_index is not None and len(cells) > slug_index else ""
        resource = existing.get(slug)
        if resource is not None and slug in updated:
            row = ImportRow(row_number=row_number, title=resource.title)
            row.errors.append(f"slug: “{slug}” is also updated by row {updated[slug]}.")
            rows.append(row)
            continue
        if resource is not None:
            updated[slug] = row_number
        rows.append(
            _check_record(
                row_number, cells, header, default_status=default_status, vocabularies=vocabularies, existing=resource
            )
        )
    _check_slugs([row for row in rows if row.update is None], first_row_for_slug)
    return rows


def _checked_batches(source, *, default_status, progress, description, update_existing=False):
    """Validate every data row of CSV `source` (text or a text stream); yield them IMPORT_BATCH_SIZE at a time.

    Blank rows are skipped. Raises ImportFileError when the file as a whole is unusable,
    which may be found only partway through (bytes that are not UTF-8, a broken quote).
    With `update_existing`, only the slug column is required (rows naming an existing resource
    change just the columns present) and such rows carry their update (ImportRow.update).
    """
    stream = io.StringIO(source) if isinstance(source, str) else source
    records = _records(stream)
    header = _read_header(records, ("slug",) if update_existing else REQUIRED_COLUMNS)
    vocabularies = {
        "kinds": _Vocabulary(ResourceKind.objects.all(), "kind"),
        "topics": _Vocabulary(Topic.objects.all(), "topic"),
        "audiences": _Vocabulary(Audience.objects.all(), "audience"),
    }
    first_row_for_slug, updated = {}, {}
    batch = []
    any_rows = False

    def checked(raw_records):
        return _check_batch(
            raw_records,
            header,
            default_status=default_status,
            vocabularies=vocabularies,
            update_existing=update_existing,
            first_row_for_slug=first_row_for_slug,
            updated=updated,
        )

    for row_number, cells in _with_progress(progress, records, description):
        if _is_blank(cells):
            continue
        batch.append((row_number, cells))
        if len(batch) >= IMPORT_BATCH_SIZE:
            yield checked(batch)
            any_rows, batch = True, []
    if batch:
        yield checked(batch)
    elif not any_rows:
        raise ImportFileError("The file has a header row but no resources.")


def read_resource_csv(source, *, default_status=Resource.Status.DRAFT, progress=None):
    """Parse and validate every row of a resource CSV (text or a text stream); writes nothing.

    Returns one ImportRow per non-blank data row, each with its spreadsheet row
    number (header = row 1) and the reasons it cannot be imported, if any: every
    row is held in memory, so for a large file use import_resources(dry_run=True).
    Raises ImportFileError when the file as a whole is unusable. `progress`, if
    given, is called as progress(iterable, description) and returns an iterable
    that reports progress (e.g. a tqdm bar).
    """
    batches = _checked_batches(source, default_status=default_status, progress=progress, description="Checking rows")
    return list(chain.from_iterable(batches))


class _PublicationClock:
    """timezone.now(), but strictly later on each call.

    Saving rows one by one gave each a later published_at, so the catalog's newest-first
    order listed the last row of a file first; a batch is prepared within microseconds.
    """

    def __init__(self):
        self.last = None

    def now(self):
        now = timezone.now()
        if self.last is not None and now <= self.last:
            now = self.last + datetime.timedelta(microseconds=1)
        self.last = now
        return now


def _after_bulk_write(resources):
    """What a bulk writer owes the catalog after each batch (resources.search.documents): the
    resources came with their search_tags, so the trigger computed their vectors; the facet
    arrays, the words of "did you mean" and the cached pages' version are brought up to date."""
    refresh_facet_arrays([resource.pk for resource in resources])
    add_search_words([resource.title for resource in resources if resource.status == Resource.Status.PUBLISHED])
    content_versions.bump(content_versions.CATALOG)


def _created_changes(row):
    """What the audit trail records of an imported resource: the columns it was given, as auditlog
    records a creation (empty → value), with its topics, audiences and practices. Built from the row's
    own values, so recording costs no query and next to no time per row."""
    changes = {name: ["None", str(value)] for name, value in row.fields.items() if value not in (None, "")}
    if row.resource.published_at is not None:
        changes["published_at"] = ["None", str(row.resource.published_at)]
    for name, terms in (("topics", row.topics), ("audiences", row.audiences)):
        if terms:
            changes[name] = {"type": "m2m", "operation": "add", "objects": [term.name for term in terms]}
    if row.practices:
        labels = [Practice(practice).label for practice in row.practices]
        changes["practices"] = {"type": "m2m", "operation": "add", "objects": labels}
    return changes


def _write_batch(rows, publication_clock, *, actor=None, source=None):
    """Insert the rows' resources, then their topic and audience links and practice tags; their ids.

    bulk_create skips Resource.save(): each resource gets what save() would derive
    (set_derived_fields: published_at, the sunset date, file_size). Each resource's creation
    is recorded in the audit trail (one INSERT per batch), by `actor` or labelled `source`.
    """
    resources = [row.resource for row in rows]
    for row in rows:
        resource = row.resource
        if resource.status == Resource.Status.PUBLISHED:
            resource.published_at = publication_clock.now()
        resource.set_derived_fields()
        # Written with the row, so the search trigger computes its vectors once.
        resource.search_tags = search_tags_text(
            kind_name=resource.kind.name,
            topic_names=[topic.name for topic in row.topics],
            audience_names=[audience.name for audience in row.audiences],
            practices=row.practices,
        )
    Resource.objects.bulk_create(resources)
    topic_link, audience_link = Resource.topics.through, Resource.audiences.through
    topic_link.objects.bulk_create(
        topic_link(resource_id=row.resource.pk, topic_id=topic.pk) for row in rows for topic in row.topics
    )
    audience_link.objects.bulk_create(
        audience_link(resource_id=row.resource.pk, audience_id=audience.pk)
        for row in rows
        for audience in row.audiences
    )
    ResourcePractice.objects.bulk_create(
        ResourcePractice(resource_id=row.resource.pk, practice=practice) for row in rows for practice in row.practices
    )
    _after_bulk_write(resources)
    record_changes([(row.resource, _created_changes(row)) for row in rows], action="create", actor=actor, source=source)
    return [resource.pk for resource in resources]


def import_resources(
    source,
    *,
    default_status=Resource.Status.DRAFT,
    skip_invalid=False,
    dry_run=False,
    progress=None,
    update_existing=False,
    actor=None,
    audit_source="CSV import",
):
    """Import resources from CSV `source` (text, or a text stream such as open_csv(path)), all or nothing.

    Guarantees: every row is validated, by the model's own rules and with its slug new
    to the catalog and to the file; when any row is invalid nothing is imported unless
    `skip_invalid`, in which case exactly the valid rows are; a dry run writes nothing
    (it writes and rolls back, so it meets the database's checks too). One transaction.
    Each resource is stored as Resource.save() would store it, with its topics,
    audiences and practice tags. `default_status` applies to rows whose status cell
    is empty. Raises ImportFileError (nothing imported) when the file is unusable.
    Every resource created is recorded in the audit trail as created by `actor` (the
    curator; None takes the signed-in user of the current request), or, with no user,
    labelled `audit_source`.

    `update_existing` (the curators' round trip, resources/updating.py): a row whose slug names an
    existing resource updates it, with only the columns present and the cells that differ; the
    result lists each such row's changes (`updated_rows`, for a dry run too), and the trail records
    each change as `actor`'s (or `audit_source`'s).
    """
    result = ImportResult(dry_run=dry_run)
    publication_clock = _PublicationClock()
    description = "Checking rows" if dry_run else "Importing rows"
    with transaction.atomic():
        batches = _checked_batches(
            source,
            default_status=default_status,
            progress=progress,
            description=description,
            update_existing=update_existing,
        )
        # Closed at once on an error, so the progress bar is cleared before the error is shown.
        with closing(batches):
            for batch in batches:
                result.checked_count += len(batch)
                result.invalid_rows.extend(row.reported() for row in batch if not row.is_valid)
                # Once a row is bad (and bad rows are not skipped) nothing will be kept: only check the rest.
                new_rows = [row for row in batch if row.is_valid and row.update is None]
                updates = [row for row in batch if row.is_valid and row.update is not None]
                result.created_count += len(new_rows)
                result.updated_rows.extend(
                    UpdatedRow(row.row_number, row.update.resource.slug, row.title, row.update.changes)
                    for row in updates
                )
                if skip_invalid or not result.invalid_rows:
                    result.created_ids.extend(
                        _write_batch(new_rows, publication_clock, actor=actor, source=audit_source)
                    )
                    changed = [row.update for row in updates if row.update.changes]
                    result.updated_ids.extend(
                        updating.apply_resource_updates(changed, actor=actor, source=audit_source)
                    )
        if dry_run or (result.invalid_rows and not skip_invalid):
            transaction.set_rollback(True)
            result.created_ids = []
            result.updated_ids = []
    return result
