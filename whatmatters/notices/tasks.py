"""Background work for notifications (`whatmatters db_worker` runs it): the weekly digest, with no cron.

`send_weekly_digest` sends one week's digest and queues the next week's; `ensure_scheduled()` (called after
`whatmatters migrate`, by `whatmatters digests` and by the task itself) makes sure exactly one future run is
waiting, so restarts and second migrations add none.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.notices import digest, schedule

logger = logging.getLogger(__name__)


@task
def send_weekly_digest(week: str) -> int:
    """Send the digest for the week starting on this Monday (ISO date) to everyone who wants it, then queue
    next week's. Safe to run twice: the week is claimed first, and a claimed week sends nothing again."""
    monday = dt.date.fromisoformat(week)
    with acting_as(Actor(user=None, label="task: weekly digest")):
        sent = digest.run_week(monday)
    ensure_scheduled(schedule.week_after(monday))
    return sent


def waiting_runs() -> Any:
    """The digest runs queued and not yet started (django-tasks-db's own table)."""
    return DBTaskResult.objects.filter(
        task_path=send_weekly_digest.module_path,
        status=TaskResultStatus.READY,
        backend_name=send_weekly_digest.backend,
    ).order_by("run_after", "enqueued_at")


def ensure_scheduled(week: dt.date | None = None, now: dt.datetime | None = None) -> bool:
    """Make sure exactly one future digest run is queued (for `week`, or the next one due). Returns True if it
    queued one. Only with a backend that keeps tasks for later (django-tasks-db); with the immediate backend
    (tests) it does nothing. Extra waiting runs are removed, keeping the earliest."""
    backend = send_weekly_digest.get_backend()
    if not backend.supports_defer or not isinstance(backend, DatabaseBackend):
        return False
    week = week or schedule.next_week(now)
    with transaction.atomic():
        waiting = list(waiting_runs().values_list("pk", flat=True))
        if waiting:
            if len(waiting) > 1:
                waiting_runs().filter(pk__in=waiting[1:]).delete()
            return False
        send_weekly_digest.using(run_after=schedule.run_time(week)).enqueue(week.isoformat())
    return True


def schedule_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: once the task table exists, queue the first weekly digest (a release runs migrate)."""
    if getattr(sender, "name", "") != "django_tasks_db" or using != "default":
        return
    try:
        ensure_scheduled()
    except Exception as error:  # noqa: BLE001 - a missing schedule must never stop a migration
        logger.error("Could not queue the weekly digest (%s)", type(error).__name__)
