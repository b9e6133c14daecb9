"""The one SPC path on stored measures: the measure page, dashboards, reports, the CSV export and the API
all call `results_for`, so a chart, its icon and its sentence can never disagree, and a report for a past
period shows the same centre line and limits as the CSV export cut at the same day (`as_of`).

`tests/framework/test_one_spc_path_and_one_rule_for_hiding.py` fails if anything outside this package calls
the SPC engine's analyse functions on stored measures.

The SPC results and their sentences are kept in Django's cache (`tests/framework/test_spc_results_cache.py`).
The key is a digest of everything the analysis reads: every period, value and denominator, the chart and its
options, every event, recalculation and target. That digest is the version: a new or changed value, event,
recalculation or target, or a change to the measure itself, gives a new key, so a kept result is never stale
whichever process (web, task worker, command) wrote the change and however (a form, an import, the API), and
no signal has to remember to bump anything. What stays per request is reading the rows, which the page shows:
as plain rows (`StoredValue`), not model instances, with the digest of each measure's inputs (`read`), so a
page can keep what it shows under that digest too (the dashboard's cards, `dashboards.cards`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from whatmatters.framework.models import (
    Annotation,
    Measure,
    MeasureTarget,
    Value,
    period_grid,
    period_start,
)
from whatmatters.spc import Annotation as SpcAnnotation
from whatmatters.spc import Recalculation, Series, SeriesOptions, SpcInputError, TargetChange, analyse_many
from whatmatters.spc.model import TargetLine
from whatmatters.spc.narrative import Narrative, narrate
from whatmatters.spc.results import SeriesResult

# Bump when the SPC engine or the sentences change what they make of the same inputs.
CACHE_VERSION = 1
# Keys name the inputs, so a kept result is never stale: the time limit only frees memory.
CACHE_SECONDS = 24 * 60 * 60


# The columns of a stored value the pages read: read as plain rows, not model instances (a page reads
# hundreds of values, and building a model instance, with its audit bookkeeping, costs more than the row).
VALUE_COLUMNS = ("measure_id", "period", "value", "numerator", "denominator", "note")


class StoredValue:
    """One stored value as every reader of `results_for` sees it: the period, the numbers and the note.
    `framework.measures.values` writes values; this is only what was read."""

    __slots__ = ("measure", "period", "value", "numerator", "denominator", "note")

    def __init__(
        self,
        measure: Measure,
        period: dt.date,
        value: float | None,
        numerator: float | None,
        denominator: float | None,
        note: str,
    ) -> None:
        self.measure, self.period, self.note = measure, period, note
        self.value, self.numerator, self.denominator = value, numerator, denominator

    @property
    def shown(self) -> float | None:
        """The number people read: the value, or numerator ÷ denominator × the measure's multiplier."""
        if self.numerator is not None and self.denominator:
            return self.numerator / self.denominator * self.measure.multiply
        return self.value

    def __repr__(self) -> str:
        return f"StoredValue({self.measure.code} {self.period.isoformat()})"


@dataclass
class MeasureSpc:
    """A measure's period grid, its values, its annotations and (when there are values) its SPC result."""

    measure: Measure
    periods: list[dt.date] = field(default_factory=list)
    values: dict[dt.date, StoredValue] = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)
    targets: list[MeasureTarget] = field(default_factory=list)
    result: SeriesResult | None = None
    error: str = ""
    # The sentences about `result` (spc.narrative), worked out with it and kept with it.
    story: Narrative | None = None
    # A digest of every stored input (`inputs_digest`): what a page keeps under it is never stale.
    inputs: str = ""

    @property
    def missing_periods(self) -> list[dt.date]:
        return [p for p in self.periods if p not in self.values]

    def rows(self) -> list[tuple[dt.date, StoredValue | None]]:
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
    target, others = target_lines(measure, item.targets, grid[0] if grid else None)
    return Series(
        dates=grid,
        values=values,
        denominators=denominators if ratio else None,
        options=SeriesOptions(
            chart=measure.chart,
            direction=measure.direction,
            target=target,
            target_label=main_target_label(measure),
            other_targets=others,
            recalculations=tuple(sorted(recalculations.values(), key=lambda r: r.date)),
            multiply=measure.multiply if ratio else 1.0,
            annotations=tuple(notes),
            period="week" if measure.frequency == "weekly" else "month",
        ),
        name=measure.name,
        unit=measure.unit,
    )


def main_target_label(measure: Measure) -> str:
    return measure.target_label.strip() or "Target"


def is_main_line(measure: Measure, label: str) -> bool:
    """A trajectory row without a name, or named like the measure's target, changes the judged target."""
    name = label.strip().casefold()
    return name in ("", main_target_label(measure).casefold())


def target_lines(
    measure: Measure, rows: Iterable[MeasureTarget], first: dt.date | None
) -> tuple[float | tuple[TargetChange, ...] | None, tuple[TargetLine, ...]]:
    """The judged target (one number, or its changes over time) and the further named lines.

    The measure's own target holds from the first period until the first row of its line; each row holds
    from its period until the next row of the same line. With no rows the target is the one number, as
    before targets could change over time.
    """
    main: list[TargetChange] = []
    others: dict[str, list[TargetChange]] = {}
    for row in sorted(rows, key=lambda r: r.starts):
        change = TargetChange(row.starts, row.value)
        if is_main_line(measure, row.label):
            main.append(change)
        else:
            others.setdefault(row.label.strip(), []).append(change)
    lines = tuple(TargetLine(label, tuple(changes)) for label, changes in others.items())
    if not main:
        return measure.target, lines
    if measure.target is not None and first is not None and main[0].start > first:
        main.insert(0, TargetChange(first, measure.target))
    return tuple(main), lines


