"""Waiting-list imports run on their own task queue (`imports`), so a million-referral import never holds the
worker that alert emails, reports and survey refreshes wait for. A worker told `--queue-name default` leaves
imports alone; one told `imports` runs them; `whatmatters db_worker` with no queue named runs both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.waitinglists.conftest import upload
from whatmatters.reports.actions import request_report
from whatmatters.safety import alerts
from whatmatters.surveys import actions as surveys
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport

TEAM_MAP = "CERT=team-a\nOAWARD=team-b:20"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}


def queues() -> dict[str, str]:
    """Each queued task's short name and the queue it is on."""
    return {row.task_path.rsplit(".", 1)[-1]: row.queue_name for row in DBTaskResult.objects.all()}


def worker(*queue: str) -> None:
    args = ["--queue-name", *queue] if queue else []
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", *args, verbosity=0)


@pytest.mark.django_db
def test_an_uploaded_extract_is_queued_on_imports_and_reports_alerts_and_refreshes_are_not(
    teams: Any,
    extract: Path,
    make_user: Any,
    client_for: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = DATABASE_TASKS
    faculty = make_user(Role.FACULTY)
    assert upload(client_for(faculty), extract, team_map=TEAM_MAP).status_code == 302
    request_report(teams["CERT"], "committee", dt.date(2024, 1, 1), dt.date(2024, 12, 31), faculty)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.raise_alert(teams["CERT"], source="statement", reasons=["Words about harm"], risk=True)
    surveys.after_response(teams["CERT"].pk)
    assert queues() == {
        "run_extract_import": "imports",
        "run_report": "default",
        "tell_team_leads": "default",
        "escalate_unanswered_alerts": "default",
        "refresh_survey_measures": "default",
    }


# The worker closes its database connections between tasks, so these commit like the real thing.
@pytest.mark.django_db(transaction=True)
def test_a_worker_for_the_default_queue_leaves_imports_to_the_imports_worker(
    teams: Any, extract: Path, make_user: Any, client_for: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    upload(client_for(make_user(Role.FACULTY)), extract, team_map=TEAM_MAP)
    surveys.after_response(teams["CERT"].pk)
    worker("default")
    statuses = dict(DBTaskResult.objects.values_list("queue_name", "status"))
    assert statuses == {"default": "SUCCESSFUL", "imports": "READY"}
    assert ExtractImport.objects.get().status == ExtractImport.Status.QUEUED
    worker("imports")
    assert ExtractImport.objects.get().status == ExtractImport.Status.SAVED


@pytest.mark.django_db(transaction=True)
def test_one_worker_with_no_queue_named_runs_imports_too(
    teams: Any, extract: Path, make_user: Any, client_for: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    upload(client_for(make_user(Role.FACULTY)), extract, team_map=TEAM_MAP)
    worker()
    assert ExtractImport.objects.get().status == ExtractImport.Status.SAVED
