"""Score the catalog's search against the relevance test set (resources/seed/relevance.json)."""

from django.core.management.base import BaseCommand, CommandError

from resources.relevance import (
    DEFAULT_TOP,
    RELEVANCE_SET_FILE,
    RelevanceSetError,
    evaluate,
    load_relevance_set,
    missing_resources,
)


class Command(BaseCommand):
    help = (
        "Search each query of the relevance set as the catalog page does and print, per query and "
        "overall, recall within the first results: the share of the resources a person expects that "
        "are there. Meant for the seed catalog (manage.py load_seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--top", type=int, default=DEFAULT_TOP, help=f"How many first results count (default {DEFAULT_TOP})."
        )
        parser.add_argument("--file", default=RELEVANCE_SET_FILE, help="The relevance set (JSON).")

    def handle(self, *args, **options):
        top = options["top"]
        if top < 1:
            raise CommandError("--top must be at least 1.")
        try:
            cases = load_relevance_set(options["file"])
        except RelevanceSetError as error:
            raise CommandError(str(error)) from error
        absent = missing_resources(cases)
        if absent:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(absent)} expected resource(s) are not published in this database "
                    f"(load the seed: manage.py load_seed): {', '.join(absent)}"
                )
            )
        report = evaluate(cases, top=top)

        width = max(len(result.case.query) for result in report.results) + 2
        self.stdout.write(f"{'query':<{width}}  result  recall  how found   notes")
        for result in report.results:
            expected = len(result.case.expected)
            recall = f"{expected - len(result.missing)}/{expected}" if expected else "-"
            notes = []
            if result.missing:
                notes.append("missing: " + ", ".join(result.missing))
            if result.case.suggestion is not None:
                offered = f"“{result.suggestion}”" if result.suggestion else "none"
                notes.append(f"did you mean {offered} (expected “{result.case.suggestion}”)")
            verdict = "pass" if result.passed else "FAIL"
            self.stdout.write(
                f"{result.case.query:<{width}}  {verdict:<6}  {recall:>6}  {result.mode:<8}  {'; '.join(notes)}"
            )
        summary = (
            f"Recall@{top}: {report.recall:.3f} ({report.found_count} of {report.expected_count} expected "
            f"resources in the first {top}); {report.passed_count} of {len(report.results)} queries pass."
        )
        style = self.style.SUCCESS if report.passed_count == len(report.results) else self.style.WARNING
        self.stdout.write(style(summary))
