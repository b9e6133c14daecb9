"""Our own hand-worked conformance vectors (tests/spc/vectors_wm, arithmetic written in each file): a
trajectory judged against the target in force for the latest point, and an accepted recalculation whose
new limits come from the new baseline's points only. Every rule set each run names (all when it names
none), through the conformance command the shared vectors use."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from whatmatters.spc import RULE_SETS
from whatmatters.spc.cli import main
from whatmatters.spc.conformance import run_document

from .helpers import differences

OURS = Path(__file__).parent / "vectors_wm"
FILES = sorted(p.name for p in OURS.glob("wm_*.json"))
CASES = [
    (name, run["name"], rules)
    for name in FILES
    for run in json.loads((OURS / name).read_text(encoding="utf-8"))["runs"]
    for rules in sorted(RULE_SETS)
    if rules in run.get("rules", RULE_SETS)
]


def load(name: str) -> dict:
    return json.loads((OURS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "run", "rules"), CASES, ids=[f"{n}#{r}#{s}" for n, r, s in CASES])
def test_each_hand_worked_run_matches_its_arithmetic(name: str, run: str, rules: str) -> None:
    doc = load(name)
    expected = next(r["expected"] for r in doc["runs"] if r["name"] == run)
    actual = next(r["actual"] for r in run_document(doc, rules) if r["run"] == run)
    assert actual["error"] is None
    assert differences(expected, actual) == []


def test_there_are_two_files_and_eleven_runs_so_none_is_silently_skipped() -> None:
    # wm_t01: 3 runs x 3 rule sets; wm_t02: 1 run x 3 rule sets, then 2 + 1 runs for named rule sets.
    assert FILES == ["wm_t01_trajectory.json", "wm_t02_accepted_recalculation.json"]
    assert len(CASES) == 9 + 3 + 2 + 1


def test_the_conformance_command_runs_our_vectors_too() -> None:
    out = io.StringIO()
    assert main(["conformance", "--rules", "mdc-2023", str(OURS / "wm_t01_trajectory.json")], out) == 0
    runs = json.loads(out.getvalue())
    assert [r["actual"]["assurance"] for r in runs] == ["consistent_pass", "inconsistent", "consistent_fail"]
