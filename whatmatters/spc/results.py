"""Results: per point, per group and per series, as plain data with the words people read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .batch import BatchArrays, FlatBatch
from .dates import add_periods, format_date, format_period, infer_period, missing_periods
from .icons import ASSURANCE_ICONS, ASSURANCE_NAMES, VARIATION_ICONS, VARIATION_NAMES, Icon
from .model import CHART_NAMES, SeriesOptions
from .rules import POINT_TYPE_NAMES, label_text
from .rulesets import RuleSet

FEW_POINTS = 13


@dataclass(frozen=True)
class SpcWarning:
    code: str  # missing_periods, missing_values, constant, sparse_counts, few_points, recalculation_ignored
    message: str  # plain English, for a person


@dataclass(frozen=True)
class GroupSummary:
    number: int  # the group number (0 for the first group unless recalculated from the first date)
    start: dt.date
    end: dt.date
    rows: int  # points in the group, including missing ones
    used: int  # points the limits were calculated from
    centre: float
    lower: float
    upper: float
    special_cause: int  # points flagged by any rule
    reason: str  # why the limits were recalculated from `start` ("" for the first group)
    runs_signal: bool  # Anhøj runs analysis (about-this-chart detail)
    longest_run: int
    longest_run_max: int
    crossings: int
    crossings_min: int
    useful: int


class BatchResult:
    """The results of many series; index it to get one series."""

    def __init__(self, batch: FlatBatch, arrays: BatchArrays, rules: RuleSet) -> None:
        self.batch = batch
        self.arrays = arrays
        self.rules = rules

    def __len__(self) -> int:
        return self.batch.offsets.size - 1

    def __getitem__(self, i: int) -> SeriesResult:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return SeriesResult(self, i)

    def __iter__(self):  # noqa: ANN204
        return (self[i] for i in range(len(self)))

    @property
    def variation_names(self) -> list[str | None]:
        return [VARIATION_NAMES[c] if c >= 0 else None for c in self.arrays.variation]

    @property
    def assurance_names(self) -> list[str | None]:
        return [ASSURANCE_NAMES[c] if c >= 0 else None for c in self.arrays.assurance]


class SeriesResult:
    """One series: read its arrays directly, or `points()` / `groups` / icons / `warnings`."""

    def __init__(self, parent: BatchResult, index: int) -> None:
        self._p = parent
        self.index = index
        b = parent.batch
        self._sl = slice(int(b.offsets[index]), int(b.offsets[index + 1]))

    # -- identity -----------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._p.batch.names[self.index]

    @property
    def unit(self) -> str:
        return self._p.batch.units[self.index]

    @property
    def options(self) -> SeriesOptions:
        return self._p.batch.options[self.index]

    @property
    def chart(self) -> str:
        return self.options.chart

    @property
    def chart_name(self) -> str:
        return CHART_NAMES[self.chart]

    @property
    def rule_set(self) -> RuleSet:
        return self._p.rules

    # -- per point ----------------------------------------------------------------------------------------
    def _a(self, arr: np.ndarray) -> np.ndarray:
        return arr[self._sl]

    @property
    def dates(self) -> np.ndarray:
        return self._a(self._p.batch.days)

    @property
    def values(self) -> np.ndarray:
        return self._a(self._p.arrays.limits.y)

    @property
    def centre(self) -> np.ndarray:
        return self._a(self._p.arrays.limits.cl)

    @property
    def upper(self) -> np.ndarray:
        return self._a(self._p.arrays.limits.ucl)

    @property
    def lower(self) -> np.ndarray:
        return self._a(self._p.arrays.limits.lcl)

    @property
    def upper_2sigma(self) -> np.ndarray:
        return self._a(self._p.arrays.limits.u2)

    @property
    def lower_2sigma(self) -> np.ndarray:
        return self._a(self._p.arrays.limits.l2)

    @property
    def target(self) -> np.ndarray:
        return self._a(self._p.batch.target)

    @property
    def group(self) -> np.ndarray:
        return self._a(self._p.batch.group)

    @property
    def excluded(self) -> np.ndarray:
        return self._a(self._p.batch.excluded)

    @property
    def missing(self) -> np.ndarray:
        return self._a(self._p.arrays.missing)

    @property
    def in_baseline(self) -> np.ndarray:
        return self._a(self._p.arrays.in_baseline)

    @property
    def used_for_limits(self) -> np.ndarray:
        return self._a(self._p.arrays.used)

    @property
    def relative_to_centre(self) -> np.ndarray:
        return self._a(self._p.arrays.relative)

    @property
    def outside_limits(self) -> np.ndarray:
        return self._a(self._p.arrays.outside)

    @property
    def close_to_limits(self) -> np.ndarray:
        return self._a(self._p.arrays.close)

    @property
    def flags(self) -> dict[str, np.ndarray]:
        """Every rule's flag per point: +1 fired upwards, -1 downwards, 0 not fired."""
        f = self._p.arrays.flags
        return {
            "astronomical": self._a(f.astronomical),
            "shift": self._a(f.shift),
            "trend": self._a(f.trend),
            "two_in_three": self._a(f.two_in_three),
        }

    @property
    def special_cause(self) -> np.ndarray:
        return self._a(self._p.arrays.flags.label) != 0

    @property
    def labels(self) -> list[str]:
        shift = int(self._p.arrays.shift_length[self.index])
        trend = int(self._p.arrays.trend_length[self.index])
        return [label_text(c, shift, trend) for c in self._a(self._p.arrays.flags.label)]

    @property
    def point_types(self) -> list[str]:
        return [POINT_TYPE_NAMES[c] for c in self._a(self._p.arrays.flags.point_type)]

    def points(self) -> list[dict[str, object]]:
        """One dict per point, for tables and JSON."""
        out = []
        flags = self.flags
        for i, (day, label, ptype) in enumerate(zip(self.dates, self.labels, self.point_types, strict=True)):
            out.append(
                {
                    "date": str(day),
                    "value": _num(self.values[i]),
                    "group": int(self.group[i]),
                    "centre": _num(self.centre[i]),
                    "lower": _num(self.lower[i]),
                    "upper": _num(self.upper[i]),
                    "lower_2sigma": _num(self.lower_2sigma[i]),
                    "upper_2sigma": _num(self.upper_2sigma[i]),
                    "target": _num(self.target[i]),
                    "excluded": bool(self.excluded[i]),
                    "missing": bool(self.missing[i]),
                    "flags": {k: int(v[i]) for k, v in flags.items()},
                    "label": label,
                    "point_type": ptype,
                }
            )
        return out

    # -- per group ----------------------------------------------------------------------------------------
    @cached_property
    def groups(self) -> list[GroupSummary]:
        a = self._p.arrays
        segs = np.flatnonzero(a.seg_series == self.index)
        reasons = self._p.batch.group_reasons[self.index]
        out = []
        for g in segs:
            start = int(a.seg_start[g])
            end = start + int(a.seg_rows[g]) - 1
            number = int(a.seg_group[g])
            special = int(np.count_nonzero(a.flags.label[start : end + 1]))
            out.append(
                GroupSummary(
                    number=number,
                    start=self._p.batch.days[start].astype(dt.date),
                    end=self._p.batch.days[end].astype(dt.date),
                    rows=int(a.seg_rows[g]),
                    used=int(a.seg_used[g]),
                    centre=float(a.limits.cl[start]),
                    lower=float(a.limits.lcl[start]),
                    upper=float(a.limits.ucl[start]),
                    special_cause=special,
                    reason=reasons[number] if number < len(reasons) else "",
                    runs_signal=bool(a.runs.signal[g]),
                    longest_run=int(a.runs.longest_run[g]),
                    longest_run_max=int(a.runs.longest_run_max[g]),
                    crossings=int(a.runs.n_crossings[g]),
                    crossings_min=int(a.runs.n_crossings_min[g]),
                    useful=int(a.runs.n_useful[g]),
                )
            )
        return out

    # -- per series ---------------------------------------------------------------------------------------
    @property
    def n_points(self) -> int:
        """Points with a value (missing periods and missing values not counted)."""
        return int(self._p.arrays.n_values[self.index])

    @property
    def trial_limits(self) -> bool:
        return bool(self._p.arrays.trial_limits[self.index])

    @property
    def variation(self) -> Icon | None:
        code = int(self._p.arrays.variation[self.index])
        return VARIATION_ICONS[VARIATION_NAMES[code]] if code >= 0 else None

    @property
    def assurance(self) -> Icon | None:
        """Will the target be met? None without a target, for a neutral measure, and in early days."""
        code = int(self._p.arrays.assurance[self.index])
        return ASSURANCE_ICONS[ASSURANCE_NAMES[code]] if code >= 0 else None

    @property
    def assurance_from_limits(self) -> Icon | None:
        """The latest target against the latest limits, however few the points (NHSRplotthedots does this;
        the conformance runner reports it). People are shown `assurance`."""
        code = int(self._p.arrays.assurance_from_limits[self.index])
        return ASSURANCE_ICONS[ASSURANCE_NAMES[code]] if code >= 0 else None

    @property
    def points_needed(self) -> int:
        """More points the latest group needs before its limits are firm and the target can be judged."""
        return int(self._p.arrays.points_needed[self.index])

    @property
    def points_for_firm_limits(self) -> int:
        """How many points the latest group needs in all (the rule set's minimum, or a shorter baseline)."""
        fix = self.options.baseline_points
        return min(self.rule_set.trial_limit_points, fix) if fix else self.rule_set.trial_limit_points

    @cached_property
    def enough_data_from(self) -> dt.date | None:
        """The period of the point that ends early days, if a value arrives for every period from now
        on (None when the limits are firm already, or the period of the series is not known)."""
        latest = self.latest_index
        if not self.points_needed or latest is None or self.period == "irregular":
            return None
        day = add_periods(self.dates[latest], self.period, self.points_needed)
        # Periods since the latest value that have passed without one: the date would already be past,
        # which says nothing useful, so the sentence gives the number of points only.
        return day if np.datetime64(day, "D") > self.dates[-1] else None

    @property
    def target_label(self) -> str:
        return (self.options.target_label or "").strip() or "Target"

    @property
    def target_lines(self) -> list[tuple[str, np.ndarray]]:
        """Every target line as (label, value per point): the judged target first, then the others."""
        lines = [(self.target_label, self.target)] if np.isfinite(self.target).any() else []
        others = self._p.batch.other_targets
        if self.index < len(others):
            lines += [(label, values) for label, values in others[self.index] if np.isfinite(values).any()]
        return lines

    @property
    def latest_index(self) -> int | None:
        """Position (within this series) of the latest point with a value that is not excluded."""
        i = int(self._p.arrays.last_valid[self.index])
        return i - self._sl.start if i >= 0 else None

    @cached_property
    def period(self) -> str:
        inferred = infer_period(self.dates)
        if inferred == "irregular" and self.options.period:
            return self.options.period
        return inferred

    @cached_property
    def missing_periods(self) -> np.ndarray:
        return missing_periods(self.dates, self.period)

    @cached_property
    def warnings(self) -> list[SpcWarning]:
        a = self._p.arrays
        i = self.index
        out: list[SpcWarning] = []
        gaps = self.missing_periods
        if gaps.size:
            shown = ", ".join(format_period(d, self.period) for d in gaps[:3])
            more = f" and {gaps.size - 3} more" if gaps.size > 3 else ""
            noun = "period has" if gaps.size == 1 else "periods have"
            out.append(
                SpcWarning(
                    "missing_periods",
                    f"{gaps.size} {noun} no data: {shown}{more}. "
                    "Check whether data are missing before reading the chart.",
                )
            )
        if a.n_missing[i]:
            k = int(a.n_missing[i])
            noun = "date has no value" if k == 1 else "dates have no value"
            out.append(SpcWarning("missing_values", f"{k} {noun}. The chart leaves a gap there."))
        if a.constant[i]:
            out.append(SpcWarning("constant", self._constant_message()))
        if a.sparse[i]:
            out.append(
                SpcWarning(
                    "sparse_counts",
                    "Most values are 0. Limits from counts this small are too "
                    "narrow. Use a t or g chart, or chart the time between events.",
                )
            )
        if a.n_values[i] < FEW_POINTS:
            out.append(
                SpcWarning(
                    "few_points",
                    f"There are only {int(a.n_values[i])} points. "
                    "Early days: limits will change as more data arrive.",
                )
            )
        for day in self._p.batch.ignored_recalculations[i]:
            out.append(
                SpcWarning(
                    "recalculation_ignored",
                    f"The recalculation date {format_date(day)} is not "
                    "one of the series' dates, so it was ignored.",
                )
            )
        return out

    def _constant_message(self) -> str:
        """Every rule set and chart type warns of a constant series; the words say what it does to this
        chart's limits (moving-range limits have no width; p, u, c and g limits keep theirs)."""
        latest = self.latest_index
        lo = self.lower[latest] if latest is not None else np.nan
        hi = self.upper[latest] if latest is not None else np.nan
        if np.isfinite(lo) and np.isfinite(hi) and lo == hi:
            return "Every value is the same, so the limits have no width. Any change will stand out."
        return "Every value is the same. Check that the data are right before reading the chart."

    def summary(self) -> dict[str, object]:
        """Per-series facts for tables and JSON."""
        v, a = self.variation, self.assurance
        latest = self.latest_index
        return {
            "name": self.name,
            "chart": self.chart,
            "rule_set": self.rule_set.name,
            "n_points": self.n_points,
            "trial_limits": self.trial_limits,
            "latest_date": str(self.dates[latest]) if latest is not None else None,
            "latest_value": _num(self.values[latest]) if latest is not None else None,
            "variation": v.name if v else None,
            "variation_words": v.committee if v else None,
            "assurance": a.name if a else None,
            "assurance_words": a.committee if a else None,
            "points_needed": self.points_needed,
            "enough_data_from": self.enough_data_from.isoformat() if self.enough_data_from else None,
            "warnings": [w.__dict__ for w in self.warnings],
            "groups": [
                {
                    **g.__dict__,
                    "start": g.start.isoformat(),
                    "end": g.end.isoformat(),
                    "centre": _num(g.centre),
                    "lower": _num(g.lower),
                    "upper": _num(g.upper),
                }
                for g in self.groups
            ],
        }


def _num(x: float) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None
