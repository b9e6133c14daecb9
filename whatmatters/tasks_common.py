"""Background jobs a killed worker left "running": one check for every kind (uploads, extracts, reports).

No code in a worker can catch `kill -9`, running out of memory or a machine restarting, so a job's record
would say "running" for ever. Each job therefore runs inside `running(kind, pk)`, which keeps a `TaskRun`
row while it runs:

- the row names the worker (host, process id and the process's start time) and a thread in the worker
  writes its `beat_at` every few seconds, on its own database connection;
- when the job ends in any way its code sees, the row is removed.

`sweep(kind)` then decides a job is really dead, not just slow: its worker ran on this machine and that
process is gone (checked at once), or it ran elsewhere and its beat is older than `STALE_AFTER`. A
record from before heartbeats were kept (no row) falls back to its age. A dead job is queued again once
where that is safe (every job here is: nothing was saved, and running it again changes nothing), else
marked failed with a reason the person sees on its page. Either way django-tasks-db's own row for it is
ended too, so the queue does not list it as running.

Nothing is ever half-saved: each job writes its rows and its final status in one transaction, so a job
killed part way saved nothing.

Sweeps run when a job's page is opened, whenever a worker starts a job (so a restarted worker cleans up
after the one it replaced), and in the daily retention run.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, InterfaceError, OperationalError, connection, models, transaction
from django.db.models import F, QuerySet
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from whatmatters.models import TaskRun

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # the first run and one retry
# The queue for jobs that take minutes (waiting-list extract imports), apart from the short ones on
# "default" (settings.TASKS; a worker per queue: the README's "Running it for real").
IMPORTS_QUEUE = "imports"


def heartbeat_seconds() -> float:
    """How often a running job's worker writes its beat (0: no thread, as in tests)."""
    return float(getattr(settings, "WHATMATTERS_TASK_HEARTBEAT_SECONDS", 5))


def stale_after() -> dt.timedelta:
    """A beat older than this from a worker on another machine: the worker is gone."""
    return dt.timedelta(seconds=max(60.0, 12 * heartbeat_seconds()))


@dataclass(frozen=True)
class JobKind:
    """One kind of job a person waits for, and the record its page shows: the one table every sweep reads.

    `model`'s `status_field` holds `queued`, `running` and `failed` (checked against the field's choices
    when the kind is made, so a renamed status fails at start-up, not in a sweep). `task` runs one job,
    given the record's pk. `reason` is what its page says when its worker was killed twice; `fail(record,
    reason)` ends one unfinished record as failed with it. `reset`: fields put back when it is queued again
    (its progress). `can_retry(pk)`: whether it can run again (an extract: while its files are kept).
    `legacy_after`: a record from before heartbeats were kept (no TaskRun row) still running this long
    after it was made is stopped. `tidy(old)`: anything else to end among records older than that (an
    extract waiting for a choice nobody made); returns how many. `label` names them in the daily run.
    Each app registers its kinds in its AppConfig.ready (`register`).
    """

    kind: str
    label: str
    model: type[models.Model]
    task: Any  # a django.tasks Task taking the record's pk
    reason: str
    fail: Callable[[Any, str], None]
    legacy_after: dt.timedelta
    reset: Mapping[str, Any] = field(default_factory=dict)
    can_retry: Callable[[int], bool] | None = None
    tidy: Callable[[QuerySet[Any]], int] | None = None
    status_field: str = "status"
    queued: str = "queued"
    running: str = "running"
    failed: str = "failed"

    def __post_init__(self) -> None:
        choices = {value for value, _ in self.model._meta.get_field(self.status_field).choices or ()}
        missing = {self.queued, self.running, self.failed} - choices
        if missing:
            raise ImproperlyConfigured(
                f"{self.model.__name__}.{self.status_field} has no status {', '.join(sorted(missing))}"
            )

    @property
    def task_path(self) -> str:
        return self.task.module_path

    def _status(self, *values: str) -> dict[str, Any]:
        return {f"{self.status_field}__in": values}

    def unfinished(self, pk: int) -> bool:
        """The record still says queued or running."""
        return self.model._default_manager.filter(pk=pk, **self._status(self.queued, self.running)).exists()

    def retry(self, pk: int) -> bool:
        """Put the record back to queued and queue the job again; False if it cannot run again."""
        if self.can_retry is not None and not self.can_retry(pk):
            return False
        self.model._default_manager.filter(pk=pk).update(**{self.status_field: self.queued, **self.reset})
        self.task.enqueue(pk)
        return True

    def end_failed(self, pk: int, reason: str) -> None:
        for record in self.model._default_manager.filter(pk=pk, **self._status(self.queued, self.running)):
            self.fail(record, reason)

    def old(self, now: dt.datetime, pk: int | None = None) -> QuerySet[Any]:
        """Records made longer than `legacy_after` ago (only `pk`, if given)."""
        records = self.model._default_manager.filter(created_at__lt=now - self.legacy_after)
        return records if pk is None else records.filter(pk=pk)


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.kind] = kind
    return kind


# --- Which worker, and is it still there ------------------------------------------------------------------


