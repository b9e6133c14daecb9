"""`whatmatters surveys list [--json]` and `whatmatters surveys refresh [--team SLUG]`."""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.surveys.measures import refresh_team
from whatmatters.surveys.models import Survey
from whatmatters.teams.models import Team


class Command(BaseCommand):
    help = (
        "Experience surveys: 'surveys list' shows each survey and its public link; 'surveys refresh' "
        "works out the survey measures again (safe to run at any time)."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,refresh}")
        listing = sub.add_parser("list", help="List surveys with their public links.")
        listing.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        listing.add_argument("--team", help="Only this team (its slug).")
        listing.add_argument(
            "--base-url",
            default=os.environ.get("WHATMATTERS_BASE_URL", "http://localhost:8000"),
            help="Where the site is, for full links (default: WHATMATTERS_BASE_URL or http://localhost:8000).",
        )
        refresh = sub.add_parser("refresh", help="Turn survey answers into measure values for each month.")
        refresh.add_argument("--team", help="Only this team (its slug).")

    def _teams(self, slug: str | None) -> Any:
        teams = Team.objects.filter(is_active=True).order_by("slug")
        if slug:
            teams = teams.filter(slug=slug)
            if not teams.exists():
                raise CommandError(f"There is no team with the slug {slug!r}.")
        return teams

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refresh":
            with acting_as(Actor(user=None, label="command line: surveys refresh")):
                for team in self._teams(options["team"]):
                    report = refresh_team(team)
                    self.stdout.write(
                        f"{team.slug}: {report.measures_added} measures added, {report.values_added} values "
                        f"added, {report.values_changed} changed"
                        + (
                            f"; left alone (typed in by hand): {', '.join(report.skipped)}"
                            if report.skipped
                            else ""
                        )
                    )
            return
        surveys = Survey.objects.select_related("team").order_by("team__slug", "title", "pk")
        if options["team"]:
            surveys = surveys.filter(team__in=self._teams(options["team"]))
        base = options["base_url"].rstrip("/")
        rows = [
            {
                "team": s.team.slug if s.team else None,
                "title": s.title,
                "stage": s.stage,
                "open": s.is_open,
                "code": s.code,
                "link": f"{base}{s.public_path()}",
                "easy_read_link": f"{base}{s.public_path()}easy-read/",
                "responses": s.responses.count(),
            }
            for s in surveys
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("There are no surveys yet.")
        for row in rows:
            closed = "" if row["open"] else " (closed)"
            self.stdout.write(
                f"{row['team'] or 'programme'}\t{row['title']}{closed}\t{row['stage']}\t"
                f"{row['responses']} responses\t{row['link']}"
            )
