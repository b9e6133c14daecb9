"""`whatmatters report --team SLUG | --programme --from DATE --to DATE --audience NAME
--format pdf|html|pptx|xlsx --output FILE`: build a report on the command line (progress on stderr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.reports import formats, presenters, rendering
from whatmatters.reports.forms import check_period, parse_iso_date
from whatmatters.reports.models import Audience, Contents, ReportFormat
from whatmatters.teams.models import Team


class Command(BaseCommand):
    help = (
        "Build a report for one team or the whole programme, for a period and an audience, as a tagged PDF, "
        "an HTML file, a PowerPoint file or an Excel file. Counts of people are disclosure-controlled; only "
        "approved words are quoted."
    )

    def add_arguments(self, parser: Any) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--team", metavar="SLUG", help="The team's short name, as in its web address.")
        who.add_argument("--programme", action="store_true", help="Every team in the programme.")
        parser.add_argument("--from", dest="date_from", required=True, metavar="DATE", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, metavar="DATE", help="YYYY-MM-DD")
        parser.add_argument(
            "--audience",
            required=True,
            choices=Audience.values,
            metavar="NAME",
            help=f"One of: {', '.join(Audience.values)}.",
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            required=True,
            choices=ReportFormat.values,
            help="pdf (tagged, accessible), html, pptx (PowerPoint) or xlsx (Excel).",
        )
        parser.add_argument("--output", required=True, metavar="FILE", help="Where to write the report.")
        parser.add_argument(
            "--contents",
            choices=Contents.values,
            default=Contents.EXCEPTIONS,
            help="exceptions (the default: the summary, then a page for each measure that needs a decision) "
            "or everything (and every other measure's chart).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            date_from = parse_iso_date(options["date_from"])
            date_to = parse_iso_date(options["date_to"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if problem := check_period(date_from, date_to):
            raise CommandError(problem)
        team = None
        if options["team"]:
            team = Team.objects.filter(slug=options["team"], is_active=True).first()
            if team is None:
                raise CommandError(f"There is no active team with the short name {options['team']!r}")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"Cannot write {output}: the folder {output.parent} does not exist")

        def progress(done: int, total: int, what: str) -> None:
            self.stderr.write(f"{what} ({done + 1} of {total})")

        with acting_as(Actor(user=None, label="command line: report")):
            data = presenters.build(
                team, date_from, date_to, options["audience"], progress, contents=options["contents"]
            )
            self.stderr.write("Writing the report")
            content = self._content(data, options["fmt"])
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from None
        self.stderr.write(f"Wrote {output} ({len(content):,} bytes)")

    def _content(self, data: Any, fmt: str) -> bytes:
        if fmt in formats.OFFICE:
            return formats.render_office(fmt, data)
        document = rendering.render_document(data, inline_css=fmt == ReportFormat.HTML)
        if fmt == ReportFormat.PDF:
            self.stderr.write("Making the PDF")
            return rendering.render_pdf(document)
        return document.encode("utf-8")
