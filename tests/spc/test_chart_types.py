"""p, u, c, Laney p′/u′, t, g and run charts, and the Anhøj runs analysis thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from whatmatters.spc import Series, SeriesOptions, analyse
from whatmatters.spc.anhoej import crossings_minimum, longest_run_maximum

from .helpers import monthly


@pytest.mark.parametrize(
    ("n", "longest", "crossings"),
    [
        (10, 6, 2),
        (12, 7, 3),
        (15, 7, 4),
        (20, 7, 6),
        (24, 8, 8),
        (30, 8, 10),
        (36, 8, 13),
        (48, 9, 18),
        (60, 9, 23),
    ],
)
def test_anhoej_thresholds_match_the_published_table(n: int, longest: int, crossings: int) -> None:
    assert longest_run_maximum(n) == longest
    assert crossings_minimum(n) == crossings


def test_a_run_chart_uses_the_median_and_signals_a_long_run() -> None:
    values = [5.0, 7.0, 4.0, 8.0, 6.0, 5.0, 7.0, 6.5] + [9.0] * 9 + [5.0, 7.0]
    r = analyse(Series(monthly(len(values)), values, options=SeriesOptions(chart="run")))
    assert r.centre[0] == np.median(values)
    assert np.isnan(r.upper).all()
    (g,) = r.groups
    assert g.runs_signal and g.longest_run == 9


def test_points_on_the_median_are_not_useful_observations() -> None:
    values = [1.0, 2.0, 3.0, 2.0, 1.0, 3.0, 2.0]
    r = analyse(Series(monthly(7), values, options=SeriesOptions(chart="run")))
    assert r.groups[0].useful == 4


def over_dispersed() -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(7)
    n = rng.integers(9000, 11000, 24)
    p = np.clip(rng.normal(0.2, 0.02, 24), 0.01, 0.99)
    return [int(x) for x in np.round(n * p)], [int(x) for x in n]


def test_laney_p_prime_widens_limits_when_large_denominators_are_over_dispersed() -> None:
    num, den = over_dispersed()
    p = analyse(Series(monthly(24), num, den, SeriesOptions(chart="p")))
    pp = analyse(Series(monthly(24), num, den, SeriesOptions(chart="pp")))
    assert np.allclose(p.centre, pp.centre)
    assert (pp.upper - pp.centre > 3 * (p.upper - p.centre)).all()
    assert p.outside_limits.sum() > pp.outside_limits.sum()


def test_u_prime_equals_u_times_the_laney_factor() -> None:
    num, den = over_dispersed()
    u = analyse(Series(monthly(24), num, den, SeriesOptions(chart="u")))
    up = analyse(Series(monthly(24), num, den, SeriesOptions(chart="up")))
    ratio = (up.upper - up.centre) / (u.upper - u.centre)
    assert np.allclose(ratio, ratio[0]) and ratio[0] > 1


def test_a_c_chart_has_limits_at_the_mean_plus_three_root_mean_floored_at_zero() -> None:
    r = analyse(Series(monthly(12), [2, 3, 1, 4, 2, 3, 2, 1, 3, 2, 4, 3], options=SeriesOptions(chart="c")))
    assert r.upper[0] == pytest.approx(2.5 + 3 * np.sqrt(2.5))
    assert r.lower[0] == 0


def test_a_g_chart_draws_the_median_and_takes_limits_from_the_geometric_mean() -> None:
    values = [12, 30, 5, 44, 17, 9, 26, 61, 3, 20, 14, 38]
    r = analyse(Series(monthly(12), values, options=SeriesOptions(chart="g", direction="increase")))
    mean = np.mean(values)
    assert r.centre[0] == np.median(values)
    assert r.upper[0] == pytest.approx(mean + 3 * np.sqrt(mean * (mean + 1)))
    assert r.lower[0] == 0


def test_a_t_chart_transforms_times_between_events_and_back() -> None:
    values = [
        286,
        948,
        536,
        124,
        816,
        729,
        4,
        143,
        431,
        8,
        2837,
        596,
        81,
        227,
        603,
        492,
        1199,
        1214,
        2831,
        96,
    ]
    r = analyse(Series(monthly(20), values, options=SeriesOptions(chart="t")))
    assert r.centre[0] == pytest.approx(430.040951789758, rel=1e-9)
    assert r.lower[0] == 0
