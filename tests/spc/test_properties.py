"""Invariants, checked with hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from whatmatters.spc import Series, SeriesOptions, analyse

from .helpers import monthly

values_strategy = st.lists(st.integers(min_value=-50, max_value=50), min_size=2, max_size=40)


def near(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.any(np.isfinite(a) & np.isfinite(b) & (np.abs(a - b) < 1e-7) & (a != b)))


@settings(max_examples=150, deadline=None)
@given(
    values=values_strategy,
    shift=st.integers(min_value=-1000, max_value=1000),
    rules=st.sampled_from(["mdc-2023", "ptd-0.2.2", "excel"]),
)
def test_shifting_every_value_shifts_centre_and_limits_and_changes_no_flag(
    values: list[int], shift: int, rules: str
) -> None:
    base = analyse(Series(monthly(len(values)), values), rules)
    # A value within rounding distance of a line could fall either side after shifting; such knife-edge
    # cases say nothing about the invariant, so skip them.
    for line in (base.upper, base.lower, base.upper_2sigma, base.lower_2sigma, base.centre):
        assume(not near(base.values, line))
    moved = analyse(Series(monthly(len(values)), [v + shift for v in values]), rules)
    assert np.allclose(moved.centre, base.centre + shift, equal_nan=True)
    assert np.allclose(moved.upper, base.upper + shift, equal_nan=True)
    assert np.allclose(moved.lower_2sigma, base.lower_2sigma + shift, equal_nan=True)
    for name, flags in base.flags.items():
        assert (moved.flags[name] == flags).all(), name
    assert moved.labels == base.labels


SWAP = {
    "special_cause_improvement": "special_cause_concern",
    "special_cause_concern": "special_cause_improvement",
    "common_cause": "common_cause",
}
ICON_SWAP = {
    "improvement_high": "concern_high",
    "improvement_low": "concern_low",
    "concern_high": "improvement_high",
    "concern_low": "improvement_low",
    "common_cause": "common_cause",
}


@settings(max_examples=150, deadline=None)
@given(values=values_strategy)
def test_reversing_the_direction_swaps_improvement_and_concern_in_ptd_mode(values: list[int]) -> None:
    up = analyse(
        Series(monthly(len(values)), values, options=SeriesOptions(direction="increase")), "ptd-0.2.2"
    )
    down = analyse(
        Series(monthly(len(values)), values, options=SeriesOptions(direction="decrease")), "ptd-0.2.2"
    )
    assert [SWAP[t] for t in up.point_types] == down.point_types
    assert ICON_SWAP[up.variation.name] == down.variation.name


@settings(max_examples=150, deadline=None)
@given(values=values_strategy)
def test_in_mdc_mode_reversing_swaps_every_point_except_conflicts_which_stay_improvement(
    values: list[int],
) -> None:
    up = analyse(Series(monthly(len(values)), values, options=SeriesOptions(direction="increase")))
    down = analyse(Series(monthly(len(values)), values, options=SeriesOptions(direction="decrease")))
    fired = np.stack([f for f in up.flags.values()])
    conflict = (fired > 0).any(axis=0) & (fired < 0).any(axis=0)
    for i, (a, b) in enumerate(zip(up.point_types, down.point_types, strict=True)):
        if conflict[i]:
            assert a == b == "special_cause_improvement"
        else:
            assert SWAP[a] == b


@settings(max_examples=150, deadline=None)
@given(
    values=values_strategy,
    data=st.data(),
    chart=st.sampled_from(["xmr", "run", "c", "t", "g", "i"]),
    rules=st.sampled_from(["mdc-2023", "ptd-0.2.2", "excel"]),
)
def test_adding_a_missing_period_never_crashes(
    values: list[int], data: st.DataObject, chart: str, rules: str
) -> None:
    values = [abs(v) for v in values]
    dates = monthly(len(values) + 1)
    gap = data.draw(st.integers(min_value=1, max_value=len(values) - 1))
    as_missing_row = data.draw(st.booleans())
    if as_missing_row:
        series = Series(dates[:-1], [*values[:gap], None, *values[gap + 1 :]])
    else:
        series = Series(dates[:gap] + dates[gap + 1 :], values)
    series.options = SeriesOptions(chart=chart)  # type: ignore[arg-type]
    r = analyse(series, rules)
    codes = [w.code for w in r.warnings]
    if as_missing_row:
        assert "missing_values" in codes
    elif len(values) >= 3:
        # With two dates a month apart there is no telling a gap from a two-monthly series.
        assert "missing_periods" in codes
    assert len(r.points()) == len(series.values)
