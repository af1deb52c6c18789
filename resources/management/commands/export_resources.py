"""Export resources in the import format, to edit in a spreadsheet and import back with --update."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resources.models import Resource
from resources.roundtrip_admin import import_format_lines


class Command(BaseCommand):
    help = (
        "Write resources to a CSV file in the import format (every status unless --status). "
        "Edit it, then `import_resources FILE --update`: rows with an existing slug update that resource."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path, help="The CSV file to write.")
        parser.add_argument("--status", choices=Resource.Status.values, action="append", help="Only these statuses.")

    def handle(self, *args, **options):
        resources = Resource.objects.all()
        if options["status"]:
            resources = resources.filter(status__in=options["status"])
        try:
            with open(options["csv_file"], "w", encoding="utf-8", newline="") as file:
                count = -1
                for count, line in enumerate(import_format_lines(resources)):  # noqa: B007
                    file.write(line)
        except OSError as error:
            raise CommandError(f"Cannot write {options['csv_file']}: {error.strerror}.") from error
        self.stdout.write(f"Exported {count} resource{'' if count == 1 else 's'} to {options['csv_file']}.")
