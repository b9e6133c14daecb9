"""Series warnings: gaps in the date grid, missing values, constant series, sparse counts, few points."""

from __future__ import annotations

import datetime as dt

from whatmatters.spc import Series, analyse

from .helpers import monthly


def codes(result) -> list[str]:  # noqa: ANN001
    return [w.code for w in result.warnings]


def test_a_missing_month_is_reported_by_name() -> None:
    dates = monthly(15)
    del dates[4]
    r = analyse(Series(dates, [1.0, 2.0] * 7))
    (gap,) = [w for w in r.warnings if w.code == "missing_periods"]
    assert "1 period has no data: May 2023" in gap.message


def test_a_missing_week_is_reported_as_the_week_starting() -> None:
    start = dt.date(2024, 1, 1)
    dates = [start + dt.timedelta(weeks=i) for i in range(14) if i != 3]
    r = analyse(Series(dates, [1.0, 2.0] * 6 + [1.0]))
    assert r.period == "week"
    assert "the week starting 22 January 2024" in r.warnings[0].message


def test_adding_a_missing_value_reports_it_and_leaves_a_gap() -> None:
    r = analyse(Series(monthly(14), [1.0, 2.0] * 6 + [None, 2.0]))
    assert "missing_values" in codes(r) and "missing_periods" not in codes(r)
    assert r.missing[12] and r.n_points == 13


def test_sparse_counts_suggest_a_rare_event_chart() -> None:
    values = [0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0]
    r = analyse(Series(monthly(len(values)), values))
    (w,) = [w for w in r.warnings if w.code == "sparse_counts"]
    assert "t or g chart" in w.message


def test_fewer_than_13_points_warns_and_gives_trial_limits() -> None:
    r = analyse(Series(monthly(12), [1.0, 2.0] * 6))
    assert "few_points" in codes(r) and r.trial_limits
    r = analyse(Series(monthly(13), [1.0, 2.0] * 6 + [1.0]))
    assert "few_points" not in codes(r) and not r.trial_limits


def test_a_clean_series_has_no_warnings() -> None:
    assert analyse(Series(monthly(24), [1.0, 3.0, 2.0] * 8)).warnings == []
