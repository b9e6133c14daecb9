"""The data grid: a team's typed-in measures as rows and a range of periods as columns, saved in one submit.

Each cell is checked exactly as the single-period form checks it (`check_numbers`); if any cell is wrong,
nothing is saved and every wrong cell says why, beside it. The values are written by `write_values`, the one
way any app writes values, as typed values by the person who saved them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from whatmatters.framework.measures.importing import check_numbers
from whatmatters.framework.measures.results import last_complete_period
from whatmatters.framework.measures.values import Row, Source, Written, write_values
from whatmatters.framework.models import DataSource, Frequency, Measure, Value, period_label, period_start
from whatmatters.spc.numbers import exact

PERIOD_COUNTS = (3, 6, 12, 24)
DEFAULT_COUNT = 12
ENDINGS_OFFERED = 36  # how many periods back the "up to" list reaches
COLUMN_WORDS = {"value": "value", "numerator": "numerator", "denominator": "denominator"}


def typed_measures(team: Any, frequency: str) -> list[Measure]:
    """The team's measures whose values people type in, for one frequency, in plan order."""
    return list(Measure.objects.for_team(team).filter(data_source=DataSource.MANUAL, frequency=frequency))


def frequencies_with_measures(team: Any) -> list[str]:
    found = set(
        Measure.objects.for_team(team)
        .filter(data_source=DataSource.MANUAL)
        .values_list("frequency", flat=True)
    )
    return [f for f in Frequency.values if f in found]


def previous_period(frequency: str, start: dt.date) -> dt.date:
    return period_start(frequency, start - dt.timedelta(days=1))


def short_label(frequency: str, start: dt.date) -> str:
    """A column heading: "Jan 2025", or the Monday a week starts on ("3 Mar 2025")."""
    if frequency == Frequency.WEEKLY:
        return f"{start.day} {start:%b %Y}"
    return f"{start:%b %Y}"


@dataclass(frozen=True)
class Range:
    """Which periods the grid shows: `count` periods of `frequency`, the last one starting on `last`."""

    frequency: str
    last: dt.date
    count: int
    frequencies: tuple[str, ...]

    @property
    def periods(self) -> list[dt.date]:
        out = [self.last]
        while len(out) < self.count:
            out.append(previous_period(self.frequency, out[-1]))
        return out[::-1]

    def endings(self, today: dt.date | None = None) -> list[tuple[str, str]]:
        """The periods the grid may end on, latest first: the current period and the ones before it."""
        current = period_start(self.frequency, today or dt.date.today())
        out = []
        for _ in range(ENDINGS_OFFERED):
            out.append((current.isoformat(), period_label(self.frequency, current)))
            current = previous_period(self.frequency, current)
        return out

    def query(self) -> str:
        return f"frequency={self.frequency}&to={self.last.isoformat()}&periods={self.count}"


def range_from(query: QueryDict, frequencies: list[str], today: dt.date | None = None) -> Range:
    """The range a link or the range form asked for; anything missing or wrong falls back to the last 12
    complete periods (never a period after the current one, never more than the longest range offered)."""
    today = today or dt.date.today()
    frequency = query.get("frequency", "")
    if frequency not in frequencies:
        frequency = frequencies[0] if frequencies else Frequency.MONTHLY
    current = period_start(frequency, today)
    last = last_complete_period(frequency, today)
    try:
        asked = dt.date.fromisoformat(query.get("to", ""))
    except ValueError:
        asked = None
    if asked is not None:
        asked = period_start(frequency, asked)
        oldest = current
        for _ in range(ENDINGS_OFFERED - 1):
            oldest = previous_period(frequency, oldest)
        if oldest <= asked <= current:
            last = asked
    try:
        count = int(query.get("periods", ""))
    except ValueError:
        count = DEFAULT_COUNT
    if count not in PERIOD_COUNTS:
        count = DEFAULT_COUNT
    return Range(frequency, last, count, tuple(frequencies))


@dataclass
class Cell:
    name: str  # the form field's name: m<measure id>_<period YYYYMMDD>_<column>
    measure: Measure
    period: dt.date
    column: str  # value, numerator or denominator
    label: str  # for screen readers: the measure, the column and the period
    value: str  # what the box holds: the stored number, or what was typed
    was: str | None = None  # the stored number when the grid was opened (None: not known)
    error: str = ""

    @property
    def id(self) -> str:
        return f"id_{self.name}"


@dataclass
class GridRow:
    measure: Measure
    column: str
    heading: str  # "Numerator: what we count" under the measure's name, or "" for a single value
    cells: list[Cell]


