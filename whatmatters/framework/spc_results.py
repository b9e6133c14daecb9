"""One data path from stored values to SPC results: the measure page, dashboards, reports and the API all
call `spc_for_team`, so a chart, its icon and its sentence can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whatmatters.framework.models import Annotation, Measure, Value, period_grid, period_start
from whatmatters.spc import Annotation as SpcAnnotation
from whatmatters.spc import Recalculation, Series, SeriesOptions, SpcInputError, analyse_many
from whatmatters.spc.results import SeriesResult


@dataclass
class MeasureSpc:
    """A measure's period grid, its values, its annotations and (when there are values) its SPC result."""

    measure: Measure
    periods: list[dt.date] = field(default_factory=list)
    values: dict[dt.date, Value] = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)
    result: SeriesResult | None = None
    error: str = ""

    @property
    def missing_periods(self) -> list[dt.date]:
        return [p for p in self.periods if p not in self.values]

    def rows(self) -> list[tuple[dt.date, Value | None]]:
        """Newest period first, with None for a period that has no value yet."""
        return [(p, self.values.get(p)) for p in reversed(self.periods)]


def last_complete_period(frequency: str, today: dt.date | None = None) -> dt.date:
    """The period before the one we are in now: the latest one that can have a value."""
    today = today or dt.date.today()
    return period_start(frequency, period_start(frequency, today) - dt.timedelta(days=1))


def series_for(item: MeasureSpc) -> Series:
    measure = item.measure
    grid = item.periods
    ratio = measure.needs_denominator
    values: list[float | None] = []
    denominators: list[float | None] = []
    for period in grid:
        value = item.values.get(period)
        if value is None:
            values.append(None)
            denominators.append(None)
        elif ratio:
            values.append(value.numerator)
            denominators.append(value.denominator)
        else:
            values.append(value.value)
            denominators.append(None)
    in_grid = set(grid[1:])
    recalculations: dict[dt.date, Recalculation] = {}
    notes = []
    for annotation in item.annotations:
        start = period_start(measure.frequency, annotation.date)
        if annotation.new_baseline and start in in_grid and start not in recalculations:
            recalculations[start] = Recalculation(start, annotation.reason or annotation.text)
        if start in set(grid):
            notes.append(SpcAnnotation(start, annotation.text))
    return Series(
        dates=grid,
        values=values,
        denominators=denominators if ratio else None,
        options=SeriesOptions(
            chart=measure.chart,
            direction=measure.direction,
            target=measure.target,
            recalculations=tuple(sorted(recalculations.values(), key=lambda r: r.date)),
            multiply=measure.multiply if ratio else 1.0,
            annotations=tuple(notes),
        ),
        name=measure.name,
        unit=measure.unit,
    )


def spc_for_team(
    team: Any, measures: Iterable[Measure] | None = None, today: dt.date | None = None
) -> list[MeasureSpc]:
    """SPC results for a team's measures (all of them, or those given), in three queries and one pass."""
    chosen = list(measures) if measures is not None else list(Measure.objects.for_team(team))
    chosen = [m for m in chosen if m.team_id == team.pk]
    ids = [m.pk for m in chosen]
    by_measure: dict[int, dict[dt.date, Value]] = defaultdict(dict)
    for value in Value.objects.filter(measure_id__in=ids, measure__team=team).order_by("period"):
        by_measure[value.measure_id][value.period] = value
    notes: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in Annotation.objects.filter(measure_id__in=ids, measure__team=team):
        notes[annotation.measure_id].append(annotation)
    items: list[MeasureSpc] = []
    for measure in chosen:
        values = by_measure.get(measure.pk, {})
        for value in values.values():
            value.measure = measure  # saves a query per value when the page shows it
        item = MeasureSpc(measure=measure, values=values, annotations=notes.get(measure.pk, []))
        if values:
            first = min(values)
            last = max(max(values), last_complete_period(measure.frequency, today))
            item.periods = period_grid(measure.frequency, first, last)
        items.append(item)
    with_data = [item for item in items if any(_has_number(v, item.measure) for v in item.values.values())]
    series = []
    usable = []
    for item in with_data:
        try:
            series.append(series_for(item))
            usable.append(item)
        except SpcInputError as error:  # pragma: no cover - validation stops bad values earlier
            item.error = str(error)
    if series:
        try:
            batch = analyse_many(series)
            for index, item in enumerate(usable):
                item.result = batch[index]
        except SpcInputError:
            # One bad series must not hide the others: analyse them one by one.
            for item, one in zip(usable, series, strict=True):
                try:
                    item.result = analyse_many([one])[0]
                except SpcInputError as error:
                    item.error = str(error)
    return items


def _has_number(value: Value, measure: Measure) -> bool:
    if measure.needs_denominator:
        return value.numerator is not None and bool(value.denominator)
    return value.value is not None
