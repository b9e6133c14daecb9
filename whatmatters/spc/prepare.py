"""Turn `Series` objects into the flat arrays the engine works on, checking every input on the way.

Each error names the series and the date (or position) it concerns, so a person can find and fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .dates import format_date, to_day, to_days
from .model import CHART_TYPES, DIRECTIONS, RATIO_CHARTS, Series, SeriesOptions, SpcInputError
from .rulesets import RuleSet

PERIODS = ("day", "week", "month", "quarter", "year")


@dataclass
class PreparedSeries:
    """One series, sorted by date and validated."""

    series: Series
    days: np.ndarray
    num: np.ndarray
    den: np.ndarray | None
    group: np.ndarray  # recalculation group of each point, 0-based
    group_reasons: list[str]
    excluded: np.ndarray
    target: np.ndarray  # per point (NaN = none)
    ignored_recalculations: list[np.datetime64] = field(default_factory=list)
    other_targets: list[tuple[str, np.ndarray]] = field(default_factory=list)


def _label(series: Series, index: int) -> str:
    return f"Series {series.name!r}" if series.name else f"Series {index + 1}"


def _floats(values: object, where: str, what: str) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        return values.astype(np.float64, copy=False)
    out = []
    for i, v in enumerate(values):  # type: ignore[arg-type]
        if v is None or (isinstance(v, str) and v.strip() == ""):
            out.append(np.nan)
            continue
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise SpcInputError(f"{where}: {what} {i + 1} is {v!r}, which is not a number.") from None
    return np.array(out, dtype=np.float64)


def check_options(options: SeriesOptions, where: str, min_baseline: int = 12) -> None:
    if options.chart not in CHART_TYPES:
        raise SpcInputError(f"{where}: chart type {options.chart!r} is not one of {', '.join(CHART_TYPES)}.")
    if options.direction not in DIRECTIONS:
        raise SpcInputError(
            f"{where}: improvement direction {options.direction!r} must be increase, decrease or neutral."
        )
    if options.baseline_points is not None and (
        int(options.baseline_points) != options.baseline_points or options.baseline_points < min_baseline
    ):
        raise SpcInputError(
            f"{where}: a frozen baseline needs a whole number of at least {min_baseline} points, "
            f"not {options.baseline_points}."
        )
    for name in ("shift_length", "trend_length"):
        value = getattr(options, name)
        if value is not None and value not in (6, 7):
            raise SpcInputError(f"{where}: {name.replace('_', ' ')} must be 6 or 7 points, not {value}.")
    if not np.isfinite(options.multiply) or options.multiply <= 0:
        raise SpcInputError(f"{where}: the multiply factor must be a number above 0, not {options.multiply}.")
    if options.period is not None and options.period not in PERIODS:
        raise SpcInputError(f"{where}: the period {options.period!r} is not one of {', '.join(PERIODS)}.")


def _match_dates(days: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each wanted date in the sorted `days`, or -1 when it is not there."""
    pos = np.searchsorted(days, wanted)
    pos = np.minimum(pos, max(days.size - 1, 0))
    found = days.size > 0
    ok = found & (days[pos] == wanted) if days.size else np.zeros(wanted.shape, dtype=bool)
    return np.where(ok, pos, -1)


def prepare(series: Series, index: int, rules: RuleSet) -> PreparedSeries:
    where = _label(series, index)
    opts = series.options
    check_options(opts, where, rules.min_baseline_points)
    days = to_days(series.dates, where)
    num = _floats(series.values, where, "value")
    if num.size != days.size:
        raise SpcInputError(f"{where}: there are {days.size} dates but {num.size} values.")
    den = None
    if series.denominators is not None:
        den = _floats(series.denominators, where, "denominator")
        if den.size != days.size:
            raise SpcInputError(f"{where}: there are {days.size} dates but {den.size} denominators.")
    if opts.chart in RATIO_CHARTS and den is None:
        raise SpcInputError(f"{where}: a {opts.chart} chart needs a denominator for every period.")
    if opts.chart in ("c", "t", "g") and den is not None:
        raise SpcInputError(f"{where}: a {opts.chart} chart takes counts only, not denominators.")

    order = np.argsort(days, kind="stable")
    days, num = days[order], num[order]
    if den is not None:
        den = den[order]
    _check_values(where, days, num, den, opts)

    group, reasons, ignored = _groups(where, days, opts, rules)
    excluded = np.zeros(days.size, dtype=bool)
    if opts.excluded:
        wanted = np.array(
            [to_day(d, f"{where}, excluded date") for d in opts.excluded], dtype="datetime64[D]"
        )
        pos = _match_dates(days, wanted)
        if np.any(pos < 0):
            bad = wanted[pos < 0][0]
            raise SpcInputError(
                f"{where}: the excluded date {format_date(bad)} is not one of the series' dates."
            )
        excluded[pos] = True
    target = _targets(where, days, opts.target, "target")
    others = []
    for line in opts.other_targets:
        label = (line.label or "").strip()
        if not label:
            raise SpcInputError(f"{where}: every further target line needs a name.")
        others.append((label, _targets(where, days, tuple(line.changes), label)))
    return PreparedSeries(series, days, num, den, group, reasons, excluded, target, ignored, others)