@dataclass
class Grid:
    """The cells of one team's grid for one range, filled with stored values or with what was typed."""

    range: Range
    measures: list[Measure]
    rows: list[GridRow] = field(default_factory=list)
    errors: list[Cell] = field(default_factory=list)
    entries: list[Row] = field(default_factory=list)

    @property
    def labels(self) -> list[tuple[str, str]]:
        return [
            (short_label(self.range.frequency, p), period_label(self.range.frequency, p))
            for p in self.periods
        ]

    @property
    def periods(self) -> list[dt.date]:
        return self.range.periods


def _columns(measure: Measure) -> list[tuple[str, str]]:
    if measure.needs_denominator:
        return [
            ("numerator", f"Numerator: {measure.numerator or 'what we count'}"),
            ("denominator", f"Denominator: {measure.denominator or 'what we divide by'}"),
        ]
    return [("value", f"Value ({measure.unit})" if measure.unit else "")]


WAS = "__was"  # the hidden field beside each box: what it held when the grid was opened


def _shown(stored: Value | None, column: str) -> str:
    return exact(getattr(stored, column)) if stored is not None else ""


def _in_words(stored: Value | None) -> str:
    if stored is None:
        return "empty"
    if stored.measure.needs_denominator:
        return f"{exact(stored.numerator)} out of {exact(stored.denominator)}"
    return exact(stored.value)


def build(grid_range: Range, measures: list[Measure], data: QueryDict | None = None) -> Grid:
    """The grid's cells. Without `data` they hold the stored values; with it (a submitted grid) they hold
    exactly what was typed, each (measure, period) the person changed is checked, and `entries` holds the
    values to save when there are no errors. A period changed by someone else since the grid was opened is an
    error at its cell, so a value is never replaced by one its writer did not see."""
    periods = grid_range.periods
    stored = {
        (v.measure_id, v.period): v
        for v in Value.objects.filter(measure__in=measures, period__gte=periods[0], period__lte=periods[-1])
    }
    grid = Grid(grid_range, measures)
    by_key: dict[tuple[int, dt.date], dict[str, Cell]] = {}
    for measure in measures:
        for column, heading in _columns(measure):
            cells = []
            for period in periods:
                name = f"m{measure.pk}_{period:%Y%m%d}_{column}"
                now = _shown(stored.get((measure.pk, period)), column)
                if data is not None:
                    value = str(data.get(name, ""))[:100]
                    was = data.get(f"{name}{WAS}")
                    was = None if was is None else str(was)[:100]
                else:
                    value = was = now
                label = (
                    f"{measure.name}, {COLUMN_WORDS[column]}, {period_label(grid_range.frequency, period)}"
                )
                cell = Cell(name, measure, period, column, label, value, was)
                cells.append(cell)
                by_key.setdefault((measure.pk, period), {})[column] = cell
            grid.rows.append(GridRow(measure, column, heading, cells))
    if data is None:
        return grid
    for measure in measures:
        for period in periods:
            cells = by_key[(measure.pk, period)]
            typed = {column: cell.value.strip() for column, cell in cells.items()}
            if not any(typed.values()):
                continue  # nothing typed for this period: the stored value, if any, stays as it is
            if all(cell.was is not None and cell.value == cell.was for cell in cells.values()):
                continue  # as it was when the grid was opened: not this person's change to make
            current = stored.get((measure.pk, period))
            if any(
                cell.was is not None and cell.was != _shown(current, cell.column) for cell in cells.values()
            ):
                # Someone else (or an import) saved this period since the grid was opened: never overwrite
                # it unseen. The box keeps what was typed; saving again, having seen the new value, saves it.
                first = next(iter(cells.values()))
                first.error = (
                    f"Someone else changed this since you opened the grid: it is now {_in_words(current)}. "
                    "Check the value and save again."
                )
                for cell in cells.values():
                    cell.was = _shown(current, cell.column)
                continue
            parsed, problems = check_numbers(
                measure, typed.get("value"), typed.get("numerator"), typed.get("denominator")
            )
            for column, why in problems:
                cell = cells.get(column) or next(iter(cells.values()))
                cell.error = f"{cell.error} {why}".strip()
            if not problems:
                grid.entries.append(Row(measure, period, **parsed))
    grid.errors = [cell for row in grid.rows for cell in row.cells if cell.error]
    return grid


def save(grid: Grid, *, by: Any) -> Written:
    """Save every checked value of a grid without errors, in one transaction (typed, by this person).
    Notes are left as they are: the grid has no note boxes."""
    if grid.errors:
        raise ValueError("A grid with errors saves nothing")
    return write_values(grid.entries, source=Source.GRID, by=by)
