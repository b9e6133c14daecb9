"""`whatmatters retention`: remove personal data kept longer than the retention periods (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from whatmatters import retention
from whatmatters.audit.tracking import Actor, acting_as


class Command(BaseCommand):
    help = (
        "Remove personal data kept longer than the retention periods in the README's configuration table: "
        "statements' original words, survey answers' words, answered alerts' contact details, old sign-in "
        "records and audit events. The task worker ('whatmatters db_worker') does this every day by itself."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would go; remove nothing")
        parser.add_argument(
            "--schedule", action="store_true", help="also make sure the worker's daily run is queued"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        with acting_as(Actor(user=None, label="command line: retention")):
            counts = retention.apply_retention(dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for kind, count in counts.items():
            self.stdout.write(f"{verb} {count} {retention.KINDS[kind]} ({kind})")
        waiting = retention.unanswered_alerts_past_retention()
        if waiting:
            self.stdout.write(
                f"Kept the contact details of {waiting} alerts older than the retention period: nobody has "
                "recorded a response yet. Please check them on the teams' Alerts pages."
            )
        if options["schedule"]:
            if retention.ensure_scheduled():
                self.stdout.write(f"Queued the daily run for {retention.next_run():%Y-%m-%d %H:%M}.")
            elif retention.waiting_runs().exists():
                self.stdout.write("The daily run was already queued.")
            else:
                self.stdout.write("Not queued: this task backend cannot keep tasks for later.")
