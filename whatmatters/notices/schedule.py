"""When the weekly digest is due: each Monday at `WEEKLY_AT`, UK time (British Summer Time included).

The queueing itself (one future run, never two) is in `notices.tasks`; each run is for one week and claims
that week in a `DigestRun` row before it sends anything (`notices.digest.run_week`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

WEEKLY_AT = dt.time(7, 0)  # Monday, Europe/London: before the working week starts


def run_time(week: dt.date) -> dt.datetime:
    """When the digest for the week starting on this Monday is due, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(week, WEEKLY_AT))


def next_week(now: dt.datetime | None = None) -> dt.date:
    """The Monday of the next digest due after `now` (today, if it is Monday before WEEKLY_AT)."""
    local = timezone.localtime(now or timezone.now())
    monday = local.date() - dt.timedelta(days=local.date().weekday())
    if local.time() < WEEKLY_AT and local.date() == monday:
        return monday
    return monday + dt.timedelta(days=7)


def week_after(week: dt.date, now: dt.datetime | None = None) -> dt.date:
    """The week to queue after this one: a week later, or the next one due if the worker ran that late."""
    return max(week + dt.timedelta(days=7), next_week(now))
