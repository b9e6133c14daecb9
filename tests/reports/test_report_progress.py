"""Reports are built by a background task that records its progress on the report, which the page shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from whatmatters.teams.roles import Role


def new_report(team: Any, **fields: Any) -> Any:
    from whatmatters.reports.models import Report

    values = {"audience": "committee", "date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}
    return Report.objects.create(team=team, **{**values, **fields})


def test_asking_for_a_report_queues_the_build_task(
    report_world: dict[str, Any], people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatmatters.reports import actions

    queued: list[int] = []

    class Queue:
        """Stands for the task: keeps what was queued instead of running it."""

        def enqueue(self, pk: int) -> None:
            queued.append(pk)

    monkeypatch.setattr(actions, "run_report", Queue())
    report = actions.request_report(
        report_world["team"], "committee", dt.date(2024, 1, 1), dt.date(2024, 12, 31), people[Role.TEAM_LEAD]
    )
    assert queued == [report.pk]
    assert report.status == "queued"
    assert report.percent == 0


def test_the_task_records_each_step_and_ends_ready(programme: Any, report_world: dict[str, Any]) -> None:
    from whatmatters.reports.models import Report
    from whatmatters.reports.tasks import build_report

    report = new_report(None)
    seen: list[tuple[str, int, int, str]] = []

    def echo(text: str) -> None:
        row = Report.objects.get(pk=report.pk)
        seen.append((text, row.steps_done, row.steps_total, row.status))

    build_report(report, echo=echo)
    assert seen == [
        ("Reading the results of Team A (1 of 4)", 0, 4, "running"),
        ("Reading the results of Team B (2 of 4)", 1, 4, "running"),
        ("Writing the report (3 of 4)", 2, 4, "running"),
        ("Making the PDF (4 of 4)", 3, 4, "running"),
    ]
    report.refresh_from_db()
    assert (report.status, report.steps_done, report.steps_total, report.percent) == ("ready", 4, 4, 100)
    assert report.finished_at is not None
    assert bytes(report.pdf).startswith(b"%PDF")
    assert "Team A" in report.html and "Team B" in report.html


def test_the_page_shows_progress_and_refreshes_itself_while_the_report_is_built(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    report = new_report(
        report_world["team"], status="running", steps_done=1, steps_total=4, step="Writing the report"
    )
    page = client_for(people[Role.STAFF]).get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Being built: Writing the report. This page updates itself." in page
    assert '<progress class="wm-progress" max="100" value="25" aria-label="Progress">25%</progress>' in page


def test_a_queued_report_says_it_is_waiting(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    report = new_report(report_world["team"])
    page = client_for(people[Role.STAFF]).get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    assert "Waiting to start. This page updates itself." in page
    assert 'value="0"' in page


def test_a_report_that_fails_says_so_and_keeps_no_contents(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatmatters.reports import rendering
    from whatmatters.reports.tasks import run_report

    def broken(document: str) -> bytes:
        raise RuntimeError("Nobody told me how long the wait would be")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    report = new_report(report_world["team"])
    result = run_report.call(report.pk)
    report.refresh_from_db()
    assert result == "failed"
    assert report.status == "failed"
    assert report.error == "RuntimeError"  # the kind of error, never the report's words
    assert report.html == "" and bytes(report.pdf) == b""
    page = client_for(people[Role.STAFF]).get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    assert "We could not build this report." in page
    assert 'http-equiv="refresh"' not in page


def test_running_the_task_again_leaves_a_finished_report_alone(report_world: dict[str, Any]) -> None:
    from whatmatters.reports.tasks import run_report

    report = new_report(report_world["team"], status="ready", html="<p>Kept.</p>", pdf=b"%PDF kept")
    assert run_report.call(report.pk) == "ready"
    report.refresh_from_db()
    assert report.html == "<p>Kept.</p>"
    assert bytes(report.pdf) == b"%PDF kept"


# The worker closes its database connections between tasks, as a real worker process must; on PostgreSQL
# that would end a test wrapped in one transaction, so this test commits like the real thing.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_builds_a_queued_report(
    report_world: dict[str, Any], people: dict[str, Any], settings: Any
) -> None:
    from django.core.management import call_command

    from whatmatters.reports.actions import request_report

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}
    }
    report = request_report(
        report_world["team"], "committee", dt.date(2024, 1, 1), dt.date(2024, 12, 31), people[Role.TEAM_LEAD]
    )
    assert report.status == "queued"  # only queued: the page can be shown at once
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    report.refresh_from_db()
    assert report.status == "ready"
    assert bytes(report.pdf).startswith(b"%PDF")
