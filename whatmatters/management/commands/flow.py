"""`whatmatters flow waits|generate|import ...`: a thin shell over the pure CLI in whatmatters.flow.cli.

`flow import` needs the database, so this command hands the pure CLI an importer from the waiting-lists app.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from whatmatters.flow.cli import main
from whatmatters.waitinglists.cli import import_command


class Command(BaseCommand):
    help = (
        "Waiting lists: 'flow waits' works out waits from extracts; 'flow generate' writes synthetic ones; "
        "'flow import' saves an extract and refreshes each team's measures."
    )

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is [program, "flow", ...]; the pure CLI parses the rest, so help and errors match.

        raise SystemExit(main(argv[2:], sys.stdout, importer=import_command))

    def print_help(self, prog_name: str, subcommand: str) -> None:
        main(["--help"], sys.stdout)
