"""The engine's working data: every series end to end (`FlatBatch`) and what it computed (`BatchArrays`).

Its own module so that `results` (which reads these) and `engine` (which fills them and returns results)
import each other in one direction only: engine → results → batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import limits as lim
from .anhoej import RunsAnalysis
from .model import SeriesOptions
from .rules import RuleFlags


@dataclass
class FlatBatch:
    """All series end to end. Per-point arrays have N entries, per-series S, per-segment G."""

    days: np.ndarray
    num: np.ndarray
    den: np.ndarray | None
    offsets: np.ndarray  # S + 1
    group: np.ndarray  # group number within the series
    excluded: np.ndarray
    target: np.ndarray
    charts: list[str]  # per series
    options: list[SeriesOptions]
    names: list[str]
    units: list[str]
    group_reasons: list[list[str]]
    ignored_recalculations: list[list[np.datetime64]]
    shared_dates: bool  # every series has the same dates (the fast path)
    # per series: (label, per-point values) of each further target line (SeriesOptions.other_targets)
    other_targets: list[list[tuple[str, np.ndarray]]] = field(default_factory=list)


@dataclass
class BatchArrays:
    """Everything the engine computed, as flat arrays (see FlatBatch for the shapes)."""

    series_of_point: np.ndarray
    seg: np.ndarray
    seg_series: np.ndarray
    seg_group: np.ndarray
    seg_start: np.ndarray
    seg_rows: np.ndarray
    seg_used: np.ndarray
    limits: lim.Limits
    missing: np.ndarray
    in_baseline: np.ndarray
    used: np.ndarray
    flags: RuleFlags
    relative: np.ndarray
    outside: np.ndarray
    close: np.ndarray
    runs: RunsAnalysis
    direction: np.ndarray  # per series
    shift_length: np.ndarray  # per series
    trend_length: np.ndarray  # per series
    last_valid: np.ndarray  # per series, index of the latest point that is neither missing nor excluded
    variation: np.ndarray  # per series, index into VARIATION_NAMES, -1 when there is no data
    assurance: np.ndarray  # per series, index into ASSURANCE_NAMES, -1 when none or in early days
    n_values: np.ndarray  # per series
    n_missing: np.ndarray
    constant: np.ndarray
    sparse: np.ndarray
    trial_limits: np.ndarray
    # per series: points the latest group still needs before its limits can be judged (0 when none)
    points_needed: np.ndarray
    # per series: the target compared with the latest limits whatever the number of points, as
    # NHSRplotthedots does (conformance); people see `assurance`, which early days withhold
    assurance_from_limits: np.ndarray
