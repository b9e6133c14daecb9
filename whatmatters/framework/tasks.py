"""Background work: checking and saving an uploaded file of values (`whatmatters db_worker` runs it).

An upload never stays "running": the checked rows, the saved values and the upload's final status are one
transaction, and any error nobody expected ends the upload as failed, with a plain message on its page and a
traceback in the log that names no value from the file. A worker killed outright is found by its missing
heartbeat (whatmatters.tasks_common): the upload is checked again once, then marked failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback

from django.db import transaction
from django.tasks import task

from whatmatters import tasks_common
from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.framework.measures.importing import check_file, save_rows
from whatmatters.framework.models import ValueImport
from whatmatters.imports.problems import Problem

logger = logging.getLogger(__name__)

FAILED = (
    "Something went wrong on our side while checking this file, so nothing was saved. Try again later. "
    "If it happens again, tell your administrator the number of this upload: {pk}."
)


STOPPED = (
    "The import stopped part way (the server restarted). Nothing from it was saved. Upload the file again."
)
# Uploads from before heartbeats were kept: still "running" this long after they came means stopped.
STALLED_AFTER = dt.timedelta(hours=1)  # 50,000 rows take about a minute to check and save
KIND = "value import"


def _failed_report(file_name: str, reason: str) -> dict[str, object]:
    return {
        "file": file_name,
        "problems": [Problem(file_name, None, "", reason).as_dict()],
        "problem_count": 1,
        "rows": 0,
        "created": 0,
        "replaced": 0,
        "unchanged": 0,
        "saved": False,
        "summary": "Nothing was saved: something went wrong.",
    }


def _fail(upload: ValueImport, reason: str) -> None:
    ValueImport.objects.filter(pk=upload.pk, status=upload.status).update(
        status=ValueImport.Status.FAILED, report=_failed_report(upload.file_name, reason)
    )


@task
def run_value_import(import_id: int) -> str:
    """Safe to retry: a finished import is left alone, and saving the same rows again changes nothing."""
    upload = ValueImport.objects.select_related("team", "uploaded_by").get(pk=import_id)
    if upload.finished:
        return upload.status
    with tasks_common.running(KIND, upload.pk) as run:
        return _attempt(upload, run)


def _attempt(upload: ValueImport, run: tasks_common.TaskRun) -> str:
    ValueImport.objects.filter(pk=upload.pk).update(status=ValueImport.Status.RUNNING)
    try:
        return _run(upload)
    except BaseException as error:  # whatever went wrong, even the worker being stopped: the upload ends
        if tasks_common.retry_if_database_lost(run, error):
            return ValueImport.Status.QUEUED  # the database restarted: nothing was saved; checked again
        logger.error(
            "Value import %s failed: %s\n%s",
            upload.pk,
            type(error).__qualname__,
            "".join(traceback.format_tb(error.__traceback__)).rstrip(),  # frames only: no message, no values
        )
        ValueImport.objects.filter(pk=upload.pk).update(
            status=ValueImport.Status.FAILED,
            report=_failed_report(upload.file_name, FAILED.format(pk=upload.pk)),
        )
        if not isinstance(error, Exception):
            raise  # the worker is stopping (Ctrl+C, a shutdown): let it
        return ValueImport.Status.FAILED


def _run(upload: ValueImport) -> str:
    def progress(done: int, total: int) -> None:
        ValueImport.objects.filter(pk=upload.pk).update(rows_done=done, rows_total=total)

    report = check_file(
        upload.file_name, bytes(upload.content), allowed_teams={upload.team.slug}, progress=progress
    )
    # First the preview (nothing saved, values typed by hand listed as kept); once the person presses
    # "Save these values" the same file is checked again and saved, keeping typed values unless they ticked
    # "Replace values typed by hand".
    preview = not upload.confirmed and not upload.dry_run
    if report.problems:
        status = ValueImport.Status.REJECTED
    elif upload.dry_run:
        status = ValueImport.Status.CHECKED
    elif preview:
        status = ValueImport.Status.PREVIEW
    else:
        status = ValueImport.Status.SAVED
    actor = Actor(user=upload.uploaded_by, label=f"upload: {upload.file_name}"[:200])
    with transaction.atomic(), acting_as(actor):
        if not report.problems:
            save_rows(
                report.rows,
                report,
                dry_run=upload.dry_run or preview,
                by=upload.uploaded_by,
                import_ref=f"upload {upload.pk}",
                keep_typed=not upload.replace_typed,
            )
        ValueImport.objects.filter(pk=upload.pk).update(status=status, report=report.as_dict())
    return status


# The kind of job a killed worker can leave "running" (registered in FrameworkConfig.ready).
JOB = tasks_common.JobKind(
    kind=KIND,
    label="value uploads",
    model=ValueImport,
    task=run_value_import,
    reason=STOPPED,
    fail=_fail,
    legacy_after=STALLED_AFTER,
    reset={"rows_done": 0},
)
