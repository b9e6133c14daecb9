"""A busy survey queues one measure refresh per team at a time, not one per answer: while a refresh is
waiting to start, it will read the new answer too, so no second one is queued; once it has started, the next
answer queues a fresh one (it may have read the team's answers before this one was saved)."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from whatmatters.surveys import actions
from whatmatters.surveys.tasks import refresh_survey_measures

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}


def queued(status: str = "READY") -> list[int]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=refresh_survey_measures.module_path, status=status)
    return sorted(row.args_kwargs["args"][0] for row in rows)


@override_settings(TASKS=DATABASE_TASKS)
def test_many_answers_for_one_team_queue_one_refresh(programme: Any, db: Any) -> None:
    for _ in range(5):
        actions.after_response(programme.team_a.pk)
    assert queued() == [programme.team_a.pk]


@override_settings(TASKS=DATABASE_TASKS)
def test_each_team_gets_its_own_refresh(programme: Any, db: Any) -> None:
    for team in (programme.team_a, programme.team_b, programme.team_a, programme.team_b):
        actions.after_response(team.pk)
    assert queued() == sorted([programme.team_a.pk, programme.team_b.pk])


@override_settings(TASKS=DATABASE_TASKS)
def test_an_answer_after_the_refresh_started_queues_a_fresh_one(programme: Any, db: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    actions.after_response(programme.team_a.pk)
    DBTaskResult.objects.filter(task_path=refresh_survey_measures.module_path).update(status="RUNNING")
    actions.after_response(programme.team_a.pk)
    assert queued("RUNNING") == [programme.team_a.pk]
    assert queued() == [programme.team_a.pk]


def test_with_the_immediate_backend_every_answer_refreshes_at_once(programme: Any, db: Any) -> None:
    assert actions.refresh_waiting(programme.team_a.pk) is False
