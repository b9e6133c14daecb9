"""Load test on the production stack (bench/stack.py): PostgreSQL, 2 gunicorn workers and 2 task workers on
loopback, the demo loaded, then a realistic mix of people for a fixed time, run with locust as a library.

    .venv/bin/python -m bench.load                          # 5 minutes with 20 people, then 5 with 50
    .venv/bin/python -m bench.load --users 20 --seconds 60  # one shorter phase
    .venv/bin/python -m bench.load --smoke                  # 30 s, 5 people; exit 1 on any error or loss

The mix ("people" are the signed-in ones; the phone users come on top):
- team members (lead, staff, expert by experience, viewer of the demo teams) reading their team's dashboard,
  measure list, measure pages, flow page and Plan ahead, a few seconds apart;
- one faculty member building the programme committee report on the task workers, waiting for it and
  downloading the PDF, again and again;
- one data analyst importing a 1M-referral waiting-list extract (`whatmatters flow import --background`,
  made by the synthetic generator that `whatmatters flow generate` uses; 50,000 referrals with --smoke) at
  the start of each phase, and watching the import's page;
- 100 anonymous phone users (10 with --smoke), each a new person with their own address: open a public form,
  take a while to write, send it: statements (/w/<code>/) and check-ins and experience surveys (/s/<code>/).

It prints requests, errors and p50/p95/p99 per page kind, what the task workers did, and writes every figure
to a CSV (in a temporary folder unless --csv says where). "Lost" counts public answers the service
acknowledged (the redirect to the thanks page) that are not in the database afterwards: every statement and
free-text answer carries a unique marker word; check-ins without text are counted per survey. The last line:

    N requests, E errors, L lost, dashboard p95 X ms
"""

from __future__ import annotations

# locust patches the standard library for gevent when imported: first, before anything opens a socket.
import locust  # noqa: F401, I001  isort: skip
import gevent  # isort: skip

import argparse
import csv
import random
import re
import shutil
import string
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

from locust import HttpUser, between, task
from locust.env import Environment
from locust.stats import StatsEntry

from bench.pageforms import FormFields, form_on
from bench.stack import Stack, production_stack, secure_cookie_jar

DEMO_PASSWORD = "WhatMatters-demo-2026"  # noqa: S105 - the demo's published password
MARKER = "wmload"
THREADS = 4  # threads in each gunicorn worker (gthread; 1: sync). Chosen by an A/B: docs/performance.md
MEMBERS = [
    # account, team
    ("lead@example.com", "cert"),
    ("staff@example.com", "older-adults-ward"),
    ("expert@example.com", "eip"),
    ("viewer@example.com", "cert"),
]
STATEMENTS = [
    "Being listened to when I phone the team",
    "Knowing who my care coordinator is",
    "Not having to tell my story again and again",
    "Help with housing while I wait",
    "Staff who remember my name",
]


def new_marker() -> str:
    return MARKER + "".join(random.choices(string.ascii_lowercase, k=12))


def random_address() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


# ---- what the run shares with its users ----------------------------------------------------------------


@dataclass
class Shared:
    stack: Stack
    measures: dict[str, list[int]]  # team slug -> measure pks
    statement_codes: list[str]
    checkin_codes: list[str]  # surveys without a free-text question
    experience_codes: list[str]  # surveys with one
    extract: Path
    team_map: str
    acknowledged: list[str] = field(default_factory=list)  # markers of acknowledged posts
    checkins: Counter = field(default_factory=Counter)  # survey code -> acknowledged check-ins
    reports_built: int = 0
    imports: list[str] = field(default_factory=list)  # what `flow import --background` said


SHARED: Shared | None = None