def results_for(
    team: Any, measures: Iterable[Measure] | None = None, *, as_of: dt.date | None = None
) -> list[MeasureSpc]:
    """SPC results for a team's measures (all of them, or those given), in three queries and one pass.

    `as_of`: the results as they stood at the end of that day. Values for periods after it and notes dated
    after it are left out before anything is analysed, and the grid of periods runs to the last period that
    was complete the next day, so a report on last year never describes this year and the CSV export cut at
    the same day shows the same limits. Without it, the results are as they stand today.
    """
    return analyse(read(team, measures, as_of=as_of))


def _row(obj: Any) -> tuple[Any, ...]:
    """Every stored field of a model instance, in the model's order: a row as the database holds it."""
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def inputs_digest(
    measure: Measure,
    values: Iterable[tuple[Any, ...]],
    annotations: Iterable[Annotation],
    targets: Iterable[MeasureTarget],
    grid_end: dt.date,
) -> str:
    """A digest of everything stored that a measure's results and its cards can read: every field of the
    measure, every value row (period, numbers, note), every field of every event and target row, and the
    last period of its grid (which moves on with the calendar). Any change to any of them, by any route,
    gives another digest."""
    key = (
        CACHE_VERSION,
        _row(measure),
        tuple(values),
        tuple(_row(a) for a in annotations),
        tuple(sorted(_row(t) for t in targets)),
        grid_end,
    )
    return hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()


def read(
    team: Any, measures: Iterable[Measure] | None = None, *, as_of: dt.date | None = None
) -> list[MeasureSpc]:
    """Each measure's period grid, values, events and targets, and the digest of them (`inputs`), in three
    queries, without analysing anything (`analyse` does that): a page that keeps what it shows under the
    digest need not analyse at all. `as_of` as `results_for`."""
    today = as_of + dt.timedelta(days=1) if as_of is not None else None
    chosen = list(measures) if measures is not None else list(Measure.objects.for_team(team))
    chosen = [m for m in chosen if m.team_id == team.pk]
    ids = [m.pk for m in chosen]
    stored = Value.objects.filter(measure_id__in=ids, measure__team=team)
    written = Annotation.objects.filter(measure_id__in=ids, measure__team=team).select_related("created_by")
    if as_of is not None:
        stored = stored.filter(period__lte=as_of)
        written = written.filter(date__lte=as_of)
    rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in stored.order_by("measure_id", "period").values_list(*VALUE_COLUMNS):
        rows[row[0]].append(row)
    notes: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in written:
        notes[annotation.measure_id].append(annotation)
    lines: dict[int, list[MeasureTarget]] = defaultdict(list)
    for target in MeasureTarget.objects.filter(measure_id__in=ids, measure__team=team):
        lines[target.measure_id].append(target)
    items: list[MeasureSpc] = []
    for measure in chosen:
        mine = rows.get(measure.pk, [])
        values = {row[1]: StoredValue(measure, *row[1:]) for row in mine}
        item = MeasureSpc(
            measure=measure,
            values=values,
            annotations=notes.get(measure.pk, []),
            targets=lines.get(measure.pk, []),
        )
        last_complete = last_complete_period(measure.frequency, today)
        if values:
            first = min(values)
            item.periods = period_grid(measure.frequency, first, max(max(values), last_complete))
        item.inputs = inputs_digest(measure, mine, item.annotations, item.targets, last_complete)
        items.append(item)
    return items


def analyse(items: list[MeasureSpc]) -> list[MeasureSpc]:
    """Fill in each item's SPC result and sentences (from the cache when these exact inputs were analysed
    before); an item without a usable value keeps none. Returns the same items."""
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
        for item, result, story in zip(usable, *_analysed(series), strict=True):
            if result is None:
                item.error = str(story)
            else:
                item.result, item.story = result, story  # type: ignore[assignment]
    return items


def series_key(series: list[Series]) -> str:
    """The cache key for these series' results: a digest of every input the analysis reads (the dataclasses'
    reprs hold every date, value, denominator, option, event, recalculation and target)."""
    digest = hashlib.blake2b(repr(series).encode(), digest_size=20).hexdigest()
    return f"spc:{CACHE_VERSION}:{digest}"


def _analysed(series: list[Series]) -> tuple[list[SeriesResult | None], list[Narrative | str]]:
    """Each series' result and sentences (or, for a series the engine refuses, None and the reason), from the
    cache when these exact inputs were analysed before."""
    key = series_key(series)
    kept = cache.get(key)
    if kept is not None:
        return kept
    results: list[SeriesResult | None]
    try:
        results = list(analyse_many(series))
        stories: list[Narrative | str] = [narrate(r) for r in results]
    except SpcInputError:
        # One bad series must not hide the others: analyse them one by one.
        results, stories = [], []
        for one in series:
            try:
                result = analyse_many([one])[0]
                results.append(result)
                stories.append(narrate(result))
            except SpcInputError as error:
                results.append(None)
                stories.append(str(error))
    cache.set(key, (results, stories), CACHE_SECONDS)
    return results, stories


def _has_number(value: StoredValue, measure: Measure) -> bool:
    """A value the SPC engine can use: a number, or for a rate a numerator and a denominator above 0."""
    if measure.needs_denominator:
        return value.numerator is not None and bool(value.denominator)
    return value.value is not None
