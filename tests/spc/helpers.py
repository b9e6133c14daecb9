"""Shared test helpers (plain functions, no fixtures, so no Django is needed)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).parent / "vectors"


def load_vector(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def monthly(n: int, start: dt.date = dt.date(2023, 1, 1)) -> list[dt.date]:
    out = []
    y, m = start.year, start.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def daily(n: int, start: dt.date = dt.date(2020, 1, 1)) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every field of `expected` compared with `actual`, numbers to 1e-9 × max(1, |x|) (README tolerance)."""
    if isinstance(expected, dict):
        out = []
        for key, value in expected.items():
            if not isinstance(actual, dict) or key not in actual:
                out.append(f"{path}.{key} is missing")
            else:
                out += differences(value, actual[key], f"{path}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {actual!r:.80}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out += differences(e, a, f"{path}[{i}]")
        return out
    if (
        expected is None
        or actual is None
        or isinstance(expected, (bool, str))
        or isinstance(actual, (bool, str))
    ):
        return (
            []
            if expected == actual and type(expected) is type(actual)
            else [f"{path}: {expected!r} != {actual!r}"]
        )
    if abs(float(actual) - float(expected)) <= 1e-9 * max(1.0, abs(float(expected))):
        return []
    return [f"{path}: {expected!r} != {actual!r}"]
