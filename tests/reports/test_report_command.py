"""`whatmatters report`: builds a team or programme report as PDF or HTML, shows progress, and refuses bad
input with a one-line reason."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

GOOD = ["--from", "2024-01-01", "--to", "2024-12-31", "--audience", "committee"]


def run(*args: str) -> str:
    err = io.StringIO()
    call_command("report", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_it_writes_a_team_report_as_a_tagged_pdf(report_world: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "team-a.pdf"
    progress = run("--team", "team-a", *GOOD, "--format", "pdf", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF-1.7")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Reading the results of Team A (1 of 1)" in progress
    assert "Making the PDF" in progress
    assert f"Wrote {out}" in progress


def test_it_writes_a_programme_report_as_html(report_world: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "programme.html"
    progress = run("--programme", *GOOD, "--format", "html", "--output", str(out))
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert "<h1>Test Trust: programme report</h1>" in html
    assert "<style>" in html  # one file: its print styles are inside it
    assert "Reading the results of Team A (1 of 2)" in progress
    assert "Reading the results of Team B (2 of 2)" in progress


def test_it_writes_an_easy_read_report(report_world: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "easy.html"
    run(
        "--team", "team-a", "--from", "2024-01-01", "--to", "2024-12-31",
        "--audience", "lived-experience", "--format", "html", "--output", str(out),
    )  # fmt: skip
    assert "wm-report--easy-read" in out.read_text(encoding="utf-8")


def test_building_a_report_on_the_command_line_changes_nothing_in_the_database(
    report_world: dict[str, Any], tmp_path: Path
) -> None:
    from whatmatters.audit.models import AuditEvent
    from whatmatters.reports.models import Report

    before = AuditEvent.objects.count()
    run("--team", "team-a", *GOOD, "--format", "html", "--output", str(tmp_path / "r.html"))
    assert AuditEvent.objects.count() == before
    assert not Report.objects.exists()  # the file is the report: nothing is kept in the history


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ["--team", "nobody", *GOOD, "--format", "pdf"],
            "There is no active team with the short name 'nobody'",
        ),
        (
            ["--team", "team-a", "--from", "2024-02-30", "--to", "2024-12-31", "--audience", "committee",
             "--format", "pdf"],
            "'2024-02-30' is not a real date written as YYYY-MM-DD",
        ),
        (
            ["--team", "team-a", "--from", "01/02/2024", "--to", "2024-12-31", "--audience", "committee",
             "--format", "pdf"],
            "'01/02/2024' is not a real date written as YYYY-MM-DD",
        ),
        (
            ["--team", "team-a", "--from", "2024-12-31", "--to", "2024-01-01", "--audience", "committee",
             "--format", "pdf"],
            "The end of the period must be the same as or after its start",
        ),
        (
            ["--team", "team-a", "--from", "2010-01-01", "--to", "2024-01-01", "--audience", "committee",
             "--format", "pdf"],
            "A report can cover 5 years at most",
        ),
        (["--team", "team-a", *GOOD, "--format", "docx"], "invalid choice: 'docx'"),
        (
            ["--team", "team-a", "--from", "2024-01-01", "--to", "2024-12-31", "--audience", "board",
             "--format", "pdf"],
            "invalid choice: 'board'",
        ),
        (["--team", "team-a", "--programme", *GOOD, "--format", "pdf"], "not allowed with argument"),
        ([*GOOD, "--format", "pdf"], "one of the arguments --team --programme is required"),
        (["--team", "team-a", "--audience", "committee", "--format", "pdf"], "--from"),
    ],
)  # fmt: skip
def test_it_refuses_bad_arguments_with_a_reason(
    report_world: dict[str, Any], tmp_path: Path, args: list[str], reason: str
) -> None:
    out = tmp_path / "never.pdf"
    with pytest.raises(CommandError) as error:
        run(*args, "--output", str(out))
    assert reason in str(error.value)
    assert not out.exists()


def test_it_refuses_an_inactive_team(report_world: dict[str, Any], tmp_path: Path) -> None:
    team = report_world["team"]
    team.is_active = False
    team.save()
    with pytest.raises(CommandError, match="There is no active team with the short name 'team-a'"):
        run("--team", "team-a", *GOOD, "--format", "pdf", "--output", str(tmp_path / "r.pdf"))


def test_it_refuses_a_folder_that_does_not_exist(report_world: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "missing" / "r.pdf"
    with pytest.raises(CommandError, match="the folder .*missing does not exist"):
        run("--team", "team-a", *GOOD, "--format", "pdf", "--output", str(out))


def test_on_the_command_line_bad_input_exits_non_zero_with_one_line() -> None:
    command = [sys.executable, "-m", "whatmatters", "report", "--programme", "--from", "2024-13-01"]
    command += ["--to", "2024-12-31", "--audience", "committee", "--format", "pdf", "--output", os.devnull]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == "CommandError: '2024-13-01' is not a real date written as YYYY-MM-DD"
