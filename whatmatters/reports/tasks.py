"""Background work: building a report (`whatmatters db_worker` runs it). Progress is kept on the Report row,
which its page shows."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.reports import formats, presenters, rendering
from whatmatters.reports.models import Report, ReportFormat

log = logging.getLogger(__name__)

FILE_WORDS = {ReportFormat.PPTX: "PowerPoint file", ReportFormat.XLSX: "Excel file"}


def build_report(report: Report, echo: object = None) -> Report:
    """Build the report's HTML and its file (the PDF, or the PowerPoint or Excel file) and store them.
    `echo(text)` also gets each progress step."""

    def progress(done: int, total: int, what: str) -> None:
        # Steps: one per team, then the HTML, then the file.
        Report.objects.filter(pk=report.pk).update(
            steps_done=done, steps_total=total + 2, step=what, status=Report.Status.RUNNING
        )
        if callable(echo):
            echo(f"{what} ({done + 1} of {total + 2})")

    try:
        data = presenters.build(
            report.team, report.date_from, report.date_to, report.audience, progress, contents=report.contents
        )
        total = len(data.sections)
        progress(total, total, "Writing the report")
        body = rendering.render_body(data)
        pdf, office = b"", b""
        if report.file_format == ReportFormat.PDF:
            progress(total + 1, total, "Making the PDF")
            pdf = rendering.render_pdf(rendering.render_document(data, body, inline_css=False))
        elif report.file_format in formats.OFFICE:
            progress(total + 1, total, f"Making the {FILE_WORDS[report.file_format]}")
            office = formats.render_office(report.file_format, data)
    except Exception as error:
        # The reason is for people who run the service; it never holds the report's contents.
        log.exception("Report %s could not be built", report.pk)
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error=type(error).__name__[:300], finished_at=timezone.now()
        )
        raise
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY,
        html=body,
        pdf=pdf,
        file=office,
        steps_done=total + 2,
        steps_total=total + 2,
        step="Ready",
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


@task
def run_report(report_id: int) -> str:
    """Safe to retry: a finished report is left alone."""
    report = Report.objects.select_related("team", "requested_by").get(pk=report_id)
    if report.finished:
        return report.status
    with acting_as(Actor(user=report.requested_by, label=f"report {report.pk}")):
        try:
            build_report(report)
        except Exception:  # noqa: BLE001 - recorded on the report; the page says it failed
            return Report.Status.FAILED
    return Report.Status.READY
