"""Background work: importing a waiting-list extract (`whatmatters db_worker` runs it)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import QuerySet
from django.tasks import task

from whatmatters import tasks_common
from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.waitinglists.importing import STOPPED, cancel, mark_failed, run_import
from whatmatters.waitinglists.models import ExtractImport, ImportFile

log = logging.getLogger(__name__)

# Imports from before heartbeats were kept: still "running" this long after they came means stopped.
STALLED_AFTER = dt.timedelta(hours=6)  # a million referrals take about a minute; ten million, a few
KIND = "extract import"


def _files_kept(pk: int) -> bool:
    return ImportFile.objects.filter(extract_import_id=pk).exists()


def _cancel_waiting(old: QuerySet[ExtractImport]) -> int:
    """An older extract still waiting hours later for someone to choose "import it as history" is
    cancelled, and its files removed."""
    waiting = list(old.filter(status=ExtractImport.Status.CONFIRM))
    for job in waiting:
        cancel(job)
    return len(waiting)


@task(queue_name=tasks_common.IMPORTS_QUEUE)  # minutes each: its own queue and worker
def run_extract_import(import_id: int) -> str:
    """Safe to retry: a finished import is left alone, and saving the same rows again changes nothing.

    run_import ends every import it starts, failed if need be; anything else going wrong here ends it as
    failed too, so an import's page never says "Checking the files" for ever.
    """
    job = ExtractImport.objects.select_related("uploaded_by").get(pk=import_id)
    if job.finished:
        return job.status
    label = "command line: flow import" if job.uploaded_by is None else f"upload: {job.source}"
    try:
        with (
            tasks_common.running(KIND, job.pk) as run,
            acting_as(Actor(user=job.uploaded_by, label=label[:200])),
        ):
            # The database going away part way (a restart): nothing was saved, so it runs again once.
            run_import(job, retry=lambda error: tasks_common.retry_if_database_lost(run, error))
    except Exception as error:  # noqa: BLE001 - the import must end, not stay running
        log.error("waiting-list import %s failed: %s", job.pk, type(error).__qualname__)
        mark_failed(job)
    return ExtractImport.objects.get(pk=import_id).status


# The kind of job a killed worker can leave "running" (registered in WaitingListsConfig.ready): run again
# once while its files are kept, then failed with a plain reason (the rows and the status are one
# transaction, so nothing was saved).
JOB = tasks_common.JobKind(
    kind=KIND,
    label="extract imports",
    model=ExtractImport,
    task=run_extract_import,
    reason=STOPPED,
    fail=mark_failed,
    legacy_after=STALLED_AFTER,
    reset={"stage": "", "percent": 0},
    can_retry=_files_kept,
    tidy=_cancel_waiting,
)
