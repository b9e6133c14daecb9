"""Helpers shared by test files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_whatmatters(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run `python -m whatmatters ARGS` in a fresh process with only the given settings variables."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("WHATMATTERS_", "DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "-m", "whatmatters", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
