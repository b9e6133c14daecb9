"""Background work: importing a waiting-list extract (`whatmatters db_worker` runs it)."""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from whatmatters import tasks_common
from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.waitinglists.importing import STOPPED, cancel, mark_failed, run_import
from whatmatters.waitinglists.models import ExtractImport, ImportFile

log = logging.getLogger(__name__)

# Imports from before heartbeats were kept: still "running" this long after they came means stopped.
STALLED_AFTER = dt.timedelta(hours=6)  # a million referrals take about a minute; ten million, a few
KIND = "extract import"


def fail_stalled(now: dt.datetime | None = None, *, pk: int | None = None) -> int:
    """Imports whose worker was killed (out of memory, kill -9, a restart), which no code in it can catch:
    run again once while their files are kept, then failed with a plain reason. The rows and the status are
    one transaction, so nothing was saved. An older extract still waiting hours later for someone to choose
    "import it as history" is cancelled, and its files removed. Run when a worker starts a job, daily
    (whatmatters.retention) and when the import's page is opened."""
    now = now or timezone.now()
    old = ExtractImport.objects.filter(created_at__lt=now - STALLED_AFTER)
    if pk is not None:
        old = old.filter(pk=pk)
    waiting = list(old.filter(status=ExtractImport.Status.CONFIRM))
    for job in waiting:
        cancel(job)  # an older extract nobody chose to import as history: its files are removed
    legacy = old.filter(status=ExtractImport.Status.RUNNING).values_list("pk", flat=True)
    return len(waiting) + tasks_common.sweep(KIND, pk=pk, legacy=legacy, now=now)


def _unfinished(pk: int) -> bool:
    return ExtractImport.objects.filter(
        pk=pk, status__in=(ExtractImport.Status.QUEUED, ExtractImport.Status.RUNNING)
    ).exists()


def _retry(pk: int) -> bool:
    if not ImportFile.objects.filter(extract_import_id=pk).exists():
        return False
    ExtractImport.objects.filter(pk=pk).update(status=ExtractImport.Status.QUEUED, stage="", percent=0)
    run_extract_import.enqueue(pk)
    return True


def _fail(pk: int, reason: str) -> None:
    for job in ExtractImport.objects.filter(
        pk=pk, status__in=(ExtractImport.Status.QUEUED, ExtractImport.Status.RUNNING)
    ):
        mark_failed(job, reason)


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


tasks_common.register(
    tasks_common.JobKind(
        kind=KIND,
        reason=STOPPED,
        unfinished=_unfinished,
        retry=_retry,
        fail=_fail,
        task_path=run_extract_import.module_path,
    )
)
