"""`whatmatters` is Django's management utility with the project's own commands."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import run_whatmatters


def test_python_dash_m_whatmatters_lists_the_projects_commands(tmp_path: Path) -> None:
    result = run_whatmatters("help", env={"WHATMATTERS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "[whatmatters]" in result.stdout
    assert "demo" in result.stdout
    assert "db_worker" in result.stdout  # the task worker


def test_the_whatmatters_console_script_is_installed_beside_python() -> None:
    script = Path(sys.executable).with_name("whatmatters")
    assert script.exists() or shutil.which("whatmatters")
    result = subprocess.run([str(script), "help", "demo"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Load demo data" in result.stdout


def test_an_unknown_command_exits_non_zero_with_a_one_line_reason(tmp_path: Path) -> None:
    result = run_whatmatters("no-such-command", env={"WHATMATTERS_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "Unknown command: 'no-such-command'" in result.stderr
