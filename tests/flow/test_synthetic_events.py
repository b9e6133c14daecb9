"""The generator's events.csv: a baseline outcome measure and a meaningful assessment on each referral's
first attended contact, so NHS England's 4-week rule (not the local fallback) stops clocks."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow.cli import main
from whatmatters.flow.clocks import RULES, compute_waits
from whatmatters.flow.synthetic import generate
from whatmatters.flow.validate import validate_extract

START = date(2024, 6, 3)


def test_events_are_written_on_each_first_attended_contact_and_pass_the_checks(tmp_path: Path) -> None:
    summary = generate(tmp_path, teams=["community-recovery"], years=0.5, seed=2, start=START, events=True)
    with (tmp_path / "events.csv").open(newline="") as handle:
        events = list(csv.DictReader(handle))
    kinds = {e["event_kind"] for e in events}
    assert kinds == {"outcome_measure", "meaningful_assessment"}
    assert summary.rows["events"] == len(events)
    result = validate_extract(tmp_path, extract_date=summary.extract_date)
    try:
        assert result.files["events.csv"].rows_rejected == 0
        rule = compute_waits(result.con, "cmh4", summary.extract_date)
        [(stopped,)] = result.con.execute("SELECT count(*) FROM waits WHERE status = 'stopped'").fetchall()
    finally:
        result.con.close()
    assert rule.label == RULES["cmh4"].label  # NHS England's rule, not the fallback
    assert stopped > 0


def test_without_events_the_adult_rule_falls_back_to_the_local_one(tmp_path: Path) -> None:
    summary = generate(tmp_path, teams=["community-recovery"], years=0.5, seed=2, start=START)
    assert not (tmp_path / "events.csv").exists()
    result = validate_extract(tmp_path, extract_date=summary.extract_date)
    try:
        rule = compute_waits(result.con, "cmh4", summary.extract_date)
    finally:
        result.con.close()
    assert rule.label == RULES["cmh4-first-help"].label


def test_events_and_faults_together_are_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="events and faults"):
        generate(tmp_path, years=0.5, faults=0.01, events=True)


def test_the_generate_command_writes_events_only_for_the_contract_format(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["generate", "--out", str(tmp_path / "a"), "--years", "0.3", "--events"], out) == 0
    assert (tmp_path / "a" / "events.csv").is_file()
    said = io.StringIO()
    args = ["generate", "--out", str(tmp_path / "b"), "--years", "0.3", "--events", "--format", "mhsds"]
    assert main(args, said) == 2
    assert "--events is for the contract format" in said.getvalue()
