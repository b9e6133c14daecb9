"""Centre lines and limits for every chart type, for many series at once.

Formulas:
- XmR (Making Data Count, after NHSRplotthedots, MIT): centre = mean; limits = mean ± 2.66 × mean moving
  range; 2-sigma lines = mean ± (2 × 2.66 / 3) × mean moving range. Ranges above 3.267 × their mean are
  screened out of the mean range (one pass), if screening is on; the mean keeps every point.
- Individuals chart: as XmR with 3 / 1.128 (the d2 constant) instead of 2.66.
- p, u, c, Laney p′ and u′, t and g: the published Shewhart / Laney / Montgomery formulas (qicharts2
  computes the same numbers; none of its GPL code is used here).

Every function works on flat arrays of all series (see segments.py) and returns per-point arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .segments import moving_ranges, seg_count, seg_mean, seg_median, seg_sum

MR_SCREEN = 3.267  # Nelson's screen for moving ranges (D4 for n = 2)
D2 = 1.128  # expected range of two normal values, in sigmas
T_POWER = 3.6  # Nelson's transform for times between events


@dataclass
class Limits:
    y: np.ndarray  # the plotted value (ratio × multiply for p/u charts)
    cl: np.ndarray
    ucl: np.ndarray
    lcl: np.ndarray
    u2: np.ndarray  # 2-sigma lines
    l2: np.ndarray


@dataclass
class LimitInput:
    num: np.ndarray  # value, or numerator for ratio charts
    den: np.ndarray  # denominator (ones when the chart has none)
    seg: np.ndarray
    nseg: int
    use: np.ndarray  # point counts towards centre and limits: in baseline, not excluded, not missing
    seq: np.ndarray  # point is in the moving-range sequence: in baseline and not excluded
    screen: np.ndarray  # per segment: screen moving ranges
    multiply: np.ndarray  # per point


def mean_moving_range(y: np.ndarray, inp: LimitInput) -> np.ndarray:
    """Mean moving range per segment, screened where asked.

    Upstream screening keeps a range only if it is strictly below 3.267 × the mean range. For a constant
    series the mean range is 0 and nothing is strictly below 0, so upstream's limits become NaN; we keep
    the ranges when the mean range is 0, which gives zero-width limits instead (a warning says why).
    """
    mseg, mr = moving_ranges(y, inp.seq, inp.seg)
    finite = np.isfinite(mr)
    amr = seg_mean(mr, finite, mseg, inp.nseg)
    limit = MR_SCREEN * amr[mseg]
    keep = finite & (~inp.screen[mseg] | (mr < limit) | (amr[mseg] == 0))
    return seg_mean(mr, keep, mseg, inp.nseg)


def xmr(inp: LimitInput, constant: float) -> Limits:
    y = inp.num
    mean = seg_mean(y, inp.use, inp.seg, inp.nseg)
    amr = mean_moving_range(y, inp)
    # Written exactly as NHSRplotthedots computes them, so results agree to the last bit.
    width3 = (constant * amr)[inp.seg]
    width2 = ((2 * (constant / 3)) * amr)[inp.seg]
    cl = mean[inp.seg]
    return Limits(y=y, cl=cl, ucl=cl + width3, lcl=cl - width3, u2=cl + width2, l2=cl - width2)


def _sigma_limits(
    y: np.ndarray,
    cl: np.ndarray,
    sigma: np.ndarray,
    lower: float | None,
    upper: float | None,
    multiply: np.ndarray,
) -> Limits:
    def clamp(v: np.ndarray) -> np.ndarray:
        if lower is not None:
            v = np.where(v < lower, lower, v)
        if upper is not None:
            v = np.where(v > upper, upper, v)
        return v

    return Limits(
        y=y * multiply,
        cl=cl * multiply,
        ucl=clamp(cl + 3 * sigma) * multiply,
        lcl=clamp(cl - 3 * sigma) * multiply,
        u2=clamp(cl + 2 * sigma) * multiply,
        l2=clamp(cl - 2 * sigma) * multiply,
    )


def _pooled_ratio(inp: LimitInput) -> np.ndarray:
    """Σ numerators / Σ denominators over the points used for limits, per point."""
    use = inp.use & np.isfinite(inp.den) & (inp.den > 0)
    num = seg_sum(inp.num, use, inp.seg, inp.nseg)
    den = seg_sum(inp.den, use, inp.seg, inp.nseg)
    out = np.full(inp.nseg, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out[inp.seg]


def _ratio(inp: LimitInput) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(inp.den > 0, inp.num / inp.den, np.nan)


def _laney_factor(y: np.ndarray, cl: np.ndarray, sigma: np.ndarray, inp: LimitInput) -> np.ndarray:
    """Laney's sigma-z: the screened mean moving range of the z-scores over d2, per point."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (y - cl) / sigma
    return (mean_moving_range(z, inp) / D2)[inp.seg]


