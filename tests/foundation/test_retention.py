"""Retention: personal data kept longer than the configured periods is removed, every day, with no cron.

Each kind: what is old goes, what is new stays, and the counts say how many. A dry run counts the same and
changes nothing. The daily task keeps exactly one future run queued in django-tasks-db.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from whatmatters import retention
from whatmatters.audit.models import AuditEvent
from whatmatters.engagement.models import EngagementSession, Statement
from whatmatters.safety.models import Alert
from whatmatters.surveys import actions as surveys

NOW = timezone.now()  # the command works from the real time, so the fixture does too
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def held(programme: Any) -> dict[str, Any]:
    """Personal data of every kind, some older than its retention period and some newer."""
    team = programme.team_a
    meeting = EngagementSession.objects.create(team=team, title="Day at the hub", held_on=dt.date(2026, 1, 5))
    survey = surveys.create_survey(team, "How are you while you wait?", "waiting", ["checkin"])
    answers = surveys.survey_session(survey)

    def statement(session: Any, age: float, **fields: Any) -> Statement:
        return Statement.objects.create(
            session=session, text="The letters were clear", created_at=days_ago(age), **fields
        )

    def alert(age: float, **fields: Any) -> Alert:
        return Alert.objects.create(
            team=team,
            contact_how="phone",
            contact_detail="07700 900123",
            contact_name="Sam",
            note="Rang Sam back",
            created_at=days_ago(age),
            **fields,
        )

    for age in (2191, 2189):
        AuditEvent(at=days_ago(age), actor_label="system", action=AuditEvent.Action.CREATE).save()
    for age in (2191, 10):
        entry = AccessLog.objects.create(username="jo@example.com", ip_address="127.0.0.1")
        AccessLog.objects.filter(pk=entry.pk).update(attempt_time=days_ago(age))  # it sets the time itself
    responded = Alert.Status.RESPONDED
    return {
        "original_old": statement(meeting, 40, original_text="Jo on ward 3", moderated_at=days_ago(31)),
        "original_new": statement(meeting, 40, original_text="Jo on ward 3", moderated_at=days_ago(29)),
        "survey_old": statement(answers, 731, status=Statement.Status.PENDING),
        "survey_old_approved": statement(answers, 731, status=Statement.Status.APPROVED),
        "survey_new": statement(answers, 729),
        "meeting_old": statement(meeting, 731),  # not a survey answer: kept
        "alert_old": alert(100, status=responded, responded_at=days_ago(91)),
        "alert_new": alert(100, status=responded, responded_at=days_ago(89)),
        "alert_unanswered": alert(400),
    }


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def test_it_removes_each_kind_once_it_is_older_than_its_period_and_keeps_the_rest(
    held: dict[str, Any],
) -> None:
    counts = retention.apply_retention(NOW)
    assert counts == {
        "statement_originals": 1,
        "survey_text": 2,
        "contact_details": 1,
        "contact_routes": 0,
        "rate_limit_entries": 0,
        "sign_in_records": 1,
        "audit_events": 1,
    }
    assert fresh(held["original_old"]).original_text == ""
    assert fresh(held["original_new"]).original_text == "Jo on ward 3"
    for name in ("survey_old", "survey_old_approved"):
        gone = fresh(held[name])
        assert gone.text == retention.SURVEY_WORDS_REMOVED and gone.status == held[name].status
    assert fresh(held["survey_new"]).text == "The letters were clear"
    assert fresh(held["meeting_old"]).text == "The letters were clear"
    old = fresh(held["alert_old"])
    assert (old.contact_detail, old.contact_name, old.note, old.status) == (
        "",
        "",
        "",
        Alert.Status.RESPONDED,
    )
    assert fresh(held["alert_new"]).contact_detail == "07700 900123"
    assert fresh(held["alert_unanswered"]).contact_detail == "07700 900123"  # nobody has answered yet
    assert not AuditEvent.objects.filter(at__lt=days_ago(2190)).exists()
    assert AuditEvent.objects.filter(at=days_ago(2189)).exists()
    assert AccessLog.objects.count() == 1


def test_running_it_again_removes_nothing_more(held: dict[str, Any]) -> None:
    retention.apply_retention(NOW)
    assert set(retention.apply_retention(NOW).values()) == {0}


def test_it_records_what_it_removed_in_the_audit_log_without_the_words(held: dict[str, Any]) -> None:
    retention.apply_retention(NOW)
    summaries = list(
        AuditEvent.objects.filter(summary__startswith="retention:").values_list("summary", flat=True)
    )
    assert any("the words of 2 answers older than 730 days" in s for s in summaries)
    assert any("contact details of 1 alerts" in s for s in summaries)
    assert any("1 events older than 2190 days deleted" in s for s in summaries)
    text = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "07700" not in text and "letters were clear" not in text


def test_the_periods_come_from_the_settings(held: dict[str, Any], settings: Any) -> None:
    settings.RETENTION_SURVEY_TEXT_DAYS = 10_000
    settings.RETENTION_CONTACT_DETAILS_DAYS = 30
    counts = retention.apply_retention(NOW)
    assert counts["survey_text"] == 0
    assert counts["contact_details"] == 2


def test_a_dry_run_counts_the_same_and_changes_nothing(held: dict[str, Any]) -> None:
    events = AuditEvent.objects.count()
    counts = retention.apply_retention(NOW, dry_run=True)
    assert counts["survey_text"] == 2 and counts["audit_events"] == 1
    assert fresh(held["survey_old"]).text == "The letters were clear"
    assert fresh(held["alert_old"]).contact_detail == "07700 900123"
    assert fresh(held["original_old"]).original_text == "Jo on ward 3"
    assert AuditEvent.objects.count() == events
    assert retention.apply_retention(NOW) == counts


def test_the_command_prints_the_counts_and_its_dry_run_removes_nothing(held: dict[str, Any]) -> None:
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Would remove 2 survey answers' words (survey_text)" in text
    assert "Kept the contact details of 1 alerts" in text
    assert fresh(held["survey_old"]).text == "The letters were clear"
    out = StringIO()
    call_command("retention", stdout=out)
    assert "Removed 2 survey answers' words (survey_text)" in out.getvalue()
    assert fresh(held["survey_old"]).text == retention.SURVEY_WORDS_REMOVED


# --- Every day -------------------------------------------------------------------------------------------


def test_the_next_run_is_at_half_past_two_uk_time_in_summer_and_winter() -> None:
    summer = retention.next_run(dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC))
    assert summer == dt.datetime(2026, 6, 16, 1, 30, tzinfo=dt.UTC)  # 02:30 BST
    winter = retention.next_run(dt.datetime(2026, 1, 15, 1, 0, tzinfo=dt.UTC))
    assert winter == dt.datetime(2026, 1, 15, 2, 30, tzinfo=dt.UTC)  # later the same night, GMT


@override_settings(TASKS=DATABASE_TASKS)
def test_asking_twice_queues_exactly_one_future_run(db: Any) -> None:
    assert retention.ensure_scheduled() is True
    assert retention.ensure_scheduled() is False
    waiting = list(retention.waiting_runs())
    assert len(waiting) == 1
    assert waiting[0].run_after > timezone.now()


@override_settings(TASKS=DATABASE_TASKS)
def test_extra_queued_runs_are_removed_keeping_one(db: Any) -> None:
    for _ in range(3):
        retention.apply_retention_daily.using(run_after=retention.next_run()).enqueue()
    assert retention.ensure_scheduled() is False
    assert retention.waiting_runs().count() == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_runs_the_daily_task_which_queues_tomorrows(transactional_db: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    retention.apply_retention_daily.using(run_after=timezone.now() - dt.timedelta(minutes=1)).enqueue()
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", stdout=StringIO())
    runs = DBTaskResult.objects.filter(task_path=retention.apply_retention_daily.module_path)
    assert runs.filter(status="SUCCESSFUL").count() == 1
    assert retention.waiting_runs().count() == 1
    assert retention.waiting_runs().get().run_after > timezone.now()
    # A restart of the worker (or a second migrate) adds no second run.
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", stdout=StringIO())
    assert retention.ensure_scheduled() is False
    assert retention.waiting_runs().count() == 1


def test_with_the_immediate_backend_nothing_is_queued(db: Any) -> None:
    assert retention.ensure_scheduled() is False


@override_settings(TASKS=DATABASE_TASKS)
def test_migrate_queues_the_first_run_once_the_task_table_exists(db: Any) -> None:
    from django.apps import apps

    retention.schedule_after_migrate(sender=apps.get_app_config("teams"), using="default")
    assert retention.waiting_runs().count() == 0
    tasks_app = apps.get_app_config("django_tasks_database")
    retention.schedule_after_migrate(sender=tasks_app, using="default")
    retention.schedule_after_migrate(sender=tasks_app, using="default")
    assert retention.waiting_runs().count() == 1
