"""What each public form costs the server, one person at a time: the statement form (/w/<code>/), a check-in
and an experience survey (/s/<code>/), opened, sent and thanked, through Django's test client on the demo.

    .venv/bin/python -m bench.public_forms                # 30 of each, figures per request
    .venv/bin/python -m bench.public_forms --profile      # and where the time goes (cProfile, by package)

A fresh PostgreSQL database (`whatmatters_forms_<pid>` on 127.0.0.1:5432) gets `migrate`, the demo and
`collectstatic`, with
production settings apart from HTTPS (the test client speaks plain HTTP); it is dropped afterwards. For each
form it prints the median CPU time of opening the form, sending it and opening the thanks page, the queries
each makes, and the Python function calls each makes: a count that does not change with how busy the machine
is, so runs on a shared machine can be compared (CPU times can not, quite).
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import random
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.pageforms import form_on
from bench.stack import PG_SERVER, ROOT, _admin_sql

WORDS = ["Being listened to when I phone the team", "Knowing who my care coordinator is"]


def _marker() -> str:
    return "wmforms" + "".join(random.choices(string.ascii_lowercase, k=12))


def _fill(kind: str, form) -> None:
    if kind == "statement":
        form.fields["text"] = f"{random.choice(WORDS)} {_marker()}"
    elif kind == "experience survey":
        for name in form.textareas:
            form.fields[name] = f"{random.choice(WORDS)} {_marker()}"
    form.fields["website"] = ""


def _address() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def _timed(call, profiler: cProfile.Profile | None, counted: bool, rows: list) -> object:
    """Runs one request; when counted, adds (CPU seconds, queries, bytes) to rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        if profiler is not None and counted:
            profiler.enable()
        response = call()
        if profiler is not None and counted:
            profiler.disable()
        cpu = time.process_time() - started
    if counted:
        rows.append((cpu, len(queries), len(response.content)))
    return response


def measure(count: int, profile: bool) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM engagement_engagementsession WHERE is_open")
        statements = [f"/w/{code}/" for (code,) in cursor.fetchall()]
        cursor.execute(
            "SELECT s.code, count(q.id) FILTER (WHERE q.kind IN ('fft_reason', 'free_text'))"
            " FROM surveys_survey s LEFT JOIN surveys_question q ON q.survey_id = s.id"
            " WHERE s.is_open GROUP BY s.code"
        )
        surveys = cursor.fetchall()
    kinds = {
        "statement": statements,
        "check-in": [f"/s/{code}/" for code, texts in surveys if not texts],
        "experience survey": [f"/s/{code}/" for code, texts in surveys if texts],
    }
    print(f"{'form':<18} {'step':<6} {'CPU ms':>7} {'queries':>8} {'calls':>7} {'bytes':>7}")
    client = Client()
    for kind, paths in kinds.items():
        steps = {"open": [], "send": [], "thanks": []}
        profiles = {step: cProfile.Profile() for step in steps}
        for i in range(count + 2):  # the first two warm the process up and are not counted
            # One client, as one server process loads its middleware once (a new test client loads it
            # again, and WhiteNoise then reads every static file); a new person each time.
            client.cookies.clear()
            address = _address()
            path = random.choice(paths)
            counted = i >= 2
            page = _timed(
                partial(client.get, path, REMOTE_ADDR=address),
                profiles["open"] if profile else None,
                counted,
                steps["open"],
            )
            form = form_on(page.content.decode(), path)
            _fill(kind, form)
            sent = _timed(
                partial(client.post, path, form.fields, REMOTE_ADDR=address),
                profiles["send"] if profile else None,
                counted,
                steps["send"],
            )
            if sent.status_code != 302:
                raise SystemExit(f"{kind}: sending the form gave {sent.status_code}, not a redirect")
            _timed(
                partial(client.get, sent["Location"], REMOTE_ADDR=address),
                profiles["thanks"] if profile else None,
                counted,
                steps["thanks"],
            )
        for name, rows in steps.items():
            calls = ""
            if profile:
                stats = pstats.Stats(profiles[name])
                calls = f"{sum(v[1] for v in stats.stats.values()) / count:.0f}"
            print(
                f"{kind:<18} {name:<6} {1000 * statistics.median(r[0] for r in rows):>7.1f}"
                f" {max(r[1] for r in rows):>8} {calls:>7} {max(r[2] for r in rows):>7}"
            )
        if profile:
            for name in steps:
                stats = pstats.Stats(profiles[name])
                by_package: collections.Counter = collections.Counter()
                for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
                    where = filename.split("site-packages/")[-1].split(str(ROOT) + "/")[-1]
                    by_package[where.split("/")[0] if "whatmatters" not in where else where] += own
                top = ", ".join(f"{k} {1000 * v / count:.1f}" for k, v in by_package.most_common(5))
                print(f"    {kind} {name}, ms of own time by package (profiled): {top}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.public_forms", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--count", type=int, default=30, help="people per form (30)")
    parser.add_argument(
        "--profile", action="store_true", help="count function calls and show where time goes"
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)  # the measuring process
    args = parser.parse_args(argv)
    if args.inner:
        measure(args.count, args.profile)
        return 0
    name = f"whatmatters_forms_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="whatmatters-forms-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WHATMATTERS_", "DJANGO_"))},
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "whatmatters.settings",
        "DATABASE_URL": f"{PG_SERVER}/{name}",
        "WHATMATTERS_ENV": "production",
        "WHATMATTERS_SECRET_KEY": secrets.token_urlsafe(64),
        "WHATMATTERS_PSEUDONYM_KEY": secrets.token_urlsafe(24),
        "WHATMATTERS_ALLOWED_HOSTS": "testserver",
        "WHATMATTERS_SSL_REDIRECT": "false",
        "WHATMATTERS_DATA_DIR": str(workdir / "data"),
        "WHATMATTERS_STATIC_ROOT": str(workdir / "static"),
        "WHATMATTERS_LOG_LEVEL": "ERROR",
    }
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{name}"')
    try:
        for command in (
            ["migrate", "--noinput", "--verbosity", "0"],
            ["demo", "--allow-production"],
            ["collectstatic", "--noinput", "--verbosity", "0"],
        ):
            subprocess.run(
                [sys.executable, "-m", "whatmatters", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        subprocess.run(
            [sys.executable, "-m", "bench.public_forms", "--inner", "--count", str(args.count)]
            + (["--profile"] if args.profile else []),
            cwd=ROOT,
            env=env,
            check=True,
        )
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
