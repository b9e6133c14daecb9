"""Fault drills on the production stack (bench.stack): what a killed process or a database restart leaves.

    python -m bench.faults [--drills NAME ...] [--restart-postgres | --drop-connections] [--keep]

Starts the stack (fresh PostgreSQL database, the demo, gunicorn with 2 workers, 2 task workers), then,
while a phone user keeps posting statements to a public link (each with a unique marker word), runs each
drill in turn:

- a task worker killed with SIGKILL in the middle of an upload of values, and of a report build;
- a gunicorn worker killed with SIGKILL during an upload;
- PostgreSQL restarted (`pg_ctlcluster --skip-systemctl-redirect <version> main restart`) during an upload
  and during a report build. The PostgreSQL server is shared with whatever else runs on the machine; with
  --drop-connections the drill ends every connection to the stack's own database instead (the service sees
  the same thing: each connection broken in the middle of its work), and leaves other databases alone.

The drill plays the service's supervisor (systemd's Restart=always): a task worker that died is started
again. Afterwards it checks, for each drill:

- the job ended: saved (or ready) after a retry, or failed with the reason its page shows a person;
- nothing half-saved: an upload's values are all there when it says saved and none are when it failed;

and for the whole run: every statement the service acknowledged (the redirect to the thanks page) is in the
database, and the service still serves (its health check and a signed-in page). It prints a table of drills
and outcomes and exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from bench.stack import Stack, production_stack, secure_cookie_jar

DEMO_PASSWORD = "WhatMatters-demo-2026"  # noqa: S105 - the demo's published password (whatmatters.demo)
FACULTY = "faculty@example.com"
MARKER = "drillmark"
MEASURES, PERIODS = 30, 100  # an upload of 3,000 values: a few seconds of checking and saving
STOPPED_WORDS = "stopped part way"
FAILED_WORDS = "Something went wrong on our side"
WAIT_FOR_END = 240  # seconds a job may take to end after its fault


# --- Talking to the stack ---------------------------------------------------------------------------------


def query(stack: Stack, sql: str, params: tuple = ()) -> list[tuple]:
    for attempt in range(30):  # the database may be restarting
        try:
            with psycopg.connect(stack.database_url, connect_timeout=5) as con:
                return con.execute(sql, params).fetchall()
        except psycopg.OperationalError:
            if attempt == 29:
                raise
            time.sleep(1)
    return []


class _Form(html.parser.HTMLParser):
    """The hidden fields of the first post form whose action contains `action` (or has none)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.done, self.fields = action, False, False, {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        # A form without an action posts to its own page.
        if (
            tag == "form"
            and not self.done
            and (a.get("method") or "").lower() == "post"
            and self.action in (a.get("action") or self.action)
        ):
            self.inside = True
        elif tag == "input" and self.inside and a.get("type") == "hidden" and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def hidden_fields(page: str, action: str = "") -> dict[str, str]:
    form = _Form(action)
    form.feed(page)
    return form.fields


def browser(stack: Stack, address: str = "198.51.100.7") -> requests.Session:
    session = requests.Session()
    secure_cookie_jar(session.cookies)
    session.headers.update(stack.headers(address))
    return session


def signed_in(stack: Stack) -> requests.Session:
    session = browser(stack)
    page = session.get(f"{stack.base_url}/sign-in/", timeout=30)
    fields = hidden_fields(page.text, "sign-in")
    fields.update(username=FACULTY, password=DEMO_PASSWORD)
    done = session.post(f"{stack.base_url}/sign-in/", data=fields, timeout=30)
    if "/sign-in/" in done.url:
        raise RuntimeError("the faculty member could not sign in")
    return session


def manage_shell(stack: Stack, code: str) -> str:
    return stack.manage("shell", "-c", code, timeout=120).stdout.strip().splitlines()[-1]


# --- The phone user who keeps posting -----------------------------------------------------------------------


@dataclass
class Poster:
    stack: Stack
    code: str
    acknowledged: list[str] = field(default_factory=list)
    refused: Counter = field(default_factory=Counter)  # not acknowledged: the person saw an error, may retry
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        for n in itertools.count():
            if self.stopping.is_set():
                return
            marker = f"{MARKER}{n:05d}x"
            session = browser(self.stack, f"10.{n // 250 % 250}.{n % 250}.{n % 200 + 1}")
            try:
                page = session.get(f"{self.stack.base_url}/w/{self.code}/", timeout=30)
                fields = hidden_fields(page.text, f"/w/{self.code}/")
                fields.update(text=f"Knowing who to ring {marker}", relationship="carer", stage="waiting")
                done = session.post(
                    f"{self.stack.base_url}/w/{self.code}/", data=fields, timeout=30, allow_redirects=False
                )
                if done.status_code == 302 and "/thanks/" in done.headers.get("Location", ""):
                    self.acknowledged.append(marker)
                else:
                    self.refused[f"HTTP {done.status_code}"] += 1
            except requests.RequestException as error:
                self.refused[type(error).__name__] += 1
            time.sleep(0.2)

    def found(self) -> set[str]:
        rows = query(
            self.stack,
            "SELECT text, original_text FROM engagement_statement "
            "WHERE text LIKE %s OR original_text LIKE %s",
            (f"%{MARKER}%", f"%{MARKER}%"),
        )
        pattern = re.compile(rf"{MARKER}\d+x")
        return {m for row in rows for text in row for m in pattern.findall(text or "")}


# --- Jobs to break ---------------------------------------------------------------------------------------

START_IMPORT = """
import datetime as dt
from whatmatters.teams.models import Team, User
from whatmatters.framework.models import Domain, Measure, ValueImport
from whatmatters.framework.tasks import run_value_import
team = Team.objects.order_by("pk").first()
domain = Domain.objects.filter(team=team).first()
prefix = "{prefix}"
rows = ["measure,team,period,value"]
for m in range({measures}):
    measure, _ = Measure.objects.get_or_create(team=team, code=f"{{prefix}}-{{m}}", defaults=dict(
        name=f"Drill measure {{prefix}} {{m}}", measure_type="outcome", description="A drill.",
        operational_definition="A drill.", unit="days", chart="xmr", direction="decrease",
        frequency="monthly", data_source="manual"))
    measure.domains.set([domain])
    rows += [f"{{measure.code}},{{team.slug}},{{2010 + i // 12}}-{{i % 12 + 1:02d}}-01,{{10 + i % 7}}"
             for i in range({periods})]
upload = ValueImport.objects.create(team=team, uploaded_by=User.objects.get(email="{email}"),
    file_name="drill.csv", content="\\n".join(rows).encode(), confirmed=True)
run_value_import.enqueue(upload.pk)
print(upload.pk, team.slug)
"""

START_REPORT = """
import datetime as dt
from whatmatters.teams.models import User
from whatmatters.reports.models import Report
from whatmatters.reports.tasks import run_report
report = Report.objects.create(team=None, audience="committee", date_from=dt.date(2023, 1, 1),
    date_to=dt.date(2025, 12, 31), file_format="pdf", requested_by=User.objects.get(email="{email}"))
run_report.enqueue(report.pk)
print(report.pk, "-")
"""


START_EXTRACT = """
import tempfile
from pathlib import Path
from whatmatters.flow.synthetic import generate
from whatmatters.waitinglists.demo import SEED, TEAM_MAP, demo_start
from whatmatters.waitinglists.importing import FILE_NAMES, create_import
from whatmatters.waitinglists.tasks import run_extract_import
with tempfile.TemporaryDirectory() as folder:
    summary = generate(folder, years=2, seed=SEED + {seed}, start=demo_start(), events=True)
    files = {{n: (Path(folder) / f"{{n}}.csv").read_bytes() for n in FILE_NAMES
             if (Path(folder) / f"{{n}}.csv").is_file()}}
job = create_import(files, source="drill: synthetic extract", extract_date=summary.extract_date,
                    team_map=TEAM_MAP)
run_extract_import.enqueue(job.pk)
print(job.pk, "-")
"""

TABLES = {
    "report": "reports_report",
    "value import": "framework_valueimport",
    "extract import": "waitinglists_extractimport",
}
TASKS = {
    "report": "whatmatters.reports.tasks.run_report",
    "value import": "whatmatters.framework.tasks.run_value_import",
    "extract import": "whatmatters.waitinglists.tasks.run_extract_import",
}


@dataclass
class Job:
    kind: str  # "value import", "extract import" or "report"
    pk: int
    team: str
    prefix: str = ""

    @property
    def page(self) -> str:
        if self.kind == "report":
            return f"/programme/reports/{self.pk}/"
        if self.kind == "extract import":
            return f"/programme/waiting-lists/imports/{self.pk}/"
        return f"/teams/{self.team}/values/import/{self.pk}/"

    def status(self, stack: Stack) -> str:
        return query(stack, f"SELECT status FROM {TABLES[self.kind]} WHERE id = %s", (self.pk,))[0][0]  # noqa: S608

    def referrals(self, stack: Stack) -> int:
        return query(stack, "SELECT count(*) FROM waitinglists_referral")[0][0]

    def values(self, stack: Stack) -> int:
        return query(
            stack,
            "SELECT count(*) FROM framework_value v JOIN framework_measure m ON m.id = v.measure_id "
            "WHERE m.code LIKE %s",
            (f"{self.prefix}-%",),
        )[0][0]

    def runs(self, stack: Stack) -> int:
        """How many times a worker took it from the queue (more than one: it was retried)."""
        return query(
            stack,
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = %s "
            "AND args_kwargs -> 'args' = %s::jsonb AND started_at IS NOT NULL",
            (TASKS[self.kind], f"[{self.pk}]"),
        )[0][0]


def start(stack: Stack, kind: str, prefix: str) -> Job:
    code = {"report": START_REPORT, "value import": START_IMPORT, "extract import": START_EXTRACT}[kind]
    code = code.format(prefix=prefix, measures=MEASURES, periods=PERIODS, email=FACULTY, seed=prefix[-1])
    pk, team = manage_shell(stack, code).split()
    return Job(kind, int(pk), team, prefix)


def running_worker(stack: Stack, job: Job, timeout: float = 90) -> int:
    """Wait until a worker runs the job; its process id (from the job's heartbeat row)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = query(
            stack,
            "SELECT worker FROM whatmatters_taskrun WHERE kind = %s AND object_id = %s",
            (job.kind, job.pk),
        )
        if rows and rows[0][0]:
            return int(rows[0][0].rsplit(":", 2)[1])
        time.sleep(0.1)
    raise RuntimeError(f"no worker started {job.kind} {job.pk} within {timeout:.0f} s")


# --- Faults ----------------------------------------------------------------------------------------------


def supervise(stack: Stack) -> int:
    """Start again any task worker that died (what systemd's Restart=always does). How many."""
    restarted = 0
    for worker in list(stack.task_workers):
        if worker.poll() is not None:
            stack.task_workers.remove(worker)
            stack.start_task_worker(getattr(worker, "queue", "*"))  # the same queue as the one that died
            restarted += 1
    return restarted


def kill_task_worker(stack: Stack, pid: int) -> str:
    os.kill(pid, signal.SIGKILL)
    for worker in stack.task_workers:
        if worker.pid == pid:
            worker.wait(10)
    return f"task worker {pid} killed (SIGKILL)"


def kill_gunicorn_worker(stack: Stack, _: int) -> str:
    master = stack.gunicorn.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if not children:
        raise RuntimeError("gunicorn has no workers")
    os.kill(int(children[0]), signal.SIGKILL)
    return f"gunicorn worker {children[0]} killed (SIGKILL)"


def restart_postgres(_: Stack, __: int) -> str:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return f"PostgreSQL {version} restarted"


def drop_connections(stack: Stack, _: int) -> str:
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as con:
        ended = con.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()) ended",
            (stack.database_name,),
        ).fetchone()[0]
    return f"{ended} connections to the database ended"


