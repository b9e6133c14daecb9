"""Governed baselines: when the measure page suggests starting new limits, and the words for limits that were
recalculated.

A suggestion comes only from the SPC result's own shift signal: the rule set flags every point of a run of
its shift length (7 by default) on one side of the centre line. When the latest point is part of such a run,
inside the current limits, the limits could start again from the run's first point. It is a suggestion and
never automatic (NHSRplotthedots maintainers and MDC training advise against automatic rebasing: PTD #142,
#151): a person with the right role accepts it with a reason, or passes over it (`framework.actions`).

A trend, a single point outside the limits or two of three close to a limit never suggest it: only a lasting
shift in level does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from whatmatters.framework.measures.results import MeasureSpc
from whatmatters.framework.models import Annotation, period_label, period_start
from whatmatters.spc.dates import format_date
from whatmatters.spc.results import SeriesResult
from whatmatters.spc.svg import Highlight


@dataclass(frozen=True)
class Suggestion:
    """Start new limits from `start`: the latest `points` points are all on one side of the centre line."""

    start: dt.date  # the first period of the run, where the new limits would start
    first: int  # the run's first and last point, as positions in the result
    last: int
    side: int  # +1 above the centre line, -1 below
    when: str  # the start in words: "March 2026", "the week starting 2 March 2026"
    text: str  # the sentence the measure page shows

    @property
    def points(self) -> int:
        return self.last - self.first + 1

    @property
    def highlight(self) -> Highlight:
        """The run, marked on the chart."""
        return Highlight(self.first, self.last, self.text)


def current_shift(result: SeriesResult) -> tuple[int, int, int] | None:
    """(first, last, side) of the shift the latest point is part of, in its group; None when there is none.

    Read from the result's shift flags, so it says exactly what the chart's rule set says. A missing value or
    a point on the centre line ends a run there (the flags already say so).
    """
    last = result.latest_index
    if last is None:
        return None
    flags, group = result.flags["shift"], result.group
    side = int(flags[last])
    if side == 0:
        return None
    first = last
    while first > 0 and int(flags[first - 1]) == side and group[first - 1] == group[last]:
        first -= 1
    return first, last, side


def _centre_word(result: SeriesResult) -> str:
    return "median" if result.chart == "run" else "average"


def suggestion_for(item: MeasureSpc) -> Suggestion | None:
    """The suggestion to start new limits, if the chart shows a lasting shift nobody has decided on yet."""
    result = item.result
    if result is None:
        return None
    shift = current_shift(result)
    if shift is None:
        return None
    first, last, side = shift
    if first == 0 or result.group[first - 1] != result.group[first]:
        return None  # the run already starts the current limits: starting them again would change nothing
    start: dt.date = result.dates[first].astype("datetime64[D]").astype(dt.date)
    measure = item.measure
    if measure.baseline_dismissed_from == start:
        return None
    when = period_label(measure.frequency, start)
    where = "above" if side > 0 else "below"
    text = (
        f"The last {last - first + 1} points are all {where} the {_centre_word(result)}. "
        f"If a change you made has lasted, you can start new limits from {when}."
    )
    return Suggestion(start=start, first=first, last=last, side=side, when=when, text=text)


@dataclass(frozen=True)
class RecalculationLine:
    """One place where the limits start again: from when, why, and who agreed it when (if we know)."""

    start: dt.date
    reason: str
    who: str = ""
    agreed_on: dt.date | None = None

    @property
    def committee(self) -> str:
        reason = self.reason.strip().rstrip(".")
        because = f" because {reason}." if reason else "."
        words = f"Limits recalculated from {format_date(self.start)}{because}"
        if self.who and self.agreed_on:
            words += f" Agreed by {self.who} on {format_date(self.agreed_on)}."
        elif self.who:
            words += f" Agreed by {self.who}."
        return words

    @property
    def easy_read(self) -> str:
        reason = self.reason.strip().rstrip(".")
        return f"We changed how we work on {format_date(self.start)}" + (f": {reason}." if reason else ".")

    def text(self, level: str = "committee") -> str:
        return self.committee if level == "committee" else self.easy_read


def _agreed_by(item: MeasureSpc, start: dt.date) -> Annotation | None:
    """The event that starts the limits again at `start` (the first one, as the SPC series takes it)."""
    frequency = item.measure.frequency
    for annotation in item.annotations:
        if annotation.new_baseline and period_start(frequency, annotation.date) == start:
            return annotation
    return None


def recalculations(item: MeasureSpc) -> list[RecalculationLine]:
    """Every place the chart's limits were recalculated, oldest first, from the SPC result's own groups."""
    result = item.result
    if result is None:
        return []
    out = []
    for group in result.groups:
        if group.number == 0:
            continue
        annotation = _agreed_by(item, group.start)
        who, agreed_on = "", None
        if annotation is not None and annotation.created_by_id is not None:
            who = str(annotation.created_by)
            agreed_on = timezone.localdate(annotation.created_at)
        out.append(RecalculationLine(group.start, group.reason, who, agreed_on))
    return out
