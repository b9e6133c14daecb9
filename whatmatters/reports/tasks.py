"""Background work: building a report (`whatmatters db_worker` runs it). Progress is kept on the Report row,
which its page shows. A worker killed while building is found by its missing heartbeat
(whatmatters.tasks_common): the report is built again once, then marked failed."""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from whatmatters import tasks_common
from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.reports import formats, presenters, rendering
from whatmatters.reports.models import Report, ReportFormat

log = logging.getLogger(__name__)

FILE_WORDS = {ReportFormat.PPTX: "PowerPoint file", ReportFormat.XLSX: "Excel file"}
KIND = "report"
STOPPED = "The report stopped part way (the server restarted). Ask for it again."
STOPPED_ERROR = (
    "WorkerStoppedError"  # Report.error of a report whose worker was killed; its page says STOPPED
)
# Reports from before heartbeats were kept: still "being built" this long after they were asked for.
STALLED_AFTER = dt.timedelta(hours=1)


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
    with (
        tasks_common.running(KIND, report.pk) as run,
        acting_as(Actor(user=report.requested_by, label=f"report {report.pk}")),
    ):
        try:
            build_report(report)
        except Exception as error:  # noqa: BLE001 - recorded on the report; the page says it failed
            if tasks_common.retry_if_database_lost(run, error):
                return Report.Status.QUEUED  # the database restarted: built again
            return Report.Status.FAILED
    return Report.Status.READY


def _fail(report: Report, reason: str) -> None:
    Report.objects.filter(pk=report.pk, status=report.status).update(
        status=Report.Status.FAILED, error=STOPPED_ERROR, step=reason[:200], finished_at=timezone.now()
    )


# The kind of job a killed worker can leave "running" (registered in ReportsConfig.ready).
JOB = tasks_common.JobKind(
    kind=KIND,
    label="reports",
    model=Report,
    task=run_report,
    reason=STOPPED,
    fail=_fail,
    legacy_after=STALLED_AFTER,
    reset={"steps_done": 0, "step": ""},
)
