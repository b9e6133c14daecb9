"""The weekly digest's schedule, with no cron: the task queues its own next run for a week later, and
`ensure_scheduled()` (called after `whatmatters migrate`, by `whatmatters digests` and by the task itself)
makes sure exactly one future run is waiting, so restarts and second migrations add none.

Each run is for one week (the Monday it is due, at `WEEKLY_AT` UK time) and claims that week in a
`DigestRun` row before it sends anything, so a week's digest goes once even if two copies of the task run.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

WEEKLY_AT = dt.time(7, 0)  # Monday, Europe/London: before the working week starts


def run_time(week: dt.date) -> dt.datetime:
    """When the digest for the week starting on this Monday is due, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(week, WEEKLY_AT))


def next_week(now: dt.datetime | None = None) -> dt.date:
    """The Monday of the next digest due after `now` (today, if it is Monday before WEEKLY_AT)."""
    local = timezone.localtime(now or timezone.now())
    monday = local.date() - dt.timedelta(days=local.date().weekday())
    if local.date() == monday and local.time() < WEEKLY_AT:
        return monday
    return monday + dt.timedelta(days=7)


def waiting_runs() -> Any:
    """The digest runs queued and not yet started (django-tasks-db's own table)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from whatmatters.notices.tasks import send_weekly_digest

    return DBTaskResult.objects.filter(
        task_path=send_weekly_digest.module_path,
        status=TaskResultStatus.READY,
        backend_name=send_weekly_digest.backend,
    ).order_by("run_after", "enqueued_at")


def _is_database_backend(backend: Any) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - it is a dependency
        return False
    return isinstance(backend, DatabaseBackend)


def ensure_scheduled(week: dt.date | None = None, now: dt.datetime | None = None) -> bool:
    """Make sure exactly one future digest run is queued (for `week`, or the next one due). Returns True if it
    queued one. Only with a backend that keeps tasks for later (django-tasks-db); with the immediate backend
    (tests) it does nothing. Extra waiting runs are removed, keeping the earliest."""
    from whatmatters.notices.tasks import send_weekly_digest

    backend = send_weekly_digest.get_backend()
    if not backend.supports_defer or not _is_database_backend(backend):
        return False
    week = week or next_week(now)
    with transaction.atomic():
        waiting = list(waiting_runs().values_list("pk", flat=True))
        if waiting:
            if len(waiting) > 1:
                waiting_runs().filter(pk__in=waiting[1:]).delete()
            return False
        send_weekly_digest.using(run_after=run_time(week)).enqueue(week.isoformat())
    return True


def schedule_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: once the task table exists, queue the first weekly digest (a release runs migrate)."""
    if getattr(sender, "name", "") != "django_tasks_db" or using != "default":
        return
    try:
        ensure_scheduled()
    except Exception as error:  # noqa: BLE001 - a missing schedule must never stop a migration
        logger.error("Could not queue the weekly digest (%s)", type(error).__name__)
