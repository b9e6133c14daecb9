"""URL arguments for the reports app's routes, for the permission-matrix test (a ready report in team A,
and a ready programme report)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from whatmatters.reports.models import Report

    def ready(team: Any, file_format: str = "pdf") -> Report:
        return Report.objects.create(
            team=team,
            audience="committee",
            date_from=dt.date(2024, 1, 1),
            date_to=dt.date(2024, 12, 31),
            status=Report.Status.READY,
            html="<p>A report.</p>",
            pdf=b"%PDF-1.7 test" if file_format == "pdf" else b"",
            file_format=file_format,
            file=b"" if file_format == "pdf" else b"PK test",
        )

    team_report = ready(programme.team_a)
    programme_report = ready(None)
    t = programme.team_a.slug
    office = {
        f"{prefix}report_{fmt}": {**({"team": t} if team else {}), "pk": ready(team, fmt).pk}
        for prefix, team in (("", programme.team_a), ("programme_", None))
        for fmt in ("pptx", "xlsx")
    }
    return {
        **office,
        "report_detail": {"team": t, "pk": team_report.pk},
        "report_pdf": {"team": t, "pk": team_report.pk},
        "report_html": {"team": t, "pk": team_report.pk},
        "programme_report_detail": {"pk": programme_report.pk},
        "programme_report_pdf": {"pk": programme_report.pk},
        "programme_report_html": {"pk": programme_report.pk},
    }
