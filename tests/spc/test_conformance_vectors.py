"""Every shared conformance vector passes in ptd-0.2.2 mode, through the conformance function the CLI uses."""

from __future__ import annotations

import io
import json

import pytest

from whatmatters.spc.cli import main
from whatmatters.spc.conformance import run_document, run_files

from .helpers import VECTORS, differences, load_vector

RUN_FILES = sorted(p.name for p in VECTORS.glob("*.json") if not p.name.startswith("ptd_u"))
CASES = [(name, i) for name in RUN_FILES for i in range(len(load_vector(name).get("runs", [None])))]


def expected_of(doc: dict, i: int) -> dict:
    return doc["runs"][i]["expected"] if "runs" in doc else doc["expected"]


@pytest.mark.parametrize(("name", "run"), CASES, ids=[f"{n}#{i}" for n, i in CASES])
def test_each_shared_vector_run_matches_upstream_in_ptd_mode(name: str, run: int) -> None:
    doc = load_vector(name)
    actual = run_document(doc, "ptd-0.2.2")[run]["actual"]
    assert differences(expected_of(doc, run), actual) == []


def test_there_are_twenty_eight_shared_runs_so_none_is_silently_skipped() -> None:
    # 21 NHSRplotthedots runs in 11 files plus 7 qicharts2 cases.
    assert len(CASES) == 28
    assert len(run_files([VECTORS / n for n in RUN_FILES])) == 28


SNAPSHOT_FIELDS = ("mean", "lpl", "upl")


@pytest.mark.parametrize("name", [n for n in RUN_FILES if n.startswith("ptd_")])
def test_upstream_snapshot_assertions_hold_within_their_own_tolerance(name: str) -> None:
    doc = load_vector(name)
    for run, out in zip(doc["runs"], run_document(doc, "ptd-0.2.2"), strict=True):
        claims = run.get("upstream_assertions") or {}
        tol = claims.get("tolerance", 1e-9)
        group = out["actual"]["groups"][0]
        for field in SNAPSHOT_FIELDS:
            if field in claims and isinstance(claims[field], (int, float)):
                assert abs(group[field] - claims[field]) <= tol * 1.0001, (run["name"], field)
        if "common_cause" in claims:
            common = sum(p["point_type"] == "common_cause" for p in out["actual"]["points"])
            assert common == claims["common_cause"]


def test_the_conformance_command_prints_one_json_list_with_id_run_and_actual() -> None:
    out = io.StringIO()
    files = [str(VECTORS / "ptd_t02_rnorm20_outlier.json"), str(VECTORS / "qic_t05_u_chart.json")]
    assert main(["conformance", "--rules", "ptd-0.2.2", *files], out) == 0
    printed = json.loads(out.getvalue())
    assert [(r["id"], r["run"]) for r in printed] == [
        ("ptd_t02_rnorm20_outlier", "screen_outliers_true"),
        ("ptd_t02_rnorm20_outlier", "screen_outliers_false"),
        ("qic_t05_u_chart", None),
    ]
    assert set(printed[0]["actual"]) == {"error", "warning", "points", "groups", "icons"}
    doc = load_vector("qic_t05_u_chart.json")
    assert differences(doc["expected"], printed[2]["actual"]) == []


def test_the_conformance_command_defaults_to_the_ptd_rule_set() -> None:
    out = io.StringIO()
    assert main(["conformance", str(VECTORS / "ptd_t01_rnorm20.json")], out) == 0
    runs = json.loads(out.getvalue())
    # Run 2 names a rebase date that is not in the data; ptd-0.2.2 ignores it as upstream does.
    assert runs[1]["actual"]["error"] is None


def test_in_the_default_rule_set_a_rebase_date_missing_from_the_data_is_an_error_that_says_so() -> None:
    doc = load_vector("ptd_t01_rnorm20.json")
    actual = run_document(doc, "mdc-2023")[1]["actual"]
    assert "1 January 2020 is not one of the series' dates" in actual["error"]


def test_a_vector_file_that_cannot_be_read_is_a_clear_error(tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "broken.json"
    bad.write_text("{not json")
    err = io.StringIO()
    assert main(["conformance", str(bad)], io.StringIO(), err) == 2
    assert "broken.json: cannot read this vector file" in err.getvalue()
