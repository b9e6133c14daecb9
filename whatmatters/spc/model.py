"""Inputs to the SPC engine: a series of one value per period, and the options for it.

Everything here is plain data. Validation happens in :mod:`whatmatters.spc.prepare`, so that a mistake is
reported once, with the series name and the date it concerns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Direction = Literal["increase", "decrease", "neutral"]
ChartType = Literal["xmr", "i", "run", "p", "u", "c", "pp", "up", "t", "g"]

DIRECTIONS: tuple[Direction, ...] = ("increase", "decrease", "neutral")
CHART_TYPES: tuple[ChartType, ...] = ("xmr", "i", "run", "p", "u", "c", "pp", "up", "t", "g")
# Charts whose plotted value is numerator / denominator, so a denominator is required.
RATIO_CHARTS: frozenset[str] = frozenset({"p", "u", "pp", "up"})

CHART_NAMES: dict[str, str] = {
    "xmr": "XmR chart (Making Data Count)",
    "i": "Individuals chart (3 sigma from the moving range)",
    "run": "Run chart",
    "p": "p chart (proportions)",
    "u": "u chart (rates)",
    "c": "c chart (counts)",
    "pp": "Laney p′ chart (proportions with large denominators)",
    "up": "Laney u′ chart (rates with large denominators)",
    "t": "t chart (time between rare events)",
    "g": "g chart (opportunities between rare events)",
}


class SpcInputError(ValueError):
    """Bad input: the message says what is wrong and where, in plain English."""


@dataclass(frozen=True)
class Recalculation:
    """Limits are recalculated from this date (the first point of a new group), for a stated reason."""

    date: dt.date
    reason: str = ""


@dataclass(frozen=True)
class TargetChange:
    """The target is `value` from `start` on (until the next change)."""

    start: dt.date
    value: float


@dataclass(frozen=True)
class TargetLine:
    """A further target line drawn on the chart, e.g. a national standard beside the local ambition.

    Only the series' own target (`SeriesOptions.target`) is judged for assurance; these are drawn and
    named, so a reader can compare the data with each of them.
    """

    label: str
    changes: tuple[TargetChange, ...]


@dataclass(frozen=True)
class Annotation:
    """A dated note drawn on the chart; it does not change the limits."""

    date: dt.date
    text: str


@dataclass(frozen=True)
class SeriesOptions:
    """How one series is analysed. `None` means "use the rule set's default"."""

    chart: ChartType = "xmr"
    direction: Direction = "increase"
    # One number, or a sequence of changes on dates (the first change applies from its date on): a
    # trajectory. Assurance is judged against the value in force for the latest point.
    target: float | tuple[TargetChange, ...] | None = None
    # What the target line is called on the chart and in sentences ("Target", "Local ambition").
    target_label: str = "Target"
    # Further lines drawn and named but not judged (see TargetLine).
    other_targets: tuple[TargetLine, ...] = ()
    recalculations: tuple[Recalculation, ...] = ()
    # Fix the limits after this many points of each group (a frozen baseline). NHSRplotthedots needs >= 12.
    baseline_points: int | None = None
    # Dates that are plotted but not used for limits or rules.
    excluded: tuple[dt.date, ...] = ()
    screen_outliers: bool | None = None
    shift_length: int | None = None
    trend_length: int | None = None
    # Scale factor for ratio charts, e.g. 100 for a percentage, 1000 for "per 1,000 bed days".
    multiply: float = 1.0
    annotations: tuple[Annotation, ...] = ()
    # "day", "week", "month", "quarter" or "year" when the caller knows it; otherwise it is read from the
    # spacing of the dates (which a series of one point cannot show).
    period: str | None = None


@dataclass
class Series:
    """One measure for one team: a value per period, oldest first or in any order."""

    dates: Sequence[dt.date] | np.ndarray
    values: Sequence[float | None] | np.ndarray
    denominators: Sequence[float | None] | np.ndarray | None = None
    options: SeriesOptions = field(default_factory=SeriesOptions)
    name: str = ""
    unit: str = ""
