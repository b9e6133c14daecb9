"""Without PostgreSQL the service runs on one SQLite file that the web process and the task worker both write.
Twenty people posting to a public form at once, and people signing in, while a task worker saves a large
upload, get no "database is locked" error: WAL (readers carry on during a write), BEGIN IMMEDIATE (a
writer waits for the lock at the start, instead of failing part way), a 20 s wait, and imports that write
in one short transaction.

The load runs in its own process (the development settings, the real task queue) on a SQLite file, with a
real `db_worker` process saving the upload."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.foundation.conftest import ROOT, sqlite_env

CLIENTS = 20
POSTS_EACH = 10

SETUP = """
import django; django.setup()
import datetime as dt
from whatmatters.teams.models import Cohort, Organisation, Team, User
from whatmatters.engagement.models import EngagementSession
from whatmatters.framework.models import ValueImport
from tests.framework.factories import make_domain, make_measure
org = Organisation.objects.create(name="Test Trust", slug="test-trust")
phase = Cohort.objects.create(organisation=org, name="Phase 1", number=1, start_date=dt.date(2023, 8, 1))
team = Team.objects.create(organisation=org, name="Team A", slug="team-a", cohort=phase)
domain = make_domain(team)
rows = ["measure,team,period,value"]
for m in range(40):
    make_measure(team, domain, code=f"m{m}", name=f"Measure {m}")
    rows += [f"m{m},team-a,{2019 + i // 12}-{i % 12 + 1:02d}-01,{10 + i}" for i in range(60)]
upload = ValueImport.objects.create(team=team, file_name="values.csv", content="\\n".join(rows).encode(),
                                    confirmed=True)
session = EngagementSession.objects.create(team=team, title="Day", held_on=dt.date(2025, 6, 3),
                                           hold_every_answer=False)
for n in range(4):
    User.objects.create_user(email=f"person{n}@example.org", password="a-long-test-password-1")
print(upload.pk, session.code)
"""

LOAD = """
import django; django.setup()
import json, subprocess, sys, threading, time
from django.test import Client
from django.db import connection
from whatmatters.framework.tasks import run_value_import
from whatmatters.safety.public_forms import FORM_TOKEN, form_token
from whatmatters.teams.models import User

upload, code, clients, posts = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
run_value_import.enqueue(upload)
worker = subprocess.Popen([sys.executable, "-m", "whatmatters", "db_worker", "--batch", "--interval", "0"])
connection.close()
acknowledged, errors, lock = [], [], threading.Lock()
start = threading.Barrier(clients + 4)

def poster(n):
    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    start.wait()
    for i in range(posts):
        marker = f"marker-{n}-{i}"
        data = {"text": f"Knowing who to ring {marker}", "relationship": "carer", "stage": "waiting",
                FORM_TOKEN: form_token()}
        response = client.post(f"/w/{code}/", data, REMOTE_ADDR=f"203.0.113.{n + 1}")
        with lock:
            (acknowledged if response.status_code == 302 else errors).append(
                marker if response.status_code == 302 else f"{marker}: {response.status_code}")
    connection.close()

def signer(n):
    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    user = User.objects.get(email=f"person{n}@example.org")
    start.wait()
    for i in range(posts):
        try:
            client.force_login(user)
            client.logout()
        except Exception as error:
            with lock:
                errors.append(f"sign-in {n}-{i}: {type(error).__name__}: {error}")
    connection.close()

threads = [threading.Thread(target=poster, args=(n,)) for n in range(clients)]
threads += [threading.Thread(target=signer, args=(n,)) for n in range(4)]
began = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
seconds = time.monotonic() - began
worker.wait(timeout=120)
print(json.dumps({"acknowledged": acknowledged, "errors": errors, "seconds": seconds}))
"""


def _python(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return done.stdout.decode().strip().splitlines()[-1]


def _rows(path: Path, sql: str, *params: Any) -> list[Any]:
    with sqlite3.connect(path) as con:
        return con.execute(sql, params).fetchall()


def test_twenty_people_posting_while_a_worker_saves_a_large_upload_get_no_locked_database_error(
    migrated_sqlite: Path,
) -> None:
    env = sqlite_env(migrated_sqlite)
    upload, code = _python(SETUP, env).split()
    result = json.loads(_python(LOAD, env, upload, code, str(CLIENTS), str(POSTS_EACH)))
    assert result["errors"] == []
    assert len(result["acknowledged"]) == CLIENTS * POSTS_EACH
    saved = {
        text.rsplit(" ", 1)[1] for (text,) in _rows(migrated_sqlite, "select text from engagement_statement")
    }
    assert set(result["acknowledged"]) <= saved  # every acknowledged post is there
    assert _rows(migrated_sqlite, "select status from framework_valueimport where id = ?", int(upload)) == [
        ("saved",)
    ]
    assert _rows(migrated_sqlite, "select count(*) from framework_value") == [(40 * 60,)]
    journal = _rows(migrated_sqlite, "pragma journal_mode")
    assert journal == [("wal",)]
