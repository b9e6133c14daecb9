"""Many series in one call give exactly what one call per series gives."""

from __future__ import annotations

import numpy as np

from whatmatters.spc import Recalculation, Series, SeriesOptions, analyse, analyse_array, analyse_many

from .helpers import monthly


def sample_series() -> list[Series]:
    rng = np.random.default_rng(3)
    dates = monthly(30)
    out = []
    for k in range(12):
        values = rng.normal(50, 5, 30) + np.r_[np.zeros(20), np.full(10, 12 * (k % 3 == 0))]
        chart = ["xmr", "run", "c", "p"][k % 4]
        den = rng.integers(80, 120, 30) if chart == "p" else None
        if chart in ("c", "p"):
            values = np.round(np.abs(values) / 2)
        options = SeriesOptions(
            chart=chart,  # type: ignore[arg-type]
            direction=["increase", "decrease", "neutral"][k % 3],  # type: ignore[arg-type]
            target=55.0 if k % 2 else None,
            recalculations=(Recalculation(dates[15], "new pathway"),) if k % 5 == 0 else (),
        )
        if k == 7:
            values[4] = np.nan
        out.append(Series(dates, values, den, options, name=f"measure {k}"))
    return out


def test_a_batch_of_mixed_chart_types_equals_one_call_per_series() -> None:
    series = sample_series()
    batch = analyse_many(series)
    for s, together in zip(series, batch, strict=True):
        alone = analyse(s)
        assert together.points() == alone.points()
        assert together.summary() == alone.summary()


def test_the_shared_grid_fast_path_equals_the_general_path() -> None:
    rng = np.random.default_rng(5)
    dates = monthly(24)
    values = rng.normal(10, 2, (50, 24))
    values[3, 7] = np.nan
    directions = ["increase", "decrease"] * 25
    targets = np.full(50, 11.0)
    fast = analyse_array(dates, values, directions=directions, targets=targets)
    slow = analyse_many(
        [
            Series(dates, v, options=SeriesOptions(direction=d, target=11.0))  # type: ignore[arg-type]
            for v, d in zip(values, directions, strict=True)
        ]
    )
    assert fast.variation_names == slow.variation_names
    assert fast.assurance_names == slow.assurance_names
    for a, b in zip(fast, slow, strict=True):
        assert a.points() == b.points()
        assert [w.code for w in a.warnings] == [w.code for w in b.warnings]


def test_an_empty_batch_is_fine() -> None:
    assert len(analyse_many([])) == 0
