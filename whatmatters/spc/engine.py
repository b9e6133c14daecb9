"""The SPC engine: many series in one vectorised pass.

`analyse_many` takes any mix of series (lengths, chart types and options may all differ); `analyse_array`
is the fast path for a dashboard whose series share one date grid; `analyse` is one series. All three
return the same result types, so a chart, its icon and its sentence can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import limits as lim
from .anhoej import analyse_runs
from .batch import BatchArrays, FlatBatch
from .dates import to_days
from .icons import assurance_codes, variation_codes
from .model import RATIO_CHARTS, Series, SeriesOptions, SpcInputError
from .prepare import PreparedSeries, check_options, prepare
from .results import BatchResult
from .rules import evaluate
from .rulesets import RuleSet, get_rule_set
from .segments import position_in_segment, seg_count

DIRECTION_SIGN = {"increase": 1, "neutral": 0, "decrease": -1}
NO_BASELINE = np.iinfo(np.int64).max


def _series_settings(batch: FlatBatch, rules: RuleSet) -> dict[str, np.ndarray]:
    opts = batch.options
    return {
        "direction": np.array([DIRECTION_SIGN[o.direction] for o in opts], dtype=np.int8),
        "screen": np.array(
            [rules.screen_outliers if o.screen_outliers is None else o.screen_outliers for o in opts],
            dtype=bool,
        ),
        "shift": np.array([o.shift_length or rules.shift_length for o in opts], dtype=np.int64),
        "trend": np.array([o.trend_length or rules.trend_length for o in opts], dtype=np.int64),
        "multiply": np.array([o.multiply for o in opts], dtype=np.float64),
        "fix": np.array([o.baseline_points or NO_BASELINE for o in opts], dtype=np.int64),
    }


def _segments(batch: FlatBatch, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Segment id of every point: a new segment starts at each series start and each group change."""
    n = batch.num.size
    series_of_point = np.repeat(np.arange(sizes.size), sizes)
    starts = np.zeros(n, dtype=bool)
    starts[batch.offsets[:-1][sizes > 0]] = True
    if n > 1:
        starts[1:] |= batch.group[1:] != batch.group[:-1]
    seg = np.cumsum(starts) - 1
    return series_of_point, seg, int(seg[-1] + 1) if n else 0


def _plotted_values(batch: FlatBatch, series_of_point: np.ndarray, multiply: np.ndarray) -> np.ndarray:
    """The value the rules see for charts whose limits do not take denominators themselves.

    An XmR of a ratio (MDC practice for percentages and rates) plots numerator / denominator × multiply.
    """
    m = multiply[series_of_point]
    if batch.den is None:
        return batch.num * m
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            np.isfinite(batch.den), np.where(batch.den > 0, batch.num / batch.den, np.nan), batch.num
        )
    return ratio * m


def _compute_limits(
    batch: FlatBatch,
    seg: np.ndarray,
    nseg: int,
    seg_series: np.ndarray,
    series_of_point: np.ndarray,
    use: np.ndarray,
    seq: np.ndarray,
    settings: dict[str, np.ndarray],
    rules: RuleSet,
) -> lim.Limits:
    plotted = _plotted_values(batch, series_of_point, settings["multiply"])
    den = batch.den if batch.den is not None else np.ones_like(batch.num)
    charts = np.array(batch.charts)
    distinct = sorted(set(batch.charts))
    out = lim.Limits(*(np.full(batch.num.size, np.nan) for _ in range(6)))
    for chart in distinct:
        ratio_chart = chart in RATIO_CHARTS
        num = batch.num if ratio_chart else plotted
        if len(distinct) == 1:
            pts, local_seg, local_nseg = slice(None), seg, nseg
            screen = settings["screen"][seg_series]
        else:
            in_chart = charts[series_of_point] == chart
            pts = np.flatnonzero(in_chart)
            segs, local_seg = np.unique(seg[pts], return_inverse=True)
            local_nseg = segs.size
            screen = settings["screen"][seg_series[segs]]
        m = settings["multiply"][series_of_point[pts]] if ratio_chart else np.ones(num[pts].size)
        inp = lim.LimitInput(num[pts], den[pts], local_seg, local_nseg, use[pts], seq[pts], screen, m)
        part = lim.compute(chart, inp, rules.xmr_constant)
        for name in ("y", "cl", "ucl", "lcl", "u2", "l2"):
            getattr(out, name)[pts] = getattr(part, name)
    return out


