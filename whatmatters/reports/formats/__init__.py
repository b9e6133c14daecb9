"""PowerPoint and Excel reports, and what a download of each format is.

HTML and the tagged PDF come from `reports.rendering`; PowerPoint (`powerpoint`) and Excel (`excel`) are built
here from the same `presenters.ReportData`, so every format holds the same measures, icons and numbers. Every
report is read outside the team, so each format shows only what disclosure control lets through.
"""

from __future__ import annotations

from whatmatters.reports.formats.excel import render_xlsx
from whatmatters.reports.formats.powerpoint import render_pptx
from whatmatters.reports.models import ReportFormat
from whatmatters.reports.presenters import ReportData

CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OFFICE = (ReportFormat.PPTX, ReportFormat.XLSX)  # the formats kept in `Report.file`


def render_office(fmt: str, data: ReportData) -> bytes:
    """The PowerPoint or Excel file of a report's data."""
    if fmt == ReportFormat.PPTX:
        return render_pptx(data)
    if fmt == ReportFormat.XLSX:
        return render_xlsx(data)
    raise ValueError(f"{fmt!r} is not a PowerPoint or Excel format")