def _check_values(
    where: str, days: np.ndarray, num: np.ndarray, den: np.ndarray | None, opts: SeriesOptions
) -> None:
    if days.size > 1:
        dup = np.flatnonzero(days[1:] == days[:-1])
        if dup.size:
            raise SpcInputError(
                f"{where}: {format_date(days[dup[0]])} appears more than once. Give one value per period."
            )
    if np.any(np.isinf(num)):
        bad = days[np.isinf(num)][0]
        raise SpcInputError(f"{where}: the value for {format_date(bad)} is infinite.")
    if den is not None:
        with np.errstate(invalid="ignore"):
            neg = den < 0
        if np.any(neg):
            raise SpcInputError(f"{where}: the denominator for {format_date(days[neg][0])} is below 0.")
        if opts.chart in ("p", "pp"):
            with np.errstate(invalid="ignore"):
                over = num > den
            if np.any(over):
                raise SpcInputError(
                    f"{where}: for {format_date(days[over][0])} the count is larger than the denominator, "
                    "which a proportion cannot be."
                )
    if opts.chart in ("p", "pp", "u", "up", "c"):
        with np.errstate(invalid="ignore"):
            neg = num < 0
        if np.any(neg):
            raise SpcInputError(f"{where}: the count for {format_date(days[neg][0])} is below 0.")


def _groups(
    where: str, days: np.ndarray, opts: SeriesOptions, rules: RuleSet
) -> tuple[np.ndarray, list[str], list[np.datetime64]]:
    flag = np.zeros(days.size, dtype=np.int64)
    reasons = [""]
    ignored: list[np.datetime64] = []
    recalcs = sorted(opts.recalculations, key=lambda r: str(r.date))
    for r in recalcs:
        day = to_day(r.date, f"{where}, recalculation date")
        pos = _match_dates(days, np.array([day]))[0]
        if pos < 0:
            if rules.unknown_recalculation_date == "ignore":
                ignored.append(day)
                continue
            raise SpcInputError(
                f"{where}: the recalculation date {format_date(day)} is not one of the series' dates. "
                "Limits can only be recalculated from a date that has a value."
            )
        if flag[pos]:
            continue
        flag[pos] = 1
        reasons.append(r.reason)
    # Group numbers as NHSRplotthedots gives them: a recalculation at the first date numbers it 1.
    group = np.cumsum(flag)
    return group, reasons, ignored


def _targets(where: str, days: np.ndarray, given: object, label: str) -> np.ndarray:
    """The value of one target line at each point: one number throughout, or a value from each date on
    (a trajectory); NaN before the first change."""
    target = np.full(days.size, np.nan)
    if given is None:
        return target
    if isinstance(given, (int, float)):
        if not np.isfinite(given):
            raise SpcInputError(f"{where}: the {label} must be a number.")
        target[:] = float(given)
        return target
    starts = []
    for change in given:  # type: ignore[attr-defined]
        start = to_day(change.start, f"{where}, {label} change")
        try:
            value = float(change.value)
        except (TypeError, ValueError):
            value = np.nan
        if not np.isfinite(value):
            raise SpcInputError(
                f"{where}: the {label} from {format_date(start)} is {change.value!r}, which is not a number."
            )
        starts.append((start, value))
    starts.sort(key=lambda sv: sv[0])
    for (a, _), (b, _) in zip(starts, starts[1:], strict=False):
        if a == b:
            raise SpcInputError(f"{where}: the {label} changes twice on {format_date(a)}. Keep one of them.")
    for start, value in starts:
        target[days >= start] = value
    return target
