"""Per-series options: recalculations with reasons, frozen baselines, exclusions, targets, multiply."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from whatmatters.spc import Recalculation, Series, SeriesOptions, SpcInputError, TargetChange, analyse

from .helpers import monthly


def test_a_recalculation_starts_a_new_group_with_its_own_limits_and_keeps_its_reason() -> None:
    dates = monthly(30)
    values = [10.0, 12.0] * 8 + [20.0, 22.0] * 7
    r = analyse(
        Series(
            dates,
            values,
            options=SeriesOptions(recalculations=(Recalculation(dates[16], "we opened a second clinic"),)),
        )
    )
    assert r.group.tolist() == [0] * 16 + [1] * 14
    assert r.centre[0] == 11 and r.centre[-1] == 21
    assert [g.reason for g in r.groups] == ["", "we opened a second clinic"]
    # Rules never span a recalculation, so the step up is not a shift.
    assert not r.special_cause.any()


def test_excluded_points_are_plotted_but_left_out_of_limits_and_rules() -> None:
    dates = monthly(20)
    values = [10.0, 12.0] * 10
    values[5] = 100.0
    r = analyse(Series(dates, values, options=SeriesOptions(excluded=(dates[5],))))
    assert r.values[5] == 100 and r.excluded[5]
    assert r.centre[0] == pytest.approx(208 / 19)  # the mean of the 19 points that are not excluded
    assert r.labels[5] == "Common Cause" and not r.special_cause.any()


def test_an_excluded_date_not_in_the_data_is_an_error() -> None:
    with pytest.raises(SpcInputError, match="excluded date 1 January 2030"):
        analyse(Series(monthly(5), [1, 2, 3, 4, 5], options=SeriesOptions(excluded=(dt.date(2030, 1, 1),))))


def test_a_target_can_change_on_a_date_and_assurance_uses_the_latest() -> None:
    dates = monthly(20)
    values = [10.0, 12.0] * 10
    r = analyse(
        Series(
            dates,
            values,
            options=SeriesOptions(target=(TargetChange(dates[0], 30.0), TargetChange(dates[10], 0.0))),
        )
    )
    assert r.target[0] == 30 and r.target[-1] == 0
    assert r.assurance.name == "consistent_pass"


def test_multiply_scales_a_ratio_chart_and_its_limits() -> None:
    dates = monthly(12)
    num, den = [5, 6, 4, 7, 5, 6, 5, 4, 6, 5, 7, 5], [100] * 12
    per1 = analyse(Series(dates, num, den, SeriesOptions(chart="p")))
    per100 = analyse(Series(dates, num, den, SeriesOptions(chart="p", multiply=100)))
    assert np.allclose(per100.values, per1.values * 100)
    assert np.allclose(per100.upper, per1.upper * 100)


def test_an_xmr_chart_of_a_ratio_plots_numerator_over_denominator() -> None:
    r = analyse(Series(monthly(3), [1, 2, 3], [10, 10, 20], SeriesOptions(multiply=100)))
    assert r.values.tolist() == [10.0, 20.0, 15.0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (SeriesOptions(baseline_points=5), "at least 12 points"),
        (SeriesOptions(shift_length=8), "shift length must be 6 or 7"),
        (SeriesOptions(direction="up"), "increase, decrease or neutral"),  # type: ignore[arg-type]
        (SeriesOptions(chart="p"), "needs a denominator"),
        (SeriesOptions(multiply=0), "multiply factor"),
    ],
)
def test_bad_options_are_refused_with_a_reason(options: SeriesOptions, message: str) -> None:
    with pytest.raises(SpcInputError, match=message):
        analyse(Series(monthly(3), [1, 2, 3], options=options, name="Beds"))


def test_a_duplicate_date_is_refused_and_named() -> None:
    with pytest.raises(SpcInputError, match="1 February 2023 appears more than once"):
        analyse(Series([dt.date(2023, 2, 1), dt.date(2023, 2, 1)], [1, 2]))


def test_a_value_that_is_not_a_number_is_refused_with_its_position() -> None:
    with pytest.raises(SpcInputError, match="value 2 is 'lots'"):
        analyse(Series(monthly(2), [1, "lots"]))  # type: ignore[list-item]


def test_unsorted_input_is_sorted_by_date() -> None:
    dates = monthly(3)
    r = analyse(Series([dates[2], dates[0], dates[1]], [3.0, 1.0, 2.0]))
    assert r.values.tolist() == [1.0, 2.0, 3.0]


def test_run_lengths_of_six_are_available_for_shift_and_trend() -> None:
    values = [5.0, 7.0] * 4 + [9.0] * 6 + [5.0, 7.0] * 2
    seven = analyse(Series(monthly(len(values)), values))
    six = analyse(Series(monthly(len(values)), values, options=SeriesOptions(shift_length=6)))
    assert not seven.flags["shift"].any()
    assert six.flags["shift"][8:14].tolist() == [1] * 6
    assert six.labels[8] == "6 Points Above CL"
