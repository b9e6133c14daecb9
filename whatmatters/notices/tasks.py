"""Background work for notifications (`whatmatters db_worker` runs it): the weekly digest."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from whatmatters.audit.tracking import Actor, acting_as


@task
def send_weekly_digest(week: str) -> int:
    """Send the digest for the week starting on this Monday (ISO date) to everyone who wants it, then queue
    next week's. Safe to run twice: the week is claimed first, and a claimed week sends nothing again."""
    from whatmatters.notices import digest

    with acting_as(Actor(user=None, label="task: weekly digest")):
        return digest.run_week(dt.date.fromisoformat(week))
