"""Retention: personal data is kept only as long as the README's configuration table says, then removed.

`apply_retention()` does every kind at once and says how many of each went. `whatmatters retention` runs it
by hand (`--dry-run` to count only); the task worker runs it every day by itself: `apply_retention_daily`
queues its own next run, and `ensure_scheduled()` (called after `whatmatters migrate`, by the command and by
the task) makes sure exactly one future run is waiting, so no cron job is needed and restarts add none.

What goes, and what stays (docs/privacy.md has the reasons):
- statement originals: the words a moderator redacted, after ENGAGEMENT_ORIGINAL_TEXT_DAYS from moderation
  (engagement.actions.purge_originals);
- survey text: the words of every free-text survey answer, approved or not, RETENTION_SURVEY_TEXT_DAYS
  after it arrived; the statement, its status, themes, votes, the survey's counts and measures stay;
- contact details: an alert's contact details, name, what we did and any words kept on it,
  RETENTION_CONTACT_DETAILS_DAYS after someone recorded a response. Alerts nobody has answered keep them
  whatever their age: the person asked for contact and may still need it (the command warns about them);
- "tell me what you do" email addresses left on the public form (engagement.ContactRoute), with the record
  of the emails sent to them, RETENTION_CONTACT_ROUTE_DAYS after they were left (engagement.loop);
- audit events and django-axes sign-in records older than RETENTION_AUDIT_DAYS.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.tasks import task
from django.utils import timezone

from whatmatters import tasks_common
from whatmatters.audit.log import Action, record
from whatmatters.audit.models import delete_events_before
from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.engagement import loop
from whatmatters.engagement.actions import purge_originals
from whatmatters.engagement.models import Statement
from whatmatters.safety import alerts
from whatmatters.safety.models import Alert
from whatmatters.safety.ratelimit import forget_old_submissions
from whatmatters.surveys.models import Survey
from whatmatters.teams.models import Team

logger = logging.getLogger(__name__)

KINDS = {
    "statement_originals": "original words of redacted statements",
    "survey_text": "survey answers' words",
    "contact_details": "alerts' contact details",
    "contact_routes": "email addresses left to hear what we do",
    "rate_limit_entries": "public-form rate-limit entries",
    "sign_in_records": "sign-in records",
    "audit_events": "audit events",
}
SURVEY_WORDS_REMOVED = "[These words were removed after the retention period]"
DAILY_AT = dt.time(2, 30)  # Europe/London: after midnight's work, before the day starts


def _days(name: str) -> int:
    return int(getattr(settings, name))


def apply_retention(now: dt.datetime | None = None, *, dry_run: bool = False) -> dict[str, int]:
    """Remove what has been kept long enough. Returns how many of each kind (see KINDS) were removed.

    All in one transaction; a dry run does the same work and rolls it back, so its counts are exact.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counts = {
            "statement_originals": purge_originals(now=now),
            "survey_text": remove_survey_text(now),
            "contact_details": blank_contact_details(now),
            "contact_routes": forget_contact_routes(now),
            "rate_limit_entries": forget_old_submissions(now),
            "sign_in_records": forget_sign_in_records(now),
            "audit_events": delete_old_audit_events(now),
        }
        if dry_run:
            transaction.set_rollback(True)
    return counts


def _record_by_team(team_counts: Counter[Any], what: str, summary: str) -> None:
    teams = Team.objects.in_bulk([pk for pk in team_counts if pk is not None])
    for pk, count in sorted(team_counts.items(), key=lambda item: item[0] or 0):
        record(Action.UPDATE, team=teams.get(pk), object_repr=what, summary=summary.format(count=count))


def remove_survey_text(now: dt.datetime) -> int:
    days = _days("RETENTION_SURVEY_TEXT_DAYS")
    sessions = Survey.objects.filter(session__isnull=False).values("session")
    due = Statement.objects.filter(
        session__in=sessions, created_at__lt=now - dt.timedelta(days=days)
    ).exclude(text=SURVEY_WORDS_REMOVED)
    by_team = Counter({row["team"]: row["n"] for row in due.values("team").annotate(n=Count("pk"))})
    removed = due.update(text=SURVEY_WORDS_REMOVED, original_text="", findings=[])
    _record_by_team(
        by_team, "Survey answers", f"retention: the words of {{count}} answers older than {days} days removed"
    )
    return removed


