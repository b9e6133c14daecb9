"""`whatmatters learning refresh [--team SLUG]`: excellence-report counts become measure values."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.learning.actions import refresh_excellence_measures
from whatmatters.teams.models import Team


class Command(BaseCommand):
    help = (
        "Learning: 'learning refresh' works out each team's excellence-report measures again, month by "
        "month (safe to run at any time; run it monthly so quiet months show as 0, not as a gap)."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{refresh}")
        refresh = sub.add_parser("refresh", help="Count approved excellence reports per team and domain.")
        refresh.add_argument("--team", help="Only this team (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        teams = Team.objects.filter(is_active=True).order_by("slug")
        if options["team"]:
            teams = teams.filter(slug=options["team"])
            if not teams.exists():
                raise CommandError(f"There is no team with the slug {options['team']!r}.")
        with acting_as(Actor(user=None, label="command line: learning refresh")):
            for team in teams:
                changed = refresh_excellence_measures(team)
                self.stdout.write(f"{team.slug}: {changed} values changed")
