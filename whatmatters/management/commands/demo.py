from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from whatmatters import demo
from whatmatters.audit.tracking import Actor, acting_as


class Command(BaseCommand):
    help = "Load demo data: a programme of six teams in two phases, buddy pairs and one person per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even in production (not advised).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo accounts with a published password into a production service."
            )
        with acting_as(Actor(user=None, label="command line: demo")):
            demo.load(progress=lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        for user in demo.USERS:
            where = user.team or "whole organisation"
            self.stdout.write(f"  {user.email:<22} {user.role:<22} {where}")
        self.stdout.write(f"  Password for all of them: {demo.DEMO_PASSWORD}")
