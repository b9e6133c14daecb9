"""`whatmatters digests`: see or queue the weekly digest; `--send-now` sends this week's at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.notices import digest, schedule, tasks
from whatmatters.notices.models import DigestRun


class Command(BaseCommand):
    help = (
        "The weekly email of what needs each person. The task worker ('whatmatters db_worker') sends it "
        "every Monday by itself; this makes sure it is queued, or sends this week's now."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--send-now",
            action="store_true",
            help="send this week's digest now (once a week: a week already sent is not sent again)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["send_now"]:
            local = timezone.localdate()
            week = local - dt.timedelta(days=local.weekday())
            with acting_as(Actor(user=None, label="command line: digests")):
                sent = digest.run_week(week)
            tasks.ensure_scheduled(schedule.week_after(week))
            self.stdout.write(f"Sent {sent} weekly emails for the week starting {week:%Y-%m-%d}.")
        if tasks.ensure_scheduled():
            self.stdout.write("Queued the next weekly digest.")
        elif tasks.waiting_runs().exists():
            run = tasks.waiting_runs().first()
            self.stdout.write(
                f"The next weekly digest is queued for {timezone.localtime(run.run_after):%Y-%m-%d %H:%M}."
            )
        else:
            self.stdout.write("Not queued: this task backend cannot keep tasks for later.")
        last = DigestRun.objects.first()
        if last is not None:
            self.stdout.write(
                f"The last digest was for the week starting {last.week:%Y-%m-%d}: {last.sent} emails."
            )
