"""The special-cause rules through the whole pipeline (the behaviours spc.md §1.4 pins)."""

from __future__ import annotations

import pytest

from whatmatters.spc import Series, analyse

from .helpers import daily


def labels(values: list[float], rules: str = "ptd-0.2.2") -> list[str]:
    return analyse(Series(daily(len(values)), values), rules).labels


BACKGROUND = [10.0, 12.0] * 6  # mean 11 before any run is added
ENDS_LOW = [12.0, 10.0] * 6  # the same, ending below the mean so a run above starts cleanly


def test_exactly_seven_points_on_one_side_is_a_shift_and_six_is_not() -> None:
    seven = labels([*ENDS_LOW, *[11.5] * 7, 10.0, 12.0])
    six = labels([*ENDS_LOW, *[11.5] * 6, 10.0, 12.0, 10.0])
    assert seven[12:19] == ["7 Points Above CL"] * 7 and seven[19] == "Common Cause"
    assert "7 Points Above CL" not in six


def test_a_run_of_nine_flags_all_nine() -> None:
    out = labels([*ENDS_LOW, *[11.5] * 9, 10.0])
    assert out[12:21] == ["7 Points Above CL"] * 9 and out[11] == out[21] == "Common Cause"


def test_a_point_exactly_on_the_mean_breaks_a_shift() -> None:
    # The added points average 11, like the background, so the mean stays exactly 11.
    values = [*ENDS_LOW, 12.0, 12.0, 12.0, 11.0, 12.0, 12.0, 12.0, *[10.0] * 6]
    r = analyse(Series(daily(len(values)), values), "ptd-0.2.2")
    assert r.centre[0] == 11.0 and r.relative_to_centre[15] == 0
    assert not r.special_cause.any()
    values[15] = 12.0  # now seven points in a row above the mean
    assert labels(values)[12:19] == ["7 Points Above CL"] * 7


def test_seven_rising_points_are_a_trend_even_across_the_mean_and_a_tie_breaks_it() -> None:
    rising = [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0]
    assert labels([*BACKGROUND, *rising, 11.0])[12:19] == ["7 Point Trend (Increasing)"] * 7
    tied = [8.0, 9.0, 10.0, 10.0, 12.0, 13.0, 14.0]
    assert not any("Trend" in x for x in labels([*BACKGROUND, *tied, 11.0]))


def test_outside_the_limits_beats_a_trend_label() -> None:
    rising = [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 40.0]
    out = labels([*BACKGROUND, *rising, 11.0])
    assert out[18] == "Above UCL" and out[17] == "7 Point Trend (Increasing)"


@pytest.mark.parametrize("rules", ["ptd-0.2.2", "mdc-2023"])
def test_two_of_three_flags_the_two_close_points_when_all_three_are_on_one_side(rules: str) -> None:
    r = analyse(Series(daily(14), [*BACKGROUND, 15.5, 15.6]), rules)
    assert r.upper_2sigma[0] < 15.5 < r.upper[0]
    assert r.labels[11:] == ["Common Cause", "2 in 3 Above CL", "2 in 3 Above CL"]


def test_rules_never_span_a_recalculation() -> None:
    from whatmatters.spc import Recalculation, SeriesOptions

    dates = daily(24)
    values = [*BACKGROUND, *[12.0, 14.0] * 6]
    r = analyse(Series(dates, values, options=SeriesOptions(recalculations=(Recalculation(dates[12]),))))
    assert not r.special_cause.any()
