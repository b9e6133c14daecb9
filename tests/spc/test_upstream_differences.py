"""Where we deliberately do better than NHSRplotthedots 0.2.2 (spc.md §1.7), in every rule set.

Each test says what upstream does, what we do instead, and why.
"""

from __future__ import annotations

import numpy as np
import pytest

from whatmatters.spc import Recalculation, Series, SeriesOptions, SpcInputError, analyse

from .helpers import daily

RULE_SETS = ("ptd-0.2.2", "mdc-2023", "excel")


@pytest.mark.parametrize("rules", RULE_SETS)
def test_a_missing_value_inside_a_rising_run_does_not_crash_and_breaks_the_trend(rules: str) -> None:
    # Upstream: all(d == 1) is NA, and ptd_spc() stops with an error (vector ptd_d15).
    # We: a missing value breaks the trend, like a tie does, and nothing else changes.
    values = [1, 2, 3, 4, None, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    r = analyse(Series(daily(len(values)), values), rules)
    assert r.missing[4]
    assert r.flags["trend"][:4].tolist() == [0, 0, 0, 0]
    assert (r.flags["trend"][5:] == 1).all()  # 9 rising points after the gap are a trend


@pytest.mark.parametrize("rules", RULE_SETS)
def test_the_icon_comes_from_the_last_point_with_a_value(rules: str) -> None:
    # Upstream: an NA last row gives "common_cause" because the icon reads that row (ptd_d16).
    # We: the icon describes the latest real data, so a missing final month cannot hide a signal.
    values = [0.0, 1.0, 0.0, 1.0] * 3 + [10.0, None]
    r = analyse(Series(daily(len(values)), values), rules)
    assert r.latest_index == 12
    assert r.variation.name == "improvement_high"


@pytest.mark.parametrize("rules", RULE_SETS)
def test_a_constant_series_gets_zero_width_limits_and_a_warning(rules: str) -> None:
    # Upstream: the mean moving range is 0, screening drops every range (0 < 0 is false) and the limits
    # are NaN (ptd_d17). We: zero-width limits, as PowerBI-SPC gives, and a warning saying why.
    r = analyse(Series(daily(15), [4.0] * 15), rules)
    assert (r.upper == 4).all() and (r.lower == 4).all()
    assert not r.special_cause.any()
    assert "constant" in [w.code for w in r.warnings]


def test_a_recalculation_date_not_in_the_data_is_an_error_that_says_so() -> None:
    # Upstream ignores it silently (ptd_t01 run 2). The default rule set refuses, naming the date.
    s = Series(
        daily(20),
        list(range(20)),
        options=SeriesOptions(
            recalculations=(Recalculation(np.datetime64("2019-12-31").astype(object), "new form"),)
        ),
        name="Waits",
    )
    with pytest.raises(SpcInputError, match="Waits.*31 December 2019 is not one of the series' dates"):
        analyse(s)


def test_ptd_mode_ignores_an_unknown_recalculation_date_as_upstream_does_but_warns() -> None:
    s = Series(
        daily(20),
        list(range(20)),
        options=SeriesOptions(recalculations=(Recalculation(np.datetime64("2019-12-31").astype(object)),)),
    )
    r = analyse(s, "ptd-0.2.2")
    assert r.group.max() == 0
    assert "recalculation_ignored" in [w.code for w in r.warnings]


def two_in_three_with_a_point_beyond_the_limit() -> list[float]:
    # Alternating 0/2 (mean about 1.6), then a point between 2 and 3 sigma, then one beyond 3 sigma,
    # then one just above the mean: all three above the centre line.
    base = [0.0, 2.0] * 10
    return [*base, 6.5, 9.5, 1.8]


def test_mdc_2023_counts_points_beyond_the_limits_towards_two_of_three_but_ptd_does_not() -> None:
    # MDC changed the rule in November 2023 (issue #194): every point beyond 2 sigma counts, as long as
    # all three are on one side. NHSRplotthedots 0.2.2 counts only the band between 2 and 3 sigma (ptd_d09).
    values = two_in_three_with_a_point_beyond_the_limit()
    mdc = analyse(Series(daily(len(values)), values), "mdc-2023")
    ptd = analyse(Series(daily(len(values)), values), "ptd-0.2.2")
    assert mdc.close_to_limits[20] and mdc.flags["two_in_three"][20] == 1
    assert ptd.flags["two_in_three"][20] == 0
    assert mdc.labels[21] == ptd.labels[21] == "Above UCL"


def test_mdc_shows_improvement_when_a_point_meets_an_improvement_and_a_concern_rule() -> None:
    # A rising trend (improvement when higher is better) that sits below the lower limit (concern).
    # Upstream's label precedence says "Below LCL", a concern; MDC's spreadsheet shows improvement when a
    # point meets both (issue #194), so mdc-2023 does too. Every rule's flag is kept either way.
    values = [10.0] * 6 + [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0] + [10.0] * 6
    ptd = analyse(Series(daily(len(values)), values), "ptd-0.2.2")
    mdc = analyse(Series(daily(len(values)), values), "mdc-2023")
    assert ptd.flags["astronomical"][8] == mdc.flags["astronomical"][8] == -1
    assert ptd.flags["trend"][8] == mdc.flags["trend"][8] == 1
    assert (ptd.labels[8], ptd.point_types[8]) == ("Below LCL", "special_cause_concern")
    assert (mdc.labels[8], mdc.point_types[8]) == ("7 Point Trend (Increasing)", "special_cause_improvement")
    lower_is_better = analyse(Series(daily(len(values)), values, options=SeriesOptions(direction="decrease")))
    assert (lower_is_better.labels[8], lower_is_better.point_types[8]) == (
        "Below LCL",
        "special_cause_improvement",
    )


@pytest.mark.parametrize(
    ("rules", "expected"), [("ptd-0.2.2", "inconsistent"), ("mdc-2023", "consistent_fail")]
)
def test_a_target_exactly_on_the_upper_limit_counts_as_beyond_it_only_in_mdc(
    rules: str, expected: str
) -> None:
    # NHSRplotthedots compares strictly; the MDC Power BI specification uses >= (PowerBI-SPC #116).
    values = [5, 7, 6, 8, 7, 6, 5, 7, 6, 8, 7, 6, 7]
    upper = analyse(Series(daily(13), values), rules).upper[-1]
    r = analyse(Series(daily(13), values, options=SeriesOptions(target=float(upper))), rules)
    assert r.assurance.name == expected
    lower = r.lower[-1]
    r = analyse(Series(daily(13), values, options=SeriesOptions(target=float(lower))), rules)
    assert r.assurance.name == ("consistent_pass" if rules == "mdc-2023" else "inconsistent")