def _process_start(pid: int) -> tuple[str, str]:
    """The process's state letter and start time (clock ticks since boot), from /proc; ("", "") if not
    known (no such process, or not Linux)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", ""
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) ": state is field 3, start is 22
    return fields[0], fields[19]


def this_worker() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)[1]}"


def worker_alive(worker: str) -> bool | None:
    """Whether the worker's process is still running, when it ran on this machine; None if it ran on
    another (then only its beat tells)."""
    parts = worker.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return None
    pid, started = int(parts[1]), parts[2]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # there, but another user's
    state, now_started = _process_start(pid)
    if state in ("Z", "X"):  # killed, not yet reaped by its parent
        return False
    if started and now_started and now_started != started:
        return False  # the process id was reused by a later process
    return True


def is_dead(run: TaskRun, now: dt.datetime | None = None) -> bool:
    if not run.worker:
        return False  # queued again by a sweep, waiting for a worker
    alive = worker_alive(run.worker)
    if alive is not None:
        return not alive
    return run.beat_at < (now or timezone.now()) - stale_after()


# --- While a job runs -------------------------------------------------------------------------------------


class _Beat(threading.Thread):
    def __init__(self, run_pk: int, every: float) -> None:
        super().__init__(name=f"heartbeat {run_pk}", daemon=True)
        self.run_pk, self.every, self.stopping = run_pk, every, threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.every):
                try:
                    TaskRun.objects.filter(pk=self.run_pk).update(beat_at=timezone.now())
                except DatabaseError:  # the database restarting: try again next beat, on a new connection
                    connection.close()
        finally:
            connection.close()


@contextmanager
def running(kind: str, object_id: int) -> Iterator[TaskRun]:
    """Run a job with a heartbeat. Use it around the whole job, outside its transaction."""
    now = timezone.now()
    with transaction.atomic():
        run, _ = TaskRun.objects.select_for_update().get_or_create(kind=kind, object_id=object_id)
        TaskRun.objects.filter(pk=run.pk).update(
            attempts=F("attempts") + 1, worker=this_worker(), started_at=now, beat_at=now
        )
    run.refresh_from_db()
    beat = None
    if heartbeat_seconds() > 0:
        beat = _Beat(run.pk, heartbeat_seconds())
        beat.start()
    try:
        yield run
    finally:
        if beat is not None:
            beat.stopping.set()
            beat.join(timeout=2)
        if getattr(run, "queued_again", False):
            TaskRun.objects.filter(pk=run.pk).update(worker="")  # keeps its count of attempts
        else:
            TaskRun.objects.filter(pk=run.pk).delete()


def retry_if_database_lost(run: TaskRun, error: BaseException) -> bool:
    """The database went away in the middle of the job (a restart, a failover, a dropped connection): its
    transaction was rolled back, so nothing was saved and running it again is safe. Queue it again (once:
    `MAX_ATTEMPTS`) instead of failing it, waiting a little for the database to come back. True if queued
    again; then the job's record says queued, not failed."""
    job = KINDS[run.kind]
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    if run.attempts >= MAX_ATTEMPTS:
        return False
    for wait in (0.5, 1, 2, 4, 8, 0):
        if connection.connection is not None and not connection.is_usable():
            connection.close()  # broken: the next query opens a new one
        try:
            if job.retry(run.object_id):
                run.queued_again = True  # type: ignore[attr-defined]
                log.warning("%s %s: the database went away; queued again", run.kind, run.object_id)
                return True
            return False
        except DatabaseError:
            time.sleep(wait)
    return False


# --- Finding and ending dead jobs -------------------------------------------------------------------------


class WorkerStoppedError(Exception):
    """Recorded on django-tasks-db's row of a job whose worker was killed."""


def _end_queue_row(job: JobKind, object_id: int) -> None:
    DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path=job.task_path, args_kwargs__args=[object_id]
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{__name__}.{WorkerStoppedError.__qualname__}",
        traceback="The worker stopped while running this job (killed, or the server restarted).",
    )


def sweep(kind: str, *, pk: int | None = None, now: dt.datetime | None = None) -> int:
    """Retry or fail the jobs of `kind` whose worker is gone (only job `pk`, if given); fail the records
    still running from before heartbeats were kept (no row) that are old enough to be dead, and tidy the
    kind's other old records. Returns how many jobs were retried, failed or tidied."""
    job = KINDS[kind]
    now = now or timezone.now()
    runs = TaskRun.objects.filter(kind=kind)
    if pk is not None:
        runs = runs.filter(object_id=pk)
    count = 0
    for run in [r for r in runs if is_dead(r, now)]:
        # Take it over: if two sweeps find it at once, only the one whose update lands goes on.
        if not TaskRun.objects.filter(pk=run.pk, worker=run.worker, beat_at=run.beat_at).update(worker=""):
            continue
        count += 1
        _end_queue_row(job, run.object_id)
        if not job.unfinished(run.object_id):
            TaskRun.objects.filter(pk=run.pk).delete()  # it had ended; only its row was left
            continue
        if run.attempts < MAX_ATTEMPTS and job.retry(run.object_id):
            log.warning("%s %s: its worker stopped; queued again", kind, run.object_id)
            continue
        TaskRun.objects.filter(pk=run.pk).delete()
        job.end_failed(run.object_id, job.reason)
        log.warning("%s %s: its worker stopped; marked failed", kind, run.object_id)
    old = job.old(now, pk)
    if job.tidy is not None:
        count += job.tidy(old)
    with_rows = set(TaskRun.objects.filter(kind=kind).values_list("object_id", flat=True))
    for object_id in old.filter(**{job.status_field: job.running}).values_list("pk", flat=True):
        if object_id not in with_rows:
            _end_queue_row(job, object_id)
            job.end_failed(object_id, job.reason)
            count += 1
    return count


def sweep_each(now: dt.datetime | None = None) -> dict[str, int]:
    """Every kind, by its label: how many of each were retried, failed or tidied (the daily run)."""
    return {job.label: sweep(job.kind, now=now) for job in list(KINDS.values())}


def sweep_all(**_: Any) -> int:
    """Every kind (a receiver of django.tasks' task_started: each job a worker starts cleans up first)."""
    total = 0
    for kind in list(KINDS):
        try:
            total += sweep(kind)
        except DatabaseError:
            log.exception("Could not check for stopped %s jobs", kind)
    return total
