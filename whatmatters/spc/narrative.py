"""Plain-English sentences about one series, at two reading levels.

- `committee`: for a committee or board; uses the CONTENT.md committee words.
- `easy_read`: for a lived-experience forum; short sentences, no statistics words.

Each says what the latest data show, whether anything changed more than chance would explain and since
when, and whether the target is likely to be met. Rule names never appear here (they belong in the
"about this chart" detail).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dates import format_date, format_period
from .numbers import shown
from .results import SeriesResult

LEVELS = ("committee", "easy_read")


@dataclass(frozen=True)
class Narrative:
    committee: list[str]
    easy_read: list[str]

    def text(self, level: str = "committee") -> str:
        return " ".join(self.committee if level == "committee" else self.easy_read)


@dataclass(frozen=True)
class _Signal:
    kind: str  # point type name of the signal
    start: int
    end: int  # inclusive


def latest_signal(result: SeriesResult) -> _Signal | None:
    """The most recent stretch of points in the current group flagged the same way, if any."""
    group_now = result.group[-1] if result.group.size else 0
    types = result.point_types
    flagged = [
        i
        for i in range(len(types))
        if types[i] != "common_cause" and result.group[i] == group_now and not result.excluded[i]
    ]
    if not flagged:
        return None
    end = flagged[-1]
    kind = types[end]
    start = end
    i = end - 1
    while i >= 0 and result.group[i] == group_now:
        if types[i] == kind:
            start = i
        elif not (result.missing[i] or result.excluded[i]):
            break
        i -= 1
    return _Signal(kind, start, end)


_COMMITTEE_CHANGE = {
    "special_cause_improvement": "Improving: a change unlikely to be chance",
    "special_cause_concern": "Concern: a change unlikely to be chance",
    "special_cause_neutral_high": "Higher than usual",
    "special_cause_neutral_low": "Lower than usual",
}
_EASY_CHANGE = {
    "special_cause_improvement": "Getting better",
    "special_cause_concern": "Getting worse",
    "special_cause_neutral_high": "Higher than usual",
    "special_cause_neutral_low": "Lower than usual",
}


def narrate(result: SeriesResult) -> Narrative:
    committee: list[str] = []
    easy: list[str] = []
    latest = result.latest_index
    if latest is None:
        return Narrative(["There are no values to show yet."], ["We have no results to show yet."])
    period = result.period if result.period != "irregular" else "day"
    unit = result.unit
    when = format_period(result.dates[latest], period)
    value = shown(result.values[latest], unit)
    committee.append(f"The latest value is {value}, for {when}.")
    easy.append(f"The latest result is {value}, for {when}.")

    if result.trial_limits:
        committee.append("Early days: limits will change as more data arrive.")
        easy.append("It is too early to tell.")
        early_committee, early_easy = enough_data_sentences(result)
        committee.append(early_committee)
        easy.append(early_easy)

    _change_sentences(result, latest, period, committee, easy)
    _range_sentence(result, latest, unit, committee)
    _recalculation_sentences(result, period, committee, easy)
    _target_sentences(result, latest, unit, committee, easy)
    return Narrative(committee, easy)


def _change_sentences(
    result: SeriesResult, latest: int, period: str, committee: list[str], easy: list[str]
) -> None:
    signal = latest_signal(result)
    if signal is None:
        committee.append("No significant change: the results vary as much as we would expect by chance.")
        easy.append("About the same as usual.")
        return
    since = format_period(result.dates[signal.start], period)
    if signal.end == latest or result.variation is not None and result.variation.name != "common_cause":
        committee.append(f"{_COMMITTEE_CHANGE[signal.kind]}, since {since}.")
        easy.append(f"{_EASY_CHANGE[signal.kind]}. This started {_easy_when(since)}.")
        return
    until = format_period(result.dates[signal.end], period)
    committee.append(
        f"{_COMMITTEE_CHANGE[signal.kind]}, from {since} to {until}. No significant change since then."
    )
    easy.append(
        f"{_EASY_CHANGE[signal.kind]} for a while, from {since} to {until}. Now about the same as usual."
    )


def _easy_when(since: str) -> str:
    # "in March 2025", "in the week starting 3 March 2025", "on 3 March 2025".
    return f"on {since}" if since[0].isdigit() else f"in {since}"


def _range_sentence(result: SeriesResult, latest: int, unit: str, committee: list[str]) -> None:
    lo, hi = result.lower[latest], result.upper[latest]
    if np.isfinite(lo) and np.isfinite(hi) and result.chart != "run":
        low, high = shown(lo, unit), shown(hi, unit)
        committee.append(f"The range we expect most results to fall in is {low} to {high}.")


def _recalculation_sentences(
    result: SeriesResult, period: str, committee: list[str], easy: list[str]
) -> None:
    for g in result.groups[1:] if result.groups and result.groups[0].number == 0 else result.groups:
        day = format_date(g.start)
        reason = g.reason.strip().rstrip(".")
        because = f" because {reason}" if reason else ""
        committee.append(f"Limits recalculated from {day}{because}.")
        easy.append(f"We changed how we work on {day}.")


def enough_data_sentences(result: SeriesResult) -> tuple[str, str]:
    """When there will be enough data (committee words, easy-read words). Making Data Count judges
    neither the target nor a change on trial limits, so say from which period the chart can, if a value
    arrives for every period. The chart shows the same words where its target icon would be."""
    total = result.points_for_firm_limits
    has_target = bool(np.isfinite(result.target).any()) and result.options.direction != "neutral"
    day = result.enough_data_from
    if day is None:
        lead = f"When there are {total} points"
        easy_when = f"when we have {total} results"
    else:
        when = format_period(day, result.period)
        lead = f"From {when}, with {total} points"
        easy_when = _easy_when(when)
    if has_target:
        return (
            f"{lead}, this chart can say whether the target will be met.",
            f"We can say if we will meet our goal {easy_when}.",
        )
    return f"{lead}, there will be enough data to judge change.", f"We will know more {easy_when}."


def _in_sentence(label: str) -> str:
    """'Local ambition' → 'local ambition' inside a sentence; 'NHS standard' keeps its capitals."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _target_sentences(
    result: SeriesResult, latest: int, unit: str, committee: list[str], easy: list[str]
) -> None:
    period = result.period if result.period != "irregular" else "day"
    when = format_period(result.dates[latest], period)
    main_present = bool(np.isfinite(result.target).any())
    for k, (label, values) in enumerate(result.target_lines):
        is_main = k == 0 and main_present
        value = values[latest]
        if not np.isfinite(value):
            continue
        words = shown(value, unit)
        changes = bool(np.nanmax(values) != np.nanmin(values))
        name = _in_sentence(label)
        if is_main and label == "Target" and not changes:
            committee.append(f"The target is {words}.")
            easy.append(f"Our goal is {words}.")
        elif is_main:
            for_when = f" for {when}" if changes else ""
            committee.append(f"The {name}{for_when} is {words}.")
            easy.append(f"Our goal{for_when} is {words}.")
        else:
            for_when = f" for {when}" if changes else ""
            committee.append(f"The {name}{for_when} is {words}.")
            easy.append(f"The {name}{for_when} is {words}.")
        assurance = result.assurance if is_main else None
        if assurance is not None:
            committee[-1] += f" {assurance.committee}."
            easy[-1] += f" {assurance.easy_read}."
