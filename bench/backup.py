"""Backup and restore drill on the production stack (bench.stack).

    python -m bench.backup [--keep]

Starts the stack (fresh PostgreSQL database with the demo), backs it up with `pg_dump -Fc`, restores the
file with `pg_restore` into a fresh database, and runs the service against the restored copy: `migrate
--check` (no migration missing), gunicorn on it, and a few pages (the health check, sign-in, the programme
page, a team's dashboard, its measures). Then it counts the rows of every table in both databases. It prints
the figures (backup size and time, restore time, rows per main table) and exits 1 if a count differs, a
page fails or a step fails.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import subprocess
import sys
import time

import psycopg
import requests

from bench.faults import query, signed_in
from bench.stack import PG_SERVER, _admin_sql, _spawn, _stop, free_port, production_stack, wait_until_ready

MAIN_TABLES = (
    "teams_team",
    "teams_user",
    "framework_measure",
    "framework_value",
    "engagement_statement",
    "waitinglists_referral",
    "reports_report",
    "audit_auditevent",
)


def row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the databases and the backup file")
    args = parser.parse_args(argv)
    problems: list[str] = []
    with production_stack(web_workers=1, task_queues=(), keep=args.keep) as stack:
        backup = stack.workdir / "whatmatters.dump"
        began = time.monotonic()
        subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(backup), stack.database_url], check=True)
        dumped = time.monotonic() - began
        restored_name = f"{stack.database_name}_restored"
        restored_url = f"{PG_SERVER}/{restored_name}"
        _admin_sql(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        _admin_sql(f'CREATE DATABASE "{restored_name}"')
        server = None
        try:
            began = time.monotonic()
            subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored_url, str(backup)], check=True
            )
            restored = time.monotonic() - began
            print(
                f"backup: {backup.stat().st_size / 1e6:.1f} MB in {dumped:.1f} s (pg_dump -Fc); "
                f"restored in {restored:.1f} s (pg_restore)"
            )
            # Counted before anything runs on the copy (signing in to it adds sessions and audit events).
            before = row_counts(stack.database_url)
            after = row_counts(restored_url)
            port = free_port()
            env = {
                **stack.env,
                "DATABASE_URL": restored_url,
                "WHATMATTERS_BASE_URL": f"http://127.0.0.1:{port}",
            }
            copy = dataclasses.replace(
                stack,
                base_url=f"http://127.0.0.1:{port}",
                database_url=restored_url,
                env=env,
                task_workers=[],
            )
            check = copy.manage("migrate", "--check", check=False)
            if check.returncode != 0:
                problems.append(
                    f"migrate --check on the restored database: {check.stdout}{check.stderr}"[:500]
                )
            server = _spawn(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "whatmatters.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                env,
                stack.workdir / "gunicorn-restored.log",
            )
            copy = dataclasses.replace(copy, gunicorn=server)
            wait_until_ready(copy.base_url, server)
            team = query(copy, "SELECT slug FROM teams_team ORDER BY id LIMIT 1")[0][0]
            faculty = signed_in(copy)
            for path in ("/programme/", f"/teams/{team}/", f"/teams/{team}/measures/"):
                page = faculty.get(f"{copy.base_url}{path}", timeout=60)
                print(f"restored copy: GET {path} -> {page.status_code}")
                if page.status_code != 200:
                    problems.append(f"GET {path} on the restored copy answered {page.status_code}")
            health = requests.get(f"{copy.base_url}/health/", headers=copy.headers(), timeout=30)
            if health.status_code != 200:
                problems.append(f"the restored copy's health check answered {health.status_code}")
        finally:
            if server is not None:
                _stop(server)
            if not args.keep:
                with contextlib.suppress(Exception):
                    _admin_sql(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
    print(f"{'table':36} {'original':>10} {'restored':>10}")
    differ = []
    for table in sorted(set(before) | set(after)):
        a, b = before.get(table), after.get(table)
        if table in MAIN_TABLES:
            print(f"{table:36} {a if a is not None else '-':>10} {b if b is not None else '-':>10}")
        if a != b:
            differ.append(f"{table}: {a} rows, {b} restored")
    print(f"{len(before)} tables, {sum(before.values()):,} rows in the original")
    problems += differ
    for problem in problems:
        print("FAILED:", problem)
    print("backup and restore: " + ("ok" if not problems else f"{len(problems)} problems"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
