"""forecast reproduces every known answer in flow_vectors within the README's tolerances."""

import csv
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from whatmatters.flow import forecast as f

VECTORS = Path("/work/shared/reference/flow_vectors")
pytestmark = pytest.mark.skipif(
    not VECTORS.exists(), reason="the shared flow vectors are not on this machine"
)
WL_TOL, TEST_TOL, RTT_TOL = 1e-9, 1e-7, 1e-7


def rows(name: str) -> list[dict[str, str]]:
    with (VECTORS / name).open() as handle:
        return list(csv.DictReader(handle))


def waiting_list(case: str) -> tuple[list[date], list[date | None]]:
    data = rows(f"nhsrwaitinglist/nhsrwl_{case}_input.csv")
    return (
        [date.fromisoformat(r["referral"]) for r in data],
        [date.fromisoformat(r["removal"]) if r["removal"] else None for r in data],
    )


CALCS = {
    "calc_queue_load": f.queue_load,
    "calc_relief_capacity": f.relief_capacity,
    "calc_target_capacity": f.target_capacity,
    "calc_target_mean_wait": f.target_mean_wait,
    "calc_target_queue_size": f.target_queue_size,
    "calc_waiting_list_pressure": f.waiting_list_pressure,
}


@pytest.mark.parametrize("row", rows("nhsrwaitinglist/nhsrwl_calc_expected.csv") if VECTORS.exists() else [])
def test_each_calculation_matches_r_and_the_upstream_test(row: dict[str, str]) -> None:
    args = {k: float(v) for k, v in (part.split("=") for part in row["args"].split(" (")[0].split(";"))}
    if "num_referrals" in args:
        args["num_referrals"] = int(args["num_referrals"])
    got = CALCS[row["func"]](**args)
    assert math.isclose(got, float(row["r_value"]), rel_tol=WL_TOL)
    if row["test_expected"]:
        assert math.isclose(got, float(row["test_expected"]), rel_tol=TEST_TOL)


@pytest.mark.parametrize(
    "row", rows("nhsrwaitinglist/nhsrwl_wl_stats_expected.csv") if VECTORS.exists() else []
)
def test_wl_stats_in_compatible_mode_matches_every_column(row: dict[str, str]) -> None:
    referrals, removals = waiting_list(row["case"].split("_")[0])
    start = date.fromisoformat(row["start_date"]) if row["start_date"] else None
    end = date.fromisoformat(row["end_date"]) if row["end_date"] else None
    stats = f.wl_stats_compatible(referrals, removals, float(row["target_wait"]), start, end)
    for column, expected in row.items():
        if column in ("case", "target_wait", "start_date", "end_date"):
            continue
        got = getattr(stats, column)
        if expected == "":
            assert got is None, column
        elif expected in ("TRUE", "FALSE"):
            assert got is (expected == "TRUE"), column
        else:
            assert math.isclose(float(got), float(expected), rel_tol=WL_TOL), (column, got, expected)


@pytest.mark.parametrize(
    "case,window", [("A", (date(2024, 1, 1), date(2024, 1, 31))), ("C", None), ("D", None)]
)
def test_the_daily_queue_size_series_matches(case: str, window: tuple[date, date] | None) -> None:
    referrals, removals = waiting_list(case)
    got = f.wl_queue_size_compatible(referrals, removals, *(window or (None, None)))
    expected = [
        (date.fromisoformat(r["dates"]), int(r["queue_size"]))
        for r in rows(f"nhsrwaitinglist/nhsrwl_{case}_queue_size_expected.csv")
    ]
    assert got == expected


def test_the_queue_size_refuses_an_end_before_the_last_referral_as_upstream_does() -> None:
    referrals, removals = waiting_list("D")
    with pytest.raises(ValueError, match="end date is before the last referral"):
        f.wl_queue_size_compatible(referrals, removals, date(2024, 1, 1), date(2024, 6, 30))


def test_the_patient_day_identity_on_d_is_48431() -> None:
    referrals, removals = waiting_list("D")
    series = f.wl_queue_size_compatible(referrals, removals)
    end = series[-1][0].toordinal() + 1
    start = series[0][0].toordinal()
    person_days = sum(
        max(0, min(r.toordinal() if r else end, end) - max(a.toordinal(), start))
        for a, r in zip(referrals, removals, strict=True)
        if (r is None or r.toordinal() >= start)
    )
    assert sum(q for _, q in series) == person_days == 48_431


def test_the_nhsrtt_projection_matches_every_period_and_bin() -> None:
    case = json.loads((VECTORS / "nhsrtt/apply_params_to_projections_case1.json").read_text())
    inputs = case["inputs"]
    params = f.Params(
        np.array(inputs["renege_capacity_params"]["renege_param"]),
        np.array(inputs["renege_capacity_params"]["capacity_param"]),
    )
    run = f.project(
        np.array(inputs["incomplete_pathways_t0"]["incompletes"], float),
        inputs["referrals_projections"],
        inputs["capacity_projections"],
        params,
    )
    assert len(case["expected"]) == 20
    for row in case["expected"]:
        t, m = row["period_id"] - 1, row["months_waited_id"]
        assert math.isclose(run.treatments[t, m], row["calculated_treatments"], rel_tol=RTT_TOL)
        assert math.isclose(run.reneges[t, m], row["reneges"], rel_tol=RTT_TOL)
        assert math.isclose(run.incompletes[t, m], row["incompletes"], rel_tol=RTT_TOL)


def dummy() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    referrals = np.array([float(r["referrals"]) for r in rows("nhsrtt/nhsrtt_dummy_referrals.csv")])
    incompletes, completes = np.zeros((4, 5)), np.zeros((4, 5))
    for r in rows("nhsrtt/nhsrtt_dummy_incompletes.csv"):
        incompletes[int(r["period_id"]), int(r["months_waited_id"])] = float(r["incompletes"])
    for r in rows("nhsrtt/nhsrtt_dummy_completes.csv"):
        completes[int(r["period_id"]), int(r["months_waited_id"])] = float(r["treatments"])
    return referrals, incompletes, completes


@pytest.mark.parametrize("index,multiplier,allow_negative", [(0, 1, True), (1, 3, False)])
def test_nhsrtt_calibration_matches_both_cases(index: int, multiplier: float, allow_negative: bool) -> None:
    expected = json.loads((VECTORS / "nhsrtt/calibrate_capacity_renege_params_cases.json").read_text())
    want = expected["cases"][index]["expected"]
    referrals, incompletes, completes = dummy()
    params = f.calibrate(
        referrals,
        incompletes,
        completes * multiplier,
        redistribute_m0_reneges=True,
        allow_negative_params=allow_negative,
    )
    np.testing.assert_allclose(params.renege, want["renege_param"], rtol=RTT_TOL)
    np.testing.assert_allclose(params.capacity, want["capacity_param"], rtol=RTT_TOL)
