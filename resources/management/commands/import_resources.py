"""Import resources from a CSV file; see resources/importing.py for the rules."""

import os
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from resources.importing import COLUMNS, REQUIRED_COLUMNS, ImportFileError, import_resources, open_csv
from resources.models import Resource

# Share of the file done and the time left; byte counts would mean nothing to a curator.
PROGRESS_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {elapsed} elapsed, {remaining} left"


def count(number, noun):
    """“1 row”, “2 rows”."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Import resources from a CSV file, one resource a row. "
        f"Columns: {', '.join(COLUMNS)} (required: {', '.join(REQUIRED_COLUMNS)}). "
        "Lists (topics, audiences, practices, partners) are separated by semicolons. "
        "Nothing is imported if any row is invalid, unless --skip-invalid. "
        "Example: resources/seed/example-import.csv."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path, help="The CSV file (UTF-8; Excel's “CSV UTF-8” works).")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows even when some rows are invalid."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; save nothing.")
        parser.add_argument(
            "--status",
            choices=[Resource.Status.DRAFT, Resource.Status.PUBLISHED],
            default=Resource.Status.DRAFT,
            help="Status for rows whose status cell is empty (default: draft, for review before publishing).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")
        parser.add_argument(
            "--update",
            action="store_true",
            help=(
                "Rows whose slug names an existing resource update it (only the columns in the file; "
                "a dry run lists each change). Only the slug column is then required. See export_resources."
            ),
        )
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="The staff login the audit trail records as having imported the resources "
            "(default: none, labelled “import_resources command”).",
        )

    def handle(self, *args, **options):
        path = options["csv_file"]
        actor = self.staff_user(options["actor"]) if options["actor"] else None
        try:
            # Read as a stream: memory stays bounded by the import's batch size, whatever the file's size.
            with open_csv(path) as stream:
                result = import_resources(
                    stream,
                    default_status=options["status"],
                    skip_invalid=options["skip_invalid"],
                    dry_run=options["dry_run"],
                    progress=self.progress_bar(options, stream),
                    update_existing=options["update"],
                    actor=actor,
                    audit_source="import_resources command",
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}") from error

        invalid = result.invalid_rows
        for row in invalid:
            title = f" ({row.title})" if row.title else ""
            for reason in row.errors:
                self.stderr.write(f"Row {row.row_number}{title}: {reason}")
        valid_count = result.valid_count
        summary = f"{count(result.checked_count, 'row')} checked: {valid_count} valid, {len(invalid)} invalid."
        if options["update"]:
            self.report_updates(result, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"{summary} Dry run: nothing was saved.")
            if invalid:
                raise CommandError(f"{count(len(invalid), 'invalid row')} (listed above).")
            return
        if invalid and not options["skip_invalid"]:
            raise CommandError(
                f"{summary} Nothing was imported. Fix the rows listed above, "
                f"or use --skip-invalid to import the {count(valid_count, 'valid row')}."
            )
        skipped = f" Skipped {count(len(invalid), 'invalid row')}." if invalid else ""
        updated = f" Updated {count(len(result.updated_ids), 'resource')}." if options["update"] else ""
        self.stdout.write(
            self.style.SUCCESS(f"Imported {count(len(result.created_ids), 'resource')}.{updated}{skipped}")
        )

    def report_updates(self, result, *, dry_run):
        """Each updated row's changes, column by column (what a dry run would do)."""
        would = "would change" if dry_run else "changed"
        for row in result.updated_rows:
            if not row.changes:
                continue
            self.stdout.write(f"Row {row.row_number} ({row.slug}) {would}:")
            for column, (old, new) in row.changes.items():
                self.stdout.write(f"  {column}: {old!r} → {new!r}")
        changed = sum(1 for row in result.updated_rows if row.changes)
        unchanged = len(result.updated_rows) - changed
        self.stdout.write(
            f"{count(changed, 'resource')} {would}, {unchanged} unchanged, "
            f"{count(result.created_count, 'new resource')}."
        )

    def staff_user(self, username):
        user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
        if user is None:
            raise CommandError(f"--actor: no active staff login “{username}”.")
        return user

    def progress_bar(self, options, csv_stream):
        """A tqdm bar on stderr for interactive use; none when piped, in tests or with --no-progress.

        It counts the bytes of the file read so far, so it shows a share done and the time left
        without reading the file twice to count its rows.
        """
        # tqdm needs the raw stream: Django's wrapper would add a newline after each redraw.
        terminal = getattr(self.stderr, "_out", sys.stderr)
        if options["no_progress"] or not terminal.isatty():
            return None
        file_bytes = os.fstat(csv_stream.fileno()).st_size

        def progress(records, description):
            with tqdm(
                total=file_bytes, desc=description, bar_format=PROGRESS_FORMAT, file=terminal, leave=False
            ) as bar:
                for record in records:
                    # The bytes decoded so far (at most one read-ahead chunk beyond this record).
                    bar.update(csv_stream.buffer.tell() - bar.n)
                    yield record

        return progress
