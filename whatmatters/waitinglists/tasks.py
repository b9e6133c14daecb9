"""Background work: importing a waiting-list extract (`whatmatters db_worker` runs it)."""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.waitinglists.importing import STOPPED, cancel, mark_failed, run_import
from whatmatters.waitinglists.models import ExtractImport

log = logging.getLogger(__name__)

STALLED_AFTER = dt.timedelta(hours=6)  # a million referrals take about a minute; ten million, a few


def fail_stalled(now: dt.datetime | None = None, *, pk: int | None = None) -> int:
    """Imports still "running" hours after they came: the worker was killed (out of memory, a restart), which
    no code in it can catch. The rows and the status are one transaction, so nothing was saved: say so.
    An older extract still waiting for someone to choose "import it as history" is cancelled, and its files
    removed. Run daily (whatmatters.retention) and when such an import's page is opened."""
    now = now or timezone.now()
    stalled = ExtractImport.objects.filter(
        status__in=(ExtractImport.Status.RUNNING, ExtractImport.Status.CONFIRM),
        created_at__lt=now - STALLED_AFTER,
    )
    if pk is not None:
        stalled = stalled.filter(pk=pk)
    jobs = list(stalled)
    for job in jobs:
        if job.status == ExtractImport.Status.CONFIRM:
            cancel(job)  # an older extract nobody chose to import as history: its files are removed
        else:
            mark_failed(job, STOPPED)
    return len(jobs)


@task
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
        with acting_as(Actor(user=job.uploaded_by, label=label[:200])):
            run_import(job)
    except Exception as error:  # noqa: BLE001 - the import must end, not stay running
        log.error("waiting-list import %s failed: %s", job.pk, type(error).__qualname__)
        mark_failed(job)
    return ExtractImport.objects.get(pk=import_id).status