def run_batch(batch: FlatBatch, rules: RuleSet) -> BatchArrays:
    sizes = np.diff(batch.offsets)
    settings = _series_settings(batch, rules)
    series_of_point, seg, nseg = _segments(batch, sizes)
    seg_start = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]]) if seg.size else np.zeros(0, dtype=np.int64)
    seg_series = series_of_point[seg_start]
    seg_group = batch.group[seg_start]

    plotted = _plotted_values(batch, series_of_point, settings["multiply"])
    if batch.den is not None:
        ratio_series = np.array([c in RATIO_CHARTS for c in batch.charts])
        with np.errstate(invalid="ignore"):
            bad_den = ratio_series[series_of_point] & ~(batch.den > 0)
    else:
        bad_den = np.zeros(batch.num.size, dtype=bool)
    missing = ~np.isfinite(plotted) | bad_den
    in_baseline = position_in_segment(seg, nseg) < settings["fix"][series_of_point]
    use = in_baseline & ~batch.excluded & ~missing
    seq = in_baseline & ~batch.excluded

    limits = _compute_limits(batch, seg, nseg, seg_series, series_of_point, use, seq, settings, rules)
    y = np.where(missing, np.nan, limits.y)
    limits.y = y

    direction_pt = settings["direction"][series_of_point]
    order = np.flatnonzero(~batch.excluded)
    flags, relative, outside, close = evaluate(
        y,
        limits.cl,
        limits.ucl,
        limits.lcl,
        limits.u2,
        limits.l2,
        seg,
        order,
        direction_pt,
        settings["shift"][series_of_point],
        settings["trend"][series_of_point],
        rules.two_in_three_counts_beyond_limits,
        rules.improvement_wins_conflicts,
    )
    runs = analyse_runs(y, limits.cl, seg, nseg, ~batch.excluded)

    valid = ~missing & ~batch.excluded
    last_valid = np.full(sizes.size, -1, dtype=np.int64)
    np.maximum.at(last_valid, series_of_point[valid], np.flatnonzero(valid))
    has = last_valid >= 0
    variation = np.full(sizes.size, -1, dtype=np.int8)
    variation[has] = variation_codes(flags.point_type[last_valid[has]], settings["direction"][has])
    judged = np.full(sizes.size, -1, dtype=np.int8)
    lv = last_valid[has]
    judged[has] = assurance_codes(
        batch.target[lv],
        limits.lcl[lv],
        limits.ucl[lv],
        settings["direction"][has],
        rules.assurance_inclusive,
    )

    n_values = np.bincount(series_of_point, weights=~missing, minlength=sizes.size).astype(np.int64)
    n_missing = sizes - n_values
    seg_used = seg_count(use, seg, nseg).astype(np.int64)
    seg_rows = np.bincount(seg, minlength=nseg)
    latest_seg = np.full(sizes.size, -1, dtype=np.int64)
    if nseg:
        np.maximum.at(latest_seg, seg_series, np.arange(nseg))
    needed = _points_needed(seg_used, latest_seg, settings["fix"], rules)
    trial = needed > 0
    # Early days (Making Data Count): too few points to judge the target, so no assurance at all.
    assurance = np.where(trial, np.int8(-1), judged).astype(np.int8)
    constant, sparse = _shape_checks(y, series_of_point, sizes, n_values, batch.charts)
    return BatchArrays(
        series_of_point,
        seg,
        seg_series,
        seg_group,
        seg_start,
        seg_rows,
        seg_used,
        limits,
        missing,
        in_baseline,
        use,
        flags,
        relative,
        outside,
        close,
        runs,
        settings["direction"],
        settings["shift"],
        settings["trend"],
        last_valid,
        variation,
        assurance,
        n_values,
        n_missing,
        constant,
        sparse,
        trial,
        needed,
        judged,
    )


def _points_needed(
    seg_used: np.ndarray, latest_seg: np.ndarray, fix: np.ndarray, rules: RuleSet
) -> np.ndarray:
    """Per series: how many more points the latest group needs before its limits are more than trial
    limits. The rule set's minimum (13, as the MDC tools show icons from 13 points), or a frozen baseline's
    length when that is shorter, since the limits stop changing once the baseline is full."""
    want = np.minimum(fix, rules.trial_limit_points)
    have = np.zeros(latest_seg.size, dtype=np.int64)
    has = latest_seg >= 0
    have[has] = seg_used[latest_seg[has]]
    return np.maximum(want - have, 0).astype(np.int64)


