"""Special-cause rules, vectorised over many series.

Semantics follow NHSRplotthedots 0.2.2 (MIT; R/ptd_calculate_point_type.R), with run lengths as
parameters and the MDC 2023 two-of-three rule as an option:

- astronomical: a point beyond a process limit; its direction is its side of the centre line.
- shift: n consecutive points on the same side of the centre line. A point exactly on the line, or a
  missing value, breaks the run. Every point of a run of n or more is flagged.
- trend: n points each strictly above (or below) the one before. A tie or a missing value breaks it.
  A trend may cross the centre line.
- two-of-three: in some window of 3 consecutive points all on one side of the centre line, at least 2
  are "close" (beyond the 2-sigma line; in ptd-0.2.2 only between the 2-sigma line and the limit).
  Only the close points are flagged.

All rules run within a segment (one recalculation group of one series) and skip excluded points: `order`
holds the indices of the points the rules see, in time order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .segments import run_sizes

# Winning-label codes, in precedence order after "common cause".
COMMON, ABOVE_UCL, BELOW_LCL, TREND_UP, TREND_DOWN, TWO_ABOVE, TWO_BELOW, SHIFT_ABOVE, SHIFT_BELOW = range(9)

# Point-type codes.
PT_COMMON, PT_IMPROVEMENT, PT_CONCERN, PT_NEUTRAL_HIGH, PT_NEUTRAL_LOW = range(5)
POINT_TYPE_NAMES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)


def label_text(code: int, shift_length: int = 7, trend_length: int = 7) -> str:
    """The upstream label of a winning rule (rule names belong in "about this chart" detail only)."""
    return {
        COMMON: "Common Cause",
        ABOVE_UCL: "Above UCL",
        BELOW_LCL: "Below LCL",
        TREND_UP: f"{trend_length} Point Trend (Increasing)",
        TREND_DOWN: f"{trend_length} Point Trend (Decreasing)",
        TWO_ABOVE: "2 in 3 Above CL",
        TWO_BELOW: "2 in 3 Below CL",
        SHIFT_ABOVE: f"{shift_length} Points Above CL",
        SHIFT_BELOW: f"{shift_length} Points Below CL",
    }[int(code)]


@dataclass
class RuleFlags:
    """Per point: +1 / -1 for the direction in which each rule fired, 0 when it did not."""

    astronomical: np.ndarray
    shift: np.ndarray
    trend: np.ndarray
    two_in_three: np.ndarray
    label: np.ndarray  # winning-label code
    point_type: np.ndarray  # point-type code


def relative_to_centre(y: np.ndarray, cl: np.ndarray) -> np.ndarray:
    """-1, 0 or +1; 0 for a point exactly on the centre line and for a missing value."""
    with np.errstate(invalid="ignore"):
        s = np.sign(y - cl)
    return np.where(np.isfinite(s), s, 0).astype(np.int8)


def shift_flags(rtm: np.ndarray, seg: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Direction of the shift each point is part of (runs of `length` or more on one side)."""
    cont = np.zeros(rtm.shape, dtype=bool)
    if rtm.size > 1:
        cont[1:] = (seg[1:] == seg[:-1]) & (rtm[1:] == rtm[:-1]) & (rtm[1:] != 0)
    size = run_sizes(cont)
    return np.where((rtm != 0) & (size >= length), rtm, 0).astype(np.int8)


