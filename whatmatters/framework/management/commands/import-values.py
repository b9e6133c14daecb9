"""`whatmatters import-values FILE [--dry-run] [--replace-typed]`: values for any team's measures from a CSV
or XLSX file.

It prints each value it adds (or, with --dry-run, would add), each it replaces with the old and new value,
each value typed by hand it keeps, the events notes add to charts and the requests to start new limits.
Values typed by hand (the form or the data grid) are only replaced with --replace-typed.

Every problem is printed on its own line (file, row, column, reason); the command then exits with a one-line
reason and status 1. It never ends in a traceback: an error nobody expected is reported in one line (and its
kind logged, without any value from the file), nothing is saved, and `--traceback` shows where it happened.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.framework.measures.importing import MAX_BYTES, MAX_SHOWN, import_values
from whatmatters.imports.reading import megabytes

logger = logging.getLogger("whatmatters.framework.measures.importing")


class Command(BaseCommand):
    help = (
        "Import measure values from a CSV or XLSX file in long format: measure, team, period (YYYY-MM-DD, "
        "the period's first day), value or numerator and denominator, and an optional note. If any row has "
        "a problem, nothing is saved."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and list what would change, but save nothing.",
        )
        parser.add_argument(
            "--replace-typed",
            action="store_true",
            help="Replace values typed by hand (on the form or the data grid). Without it they are kept.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if path.is_file() and path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{path.name} is larger than {megabytes(MAX_BYTES)}. Split it into parts: nothing was "
                    "saved."
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        last = [-1]

        def progress(done: int, total: int) -> None:
            step = max(total // 10, 1)
            if done == total or done // step != last[0]:
                last[0] = done // step
                self.stderr.write(f"Checked {done:,} of {total:,} rows")

        try:
            with acting_as(Actor(user=None, label="command line: import-values")):
                report = import_values(
                    path.name,
                    data,
                    dry_run=options["dry_run"],
                    progress=progress,
                    keep_typed=not options["replace_typed"],
                )
        except Exception as error:  # noqa: BLE001 - one line for the person; --traceback shows where
            if options.get("traceback"):
                raise
            logger.error("import-values failed: %s", type(error).__qualname__)
            raise CommandError(
                f"Something went wrong while importing {path.name} ({type(error).__name__}): nothing was "
                "saved. Run it again with --traceback to see where."
            ) from None
        for problem in report.problems[:MAX_SHOWN]:
            self.stdout.write(str(problem))
        if report.problems:
            n = len(report.problems)
            problems = "1 problem" if n == 1 else f"{n:,} problems"
            shown = f" (the first {MAX_SHOWN} are listed)" if n > MAX_SHOWN else ""
            raise CommandError(f"{problems} found in {path.name}{shown}: nothing was saved.")
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(report.summary()))
