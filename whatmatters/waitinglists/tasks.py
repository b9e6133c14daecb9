"""Background work: importing a waiting-list extract (`whatmatters db_worker` runs it)."""

from __future__ import annotations

from django.tasks import task

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.waitinglists.importing import run_import
from whatmatters.waitinglists.models import ExtractImport


@task
def run_extract_import(import_id: int) -> str:
    """Safe to retry: a finished import is left alone, and saving the same rows again changes nothing."""
    job = ExtractImport.objects.select_related("uploaded_by").get(pk=import_id)
    if job.finished:
        return job.status
    label = "command line: flow import" if job.uploaded_by is None else f"upload: {job.source}"
    with acting_as(Actor(user=job.uploaded_by, label=label[:200])):
        try:
            run_import(job)
        except Exception:
            ExtractImport.objects.filter(pk=job.pk).update(
                status=ExtractImport.Status.FAILED,
                stage="Something went wrong. Nothing was saved.",
                percent=100,
            )
            raise
    return ExtractImport.objects.get(pk=import_id).status