def blank_contact_details(now: dt.datetime) -> int:
    days = _days("RETENTION_CONTACT_DETAILS_DAYS")
    due = Alert.objects.filter(
        status=Alert.Status.RESPONDED, responded_at__lt=now - dt.timedelta(days=days)
    ).exclude(contact_detail="", contact_name="", note="", words="")
    by_team = Counter({row["team"]: row["n"] for row in due.values("team").annotate(n=Count("pk"))})
    blanked = due.update(contact_detail="", contact_name="", note="", words="")
    _record_by_team(
        by_team,
        "Alerts",
        f"retention: contact details of {{count}} alerts answered over {days} days ago removed",
    )
    return blanked


def forget_contact_routes(now: dt.datetime) -> int:
    days = _days("RETENTION_CONTACT_ROUTE_DAYS")
    by_team = Counter(loop.forget_old_contact_routes(now))
    _record_by_team(
        by_team,
        "Email addresses left to hear what we do",
        f"retention: {{count}} email addresses left over {days} days ago deleted",
    )
    return sum(by_team.values())


def unanswered_alerts_past_retention(now: dt.datetime | None = None) -> int:
    """Alerts still holding contact details though raised longer ago than the retention period, because
    nobody has recorded a response. They are kept (the person may still need contact); someone should look."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=_days("RETENTION_CONTACT_DETAILS_DAYS"))
    return (
        Alert.objects.exclude(status=Alert.Status.RESPONDED)
        .filter(created_at__lt=cutoff)
        .exclude(contact_detail="", contact_name="")
        .count()
    )


def forget_sign_in_records(now: dt.datetime) -> int:
    """django-axes keeps each sign-in and failed attempt with the address typed: on the audit log's clock."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = now - dt.timedelta(days=_days("RETENTION_AUDIT_DAYS"))
    return sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )


def delete_old_audit_events(now: dt.datetime) -> int:
    days = _days("RETENTION_AUDIT_DAYS")
    deleted = delete_events_before(now - dt.timedelta(days=days))
    if deleted:
        record(
            Action.DELETE,
            object_repr="Audit events",
            summary=f"retention: {deleted} events older than {days} days deleted",
        )
    return deleted


# --- Every day, without cron ------------------------------------------------------------------------------


@task
def apply_retention_daily() -> dict[str, int]:
    """The daily run. It queues tomorrow's first, so a failure today still leaves tomorrow's waiting."""
    ensure_scheduled()
    # The same daily run sweeps alerts nobody was told of or answered, and uploads a killed worker left.

    with acting_as(Actor(user=None, label="task: retention")):
        counts = apply_retention()
        for label, count in tasks_common.sweep_each().items():
            counts[f"{label} that stopped"] = count
        counts["alert emails caught up"] = alerts.tell_untold()
        counts["alerts escalated"] = alerts.escalate_due()
        counts["'we did' emails caught up"] = loop.catch_up()
        return counts


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next DAILY_AT in UK local time (British Summer Time included), as an aware datetime."""
    local = timezone.localtime(now or timezone.now())
    day = local.date() if local.time() < DAILY_AT else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, DAILY_AT))


def waiting_runs() -> Any:
    """The daily runs queued and not yet started (django-tasks-db's own table)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=apply_retention_daily.module_path,
        status=TaskResultStatus.READY,
        backend_name=apply_retention_daily.backend,
    ).order_by("run_after", "enqueued_at")


def ensure_scheduled(now: dt.datetime | None = None) -> bool:
    """Make sure exactly one future daily run is queued. Returns True if it queued one.

    Only with a backend that keeps tasks for later (django-tasks-db); with the immediate backend (tests) it
    does nothing. Extra waiting runs (two processes queued at once) are removed, keeping the earliest.
    """
    backend = apply_retention_daily.get_backend()
    if not backend.supports_defer or not _is_database_backend(backend):
        return False
    with transaction.atomic():
        waiting = list(waiting_runs().values_list("pk", flat=True))
        if waiting:
            if len(waiting) > 1:
                waiting_runs().filter(pk__in=waiting[1:]).delete()
            return False
        apply_retention_daily.using(run_after=next_run(now)).enqueue()
    return True


def _is_database_backend(backend: Any) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - it is a dependency
        return False
    return isinstance(backend, DatabaseBackend)


def schedule_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: once the task table exists, queue the first daily run (a release runs migrate)."""
    if getattr(sender, "name", "") != "django_tasks_db" or using != "default":
        return
    try:
        ensure_scheduled()
    except Exception as error:  # noqa: BLE001 - a missing schedule must never stop a migration
        logger.error("Could not queue the daily retention run (%s)", type(error).__name__)
