"""Rows the project package keeps for every app: the heartbeat of background work (see tasks_common)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TaskRun(models.Model):
    """One background job running now (an upload being checked, an extract imported, a report built).

    The worker writes `beat_at` every few seconds while the job runs, and removes the row when the job ends
    in any way its code can see. A row left behind with an old beat (or whose process is gone) is a job
    whose worker was killed: `tasks_common.sweep` retries it or marks it failed.
    """

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, help_text="host:process id:process start, of the worker.")
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_run_per_job")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} (attempt {self.attempts})"
