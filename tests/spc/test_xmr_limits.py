"""XmR limits by hand arithmetic (the README's worked examples), and the constants we use."""

from __future__ import annotations

import numpy as np
import pytest

from whatmatters.spc import Series, SeriesOptions, analyse

from .helpers import daily


def xmr(values: list[float], rules: str = "ptd-0.2.2", **options: object):  # noqa: ANN201
    return analyse(Series(daily(len(values)), values, options=SeriesOptions(**options)), rules)


def test_twelve_steady_points_give_the_hand_calculated_limits_and_no_signal() -> None:
    r = xmr([5, 7, 6, 8, 7, 6, 5, 7, 6, 8, 7, 6])
    assert r.centre[0] == pytest.approx(6.5)
    assert r.upper[0] == pytest.approx(6.5 + 2.66 * 15 / 11, abs=1e-12)
    assert r.lower[0] == pytest.approx(2.872727272727, abs=1e-9)
    assert r.upper_2sigma[0] == pytest.approx(8.918181818, abs=1e-8)
    assert not r.special_cause.any()
    assert r.trial_limits


def test_screening_drops_moving_ranges_above_3_267_times_their_mean_but_the_mean_keeps_the_outliers() -> None:
    values = [10.0, 12.0] * 10
    values[6], values[13] = 40.0, -20.0
    r = xmr(values)
    assert r.centre[0] == pytest.approx(10.9)
    assert (r.lower[0], r.upper[0]) == (pytest.approx(5.58), pytest.approx(16.22))
    assert r.labels[6] == "Above UCL" and r.labels[13] == "Below LCL"
    unscreened = xmr(values, screen_outliers=False)
    assert (unscreened.lower[0], unscreened.upper[0]) == (
        pytest.approx(-9.54, abs=1e-2),
        pytest.approx(31.34, abs=1e-2),
    )


def test_the_excel_rule_set_does_not_screen() -> None:
    values = [10.0, 12.0] * 10
    values[6] = 40.0
    assert xmr(values, "excel").upper[0] > xmr(values, "mdc-2023").upper[0]


def test_a_frozen_baseline_fixes_the_limits_and_the_rules_still_run_over_every_point() -> None:
    values = [9.0, 11.0] * 6 + [11.0, 13.0] * 6
    frozen = xmr(values, baseline_points=12)
    assert frozen.centre[-1] == 10 and frozen.upper[-1] == pytest.approx(15.32)
    assert frozen.labels[11:] == ["7 Points Above CL"] * 13
    unfrozen = xmr(values)
    # The 11s sit exactly on the mean of 11, which breaks every run.
    assert unfrozen.centre[0] == 11 and not unfrozen.special_cause.any()


def test_mdc_uses_the_literal_2_66_and_the_individuals_chart_uses_3_over_1_128() -> None:
    values = [5, 7, 6, 8, 7, 6, 5, 7, 6, 8, 7, 6]
    mdc = xmr(values)
    i_chart = analyse(Series(daily(12), values, options=SeriesOptions(chart="i")))
    amr = 15 / 11
    assert mdc.upper[0] - mdc.centre[0] == pytest.approx(2.66 * amr, rel=1e-12)
    assert i_chart.upper[0] - i_chart.centre[0] == pytest.approx(3 / 1.128 * amr, rel=1e-12)


def test_limits_need_two_points_and_one_point_has_none() -> None:
    two = xmr([1.0, 3.0])
    assert np.isfinite(two.upper).all()
    one = xmr([1.0])
    assert np.isnan(one.upper).all() and one.variation is not None
