"""Vectorised helpers over many series at once.

All series (and all recalculation groups within them) are laid end to end in one flat array. A *segment*
is one group of one series; `seg` gives each point's segment id, and ids are contiguous and increasing, so
per-segment sums are `np.bincount` calls and runs can be found with cumulative sums. No Python loop runs
per series or per point, which is what makes hundreds of measures cheap.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray
IntArray = np.ndarray
BoolArray = np.ndarray


def seg_sum(values: FloatArray, mask: BoolArray, seg: IntArray, nseg: int) -> FloatArray:
    return np.bincount(seg, weights=np.where(mask, values, 0.0), minlength=nseg)


def seg_count(mask: BoolArray, seg: IntArray, nseg: int) -> FloatArray:
    return np.bincount(seg, weights=mask.astype(np.float64), minlength=nseg)


def seg_mean(values: FloatArray, mask: BoolArray, seg: IntArray, nseg: int) -> FloatArray:
    """Mean of the masked values of each segment; NaN where a segment has none."""
    total = seg_sum(values, mask, seg, nseg)
    count = seg_count(mask, seg, nseg)
    out = np.full(nseg, np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


def seg_median(values: FloatArray, mask: BoolArray, seg: IntArray, nseg: int) -> FloatArray:
    """Median of the masked values of each segment (mean of the two middle values when even)."""
    idx = np.flatnonzero(mask)
    out = np.full(nseg, np.nan)
    if idx.size == 0:
        return out
    order = np.lexsort((values[idx], seg[idx]))
    sorted_vals = values[idx][order]
    counts = np.bincount(seg[idx], minlength=nseg)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (sorted_vals[lo] + sorted_vals[hi]) / 2.0
    return out


def same_segment_as_previous(seg: IntArray) -> BoolArray:
    """True at i when point i-1 exists and is in the same segment."""
    out = np.zeros(seg.shape, dtype=bool)
    if seg.size > 1:
        out[1:] = seg[1:] == seg[:-1]
    return out


def run_sizes(continues: BoolArray) -> IntArray:
    """Length of the maximal run each position belongs to, where continues[i] joins i to i-1."""
    if continues.size == 0:
        return np.zeros(0, dtype=np.int64)
    run_id = np.cumsum(~continues) - 1
    return np.bincount(run_id)[run_id]


def position_in_segment(seg: IntArray, nseg: int) -> IntArray:
    """0-based index of each point within its segment (segments are contiguous)."""
    counts = np.bincount(seg, minlength=nseg)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return np.arange(seg.size) - starts[seg]


def moving_ranges(y: FloatArray, seq: BoolArray, seg: IntArray) -> tuple[IntArray, FloatArray]:
    """Moving ranges between consecutive points of `seq` within a segment.

    Points outside `seq` (excluded points) are bridged, as qicharts2 does. A missing value is in `seq`
    and makes both of its ranges NaN, as NHSRplotthedots does: a range is never taken across a gap.
    Returns the segment of each range and the range.
    """
    idx = np.flatnonzero(seq)
    if idx.size < 2:
        return np.zeros(0, dtype=seg.dtype), np.zeros(0)
    same = seg[idx[1:]] == seg[idx[:-1]]
    mr = np.abs(np.diff(y[idx]))
    return seg[idx[1:]][same], mr[same]
