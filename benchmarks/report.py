"""The benchmark's printed results: one table of pages, then the data load and the import against their targets."""

from dataclasses import dataclass

FEW_SAMPLES = 20  # fewer responses than this in a run: its percentiles say little


@dataclass
class Row:
    page: object  # benchmarks.pages.Page
    measurement: object  # benchmarks.driver.Measurement

    def ratio(self, plain_requests_per_second):
        if not plain_requests_per_second:
            return None
        return self.measurement.requests_per_second / plain_requests_per_second

    def verdict(self, plain_requests_per_second):
        """PASS, FAIL or "" (no target); any error or non-2xx response fails the row."""
        measurement, target = self.measurement, self.page.target
        if measurement.errors:
            return "FAIL"
        if target is None:
            return ""
        if measurement.requests == 0:
            return "FAIL"
        if target.p95_ms is not None:
            return "PASS" if measurement.p95_ms <= target.p95_ms else "FAIL"
        ratio = self.ratio(plain_requests_per_second)
        return "PASS" if ratio is not None and ratio >= target.minimum_ratio else "FAIL"


def _milliseconds(value, measurement):
    return f"{value:,.0f}" if measurement.requests else "—"


def format_table(rows, *, connections, seconds, workers):
    """The one table: every page in both modes, with its target and verdict, and the notes it needs."""
    plain = next((row for row in rows if row.page.mode == "plain"), None)
    plain_rate = plain.measurement.requests_per_second if plain else 0.0
    header = ("page", "mode", "req/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "errors", "× plain", "target", "result")
    lines = []
    notes = []
    for row in rows:
        measurement = row.measurement
        ratio = row.ratio(plain_rate)
        marks = ""
        if measurement.repeated_paths and row.page.mode == "cold":
            marks += "*"
        if measurement.requests < FEW_SAMPLES:
            marks += "†"
        lines.append(
            (
                row.page.name + marks,
                row.page.mode,
                f"{measurement.requests_per_second:,.1f}",
                _milliseconds(measurement.p50_ms, measurement),
                _milliseconds(measurement.p90_ms, measurement),
                _milliseconds(measurement.p95_ms, measurement),
                _milliseconds(measurement.p99_ms, measurement),
                _errors(measurement),
                f"{ratio:.3f}" if ratio is not None else "—",
                row.page.target.describe() if row.page.target else "—",
                row.verdict(plain_rate) or "—",
            )
        )
    widths = [max(len(str(line[index])) for line in (header, *lines)) for index in range(len(header))]
    numeric = {2, 3, 4, 5, 6, 7, 8}

    def render(cells):
        return "  ".join(
            str(cell).rjust(width) if index in numeric else str(cell).ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    if any(row.measurement.repeated_paths and row.page.mode == "cold" for row in rows):
        notes.append("* the run used up its distinct addresses and requested some again (raise --cold-paths).")
    if any(row.measurement.requests < FEW_SAMPLES for row in rows):
        notes.append(f"† fewer than {FEW_SAMPLES} responses in {seconds} s: the percentiles rest on few samples.")
    if any(row.page.target is None and row.page.mode != "plain" for row in rows):
        notes.append("Rows without a target are measured for information: issue 6 sets none for them.")
    notes.append(
        "errors: responses outside 200–299, then socket errors and timeouts in brackets; any error fails the row. "
        "× plain: requests a second as a share of the plain view's."
    )
    title = (
        f"Pages: {connections} concurrent connections, {seconds} s per row after a warm-up, "
        f"gunicorn with {workers} sync workers, production settings"
    )
    separator = "  ".join("-" * width for width in widths)
    return "\n".join([title, "", render(header), separator, *(render(line) for line in lines), "", *notes])


def _errors(measurement):
    socket = measurement.socket_errors + measurement.timeouts
    return f"{measurement.not_2xx}" + (f" (+{socket})" if socket else "")


def verdict(passed):
    return "PASS" if passed else "FAIL"
