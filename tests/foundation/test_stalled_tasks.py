"""Background jobs a killed worker left "running" (whatmatters.tasks_common): found by a heartbeat and the
worker's own process, retried once, then failed with a reason the person sees; nothing half-saved.

The last test runs a real task worker on a SQLite file, kills it with SIGKILL in the middle of saving an
upload, and shows that nothing was saved, that the upload is queued again, and that the next worker saves
all of it."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.foundation.conftest import sqlite_env
from tests.framework.factories import make_domain, make_measure
from whatmatters import tasks_common
from whatmatters.framework import tasks as value_tasks
from whatmatters.framework.models import Value, ValueImport
from whatmatters.models import TaskRun
from whatmatters.reports import tasks as report_tasks
from whatmatters.reports.models import Report
from whatmatters.teams.roles import Role
from whatmatters.waitinglists import tasks as extract_tasks
from whatmatters.waitinglists.importing import create_import
from whatmatters.waitinglists.models import ExtractImport

ROOT = Path(__file__).resolve().parents[2]
CSV = b"measure,team,period,value\n" + b"".join(
    f"wait-days,team-a,{2020 + i // 12}-{i % 12 + 1:02d}-01,{10 + i}\n".encode() for i in range(24)
)


@pytest.fixture
def killed_worker() -> str:
    """The worker string of a real process on this machine, killed with SIGKILL (and reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = f"{socket.gethostname()}:{child.pid}:{tasks_common._process_start(child.pid)[1]}"
    child.send_signal(signal.SIGKILL)
    child.wait()
    return worker


def _upload(programme: Any, people: dict[str, Any], **fields: Any) -> ValueImport:
    make_measure(programme.team_a, make_domain(programme.team_a))
    return ValueImport.objects.create(
        team=programme.team_a,
        uploaded_by=people[Role.STAFF],
        file_name="values.csv",
        content=CSV,
        confirmed=True,
        **{"status": ValueImport.Status.RUNNING, **fields},
    )


# --- Is the worker really gone --------------------------------------------------------------------------


def test_a_worker_process_that_is_running_is_alive_and_one_killed_with_sigkill_is_dead_at_once() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        worker = f"{socket.gethostname()}:{child.pid}:{tasks_common._process_start(child.pid)[1]}"
        assert tasks_common.worker_alive(worker) is True
        child.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 5
        while tasks_common.worker_alive(worker) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert tasks_common.worker_alive(worker) is False  # killed, not yet reaped: a zombie is dead too
    finally:
        child.kill()
        child.wait()
    assert tasks_common.worker_alive(worker) is False


def test_a_process_id_reused_by_a_later_process_is_not_the_worker() -> None:
    pid = os.getpid()
    assert tasks_common.worker_alive(tasks_common.this_worker()) is True
    assert tasks_common.worker_alive(f"{socket.gethostname()}:{pid}:1") is False


def test_a_worker_on_another_machine_is_dead_only_when_its_heartbeat_is_old(db: Any) -> None:
    now = timezone.now()
    run = TaskRun.objects.create(kind="report", object_id=1, worker="elsewhere:123:456", beat_at=now)
    assert tasks_common.worker_alive(run.worker) is None
    assert not tasks_common.is_dead(run, now + dt.timedelta(seconds=30))  # slow is not dead
    assert tasks_common.is_dead(run, now + tasks_common.stale_after() + dt.timedelta(seconds=1))


def test_a_job_queued_again_by_a_sweep_is_not_dead_while_it_waits_for_a_worker(db: Any) -> None:
    run = TaskRun.objects.create(
        kind="report", object_id=1, worker="", beat_at=timezone.now() - dt.timedelta(days=1)
    )
    assert not tasks_common.is_dead(run)


def test_a_running_job_keeps_its_row_with_this_worker_and_removes_it_when_it_ends(db: Any) -> None:
    with tasks_common.running("report", 7) as run:
        assert run.worker == tasks_common.this_worker() and run.attempts == 1
        assert not tasks_common.is_dead(run)
    assert not TaskRun.objects.exists()
    with pytest.raises(RuntimeError), tasks_common.running("report", 7):
        raise RuntimeError("the job's own failure")
    assert not TaskRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_writes_a_fresh_beat_while_the_job_runs(
    settings: Any,
) -> None:
    settings.WHATMATTERS_TASK_HEARTBEAT_SECONDS = 0.05
    with tasks_common.running("report", 8) as run:
        first = run.beat_at
        deadline = time.monotonic() + 5
        while TaskRun.objects.get(pk=run.pk).beat_at == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert TaskRun.objects.get(pk=run.pk).beat_at > first


# --- Uploads of values ------------------------------------------------------------------------------------


def test_an_upload_whose_worker_was_killed_is_checked_again_and_saved(
    programme: Any, people: dict[str, Any], killed_worker: str
) -> None:
    upload = _upload(programme, people)
    TaskRun.objects.create(kind=value_tasks.KIND, object_id=upload.pk, attempts=1, worker=killed_worker)
    assert tasks_common.sweep(value_tasks.KIND) == 1  # at once: no hour to wait
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.SAVED  # tests run jobs at once: the retry ran
    assert Value.objects.count() == 24
    assert not TaskRun.objects.exists()


def test_an_upload_killed_twice_is_failed_with_a_reason_its_page_shows_and_nothing_saved(
    programme: Any, people: dict[str, Any], client_for: Any, killed_worker: str
) -> None:
    upload = _upload(programme, people)
    TaskRun.objects.create(kind=value_tasks.KIND, object_id=upload.pk, attempts=2, worker=killed_worker)
    page = client_for(people[Role.STAFF]).get(f"/teams/team-a/values/import/{upload.pk}/").content.decode()
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.FAILED
    assert "The import stopped part way (the server restarted). Nothing from it was saved." in page
    assert "Upload the file again." in page
    assert Value.objects.count() == 0 and not TaskRun.objects.exists()


def test_an_upload_whose_worker_is_still_running_is_left_alone(
    programme: Any, people: dict[str, Any]
) -> None:
    upload = _upload(programme, people)
    TaskRun.objects.create(
        kind=value_tasks.KIND, object_id=upload.pk, attempts=1, worker=tasks_common.this_worker()
    )
    assert tasks_common.sweep(value_tasks.KIND) == 0
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.RUNNING


def test_a_worker_dying_while_saving_leaves_nothing_half_saved(
    programme: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows and the status are one transaction: rows written before the worker stops are rolled back."""
    from whatmatters.framework.measures import importing

    upload = _upload(programme, people, status=ValueImport.Status.QUEUED)
    real = importing.write_values

    def write_then_stop(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        assert Value.objects.count() == 24  # written, inside the transaction
        raise SystemExit("the worker is stopping")

    monkeypatch.setattr(importing, "write_values", write_then_stop)
    with pytest.raises(SystemExit):
        value_tasks.run_value_import.call(upload.pk)
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.FAILED and Value.objects.count() == 0
    assert not TaskRun.objects.exists()


def test_an_upload_whose_database_went_away_part_way_is_checked_again_and_saved(
    programme: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from whatmatters.framework.measures import importing

    upload = _upload(programme, people, status=ValueImport.Status.QUEUED)
    real, calls = importing.write_values, []

    def lose_the_database_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            real(*args, **kwargs)
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "write_values", lose_the_database_once)
    value_tasks.run_value_import.call(upload.pk)
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.SAVED and Value.objects.count() == 24 and len(calls) == 2


def test_an_upload_whose_database_goes_away_on_every_attempt_fails_in_the_end(
    programme: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from whatmatters.framework.measures import importing

    upload = _upload(programme, people, status=ValueImport.Status.QUEUED)

    def lose_the_database(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(importing, "write_values", lose_the_database)
    value_tasks.run_value_import.call(upload.pk)
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.FAILED and Value.objects.count() == 0


def test_the_queue_row_of_a_killed_job_is_ended_too(
    programme: Any, people: dict[str, Any], killed_worker: str
) -> None:
    upload = _upload(programme, people)
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [upload.pk], "kwargs": {}},
        task_path=value_tasks.run_value_import.module_path,
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now(),
    )
    TaskRun.objects.create(kind=value_tasks.KIND, object_id=upload.pk, attempts=2, worker=killed_worker)
    tasks_common.sweep(value_tasks.KIND)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path.endswith("WorkerStoppedError")


def test_a_job_a_worker_starts_first_sweeps_the_jobs_a_killed_worker_left(
    programme: Any, people: dict[str, Any], killed_worker: str
) -> None:
    upload = _upload(programme, people)
    TaskRun.objects.create(kind=value_tasks.KIND, object_id=upload.pk, attempts=2, worker=killed_worker)
    report = Report.objects.create(
        team=programme.team_a,
        audience="committee",
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 6, 30),
    )
    report_tasks.run_report.enqueue(report.pk)  # any job: the worker's task_started sweeps first
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.FAILED


def test_an_upload_from_before_heartbeats_still_running_after_an_hour_is_failed(
    programme: Any, people: dict[str, Any]
) -> None:
    upload = _upload(programme, people, created_at=timezone.now() - dt.timedelta(minutes=30))
    assert tasks_common.sweep(value_tasks.KIND) == 0
    ValueImport.objects.filter(pk=upload.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert tasks_common.sweep(value_tasks.KIND) == 1
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.FAILED


# --- Extract imports and reports --------------------------------------------------------------------------


def _extract() -> ExtractImport:
    job = create_import(
        {"referrals": b"referral_id\n", "contacts": b"contact_id\n"},
        source="referrals.csv, contacts.csv",
        extract_date=dt.date(2023, 10, 2),
    )
    ExtractImport.objects.filter(pk=job.pk).update(status=ExtractImport.Status.RUNNING)
    return job


def test_an_extract_import_whose_worker_was_killed_runs_again_while_its_files_are_kept(
    db: Any, killed_worker: str
) -> None:
    job = _extract()
    TaskRun.objects.create(kind=extract_tasks.KIND, object_id=job.pk, attempts=1, worker=killed_worker)
    assert tasks_common.sweep(extract_tasks.KIND) == 1
    job.refresh_from_db()
    assert job.status not in (ExtractImport.Status.RUNNING, ExtractImport.Status.QUEUED)  # it ran again
    assert job.problems != [extract_tasks.STOPPED]


def test_an_extract_import_whose_database_went_away_part_way_runs_again_with_its_files(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from whatmatters.waitinglists import importing

    job = _extract()
    ExtractImport.objects.filter(pk=job.pk).update(status=ExtractImport.Status.QUEUED)
    real, calls = importing._check_files, []

    def lose_the_database_once(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args)

    monkeypatch.setattr(importing, "_check_files", lose_the_database_once)
    extract_tasks.run_extract_import.call(job.pk)
    job.refresh_from_db()
    assert len(calls) == 2  # it ran again, its files still there
    assert job.status != ExtractImport.Status.FAILED and job.problems != [importing.FAILED.format(pk=job.pk)]


def test_an_extract_import_killed_twice_says_it_stopped_on_its_page_and_its_files_are_removed(
    db: Any, make_user: Any, client_for: Any, killed_worker: str
) -> None:
    job = _extract()
    TaskRun.objects.create(kind=extract_tasks.KIND, object_id=job.pk, attempts=2, worker=killed_worker)
    page = (
        client_for(make_user(Role.FACULTY))
        .get(f"/programme/waiting-lists/imports/{job.pk}/")
        .content.decode()
    )
    job.refresh_from_db()
    assert job.status == ExtractImport.Status.FAILED and not job.files.exists()
    assert "The import stopped part way (the server restarted). Nothing from it was saved." in page


def test_a_report_killed_twice_says_so_on_its_page(
    programme: Any, people: dict[str, Any], client_for: Any, killed_worker: str
) -> None:
    report = Report.objects.create(
        team=programme.team_a,
        audience="committee",
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 6, 30),
        status=Report.Status.RUNNING,
    )
    TaskRun.objects.create(kind=report_tasks.KIND, object_id=report.pk, attempts=2, worker=killed_worker)
    page = client_for(people[Role.TEAM_LEAD]).get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "The report stopped part way (the server restarted). Ask for it again." in page


def test_a_report_whose_worker_was_killed_is_built_again(
    programme: Any, people: dict[str, Any], killed_worker: str
) -> None:
    report = Report.objects.create(
        team=programme.team_a,
        audience="committee",
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 6, 30),
        status=Report.Status.RUNNING,
    )
    TaskRun.objects.create(kind=report_tasks.KIND, object_id=report.pk, attempts=1, worker=killed_worker)
    assert tasks_common.sweep(report_tasks.KIND) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.READY


# --- A real worker killed with SIGKILL in the middle of saving ---------------------------------------------

SETUP = """
import django; django.setup()
from whatmatters.teams.models import Cohort, Organisation, Team, User
from whatmatters.framework.models import ValueImport
from whatmatters.framework.tasks import run_value_import
from tests.foundation.conftest import sqlite_env
from tests.framework.factories import make_domain, make_measure
import datetime as dt, sys
org = Organisation.objects.create(name="Test Trust", slug="test-trust")
phase = Cohort.objects.create(organisation=org, name="Phase 1", number=1, start_date=dt.date(2023, 8, 1))
team = Team.objects.create(organisation=org, name="Team A", slug="team-a", cohort=phase)
make_measure(team, make_domain(team))
upload = ValueImport.objects.create(team=team, file_name="values.csv", content=sys.stdin.buffer.read(),
                                    confirmed=True)
run_value_import.enqueue(upload.pk)
print(upload.pk)
"""

# A worker whose saving stops for a minute after writing the rows, inside the transaction: time to kill it.
PAUSED_WORKER = """
import django; django.setup()
import pathlib, sys, time
from django.core.management import call_command
from whatmatters.framework.measures import importing
real = importing.write_values
def write_then_wait(*args, **kwargs):
    written = real(*args, **kwargs)
    pathlib.Path(sys.argv[1]).write_text("written")
    time.sleep(60)
    return written
importing.write_values = write_then_wait
call_command("db_worker", "--batch", "--interval", "0")
"""

SWEEP = """
import django; django.setup()
from whatmatters import tasks_common
print(tasks_common.sweep("value import"))
"""


def _python(code: str, env: dict[str, str], *args: str, stdin: bytes = b"") -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout.decode().strip()


def _one(path: Path, sql: str, *params: Any) -> Any:
    with sqlite3.connect(path) as con:
        return con.execute(sql, params).fetchone()[0]


def test_a_real_worker_killed_with_sigkill_mid_save_saved_nothing_and_the_next_worker_saves_it(
    migrated_sqlite: Path, tmp_path: Path
) -> None:
    env = {**sqlite_env(migrated_sqlite), "WHATMATTERS_TASK_HEARTBEAT_SECONDS": "1"}
    pk = int(_python(SETUP, env, stdin=CSV))
    marker = tmp_path / "written"
    worker = subprocess.Popen([sys.executable, "-c", PAUSED_WORKER, str(marker)], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 40
        while not marker.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the worker never reached the saving"
        assert _one(migrated_sqlite, "select count(*) from framework_value") == 0  # not committed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker.kill()
        worker.wait()
    assert _one(migrated_sqlite, "select status from framework_valueimport where id = ?", pk) == "running"
    assert _one(migrated_sqlite, "select count(*) from framework_value") == 0  # nothing half-saved
    assert _one(migrated_sqlite, "select count(*) from whatmatters_taskrun") == 1

    assert _python(SWEEP, env) == "1"  # its process is gone: found at once
    assert _one(migrated_sqlite, "select status from framework_valueimport where id = ?", pk) == "queued"
    assert (
        _one(
            migrated_sqlite, "select count(*) from django_tasks_database_dbtaskresult where status = 'FAILED'"
        )
        == 1
    )

    _python(
        "import django; django.setup()\nfrom django.core.management import call_command\n"
        "call_command('db_worker', '--batch', '--interval', '0')",
        env,
    )
    assert _one(migrated_sqlite, "select status from framework_valueimport where id = ?", pk) == "saved"
    assert _one(migrated_sqlite, "select count(*) from framework_value") == 24
    assert _one(migrated_sqlite, "select count(*) from whatmatters_taskrun") == 0


# --- One table of job kinds -------------------------------------------------------------------------------


def test_each_app_registers_its_kind_of_job_in_the_one_table_naming_its_model() -> None:
    assert {kind: job.model for kind, job in tasks_common.KINDS.items()} == {
        value_tasks.KIND: ValueImport,
        report_tasks.KIND: Report,
        extract_tasks.KIND: ExtractImport,
    }
    assert {job.label for job in tasks_common.KINDS.values()} == {
        "value uploads",
        "reports",
        "extract imports",
    }


def test_a_kind_of_job_whose_model_has_no_such_status_is_refused_when_it_is_made() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="Report.status has no status stopped"):
        tasks_common.JobKind(
            kind="report",
            label="reports",
            model=Report,
            task=report_tasks.run_report,
            reason=report_tasks.STOPPED,
            fail=lambda record, reason: None,
            legacy_after=dt.timedelta(hours=1),
            failed="stopped",
        )


def test_the_daily_run_sweeps_every_kind_by_its_label(programme: Any, people: dict[str, Any]) -> None:
    upload = _upload(programme, people, created_at=timezone.now() - dt.timedelta(hours=2))
    counts = tasks_common.sweep_each()
    assert counts == {"value uploads": 1, "reports": 0, "extract imports": 0}
    upload.refresh_from_db()
    assert upload.status == ValueImport.Status.FAILED