def p_chart(inp: LimitInput, laney: bool = False) -> Limits:
    y = _ratio(inp)
    cl = _pooled_ratio(inp)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(cl * (1 - cl) / inp.den)
    if laney:
        sigma = sigma * _laney_factor(y, cl, sigma, inp)
    return _sigma_limits(y, cl, sigma, 0.0, 1.0, inp.multiply)


def u_chart(inp: LimitInput, laney: bool = False) -> Limits:
    y = _ratio(inp)
    cl = _pooled_ratio(inp)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(cl / inp.den)
    if laney:
        sigma = sigma * _laney_factor(y, cl, sigma, inp)
    return _sigma_limits(y, cl, sigma, 0.0, None, inp.multiply)


def c_chart(inp: LimitInput) -> Limits:
    cl = seg_mean(inp.num, inp.use, inp.seg, inp.nseg)[inp.seg]
    return _sigma_limits(inp.num, cl, np.sqrt(cl), 0.0, None, np.ones_like(cl))


def t_chart(inp: LimitInput) -> Limits:
    """Time between events: transform by y^(1/3.6), individuals chart, transform back (LCL floored at 0)."""
    with np.errstate(invalid="ignore"):
        transformed = np.where(inp.num >= 0, inp.num, np.nan) ** (1 / T_POWER)
    tin = LimitInput(
        transformed,
        inp.den,
        inp.seg,
        inp.nseg,
        inp.use & np.isfinite(transformed),
        inp.seq,
        inp.screen,
        inp.multiply,
    )
    lim = xmr(tin, 3 / D2)

    def back(v: np.ndarray) -> np.ndarray:
        return np.where(v < 0, 0.0, np.maximum(v, 0.0) ** T_POWER)

    return Limits(
        y=inp.num, cl=back(lim.cl), ucl=back(lim.ucl), lcl=back(lim.lcl), u2=back(lim.u2), l2=back(lim.l2)
    )


def g_chart(inp: LimitInput) -> Limits:
    """Opportunities between events: limits from the geometric distribution; centre drawn at the median."""
    mean = seg_mean(inp.num, inp.use, inp.seg, inp.nseg)[inp.seg]
    sigma = np.sqrt(mean * (mean + 1))
    median = seg_median(inp.num, inp.use, inp.seg, inp.nseg)[inp.seg]
    lim = _sigma_limits(inp.num, mean, sigma, 0.0, None, np.ones_like(mean))
    lim.cl = median
    return lim


def run_chart(inp: LimitInput) -> Limits:
    # The engine has already turned numerator / denominator into the plotted value.
    y = inp.num
    median = seg_median(y, inp.use, inp.seg, inp.nseg)[inp.seg]
    nan = np.full_like(median, np.nan)
    return Limits(y=y, cl=median, ucl=nan, lcl=nan, u2=nan.copy(), l2=nan.copy())


def compute(chart: str, inp: LimitInput, xmr_constant: float) -> Limits:
    if chart == "xmr":
        return xmr(inp, xmr_constant)
    if chart == "i":
        return xmr(inp, 3 / D2)
    if chart in ("p", "pp"):
        return p_chart(inp, laney=chart == "pp")
    if chart in ("u", "up"):
        return u_chart(inp, laney=chart == "up")
    if chart == "c":
        return c_chart(inp)
    if chart == "t":
        return t_chart(inp)
    if chart == "g":
        return g_chart(inp)
    if chart == "run":
        return run_chart(inp)
    raise ValueError(f"unknown chart type {chart!r}")


__all__ = ["Limits", "LimitInput", "compute", "seg_count"]
