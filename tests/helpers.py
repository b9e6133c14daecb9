"""Helpers shared by test files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def share_with_programme(*measures: Any) -> list[Any]:
    """Mark these measures as shared with the programme (as a team lead would on *Share with the
    programme*), so programme outputs may show them. Returns them, saved."""
    for measure in measures:
        measure.shared_with_programme = True
        measure.save(update_fields=["shared_with_programme"])
    return list(measures)


def alert_ref(response: Any) -> str:
    """The signed reference a public form page carries when it raised an alert (sent back with the form)."""
    import re

    found = re.search(r'name="alert_ref" value="([^"]+)"', response.content.decode())
    assert found, "the page does not carry the alert it raised"
    return found.group(1)
