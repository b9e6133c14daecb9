"""A migrated SQLite file for tests that run real processes (task workers, many writers) against one
database, as the service does without PostgreSQL. Migrated once per run, copied for each test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def sqlite_env(path: Path) -> dict[str, str]:
    """The environment of a process of the service (development settings, the task queue in the database)
    on the SQLite file `path`."""
    return {
        # Not the test run's own database (DATABASE_URL on the PostgreSQL leg) nor its settings.
        **{
            k: v
            for k, v in os.environ.items()
            if k != "DATABASE_URL" and not k.startswith(("WHATMATTERS_", "DJANGO_"))
        },
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "whatmatters.settings",
        "WHATMATTERS_ENV": "development",
        "WHATMATTERS_SQLITE_PATH": str(path),
    }


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "whatmatters", "migrate", "-v0"],
        env=sqlite_env(path),
        cwd=ROOT,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return path


@pytest.fixture
def migrated_sqlite(_migrated_sqlite_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "whatmatters.sqlite3"
    shutil.copyfile(_migrated_sqlite_template, path)
    return path