def trend_flags(y: np.ndarray, seg: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Direction of the trend each point is part of, labelled as NHSRplotthedots labels it.

    `step[i]` is the sign of y[i] - y[i-1] (0 across a segment start, a tie or a missing value). A run of
    k equal non-zero steps covers k+1 points; it is a trend when k+1 >= length.
    """
    n = y.size
    step = np.zeros(n, dtype=np.int8)
    if n > 1:
        same = seg[1:] == seg[:-1]
        with np.errstate(invalid="ignore"):
            d = np.sign(y[1:] - y[:-1])
        step[1:] = np.where(same & np.isfinite(d), d, 0)
    cont = np.zeros(n, dtype=bool)
    if n > 1:
        cont[1:] = (step[1:] == step[:-1]) & (step[1:] != 0) & (seg[1:] == seg[:-1])
    size = run_sizes(cont)
    in_trend_step = (step != 0) & (size + 1 >= length)
    part = in_trend_step.copy()
    if n > 1:
        # The point before the first step of a trend is its first point.
        part[:-1] |= in_trend_step[1:] & (seg[1:] == seg[:-1])
    # Direction: the step to the next point when this and the next point are both in a trend (so a peak
    # shared by a rising and a falling trend reads as decreasing), else the step from the previous point.
    next_step = np.zeros(n, dtype=np.int8)
    part_next = np.zeros(n, dtype=bool)
    if n > 1:
        next_step[:-1] = step[1:]
        part_next[:-1] = part[1:] & (seg[1:] == seg[:-1])
    direction = np.where(part & part_next, next_step, step)
    # Upstream writes "Increasing" only for +1, so a tie between two touching trends reads "Decreasing".
    return np.where(part, np.where(direction == 1, 1, -1), 0).astype(np.int8)


def two_in_three_flags(close: np.ndarray, rtm: np.ndarray, seg: np.ndarray) -> np.ndarray:
    n = close.size
    out = np.zeros(n, dtype=np.int8)
    if n < 3:
        return out
    c = close.astype(np.int8)
    csum = c[:-2] + c[1:-1] + c[2:]
    rsum = rtm[:-2].astype(np.int16) + rtm[1:-1] + rtm[2:]
    window = (csum >= 2) & (np.abs(rsum) == 3) & (seg[:-2] == seg[2:])
    hit = np.zeros(n, dtype=bool)
    hit[:-2] |= window
    hit[1:-1] |= window
    hit[2:] |= window
    return np.where(hit & close, rtm, 0).astype(np.int8)


def _by_precedence(
    candidates: list[tuple[np.ndarray, int, int]], direction: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Label and sign of the highest-precedence rule that fired (only improvement-way rules if asked)."""
    fired = [flags != 0 if direction is None else flags * direction > 0 for flags, _, _ in candidates]
    labels = [np.where(flags > 0, up, down) for flags, up, down in candidates]
    label = np.select(fired, labels, COMMON).astype(np.int8)
    sign = np.select(fired, [flags for flags, _, _ in candidates], 0).astype(np.int8)
    return label, sign


def winning_label(
    astro: np.ndarray,
    trend: np.ndarray,
    two: np.ndarray,
    shift: np.ndarray,
    direction: np.ndarray,
    improvement_wins: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Winning label and point type of each point.

    Precedence is astronomical > trend > two-of-three > shift (NHSRplotthedots). With
    `improvement_wins`, a rule pointing the improvement way beats one pointing the concern way (MDC).
    """
    candidates = [
        (astro, ABOVE_UCL, BELOW_LCL),
        (trend, TREND_UP, TREND_DOWN),
        (two, TWO_ABOVE, TWO_BELOW),
        (shift, SHIFT_ABOVE, SHIFT_BELOW),
    ]
    label, sign = _by_precedence(candidates)
    if improvement_wins:
        better_label, better_sign = _by_precedence(candidates, direction)
        take = better_sign != 0
        label = np.where(take, better_label, label).astype(np.int8)
        sign = np.where(take, better_sign, sign).astype(np.int8)
    point_type = np.full(astro.shape, PT_COMMON, dtype=np.int8)
    oriented = sign * direction
    point_type[(direction == 0) & (sign > 0)] = PT_NEUTRAL_HIGH
    point_type[(direction == 0) & (sign < 0)] = PT_NEUTRAL_LOW
    point_type[oriented > 0] = PT_IMPROVEMENT
    point_type[oriented < 0] = PT_CONCERN
    return label, point_type


def evaluate(
    y: np.ndarray,
    cl: np.ndarray,
    ucl: np.ndarray,
    lcl: np.ndarray,
    u2: np.ndarray,
    l2: np.ndarray,
    seg: np.ndarray,
    order: np.ndarray,
    direction: np.ndarray,
    shift_length: np.ndarray,
    trend_length: np.ndarray,
    beyond_counts: bool,
    improvement_wins: bool,
) -> tuple[RuleFlags, np.ndarray, np.ndarray, np.ndarray]:
    """Run every rule; return the flags plus relative-to-centre, outside-limits and close-to-limits."""
    rtm_all = relative_to_centre(y, cl)
    with np.errstate(invalid="ignore"):
        outside_all = (y > ucl) | (y < lcl)
        beyond_2 = (y > u2) | (y < l2)
    close_all = beyond_2 if beyond_counts else beyond_2 & ~outside_all

    n = y.size
    astro = np.zeros(n, dtype=np.int8)
    shift = np.zeros(n, dtype=np.int8)
    trend = np.zeros(n, dtype=np.int8)
    two = np.zeros(n, dtype=np.int8)
    s = seg[order]
    rtm = rtm_all[order]
    astro[order] = np.where(outside_all[order], np.where(rtm == 1, 1, -1), 0)
    shift[order] = shift_flags(rtm, s, shift_length[order])
    trend[order] = trend_flags(y[order], s, trend_length[order])
    two[order] = two_in_three_flags(close_all[order], rtm, s)
    label, point_type = winning_label(astro, trend, two, shift, direction, improvement_wins)
    return RuleFlags(astro, shift, trend, two, label, point_type), rtm_all, outside_all, close_all
