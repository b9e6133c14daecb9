"""`whatmatters purge-originals`: delete the original words of redacted statements after N days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.engagement import actions
from whatmatters.safety import ratelimit


class Command(BaseCommand):
    help = (
        "Delete the original words of redacted statements once they are older than the retention period "
        "(ENGAGEMENT_ORIGINAL_TEXT_DAYS, 30 days unless set). Also forgets old rate-limit entries. "
        "Run it daily."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None, help="Keep originals for this many days.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        with acting_as(Actor(user=None, label="command line: purge-originals")):
            purged = actions.purge_originals(days)
            forgotten = ratelimit.forget_old_submissions()
        kept = actions.original_text_days() if days is None else days
        self.stdout.write(
            f"Deleted the original words of {purged} redacted statements older than {kept} days; "
            f"forgot {forgotten} old rate-limit entries."
        )
