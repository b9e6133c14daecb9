"""SPC benchmark: 10,000 series × 60 monthly points through the full analysis.

Compared in the same run, on the same data:
- whatmatters.spc, vectorised (`analyse_array`, and `analyse_many` on Series objects);
- whatmatters.spc in a plain per-series loop (`analyse` once per series);
- abspc 1.1.0 from PyPI (install the `bench` extra): calculate_control_limits → detect_special_causes →
  determine_variation_type → determine_assurance_type per series, its own "full analysis".

Memory: peak traced allocation of `analyse_array` at 1,250 to 10,000 series, in bytes per point, to show
that it grows linearly with the number of points.

    .venv/bin/python -m bench.spc [--series 10000] [--points 60] [--abspc-series N] [--loop-series N]

`--abspc-series` / `--loop-series` time the slow peers on the first N series and scale per series, for a
quick run; the defaults run them on every series.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable

import numpy as np

from whatmatters.spc import Series, SeriesOptions, analyse, analyse_array, analyse_many


def make_data(
    n_series: int, n_points: int, seed: int = 2024
) -> tuple[list[dt.date], np.ndarray, list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    dates = []
    y, m = 2020, 1
    for _ in range(n_points):
        dates.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    values = rng.normal(50, 5, (n_series, n_points))
    # A third of the series step up two thirds of the way through, so the rules have work to do.
    step = np.where(rng.random(n_series) < 1 / 3, 9.0, 0.0)
    values[:, (2 * n_points) // 3 :] += step[:, None]
    directions = rng.choice(["increase", "decrease"], n_series).tolist()
    targets = rng.normal(52, 8, n_series)
    return dates, np.round(values, 1), directions, targets


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Best of `repeat` wall-clock runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def ours_array(dates: list[dt.date], values: np.ndarray, directions: list[str], targets: np.ndarray) -> list:
    result = analyse_array(dates, values, directions=directions, targets=targets)
    return [result.variation_names, result.assurance_names]


def as_series(
    dates: list[dt.date], values: np.ndarray, directions: list[str], targets: np.ndarray
) -> list[Series]:
    return [
        Series(dates, v, options=SeriesOptions(direction=d, target=float(t)))  # type: ignore[arg-type]
        for v, d, t in zip(values, directions, targets, strict=True)
    ]


def ours_many(series: list[Series]) -> list:
    result = analyse_many(series)
    return [result.variation_names, result.assurance_names]


def ours_loop(series: list[Series]) -> list:
    out = []
    for s in series:
        r = analyse(s)
        out.append((r.variation, r.assurance))
    return out


def abspc_loop(dates: list[dt.date], values: np.ndarray, directions: list[str], targets: np.ndarray) -> list:
    import abspc
    import pandas as pd

    out = []
    for v, d, t in zip(values, directions, targets, strict=True):
        frame = pd.DataFrame({"date": dates, "value": v})
        limits = abspc.calculate_control_limits(frame, "XmR")
        flagged = abspc.detect_special_causes(limits)
        way = "high" if d == "increase" else "low"
        out.append(
            (
                abspc.determine_variation_type(flagged, improvement_direction=way),
                abspc.determine_assurance_type(flagged, float(t), improvement_direction=way),
            )
        )
    return out


def memory_per_point(n_points: int, sizes: tuple[int, ...]) -> list[tuple[int, int, float]]:
    rows = []
    for n in sizes:
        dates, values, directions, targets = make_data(n, n_points)
        gc.collect()
        tracemalloc.start()
        result = analyse_array(dates, values, directions=directions, targets=targets)
        _ = result.variation_names
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del result
        rows.append((n, peak, peak / (n * n_points)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.spc")
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument(
        "--abspc-series", type=int, default=None, help="time abspc on the first N series only"
    )
    parser.add_argument(
        "--loop-series", type=int, default=None, help="time the per-series loop on N series only"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    dates, values, directions, targets = make_data(args.series, args.points)
    n = args.series
    print(
        f"SPC benchmark: {n:,} series × {args.points} points, {os.cpu_count()} CPUs, numpy {np.__version__}"
    )

    t_array = timed(lambda: ours_array(dates, values, directions, targets), args.repeat)
    series = as_series(dates, values, directions, targets)
    t_many = timed(lambda: ours_many(series), max(1, args.repeat // 2))

    k_loop = min(args.loop_series or n, n)
    t_loop = timed(lambda: ours_loop(series[:k_loop]), 1) * n / k_loop

    try:
        import abspc  # noqa: F401
    except ImportError:
        t_abspc = None
        print("abspc is not installed: pip install -e '.[bench]'")
    else:
        k_abspc = min(args.abspc_series or n, n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_abspc = (
                timed(lambda: abspc_loop(dates, values[:k_abspc], directions[:k_abspc], targets[:k_abspc]), 1)
                * n
                / k_abspc
            )

    def line(name: str, seconds: float, note: str = "") -> None:
        per = seconds / n * 1e6
        vs = f"{t_abspc / seconds:8.1f}×" if t_abspc else "        "
        print(f"  {name:<44} {seconds:8.3f} s  {per:8.1f} µs/series  {vs} faster than abspc {note}")

    print("Full analysis (limits, 2-sigma lines, every rule, labels, icons, warning checks), best of runs:")
    line("whatmatters.spc analyse_array (vectorised)", t_array)
    line("whatmatters.spc analyse_many (Series objects)", t_many)
    line(
        "whatmatters.spc analyse() per-series loop",
        t_loop,
        "" if k_loop == n else f"(timed on {k_loop:,}, scaled)",
    )
    if t_abspc:
        print(
            f"  {'abspc 1.1.0 per-series loop':<44} {t_abspc:8.3f} s  {t_abspc / n * 1e6:8.1f} µs/series"
            + ("" if (args.abspc_series or n) >= n else f"  (timed on {args.abspc_series:,}, scaled)")
        )

    print("Peak memory of analyse_array (tracemalloc):")
    rows = memory_per_point(args.points, tuple(s for s in (n // 8, n // 4, n // 2, n) if s > 0))
    for size, peak, per_point in rows:
        print(f"  {size:>7,} series  {peak / 2**20:8.1f} MiB  {per_point:6.0f} bytes/point")
    spread = statistics.pstdev([r[2] for r in rows]) / statistics.mean([r[2] for r in rows])
    print(f"  bytes per point vary by {spread:.1%} across sizes (linear growth keeps this small)")


if __name__ == "__main__":
    main()
