"""The import benchmark: `manage.py import_resources` on a generated CSV, timed, its memory measured.

The CSV has the columns and conventions resources/importing.py reads (lists separated by
semicolons, kinds and terms by slug, a slug for every row) and the same kind of resources as
the loaded catalog (benchmarks.catalog). It is imported into a fresh, migrated database in
production settings, in a child process: wall time from start to exit, and the child's peak
resident memory from the kernel's accounting of that one process (os.wait4's ru_maxrss).
Targets (issue 6): 100,000 rows in under 2 minutes and under 300 MB, every row still imported.
"""

import csv
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from benchmarks.server import BASE_DIR

IMPORT_SECONDS_TARGET = 120
IMPORT_MEGABYTES_TARGET = 300
IMPORT_ROWS_TARGET = 100_000  # the size the targets are for
CSV_SEED = 1893


@dataclass
class ImportMeasurement:
    rows: int
    seconds: float
    peak_megabytes: float
    exit_code: int | None
    imported: int
    timed_out: bool
    output: str

    @property
    def passed(self):
        return (
            not self.timed_out
            and self.exit_code == 0
            and self.imported == self.rows
            and self.seconds < IMPORT_SECONDS_TARGET
            and self.peak_megabytes < IMPORT_MEGABYTES_TARGET
        )


def write_import_csv(path, rows, vocabularies):
    """Write `rows` generated resources to `path` in import_resources' format."""
    from benchmarks.catalog import ResourceGenerator
    from resources.importing import COLUMNS, LIST_SEPARATOR
    from resources.models import Resource

    generator = ResourceGenerator(random.Random(CSV_SEED), vocabularies)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for item in generator.generate(rows, first_id=1):
            resource = item.resource
            cells = {
                "title": resource.title,
                "slug": resource.slug,
                "kind": item.kind_slug,
                "summary": resource.summary,
                "body": resource.body,
                "topics": LIST_SEPARATOR.join(item.topic_slugs),
                "audiences": LIST_SEPARATOR.join(item.audience_slugs),
                "practices": LIST_SEPARATOR.join(item.practices),
                "publisher": resource.publisher,
                "partners": LIST_SEPARATOR.join(resource.partner_list()),
                "year_published": resource.year_published or "",
                "external_url": resource.external_url,
                "year_adopted": resource.year_adopted or "",
                "identifier": resource.identifier,
                "submitting_committee": resource.submitting_committee,
                "adopting_conference": resource.adopting_conference,
                # An import makes drafts or published resources (archiving is a later decision).
                "status": "published" if resource.status == Resource.Status.PUBLISHED else "draft",
            }
            writer.writerow([cells[column] for column in COLUMNS])


def run_import(csv_path, rows, environment, *, timeout_seconds, count_imported):
    """Run import_resources on `csv_path` in a child process; `count_imported()` counts the resources after."""
    command = [sys.executable, "manage.py", "import_resources", str(csv_path), "--no-progress"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output_chunks = []
    reader = threading.Thread(target=lambda: output_chunks.append(process.stdout.read()), daemon=True)
    reader.start()
    timed_out = threading.Event()

    def stop_on_timeout():
        timed_out.set()
        os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout_seconds, stop_on_timeout)
    timer.start()
    try:
        # wait4: this child's own resource usage, not the largest of every child this process had.
        _pid, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=10)
    output = b"".join(output_chunks).decode(errors="replace")
    return ImportMeasurement(
        rows=rows,
        seconds=seconds,
        peak_megabytes=usage.ru_maxrss / 1024,  # kilobytes on Linux
        exit_code=process.returncode,
        imported=count_imported(),
        timed_out=timed_out.is_set(),
        output=output.strip(),
    )


def format_import(measurement, *, timeout_seconds, judged=True):
    """The import's lines; `judged`: the targets apply (they are for 100,000 rows)."""
    if measurement.timed_out:
        outcome = f"stopped after {timeout_seconds} s (--import-timeout), not finished"
    elif measurement.exit_code != 0:
        outcome = f"failed (exit {measurement.exit_code}) after {measurement.seconds:.0f} s"
    else:
        outcome = f"{measurement.seconds:.1f} s"
    lines = [
        f"Import: {measurement.rows:,} rows with manage.py import_resources, production settings, a fresh database",
        f"  wall time {outcome} (target < {IMPORT_SECONDS_TARGET} s), peak memory "
        f"{measurement.peak_megabytes:,.0f} MB (target < {IMPORT_MEGABYTES_TARGET} MB), "
        f"{measurement.imported:,} resources imported"
        + (f" ({measurement.rows / measurement.seconds:,.0f} rows/s)" if measurement.imported else ""),
        f"  {'PASS' if measurement.passed else 'FAIL'}" if judged else "  not judged: the targets are for 100,000 rows",
    ]
    if measurement.exit_code not in (0, None) and not measurement.timed_out and measurement.output:
        lines.append("  " + "\n  ".join(measurement.output.splitlines()[-10:]))
    return "\n".join(lines)
