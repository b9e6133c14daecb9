"""`whatmatters import-values FILE [--dry-run]`: values for any team's measures from a CSV or XLSX file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.framework.importing import import_values


class Command(BaseCommand):
    help = (
        "Import measure values from a CSV or XLSX file in long format: measure, team, period (YYYY-MM-DD, "
        "the period's first day), value or numerator and denominator, and an optional note. If any row has "
        "a problem, nothing is saved."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file but save nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        last = [-1]

        def progress(done: int, total: int) -> None:
            step = max(total // 10, 1)
            if done == total or done // step != last[0]:
                last[0] = done // step
                self.stderr.write(f"Checked {done} of {total} rows")

        with acting_as(Actor(user=None, label="command line: import-values")):
            report = import_values(path.name, data, dry_run=options["dry_run"], progress=progress)
        for problem in report.problems:
            self.stdout.write(f"{path.name}, {problem}")
        if report.problems:
            n = len(report.problems)
            problems = "1 problem" if n == 1 else f"{n} problems"
            raise CommandError(f"{problems} found in {path.name}: nothing was saved.")
        self.stdout.write(self.style.SUCCESS(report.summary()))