def _shape_checks(
    y: np.ndarray, series_of_point: np.ndarray, sizes: np.ndarray, n_values: np.ndarray, charts: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Constant series (every value the same) and sparse counts (whole numbers, at least half zero)."""
    s = sizes.size
    finite = np.isfinite(y)
    hi = np.full(s, -np.inf)
    lo = np.full(s, np.inf)
    np.maximum.at(hi, series_of_point[finite], y[finite])
    np.minimum.at(lo, series_of_point[finite], y[finite])
    constant = (n_values >= 2) & (hi == lo)
    whole = finite & (y >= 0) & (y == np.round(y))
    zeros = np.bincount(series_of_point, weights=finite & (y == 0), minlength=s)
    n_whole = np.bincount(series_of_point, weights=whole, minlength=s)
    count_chart = np.array([c in ("xmr", "i", "c", "run") for c in charts], dtype=bool)
    sparse = count_chart & ~constant & (n_values >= 2) & (n_whole == n_values) & (2 * zeros >= n_values)
    return constant, sparse


def _flat_from_prepared(items: list[PreparedSeries]) -> FlatBatch:
    sizes = np.array([p.days.size for p in items], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    any_den = any(p.den is not None for p in items)
    den = None
    if any_den:
        den = (
            np.concatenate([p.den if p.den is not None else np.full(p.days.size, np.nan) for p in items])
            if items
            else np.zeros(0)
        )

    def cat(xs: list[np.ndarray], dtype: object) -> np.ndarray:
        return np.concatenate(xs) if xs else np.zeros(0, dtype=dtype)

    return FlatBatch(
        days=cat([p.days for p in items], "datetime64[D]"),
        num=cat([p.num for p in items], np.float64),
        den=den,
        offsets=offsets,
        group=cat([p.group for p in items], np.int64),
        excluded=cat([p.excluded for p in items], bool),
        target=cat([p.target for p in items], np.float64),
        charts=[p.series.options.chart for p in items],
        options=[p.series.options for p in items],
        names=[p.series.name for p in items],
        units=[p.series.unit for p in items],
        group_reasons=[p.group_reasons for p in items],
        ignored_recalculations=[p.ignored_recalculations for p in items],
        shared_dates=False,
        other_targets=[p.other_targets for p in items],
    )


def analyse_many(series: Sequence[Series], rules: str | RuleSet | None = None):  # noqa: ANN201
    """Analyse any number of series in one vectorised pass."""
    rule_set = get_rule_set(rules)
    prepared = [prepare(s, i, rule_set) for i, s in enumerate(series)]
    batch = _flat_from_prepared(prepared)
    return BatchResult(batch, run_batch(batch, rule_set), rule_set)


def analyse(series: Series, rules: str | RuleSet | None = None):  # noqa: ANN201
    """Analyse one series."""
    return analyse_many([series], rules)[0]


def analyse_array(
    dates: Sequence[object] | np.ndarray,
    values: np.ndarray,
    *,
    options: SeriesOptions | None = None,
    directions: Sequence[str] | None = None,
    targets: np.ndarray | Sequence[float] | None = None,
    names: Sequence[str] | None = None,
    rules: str | RuleSet | None = None,
):  # noqa: ANN201
    """Fast path: `values` is (series × periods), every series on the same date grid, NaN = missing.

    Options are shared except the improvement direction and a single target, which may differ by series.
    Recalculations and exclusions need `analyse_many`.
    """
    rule_set = get_rule_set(rules)
    opts = options or SeriesOptions()
    check_options(opts, "Every series", rule_set.min_baseline_points)
    if opts.recalculations or opts.excluded or isinstance(opts.target, tuple) or opts.other_targets:
        raise SpcInputError(
            "analyse_array takes no recalculations, exclusions, changing targets or further target lines; "
            "use analyse_many for those."
        )
    if opts.chart in RATIO_CHARTS:
        raise SpcInputError(f"analyse_array has no denominators, so it cannot draw a {opts.chart} chart.")
    days = to_days(dates, "Dates")
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != days.size:
        raise SpcInputError(f"values must be a table of series × {days.size} periods, not {matrix.shape}.")
    order = np.argsort(days, kind="stable")
    days, matrix = days[order], matrix[:, order]
    if days.size > 1 and np.any(days[1:] == days[:-1]):
        raise SpcInputError("A date appears more than once. Give one value per period.")
    s, t = matrix.shape
    if directions is None:
        per_series = [opts] * s
    else:
        if len(directions) != s:
            raise SpcInputError(f"There are {s} series but {len(directions)} directions.")
        cache = {d: SeriesOptions(**{**opts.__dict__, "direction": d}) for d in set(directions)}
        for o in cache.values():
            check_options(o, "Every series", rule_set.min_baseline_points)
        per_series = [cache[d] for d in directions]
    target = np.full(s, np.nan) if opts.target is None else np.full(s, float(opts.target))  # type: ignore[arg-type]
    if targets is not None:
        target = np.asarray(targets, dtype=np.float64)
        if target.shape != (s,):
            raise SpcInputError(f"There are {s} series but {target.size} targets.")
    batch = FlatBatch(
        days=np.tile(days, s),
        num=matrix.reshape(-1),
        den=None,
        offsets=np.arange(s + 1, dtype=np.int64) * t,
        group=np.zeros(s * t, dtype=np.int64),
        excluded=np.zeros(s * t, dtype=bool),
        target=np.repeat(target, t),
        charts=[opts.chart] * s,
        options=per_series,
        names=list(names) if names is not None else [""] * s,
        units=[""] * s,
        group_reasons=[[""]] * s,
        ignored_recalculations=[[]] * s,
        shared_dates=True,
        other_targets=[[] for _ in range(s)],
    )
    return BatchResult(batch, run_batch(batch, rule_set), rule_set)