class Person(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.headers.update(SHARED.stack.headers(random_address()))
        secure_cookie_jar(self.client.cookies)

    def page(self, path: str, name: str):
        """A page for signed-in people: landing on the sign-in page instead is an error."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if not response.status_code:  # no answer at all (the connection failed): an error, counted
                response.failure("no answer")
            elif "/sign-in/" in response.url:
                response.failure("sent to the sign-in page")
            return response

    def sign_in(self, email: str) -> None:
        page = self.client.get("/sign-in/", name="sign-in page")
        form = form_on(page.text, "sign-in")
        form.fields.update(username=email, password=DEMO_PASSWORD)
        with self.client.post("/sign-in/", data=form.fields, name="sign in", catch_response=True) as done:
            if not done.status_code or "/sign-in/" in done.url:
                done.failure(f"{email} could not sign in")


class TeamMember(Person):
    wait_time = between(1, 4)

    def on_start(self) -> None:
        super().on_start()
        gevent.sleep(random.uniform(0, 15))  # people arrive over the first quarter of a minute, not at once
        self.email, self.team = random.choice(MEMBERS)
        self.sign_in(self.email)

    @task(4)
    def dashboard(self) -> None:
        self.page(f"/teams/{self.team}/dashboard/", "dashboard")

    @task(2)
    def measure_list(self) -> None:
        self.page(f"/teams/{self.team}/measures/", "measure list")

    @task(3)
    def measure_page(self) -> None:
        pks = SHARED.measures.get(self.team) or [0]
        self.page(f"/teams/{self.team}/measures/{random.choice(pks)}/", "measure page")

    @task(2)
    def flow(self) -> None:
        self.page(f"/teams/{self.team}/flow/", "flow page")

    @task(1)
    def plan_ahead(self) -> None:
        self.page(f"/teams/{self.team}/flow/plan-ahead/", "plan ahead")


class Faculty(Person):
    fixed_count = 1
    wait_time = between(5, 10)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in("faculty@example.com")

    @task
    def build_report(self) -> None:
        page = self.page("/programme/reports/new/", "report form")
        form = form_on(page.text, "reports/new")
        today = date.today()
        form.fields.update(
            audience="committee",
            date_from=(today - timedelta(days=730)).isoformat(),
            date_to=(today.replace(day=1) - timedelta(days=1)).isoformat(),
        )
        sent = self.client.post("/programme/reports/new/", data=form.fields, name="report request")
        detail = sent.url.removeprefix(self.host)
        if not re.search(r"/reports/\d+/$", detail):
            return
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            gevent.sleep(3)
            page = self.page(detail, "report page")
            ready = re.search(r'href="([^"]*/report\.pdf)"', page.text)
            if ready:
                self.page(ready.group(1), "report pdf")
                SHARED.reports_built += 1
                return


class Analyst(Person):
    fixed_count = 1
    wait_time = between(8, 15)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in("analyst@example.com")
        # Queued the way the command line does it; the task workers run it, as they run a web upload.
        result = SHARED.stack.manage(
            "flow", "import", str(SHARED.extract), "--team-map", SHARED.team_map, "--background", check=False
        )
        said = (result.stdout + result.stderr).strip().splitlines()
        SHARED.imports.append(said[-1] if said else f"exit {result.returncode}")

    @task
    def watch_import(self) -> None:
        page = self.page("/programme/waiting-lists/imports/", "import history")
        found = re.search(r'href="(/programme/waiting-lists/imports/\d+/)"', page.text)
        if found:
            self.page(found.group(1), "import page")


class PhoneUser(Person):
    """Someone on a phone: opens a public form, takes a while to write, sends it; then the next person."""

    wait_time = between(10, 30)

    def on_start(self) -> None:
        super().on_start()
        self.first = True
        gevent.sleep(random.uniform(0, 30))  # phones arrive over the first half minute, not all at once

    def _next_person(self) -> None:
        self.client.cookies.clear()
        self.client.headers.update(SHARED.stack.headers(random_address()))

    def _send(self, path: str, kind: str, fill) -> bool:
        self._next_person()
        page = self.client.get(path, name=f"{kind} form")
        form = form_on(page.text, path)
        if self.first:
            for href in form.stylesheets[:1]:
                self.client.get(href, name="static file")
            self.first = False
        fill(form)
        gevent.sleep(random.uniform(2, 6))  # typing
        with self.client.post(path, data=form.fields, name=f"{kind} post", catch_response=True) as sent:
            # No url: no answer at all (the connection failed, or the phase ended while it was on its way).
            ok = bool(sent.url) and urlparse(sent.url).path.endswith("/thanks/") and bool(sent.history)
            if not ok:
                why = f": {type(sent.error).__name__}" if sent.error else ""
                sent.failure(f"not acknowledged ({sent.status_code}{why})")
            return ok

    @task(3)
    def statement(self) -> None:
        marker = new_marker()

        def fill(form: FormFields) -> None:
            form.fields["text"] = f"{random.choice(STATEMENTS)} {marker}"
            form.fields.pop("website", None)
            form.fields["website"] = ""

        if self._send(f"/w/{random.choice(SHARED.statement_codes)}/", "statement", fill):
            SHARED.acknowledged.append(marker)

    @task(2)
    def checkin(self) -> None:
        code = random.choice(SHARED.checkin_codes)
        if self._send(f"/s/{code}/", "check-in", lambda form: None):
            SHARED.checkins[code] += 1

    @task(1)
    def experience(self) -> None:
        marker = new_marker()

        def fill(form: FormFields) -> None:
            for name in form.textareas:
                form.fields[name] = f"{random.choice(STATEMENTS)} {marker}"

        if self._send(f"/s/{random.choice(SHARED.experience_codes)}/", "experience survey", fill):
            SHARED.acknowledged.append(marker)


# ---- the database, before and after --------------------------------------------------------------------


def _query(stack: Stack, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(stack.database_url) as connection:
        return connection.execute(sql, params).fetchall()


def _codes(stack: Stack) -> tuple[list[str], list[str], list[str]]:
    statements = [r[0] for r in _query(stack, "SELECT code FROM engagement_engagementsession WHERE is_open")]
    checkins, experience = [], []
    for code, texts in _query(
        stack,
        "SELECT s.code, count(q.id) FILTER (WHERE q.kind IN ('fft_reason', 'free_text'))"
        " FROM surveys_survey s LEFT JOIN surveys_question q ON q.survey_id = s.id"
        " WHERE s.is_open GROUP BY s.code",
    ):
        (experience if texts else checkins).append(code)
    return statements, checkins, experience


def _responses(stack: Stack) -> Counter:
    return Counter(
        dict(
            _query(
                stack,
                "SELECT s.code, count(r.id) FROM surveys_survey s"
                " LEFT JOIN surveys_response r ON r.survey_id = s.id GROUP BY s.code",
            )
        )
    )


def _found_markers(stack: Stack) -> set[str]:
    found: set[str] = set()
    pattern = re.compile(MARKER + "[a-z]{12}")
    for text, original in _query(
        stack,
        "SELECT text, original_text FROM engagement_statement WHERE text LIKE %s OR original_text LIKE %s",
        (f"%{MARKER}%", f"%{MARKER}%"),
    ):
        found.update(pattern.findall(text or ""))
        found.update(pattern.findall(original or ""))
    return found


def _tasks(stack: Stack) -> list[tuple[str, str, str, int, str]]:
    """Each task's queue and count by status, with the last line of a failed task's traceback (its reason)."""
    return _query(
        stack,
        "SELECT task_path, queue_name, status, count(*),"
        " coalesce(string_agg(DISTINCT"
        " nullif(split_part(rtrim(traceback, E'\\n'), E'\\n', -1), ''), ' | '), '')"
        " FROM django_tasks_database_dbtaskresult GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )


# ---- the run -------------------------------------------------------------------------------------------


def make_extract(folder: Path, referrals: int) -> tuple[Path, str]:
    """A waiting-list extract of about `referrals` referrals (copies of the community team profile), taken
    today, and the team map that spreads its team codes over the demo's community teams."""
    from whatmatters.flow import synthetic

    copies = max(1, round(referrals / 7_800))
    start = date.today().replace(day=1) - timedelta(days=3 * 365)
    summary = synthetic.generate(
        folder, teams=["community-recovery"], copies=copies, followups=False, years=3, seed=11, start=start
    )
    header = (folder / "referrals.csv").open().readline().split(",")
    column = header.index("team_id")
    codes: set[str] = set()
    with (folder / "referrals.csv").open() as rows:
        next(rows)
        for line in rows:
            codes.add(line.split(",")[column])
    teams = ["cert", "cmht-north", "eip", "crisis-team"]
    team_map = ",".join(f"{code}={teams[i % len(teams)]}" for i, code in enumerate(sorted(codes)))
    print(f"extract: {summary.rows['referrals']:,} referrals, {summary.rows['contacts']:,} contacts")
    return folder, team_map


@dataclass
class Phase:
    people: int
    phones: int
    seconds: int
    rows: list[dict] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    failures: Counter = field(default_factory=Counter)


def run_phase(phase: Phase) -> None:
    PhoneUser.fixed_count = phase.phones
    env = Environment(user_classes=[TeamMember, Faculty, Analyst, PhoneUser], host=SHARED.stack.base_url)
    runner = env.create_local_runner()
    runner.start(phase.people + phase.phones, spawn_rate=max(10, (phase.people + phase.phones) // 5))
    gevent.sleep(phase.seconds)
    runner.quit()
    stats = env.stats
    posts = StatsEntry(stats, "public posts (all)", "POST")
    for entry in stats.entries.values():
        if entry.name in {"statement post", "check-in post", "experience survey post"}:
            posts.extend(entry)
    for entry in [*sorted(stats.entries.values(), key=lambda e: e.name), posts]:
        phase.rows.append(
            {
                "people": phase.people,
                "phones": phase.phones,
                "page": entry.name,
                "method": entry.method,
                "requests": entry.num_requests,
                "errors": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "p99_ms": entry.get_response_time_percentile(0.99),
                "max_ms": round(entry.max_response_time or 0),
                "per_second": round(entry.total_rps, 1),
            }
        )
    phase.requests = stats.total.num_requests
    phase.errors = stats.total.num_failures
    for error in stats.errors.values():
        phase.failures[f"{error.method} {error.name}: {error.error}"] += error.occurrences


def print_phase(phase: Phase) -> None:
    print(f"\n{phase.people} people and {phase.phones} phone users for {phase.seconds} s:")
    print(f"  {'page':<18} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'per s':>6}")
    for row in phase.rows:
        print(
            f"  {row['page']:<18} {row['requests']:>8} {row['errors']:>6} {row['p50_ms']:>6.0f}"
            f" {row['p95_ms']:>6.0f} {row['p99_ms']:>6.0f} {row['per_second']:>6}"
        )
    for failure, count in phase.failures.most_common(10):
        print(f"  error x{count}: {failure}")


def main(argv: list[str] | None = None) -> int:
    global SHARED
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", help="people signed in, one phase each (20 50)")
    parser.add_argument("--seconds", type=int, help="length of each phase (300)")
    parser.add_argument("--phones", type=int, help="anonymous phone users on top (100; 10 with --smoke)")
    parser.add_argument("--referrals", type=int, help="referrals in the analyst's extract (1,000,000)")
    parser.add_argument("--smoke", action="store_true", help="30 s, 5 people; exit 1 on any error or loss")
    parser.add_argument("--csv", type=Path, help="where to write the figures (a temporary folder)")
    parser.add_argument(
        "--threads",
        type=int,
        default=THREADS,
        help=f"threads in each gunicorn worker ({THREADS}; 1: sync workers, more: gthread)",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="CPU priority of the task workers (10, as the README says)",
    )
    args = parser.parse_args(argv)
    users = args.users or ([5] if args.smoke else [20, 50])
    seconds = args.seconds or (30 if args.smoke else 300)
    phones = args.phones if args.phones is not None else (10 if args.smoke else 100)
    referrals = args.referrals or (50_000 if args.smoke else 1_000_000)
    workdir = Path(tempfile.mkdtemp(prefix="whatmatters-load-"))
    csv_path = args.csv or workdir / "load.csv"

    extract, team_map = make_extract(workdir / "extract", referrals)
    phases = [Phase(people=n, phones=phones, seconds=seconds) for n in users]
    print(
        f"stack: 2 gunicorn workers x {args.threads} thread{'s' if args.threads > 1 else ''}"
        f" ({'gthread' if args.threads > 1 else 'sync'}), task workers for 'default' and 'imports'"
    )
    with production_stack(threads=args.threads, worker_nice=args.worker_nice) as stack:
        statement_codes, checkin_codes, experience_codes = _codes(stack)
        measures: dict[str, list[int]] = {}
        for slug, pk in _query(
            stack, "SELECT t.slug, m.id FROM framework_measure m JOIN teams_team t ON t.id = m.team_id"
        ):
            measures.setdefault(slug, []).append(pk)
        SHARED = Shared(
            stack=stack,
            measures=measures,
            statement_codes=statement_codes,
            checkin_codes=checkin_codes,
            experience_codes=experience_codes,
            extract=extract,
            team_map=team_map,
        )
        before = _responses(stack)
        for phase in phases:
            run_phase(phase)
            print_phase(phase)
        gevent.sleep(2)
        found = _found_markers(stack)
        after = _responses(stack)
        lost_markers = [m for m in SHARED.acknowledged if m not in found]
        lost_checkins = sum(max(0, n - (after[code] - before[code])) for code, n in SHARED.checkins.items())
        lost = len(lost_markers) + lost_checkins
        tasks = _tasks(stack)
        emails = stack.emails
        if any(p.errors for p in phases) or lost:
            # The stack's folder goes with it: keep the server and worker logs for finding out why.
            for log in stack.workdir.glob("*.log"):
                shutil.copy(log, workdir / log.name)
            print(f"Errors: the gunicorn and task worker logs are kept in {workdir}")
    shutil.rmtree(extract, ignore_errors=True)  # hundreds of MB at 1M referrals; the CSV stays
    print("\nTask workers:")
    for path, queue, status, count, reason in tasks:
        print(
            f"  {path.rsplit('.', 1)[-1]:<32} {queue:<8} {status:<11} {count}"
            + (f"  ({reason[:200]})" if reason else "")
        )
    print(f"  emails sent: {emails}; reports built and downloaded: {SHARED.reports_built}")
    print(
        f"Public answers acknowledged: {len(SHARED.acknowledged)} with text, {sum(SHARED.checkins.values())}"
        f" check-ins; missing afterwards: {lost}"
    )
    with csv_path.open("w", newline="") as out:
        fields = list(phases[0].rows[0]) if phases[0].rows else ["people"]
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        for phase in phases:
            writer.writerows(phase.rows)
    print(f"Figures written to {csv_path}")
    total = sum(p.requests for p in phases)
    errors = sum(p.errors for p in phases)
    dashboard = max(
        (r["p95_ms"] for p in phases for r in p.rows if r["page"] == "dashboard"), default=float("nan")
    )
    print(f"{total} requests, {errors} errors, {lost} lost, dashboard p95 {dashboard:.0f} ms")
    if errors or lost or not total:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
