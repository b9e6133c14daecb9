"""Server time per signed-in page: the pages of the load test's team-member mix, for the demo's team lead,
through Django's test client, with the page cache off (the baseline) and on, in the same run, on the same
data.

    .venv/bin/python -m bench.pages [--requests N] [--team SLUG] [--postgres] [--only KIND ...]

It loads the demo into a throwaway SQLite database (with --postgres: a fresh PostgreSQL database
`whatmatters_pages_<pid>` on 127.0.0.1:5432, dropped afterwards), signs in as the demo team lead through
the sign-in form, then asks for each page kind of `bench.load`'s mix (dashboard, measure list, a measure
page, flow page, Plan ahead) N times with `WHATMATTERS_PAGE_CACHE` off and N times with it on, alternating
kinds so both modes see the same machine. The first request of each kind in each mode is not counted (it
fills the caches). Each request is timed from the test client's call to its answer: wall clock and CPU
seconds of this process, which is the server's work without a network or a queue. Printed per page kind and
mode: median and p95 wall ms, median CPU ms, queries and bytes of the page, and how many times cheaper the
median is with the cache on.

Run it as a file (`python bench/pages.py`) with another checkout first on PYTHONPATH to measure that
checkout's pages: a checkout without the page cache setting gives the same figures in both modes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.stack import PG_SERVER, _admin_sql

LEAD = "lead@example.com"
KINDS = ("dashboard", "measure list", "measure page", "flow page", "plan ahead")


@dataclass
class Sample:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    size: list[int] = field(default_factory=list)


def p95(xs: list[float]) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def setup(workdir: Path, postgres: str | None) -> None:
    os.environ["WHATMATTERS_ENV"] = "development"
    os.environ["WHATMATTERS_DATA_DIR"] = str(workdir)
    os.environ["WHATMATTERS_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    if postgres:
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{postgres}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "whatmatters.settings"
    import django
    from django.core.management import call_command

    django.setup()
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("demo", verbosity=0, stdout=quiet)


def paths(team: str) -> dict[str, list[str]]:
    from whatmatters.framework.models import Measure

    pks = list(Measure.objects.filter(team__slug=team).order_by("pk").values_list("pk", flat=True))
    base = f"/teams/{team}"
    return {
        "dashboard": [f"{base}/dashboard/"],
        "measure list": [f"{base}/measures/"],
        "measure page": [f"{base}/measures/{pk}/" for pk in pks] or [f"{base}/measures/0/"],
        "flow page": [f"{base}/flow/"],
        "plan ahead": [f"{base}/flow/plan-ahead/"],
    }


def signed_in_client() -> Any:
    from django.test import Client

    from whatmatters.demo import DEMO_PASSWORD

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/sign-in/")
    answer = client.post("/sign-in/", {"username": LEAD, "password": DEMO_PASSWORD})
    if answer.status_code != 302 or "/sign-in/" in answer.headers.get("Location", ""):
        raise SystemExit(f"could not sign in as {LEAD} (answer {answer.status_code})")
    return client


def timed(client: Any, path: str) -> tuple[float, float, int, int]:
    from django.db import connection

    count = [0]

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        wall, cpu = time.perf_counter(), time.process_time()
        answer = client.get(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}")
    return wall, cpu, count[0], len(answer.content)


def run(client: Any, team: str, requests: int, kinds: list[str]) -> dict[tuple[str, bool], Sample]:
    from django.core.cache import cache
    from django.test import override_settings

    cache.clear()
    where = paths(team)
    samples: dict[tuple[str, bool], Sample] = {}
    for on in (False, True):  # warm both modes first: templates compiled, caches filled
        with override_settings(WHATMATTERS_PAGE_CACHE=on):
            for kind in kinds:
                for path in where[kind]:
                    timed(client, path)
    for i in range(requests):
        for kind in kinds:
            path = where[kind][i % len(where[kind])]
            for on in (False, True) if i % 2 == 0 else (True, False):
                with override_settings(WHATMATTERS_PAGE_CACHE=on):
                    wall, cpu, queries, size = timed(client, path)
                sample = samples.setdefault((kind, on), Sample())
                sample.wall.append(wall * 1000)
                sample.cpu.append(cpu * 1000)
                sample.queries.append(queries)
                sample.size.append(size)
    return samples


def report(samples: dict[tuple[str, bool], Sample], kinds: list[str]) -> None:
    head = (
        f"{'page':<14}{'cache':>6}{'median ms':>11}{'p95 ms':>9}{'CPU ms':>8}{'queries':>9}{'KB':>7}{'x':>7}"
    )
    print(head)
    print("-" * len(head))
    for kind in kinds:
        off_median = statistics.median(samples[(kind, False)].wall)
        for on in (False, True):
            s = samples[(kind, on)]
            median = statistics.median(s.wall)
            queries = (
                f"{min(s.queries)}"
                if min(s.queries) == max(s.queries)
                else f"{min(s.queries)}-{max(s.queries)}"
            )
            faster = f"{off_median / median:.1f}" if on else ""
            cpu, size = statistics.median(s.cpu), statistics.median(s.size) / 1024
            print(
                f"{kind:<14}{'on' if on else 'off':>6}{median:>11.1f}{p95(s.wall):>9.1f}"
                f"{cpu:>8.1f}{queries:>9}{size:>7.0f}{faster:>7}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page kind and mode")
    parser.add_argument("--team", default="cert", help="the demo team whose pages are read (default cert)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL on 127.0.0.1:5432, not SQLite")
    parser.add_argument("--only", nargs="+", choices=KINDS, default=list(KINDS), metavar="KIND")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="wm-bench-pages-"))
    database = f"whatmatters_pages_{os.getpid()}" if args.postgres else None
    try:
        if database:
            _admin_sql(f'CREATE DATABASE "{database}"')
        print(f"Loading the demo into {database or workdir} (not timed)", file=sys.stderr)
        setup(workdir, database)
        client = signed_in_client()
        print(
            f"{args.requests} requests per page kind and mode, team {args.team}, as {LEAD}", file=sys.stderr
        )
        samples = run(client, args.team, args.requests, args.only)
        report(samples, args.only)
        return 0
    finally:
        if database:
            from django.db import connections

            connections.close_all()
            _admin_sql(f'DROP DATABASE IF EXISTS "{database}"')
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
