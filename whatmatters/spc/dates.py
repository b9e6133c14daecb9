"""Dates: parsing, the period of a series (day, week, month) and the periods missing from its grid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from .model import SpcInputError

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
Period = str  # "day" | "week" | "month" | "quarter" | "year" | "irregular"


def to_day(value: object, where: str) -> np.datetime64:
    """One date as numpy days; ISO `YYYY-MM-DD` strings, dates and datetimes are accepted."""
    try:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, (dt.date, np.datetime64)):
            return np.datetime64(value, "D")
        if isinstance(value, str):
            return np.datetime64(dt.date.fromisoformat(value.strip()), "D")
    except (ValueError, TypeError):
        pass
    raise SpcInputError(
        f"{where}: {value!r} is not a date. Write dates as YYYY-MM-DD, for example 2025-03-03."
    )


def to_days(values: Sequence[object] | np.ndarray, where: str) -> np.ndarray:
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[D]")
    # Fast path for a clean list of dates (the usual case); anything odd gets the per-item check below,
    # which names the bad item. Datetimes are excluded because numpy would refuse to truncate them.
    if all(type(v) is dt.date for v in values):
        ordinals = np.fromiter((v.toordinal() for v in values), np.int64, len(values))  # type: ignore[union-attr]
        return (ordinals - EPOCH_ORDINAL).astype("datetime64[D]")
    return np.array(
        [to_day(v, f"{where}, date {i + 1}") for i, v in enumerate(values)], dtype="datetime64[D]"
    )


def _month_index(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[M]")
    return months.astype(np.int64)


def infer_period(days: np.ndarray) -> Period:
    """The period of a sorted, duplicate-free series, from the spacing of its dates."""
    if days.size < 2:
        return "irregular"
    steps = np.diff(days.astype(np.int64))
    smallest = int(steps.min())
    same_day_of_month = np.all(
        days == days.astype("datetime64[M]") + (days[0] - days[0].astype("datetime64[M]"))
    )
    if same_day_of_month or bool(np.all(days == days.astype("datetime64[M]"))):
        month_steps = np.diff(_month_index(days))
        if np.all(month_steps % 12 == 0) and month_steps.min() == 12:
            return "year"
        if np.all(month_steps % 3 == 0) and month_steps.min() == 3:
            return "quarter"
        if month_steps.min() == 1:
            return "month"
    if smallest == 7 and np.all(steps % 7 == 0):
        return "week"
    if smallest == 1:
        return "day"
    return "irregular"


def missing_periods(days: np.ndarray, period: Period) -> np.ndarray:
    """Dates on the regular grid between the first and last date that have no row."""
    if days.size < 2 or period == "irregular":
        return np.zeros(0, dtype="datetime64[D]")
    if period in ("day", "week"):
        step = 1 if period == "day" else 7
        grid = np.arange(days[0], days[-1] + np.timedelta64(1, "D"), np.timedelta64(step, "D"))
    else:
        step = {"month": 1, "quarter": 3, "year": 12}[period]
        offset = days[0] - days[0].astype("datetime64[M]")
        months = np.arange(
            days[0].astype("datetime64[M]"),
            days[-1].astype("datetime64[M]") + np.timedelta64(1, "M"),
            np.timedelta64(step, "M"),
        )
        grid = months.astype("datetime64[D]") + offset
        # A day-of-month beyond a short month's end is not a real grid point; keep real ones only.
        grid = grid[grid.astype("datetime64[M]") == months]
    return np.setdiff1d(grid, days)


def add_periods(day: np.datetime64 | dt.date, period: Period, count: int) -> dt.date:
    """The date `count` periods after `day` ("day", "week", "month", "quarter" or "year")."""
    d = np.datetime64(day, "D")
    if period in ("day", "week"):
        return (d + np.timedelta64(count * (7 if period == "week" else 1), "D")).astype(dt.date)
    months = {"month": 1, "quarter": 3, "year": 12}[period] * count
    start = d.astype("datetime64[M]")
    offset = d - start.astype("datetime64[D]")
    target = start + np.timedelta64(months, "M")
    # Keep the day of the month, but never run past the end of a shorter month.
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return min(target.astype("datetime64[D]") + offset, last).astype(dt.date)


def format_date(day: np.datetime64 | dt.date) -> str:
    """'3 March 2025', as CONTENT.md asks."""
    d = day if isinstance(day, dt.date) else day.astype(dt.date)
    return f"{d.day} {d:%B %Y}"


def format_period(day: np.datetime64 | dt.date, period: Period) -> str:
    d = day if isinstance(day, dt.date) else day.astype(dt.date)
    if period == "month":
        return f"{d:%B %Y}"
    if period == "week":
        return f"the week starting {format_date(d)}"
    return format_date(d)
