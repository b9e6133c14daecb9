"""Run the shared conformance vectors (reference/spc_vectors/README.md) through the engine.

`ptd_*` files describe NHSRplotthedots runs; each run becomes one series per facet, and the output has
the vectors' `expected` fields (points, groups, icons, warning, error) in NHSRplotthedots' names.
`qic_*` files describe qicharts2 cases; they go through the matching chart type and the output has the
vectors' `expected.points` fields. Files with neither shape (function-level cases) are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .engine import analyse_many
from .model import Recalculation, Series, SeriesOptions, SpcInputError, TargetChange
from .results import SeriesResult
from .rulesets import RuleSet, get_rule_set

CONFORMANCE_DEFAULT_RULES = "ptd-0.2.2"
NO_FACET = "no facet"
# NHSRplotthedots' warning text, verbatim (its threshold is 13 although the text says 12).
SHORT_GROUP_WARNING = (
    "Some groups have 'n < 12' observations. These have trial limits, which will be revised with each "
    "additional observation until 'n = fix_after_n_points' has been reached."
)
SHORT_GROUP = 13
QIC_CHARTS = {
    "i": "i",
    "run": "run",
    "p": "p",
    "pp": "pp",
    "u": "u",
    "up": "up",
    "c": "c",
    "t": "t",
    "g": "g",
    "xmr": "xmr",
}


def _num(x: float) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _per_facet(value: Any, facet: str) -> Any:
    """Options may be one value for all facets, or a dict keyed by facet."""
    if isinstance(value, dict):
        return value.get(facet)
    return value


def _dates_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def ptd_run(doc: dict[str, Any], run: dict[str, Any], rules: RuleSet) -> dict[str, Any]:
    opts = run.get("options", {})
    use_facet = bool(opts.get("facet"))
    rows = doc["input"]
    facets = sorted({str(r.get("facet")) for r in rows}) if use_facet else [NO_FACET]
    series = []
    for facet in facets:
        mine = [r for r in rows if not use_facet or str(r.get("facet")) == facet]
        series.append(
            Series(
                dates=[r["date"] for r in mine],
                values=[r["value"] for r in mine],
                name=facet,
                options=SeriesOptions(
                    chart="xmr",
                    direction=opts.get("improvement_direction", "increase"),
                    screen_outliers=opts.get("screen_outliers"),
                    baseline_points=opts.get("fix_after_n_points"),
                    target=_per_facet(opts.get("target"), facet),
                    recalculations=tuple(
                        Recalculation(dt.date.fromisoformat(d), "conformance vector")
                        for d in _dates_list(_per_facet(opts.get("rebase"), facet))
                    ),
                ),
            )
        )
    try:
        batch = analyse_many(series, rules)
    except SpcInputError as exc:
        return {"error": str(exc), "warning": None, "points": [], "groups": [], "icons": []}
    points: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    icons: list[dict[str, Any]] = []
    short = False
    for facet, res in zip(facets, batch, strict=True):
        p, g, i, s = _ptd_series(res, facet, use_facet)
        points += p
        groups += g
        icons.append(i)
        short |= s
    return {
        "error": None,
        "warning": SHORT_GROUP_WARNING if short else None,
        "points": points,
        "groups": groups,
        "icons": icons,
    }


def _ptd_series(res: SeriesResult, facet: str, use_facet: bool) -> tuple[list, list, dict, bool]:
    group_rows = {g.number: g.rows for g in res.groups}
    points = []
    y, lcl, ucl = res.values, res.lower, res.upper
    for i, (label, ptype) in enumerate(zip(res.labels, res.point_types, strict=True)):
        known = bool(np.isfinite(y[i]))
        limits_known = known and bool(np.isfinite(lcl[i]) and np.isfinite(ucl[i]))
        point: dict[str, Any] = {"date": str(res.dates[i])}
        if use_facet:
            point["facet"] = facet
        point.update(
            {
                "value": _num(y[i]),
                "rebase_group": int(res.group[i]),
                "mean": _num(res.centre[i]),
                "lpl": _num(lcl[i]),
                "upl": _num(ucl[i]),
                "outside_limits": bool(res.outside_limits[i]) if limits_known else None,
                "relative_to_mean": int(res.relative_to_centre[i]) if known else None,
                "close_to_limits": bool(res.close_to_limits[i]) if limits_known else None,
                "special_cause_type": label,
                "special_cause_flag": label != "Common Cause",
                "point_type": ptype,
                "short_group_warning": group_rows[int(res.group[i])] < SHORT_GROUP,
            }
        )
        points.append(point)
    groups = [
        {
            "facet": facet,
            "rebase_group": g.number,
            "n": g.rows,
            "mean": _num(g.centre),
            "lpl": _num(g.lower),
            "upl": _num(g.upper),
            "n_special_cause": g.special_cause,
        }
        for g in res.groups
    ]
    icon = {
        "facet": facet,
        "variation_icon": res.variation.name if res.variation else None,
        # Upstream judges the target however few the points; people are not shown it in early days.
        "assurance": res.assurance_from_limits.name if res.assurance_from_limits else None,
    }
    return points, groups, icon, any(g.rows < SHORT_GROUP for g in res.groups)


def qic_case(doc: dict[str, Any], rules: RuleSet) -> dict[str, Any]:
    opts = doc.get("options", {})
    chart = QIC_CHARTS[opts.get("chart", "run")]
    rows = doc["input"]
    start = dt.date(2000, 1, 1)
    # qicharts2 keeps row order; give each row a daily date so the engine's date handling is neutral.
    dates = [start + dt.timedelta(days=i) for i in range(len(rows))]
    parts = opts.get("part")
    parts = [parts] if isinstance(parts, int) else list(parts or [])
    excluded = tuple(dates[i - 1] for i in opts.get("exclude", []) or [])
    has_den = any(r.get("n") is not None for r in rows)
    series = Series(
        dates=dates,
        values=[r["y"] for r in rows],
        denominators=[r.get("n") for r in rows] if has_den and chart not in ("c", "t", "g") else None,
        options=SeriesOptions(
            chart=chart,  # type: ignore[arg-type]
            # qicharts2 lets a part override freeze.
            baseline_points=None if parts else opts.get("freeze"),
            recalculations=tuple(Recalculation(dates[p], "part") for p in parts),
            excluded=excluded,
            # library(qicharts2) sets qic.screenedmr = TRUE, and the vectors were made that way.
            screen_outliers=True,
            multiply=float(opts.get("multiply", 1)),
        ),
    )
    try:
        # qicharts2 accepts any baseline length (`freeze`), unlike the MDC tools.
        res = analyse_many([series], replace(rules, min_baseline_points=2))[0]
    except SpcInputError as exc:
        return {"error": str(exc), "points": []}
    by_group = {g.number: g for g in res.groups}
    points = []
    for i, row in enumerate(rows):
        g = by_group[int(res.group[i])]
        y, ucl, lcl = res.values[i], res.upper[i], res.lower[i]
        points.append(
            {
                "x": row.get("x"),
                "y_sum": row["y"],
                "n": row.get("n"),
                "y": _num(y),
                "cl": _num(res.centre[i]),
                "ucl": _num(ucl),
                "lcl": _num(lcl),
                "part": int(res.group[i]) + 1,
                "baseline": bool(res.in_baseline[i]),
                "include": not bool(res.excluded[i]),
                "sigma_signal": bool(np.isfinite(y) and ((y > ucl) or (y < lcl))),
                "runs_signal": g.runs_signal,
                "n_useful": g.useful,
                "longest_run": g.longest_run,
                "longest_run_max": g.longest_run_max,
                "n_crossings": g.crossings,
                "n_crossings_min": g.crossings_min,
            }
        )
    return {"error": None, "points": points}


def wm_case(doc: dict[str, Any], run: dict[str, Any], rules: RuleSet) -> dict[str, Any]:
    """Our own hand-worked vectors (tests/spc/vectors_wm): trajectories and accepted recalculations, in
    the engine's own words (the target in force, early days, each group's limits)."""
    opts = run.get("options", {})
    target = opts.get("target")
    if isinstance(target, list):
        target = tuple(TargetChange(dt.date.fromisoformat(t["start"]), float(t["value"])) for t in target)
    series = Series(
        dates=[r["date"] for r in doc["input"]],
        values=[r["value"] for r in doc["input"]],
        options=SeriesOptions(
            direction=opts.get("direction", "increase"),
            target=target,
            recalculations=tuple(
                Recalculation(dt.date.fromisoformat(r["date"]), r.get("reason", ""))
                for r in opts.get("recalculations", [])
            ),
        ),
    )
    try:
        res = analyse_many([series], rules)[0]
    except SpcInputError as exc:
        return {"error": str(exc)}
    finite = res.target[np.isfinite(res.target)]
    return {
        "error": None,
        "groups": [
            {
                "start": g.start.isoformat(),
                "n": g.used,
                "mean": _num(g.centre),
                "lpl": _num(g.lower),
                "upl": _num(g.upper),
                "reason": g.reason,
            }
            for g in res.groups
        ],
        "target_first": _num(finite[0]) if finite.size else None,
        "target_latest": _num(res.target[res.latest_index]) if res.latest_index is not None else None,
        "assurance": res.assurance.name if res.assurance else None,
        "assurance_from_limits": res.assurance_from_limits.name if res.assurance_from_limits else None,
        "points_needed": res.points_needed,
        "enough_data_from": res.enough_data_from.isoformat() if res.enough_data_from else None,
        "variation_icon": res.variation.name if res.variation else None,
    }


def run_document(doc: dict[str, Any], rules: str | RuleSet | None = None) -> list[dict[str, Any]]:
    rule_set = get_rule_set(rules or CONFORMANCE_DEFAULT_RULES)
    if doc.get("format") == "whatmatters":
        return [
            {"id": doc.get("id"), "run": run.get("name"), "actual": wm_case(doc, run, rule_set)}
            for run in doc["runs"]
            if rule_set.name in run.get("rules", [rule_set.name])
        ]
    if "runs" in doc:
        return [
            {"id": doc.get("id"), "run": run.get("name"), "actual": ptd_run(doc, run, rule_set)}
            for run in doc["runs"]
        ]
    if "options" in doc and "input" in doc:
        return [{"id": doc.get("id"), "run": None, "actual": qic_case(doc, rule_set)}]
    return []


def run_files(paths: Iterable[str | Path], rules: str | RuleSet | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in paths:
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SpcInputError(f"{path}: cannot read this vector file ({exc}).") from exc
        out += run_document(doc, rules)
    return out
