"""`whatmatters flow waits|generate ...`: a thin shell over the pure CLI in whatmatters.flow.cli.

`flow import` needs the waiting-list data models; until they exist the pure CLI says so plainly.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from whatmatters.flow.cli import main


class Command(BaseCommand):
    help = "Waiting lists: 'flow waits' works out waits from extracts; 'flow generate' writes synthetic ones."

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is [program, "flow", ...]; the pure CLI parses the rest, so help and errors match.
        raise SystemExit(main(argv[2:], sys.stdout))

    def print_help(self, prog_name: str, subcommand: str) -> None:
        main(["--help"], sys.stdout)
