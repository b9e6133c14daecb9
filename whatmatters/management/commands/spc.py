"""`whatmatters spc analyse|conformance ...`: a thin shell over the pure CLI in whatmatters.spc.cli."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from whatmatters.spc.cli import build_parser, main


class Command(BaseCommand):
    help = "SPC charts: 'spc analyse FILE.csv' for people, 'spc conformance FILE.json ...' for the vectors."

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is [program, "spc", ...]; the pure CLI parses the rest itself, so its help and errors
        # are the same whether it is run here or on its own.
        raise SystemExit(main(argv[2:], sys.stdout, sys.stderr))

    def print_help(self, prog_name: str, subcommand: str) -> None:
        build_parser().print_help(sys.stdout)
