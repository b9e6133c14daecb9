"""The forecast never divides by zero, says in a sentence when there is too little data to plan from (and
when there will be enough), keeps a baseline and a scenario as plain JSON, and works out a plan with one
function whose parts agree. Hand-worked cases."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import numpy as np
import pytest

from whatmatters.flow import forecast as f

CENSUS = date(2026, 11, 29)  # a Sunday; its week starts on Monday 23 November


def waits(starts: list[date], stop_after: int | None = 3) -> tuple[list[date], list[date | None], list[bool]]:
    """One wait per start; each stops `stop_after` days later (None: nobody is helped)."""
    stops = [None if stop_after is None else s + timedelta(days=stop_after) for s in starts]
    return starts, stops, [s is not None for s in stops]


def weekly(first: date, weeks: int, per_week: int) -> list[date]:
    return [first + timedelta(weeks=w, days=d % 5) for w in range(weeks) for d in range(per_week)]


# --- Nothing divides by zero ------------------------------------------------------------------------


def test_the_load_with_no_capacity_is_infinite_when_anyone_is_referred() -> None:
    assert f.queue_load(5, 0) == math.inf


def test_the_load_with_no_capacity_and_no_referrals_is_nothing() -> None:
    assert f.queue_load(0, 0) == 0.0


def test_the_load_is_demand_over_capacity_otherwise() -> None:
    assert f.queue_load(6, 4) == 1.5


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: f.target_capacity(10, 0), "target_wait"),
        (lambda: f.waiting_list_pressure(3, 0), "target_wait"),
        (lambda: f.target_queue_size(10, 4, factor=0), "factor"),
        (lambda: f.target_mean_wait(4, factor=0), "factor"),
        (lambda: f.relief_capacity(10, 50, 20, time_to_target=0), "time_to_target"),
    ],
)
def test_a_zero_divisor_is_a_clear_message_not_a_zero_division_error(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be more than 0"):
        call()  # type: ignore[operator]


# --- Too little data --------------------------------------------------------------------------------


def test_no_referrals_in_the_half_year_give_no_baseline_and_a_sentence() -> None:
    starts, stops, stopped = waits([date(2025, 1, 6)])
    base = f.plan_baseline(starts, stops, stopped, CENSUS, 14)
    assert base is None
    assert f.plan_shortfall(base, CENSUS) == (
        "Nobody was referred in the 26 weeks to 29 November 2026, so there is nothing to plan from. "
        "Plan ahead will work once an extract has 12 weeks of referrals."
    )


def test_three_weeks_of_data_say_the_date_of_the_first_extract_with_enough() -> None:
    # data from Monday 2 November: the weeks of 2, 9 and 16 November are calibrated on (the census
    # week is not), 3 of 12; 12 weeks are complete in an extract taken on Monday 25 January 2027.
    starts, stops, stopped = waits(weekly(date(2026, 11, 2), 4, 5))
    base = f.plan_baseline(starts, stops, stopped, CENSUS, 14)
    assert base is not None
    assert f.plan_shortfall(base, CENSUS) == (
        "Plan ahead needs 12 full weeks of data. This team's data start on 2 November 2026, 27 days before "
        "the extract of 29 November 2026. There will be enough in an extract taken on or after "
        "25 January 2027."
    )
    later = date(2027, 1, 25)
    enough = f.plan_baseline(*waits(weekly(date(2026, 11, 2), 12, 5)), later, 14)
    assert f.plan_shortfall(enough, later) is None


def test_referrals_with_nobody_helped_are_too_few_to_plan_from() -> None:
    starts, stops, stopped = waits(weekly(date(2026, 5, 4), 29, 2), stop_after=None)
    base = f.plan_baseline(starts, stops, stopped, CENSUS, 14)
    assert base is not None and base.capacity == 0.0 and base.load == math.inf
    assert f.plan_shortfall(base, CENSUS) == (
        "In the 12 weeks to 22 November 2026, 24 people were referred and 0 got help: too few to plan from. "
        "Plan ahead will work when an extract's last 12 weeks have at least 12 referrals and 12 people who "
        "got help."
    )


def test_one_referral_a_week_is_just_enough() -> None:
    base = f.plan_baseline(*waits(weekly(date(2026, 5, 4), 29, 1)), CENSUS, 14)
    assert f.plan_shortfall(base, CENSUS) is None


# --- One plan, kept as JSON -------------------------------------------------------------------------


@pytest.fixture
def baseline() -> f.PlanBaseline:
    base = f.plan_baseline(*waits(weekly(date(2026, 5, 4), 29, 6), stop_after=20), CENSUS, 14)
    assert base is not None
    return base


def test_a_baseline_read_back_from_json_is_the_same_baseline(baseline: f.PlanBaseline) -> None:
    again = f.PlanBaseline.from_dict(json.loads(json.dumps(baseline.to_dict())))
    assert again.census == baseline.census and again.first_start == baseline.first_start
    assert np.array_equal(again.incompletes, baseline.incompletes)
    assert np.array_equal(again.params.renege, baseline.params.renege)
    assert (again.demand, again.capacity, again.waiting_now) == (
        baseline.demand,
        baseline.capacity,
        baseline.waiting_now,
    )


def test_a_scenario_read_back_from_json_is_the_same_scenario(baseline: f.PlanBaseline) -> None:
    run = f.plan(baseline, f.Levers()).scenario
    assert f.Scenario.from_dict(json.loads(json.dumps(run.to_dict()))) == run


def test_the_plan_aims_26_weeks_after_the_census_unless_told_and_says_the_same_number(
    baseline: f.PlanBaseline,
) -> None:
    result = f.plan(baseline, f.Levers())
    assert result.target_date == date(2027, 5, 30)
    n = result.needed.appointments
    assert n is not None and n == math.ceil(result.needed.per_week)
    assert f"needs about {n} appointments a week" in result.needed.sentence
    assert result.scenario == f.scenario(baseline, f.Levers(), target_date=date(2027, 5, 30))


def test_the_hand_worked_baseline_figures(baseline: f.PlanBaseline) -> None:
    # 6 referrals a week; each waits 20 days, so helped 3 weeks later: 6 a week helped in the last 12
    # weeks; about 3 weeks' referrals (18) are waiting; none leaves without help; 14-day standard = 2 bins.
    assert baseline.demand == 6.0
    assert baseline.capacity == 6.0
    assert baseline.left_without_help == 0.0
    assert 12 <= baseline.waiting_now <= 18
    assert baseline.load == 1.0


# --- The fan chart's runs side by side --------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_projecting_runs_side_by_side_gives_what_projecting_each_in_turn_gives(seed: int) -> None:
    rng = np.random.default_rng(seed)
    bins = 10
    params = f.Params(rng.uniform(-0.05, 0.2, bins), rng.uniform(0, 1.5, bins) * (seed % 3 != 0))
    start = rng.integers(0, 30, bins).astype(float)
    refs = rng.poisson(10, (7, 20)).astype(float)
    caps = rng.poisson(rng.uniform(0, 40), (7, 20)).astype(float)  # some weeks take more than are waiting
    waiting, within = f._project_side_by_side(start, refs, caps, params, 3)
    for run in range(7):
        one = f.project(start, refs[run], caps[run], params)
        assert np.allclose(one.waiting, waiting[run], rtol=1e-12, atol=1e-9)
        assert np.allclose(one.share_within(3), within[run], rtol=1e-12, atol=1e-12)