@dataclass(frozen=True)
class Drill:
    name: str
    job: str
    fault: str  # "task worker", "gunicorn worker", "postgres"


DRILLS = (
    Drill("task-worker-import", "value import", "task worker"),
    Drill("task-worker-report", "report", "task worker"),
    Drill("task-worker-extract", "extract import", "task worker"),
    Drill("gunicorn-worker-import", "value import", "gunicorn worker"),
    Drill("postgres-import", "value import", "postgres"),
    Drill("postgres-report", "report", "postgres"),
)


@dataclass
class Outcome:
    drill: str
    fault: str = ""
    during: str = ""
    ended: str = ""
    retried: bool = False
    checks: list[str] = field(default_factory=list)  # failures

    @property
    def ok(self) -> bool:
        return not self.checks


def run_drill(stack: Stack, drill: Drill, n: int, faculty: requests.Session, *, postgres: str) -> Outcome:
    outcome = Outcome(drill.name)
    referrals = query(stack, "SELECT count(*) FROM waitinglists_referral")[0][0]
    job = start(stack, drill.job, f"drill{n}")
    pid = running_worker(stack, job)
    time.sleep({"report": 0.5, "extract import": 0.3}.get(drill.job, 1.0))  # part way
    outcome.during = job.status(stack)
    fault = {
        "task worker": kill_task_worker,
        "gunicorn worker": kill_gunicorn_worker,
        "postgres": restart_postgres if postgres == "restart" else drop_connections,
    }[drill.fault]
    outcome.fault = fault(stack, pid)
    just_after = job.status(stack)
    if outcome.during not in ("running", "queued"):
        outcome.checks.append(f"the job had already ended ({outcome.during}) when the fault came")
    deadline = time.monotonic() + WAIT_FOR_END
    page = ""
    while time.monotonic() < deadline:
        supervise(stack)
        with contextlib.suppress(requests.RequestException):
            # Opening the job's page is what a person does; it also checks for a worker that died.
            page = faculty.get(f"{stack.base_url}{job.page}", timeout=30).text
        status = job.status(stack)
        if status not in ("queued", "running"):
            break
        time.sleep(1)
    status = job.status(stack)
    outcome.retried = job.runs(stack) > 1
    if drill.fault == "task worker" and just_after not in ("queued", "running") and not outcome.retried:
        outcome.checks.append(f"the job ended ({just_after}) before its worker was killed: not a drill")
    outcome.ended = status
    if status in ("queued", "running"):
        outcome.checks.append(f"still {status} {WAIT_FOR_END} s after the fault")
    if job.kind == "value import":
        values = job.values(stack)
        expected = MEASURES * PERIODS if status == "saved" else 0
        if values != expected:
            outcome.checks.append(f"half-saved: {values} values, {expected} expected when {status}")
        outcome.ended += f", {values:,} values"
    if job.kind == "extract import":
        now = job.referrals(stack)
        saved = query(stack, "SELECT counts FROM waitinglists_extractimport WHERE id = %s", (job.pk,))[0][0]
        if status != "saved" and now != referrals:
            outcome.checks.append(f"half-saved: {now} referrals, {referrals} before, and the import {status}")
        if status == "saved" and not saved.get("saved"):
            outcome.checks.append("saved, but without its counts of saved rows")
        outcome.ended += f", {referrals:,} -> {now:,} referrals"
    if status == "failed":
        page = faculty.get(f"{stack.base_url}{job.page}", timeout=30).text
        if STOPPED_WORDS not in page and FAILED_WORDS not in page:
            outcome.checks.append("failed, but its page gives no reason")
        outcome.ended += " (page: " + ("stopped part way" if STOPPED_WORDS in page else "went wrong") + ")"
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drills", nargs="*", choices=[d.name for d in DRILLS], help="only these drills")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--restart-postgres", action="store_true", help="restart the server (the default)")
    how.add_argument(
        "--drop-connections", action="store_true", help="end the stack database's connections instead"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs afterwards")
    args = parser.parse_args(argv)
    postgres = "drop" if args.drop_connections else "restart"
    drills = [d for d in DRILLS if not args.drills or d.name in args.drills]
    outcomes: list[Outcome] = []
    began = time.monotonic()
    with production_stack(web_workers=2, keep=args.keep) as stack:
        code = query(
            stack, "SELECT code FROM engagement_engagementsession WHERE is_open ORDER BY id LIMIT 1"
        )[0][0]
        poster = Poster(stack, code)
        posting = threading.Thread(target=poster.run, daemon=True)
        posting.start()
        faculty = signed_in(stack)
        for n, drill in enumerate(drills, 1):
            print(f"drill {n} of {len(drills)}: {drill.name} ...", flush=True)
            try:
                outcomes.append(run_drill(stack, drill, n, faculty, postgres=postgres))
            except Exception as error:  # noqa: BLE001 - a drill that could not run is a failed drill
                outcomes.append(
                    Outcome(drill.name, checks=[f"could not run: {type(error).__name__}: {error}"])
                )
            faculty = signed_in(stack)  # a database restart may have ended the session's connection
        time.sleep(2)
        poster.stopping.set()
        posting.join(60)
        found = poster.found()
        lost = sorted(set(poster.acknowledged) - found)
        serves = []
        health = requests.get(f"{stack.base_url}/health/", headers=stack.headers(), timeout=30)
        if health.status_code != 200:
            serves.append(f"health check answered {health.status_code}")
        home = signed_in(stack).get(f"{stack.base_url}/programme/", timeout=30)
        if home.status_code != 200:
            serves.append(f"the programme page answered {home.status_code}")
        restarted = sum(1 for _ in stack.task_workers)
    print()
    print(f"{'drill':24} {'fault':44} {'job when hit':13} {'retried':8} {'ended':42} result")
    for o in outcomes:
        print(
            f"{o.drill:24} {o.fault[:44]:44} {o.during:13} {'yes' if o.retried else 'no':8} "
            f"{o.ended[:42]:42} " + ("ok" if o.ok else "FAILED: " + "; ".join(o.checks))
        )
    print()
    print(
        f"public posts: {len(poster.acknowledged)} acknowledged, {len(lost)} lost, "
        f"{sum(poster.refused.values())} not acknowledged ({dict(poster.refused) or 'none'})"
    )
    print("the service still serves: " + ("yes" if not serves else "NO: " + "; ".join(serves)))
    print(f"task workers at the end: {restarted}; {time.monotonic() - began:.0f} s in all")
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes)} drills, {len(failed)} failed, {len(lost)} posts lost")
    return 1 if failed or lost or serves else 0


if __name__ == "__main__":
    sys.exit(main())
