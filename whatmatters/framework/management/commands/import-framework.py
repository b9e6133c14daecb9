"""`whatmatters import-framework FILE --team SLUG | --programme`: a framework file (JSON) into a team's plan,
or the programme's shared domains and national measure library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.framework import actions
from whatmatters.teams.models import Team


class Command(BaseCommand):
    help = (
        "Import a framework file exported from What Matters (.json): a team's domains, aims, driver diagrams "
        "and measures (--team), or the programme's shared domains and measure library (--programme). "
        "Anything already there is skipped, not changed. If the file has a problem, nothing is saved."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="A framework file (.json, UTF-8).")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--team", metavar="SLUG", help="The team whose plan it goes into, like cert.")
        where.add_argument("--programme", action="store_true", help="It holds the programme's framework.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                data = handle.read(actions.MAX_BYTES + 1)  # one byte over is enough to refuse it
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        team = None
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                raise CommandError(f"There is no team called '{options['team'][:40]}'.")
        try:
            with acting_as(Actor(user=None, label="command line: import-framework")):
                if team is not None:
                    report = actions.import_team(team, data, file=path.name)
                else:
                    report = actions.import_programme(data, file=path.name)
        except actions.FrameworkError as error:
            for problem in error.problems:
                self.stdout.write(actions.describe(problem))
            n = len(error.problems)
            raise CommandError(
                f"{'1 problem' if n == 1 else f'{n:,} problems'} found in {path.name}: nothing was saved."
            ) from error
        for line in report.created:
            self.stdout.write(f"Created: {line}")
        for line in report.skipped:
            self.stdout.write(f"Skipped: {line}")
        for line in report.notes:
            self.stdout.write(f"Note: {line}")
        self.stdout.write(
            self.style.SUCCESS(f"{len(report.created):,} created, {len(report.skipped):,} skipped.")
        )
