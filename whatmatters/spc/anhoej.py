"""Anhøj runs analysis (Anhøj & Olesen 2014), reimplemented from the published rules.

Within each segment, over the points that are included and not missing, drop the points exactly on the
centre line; the rest are the *useful* observations (n). There is a signal when

- the longest run on one side of the centre line is longer than round(log2(n)) + 3, or
- the number of crossings (runs - 1) is below the 5th percentile of Binomial(n - 1, 0.5).

Both thresholds are exact: the binomial quantile is computed with integers, so no floating-point fuzz
decides a borderline case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=4096)
def crossings_minimum(n_useful: int) -> int:
    """qbinom(0.05, n_useful - 1, 0.5): the least k with P(X <= k) >= 0.05, X ~ Binomial(n - 1, 1/2)."""
    trials = n_useful - 1
    if trials <= 0:
        return 0
    total = 1 << trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:  # cumulative / 2^trials >= 0.05, in integers
            return k
    return trials


def longest_run_maximum(n_useful: int) -> int:
    # log2 of an integer is never exactly x.5, so rounding halves (R rounds half to even) never arises.
    return int(round(math.log2(n_useful))) + 3 if n_useful > 0 else 0


@dataclass
class RunsAnalysis:
    """Per segment."""

    n_useful: np.ndarray
    longest_run: np.ndarray
    longest_run_max: np.ndarray
    n_crossings: np.ndarray
    n_crossings_min: np.ndarray
    signal: np.ndarray


def analyse_runs(
    y: np.ndarray, cl: np.ndarray, seg: np.ndarray, nseg: int, included: np.ndarray
) -> RunsAnalysis:
    with np.errstate(invalid="ignore"):
        side = np.sign(y - cl)
    useful = included & np.isfinite(side) & (side != 0)
    idx = np.flatnonzero(useful)
    s = side[idx]
    g = seg[idx]
    n_useful = np.bincount(g, minlength=nseg)
    new_run = np.ones(idx.size, dtype=bool)
    if idx.size > 1:
        new_run[1:] = (g[1:] != g[:-1]) | (s[1:] != s[:-1])
    run_id = np.cumsum(new_run) - 1
    run_len = np.bincount(run_id)
    run_seg = g[new_run]
    longest = np.zeros(nseg, dtype=np.int64)
    np.maximum.at(longest, run_seg, run_len)
    runs = np.bincount(run_seg, minlength=nseg)
    crossings = np.maximum(runs - 1, 0)
    # Thresholds depend only on n, so compute them once per distinct n (a dashboard has few).
    distinct, inverse = np.unique(n_useful, return_inverse=True)
    lr_max = np.array([longest_run_maximum(int(k)) for k in distinct], dtype=np.int64)[inverse]
    cr_min = np.array([crossings_minimum(int(k)) for k in distinct], dtype=np.int64)[inverse]
    signal = (n_useful > 0) & ((longest > lr_max) | (crossings < cr_min))
    return RunsAnalysis(n_useful, longest, lr_max, crossings, cr_min, signal)
