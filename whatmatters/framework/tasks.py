"""Background work: checking and saving an uploaded file of values (`whatmatters db_worker` runs it)."""

from __future__ import annotations

from django.tasks import task

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.framework.importing import import_values
from whatmatters.framework.models import ValueImport


@task
def run_value_import(import_id: int) -> str:
    """Safe to retry: a finished import is left alone, and saving the same rows again changes nothing."""
    upload = ValueImport.objects.select_related("team", "uploaded_by").get(pk=import_id)
    if upload.finished:
        return upload.status
    ValueImport.objects.filter(pk=upload.pk).update(status=ValueImport.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        ValueImport.objects.filter(pk=upload.pk).update(rows_done=done, rows_total=total)

    actor = Actor(user=upload.uploaded_by, label=f"upload: {upload.file_name}"[:200])
    with acting_as(actor):
        report = import_values(
            upload.file_name,
            bytes(upload.content),
            allowed_teams={upload.team.slug},
            dry_run=upload.dry_run,
            progress=progress,
        )
    if report.problems:
        status = ValueImport.Status.REJECTED
    elif upload.dry_run:
        status = ValueImport.Status.CHECKED
    else:
        status = ValueImport.Status.SAVED
    ValueImport.objects.filter(pk=upload.pk).update(status=status, report=report.as_dict())
    return status
