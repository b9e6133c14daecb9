"""The one way any app writes measure values.

Every feeder (typed in, an imported file, the API, surveys, waiting-list extracts, excellence reports and the
demo) works out its numbers and hands them to `write_values`, which creates, replaces or leaves alone each
value in one transaction and records the value's history: which feeder wrote it (`source`), who (`by`),
when (`updated_at`, refreshed on every create and replace) and from which upload or extract (`import_ref`).

The audit log keeps working as before: each value created, replaced or removed one at a time is audited by
the Value model's signals; the feeders that add many values at once (waiting-list extracts, demo data)
create them in bulk and write one audit entry per measure saying how many were added.

`tests/framework/test_one_way_to_write_values.py` fails if any module outside this package writes `Value`
rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from whatmatters.audit.log import Action, record
from whatmatters.framework.models import Measure, Value
from whatmatters.framework.models import ValueSource as Source

__all__ = ["Row", "Source", "Written", "write_values"]

NUMBERS = ("value", "numerator", "denominator")
IMPORT_REF_LENGTH = 40  # Value.import_ref

# Feeders that add many values at once: created in bulk (signals do not run), with one audit entry per
# measure instead of one per value, in the words each used before.
_BULK_SUMMARY = {
    Source.WAITING_LIST: "{count} values added from a waiting-list extract",
    Source.DEMO: "demo data: {count} values added to {code}",
}
_BATCH = 1000


@dataclass(frozen=True)
class Row:
    """One period of one measure, as a feeder worked it out. `note=None` leaves a stored note as it is
    (feeders that carry no notes); `remove=True` deletes the stored value (the period has nothing to show)."""

    measure: Measure
    period: dt.date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = None
    remove: bool = False

    def numbers(self) -> dict[str, float | None]:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


@dataclass(frozen=True)
class Change:
    """What was done (or, for a dry run, would be done) to one value."""

    action: str  # "create", "replace" or "remove"
    measure: str  # the measure's code
    period: dt.date


@dataclass
class Written:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)  # every create, replace and remove, in row order

    @property
    def changed(self) -> int:
        return self.created + self.replaced + self.removed


def _same(stored: Value, row: Row) -> bool:
    numbers = row.numbers()
    if any(getattr(stored, k) != v for k, v in numbers.items()):
        return False
    return row.note is None or stored.note == row.note


def _existing(rows: list[Row]) -> dict[tuple[int, dt.date], Value]:
    """The stored values the rows could touch, in one query (by measure and the rows' range of periods)."""
    if not rows:
        return {}
    measures = {r.measure.pk: r.measure for r in rows}
    first = min(r.period for r in rows)
    last = max(r.period for r in rows)
    stored = Value.objects.filter(measure_id__in=measures, period__gte=first, period__lte=last)
    out = {}
    for value in stored:
        value.measure = measures[value.measure_id]  # the caller's measure (and its team): no query per save
        out[(value.measure_id, value.period)] = value
    return out


def write_values(
    rows: Iterable[Row],
    *,
    source: Source,
    by: Any = None,
    import_ref: str = "",
    replace: bool = True,
    dry_run: bool = False,
) -> Written:
    """Create, replace or leave alone each row's value, in one transaction, and say what was done.

    `source` is the feeder; `by` the person who wrote the values (None for a feeder no one typed into);
    `import_ref` the upload or extract they came from ("upload 12", "extract 3"). With `replace=False`
    values already stored are left alone (demo data only fills gaps). With `dry_run=True` nothing is written
    and the answer says what would have been. A row repeating an earlier row's measure and period is refused:
    the caller must decide which number is right.
    """
    rows = list(rows)
    if not isinstance(source, Source):
        raise TypeError(f"source must be a Source, not {source!r}")
    import_ref = str(import_ref)[:IMPORT_REF_LENGTH]
    history = {
        "source": source,
        "updated_by": by if getattr(by, "pk", None) else None,
        "import_ref": import_ref,
    }
    written = Written(dry_run=dry_run)
    seen: set[tuple[int, dt.date]] = set()
    with transaction.atomic():
        existing = _existing(rows)
        bulk: dict[int, list[Value]] = {}
        measures: dict[int, Measure] = {}
        now = timezone.now()
        for row in rows:
            key = (row.measure.pk, row.period)
            if key in seen:
                raise ValueError(f"{row.measure.code} {row.period.isoformat()} is written twice")
            seen.add(key)
            stored = existing.get(key)
            if row.remove:
                if stored is None:
                    continue
                written.removed += 1
                written.changes.append(Change("remove", row.measure.code, row.period))
                if not dry_run:
                    stored.delete()  # audited
                continue
            if stored is None:
                written.created += 1
                written.changes.append(Change("create", row.measure.code, row.period))
                if dry_run:
                    continue
                value = Value(
                    measure=row.measure,
                    period=row.period,
                    note=row.note or "",
                    updated_at=now,
                    **row.numbers(),
                    **history,
                )
                if source in _BULK_SUMMARY:
                    bulk.setdefault(row.measure.pk, []).append(value)
                    measures[row.measure.pk] = row.measure
                else:
                    value.save()  # audited
                continue
            if not replace or _same(stored, row):
                written.unchanged += 1
                continue
            written.replaced += 1
            written.changes.append(Change("replace", row.measure.code, row.period))
            if dry_run:
                continue
            for name, number in row.numbers().items():
                setattr(stored, name, number)
            if row.note is not None:
                stored.note = row.note
            stored.updated_at = timezone.now()
            for name, item in history.items():
                setattr(stored, name, item)
            stored.save()  # audited: the log shows the value it replaced
        for pk, new in bulk.items():
            Value.objects.bulk_create(new, batch_size=_BATCH)
            measure = measures[pk]
            record(
                Action.CREATE,
                obj=measure,
                team=measure.team,
                summary=_BULK_SUMMARY[source].format(count=len(new), code=measure.code),
            )
    return written


# --- A value's history, in words ----------------------------------------------------------------


def _day(at: dt.datetime) -> str:
    day = timezone.localtime(at).date()
    return f"{day.day} {day:%B %Y}"


def _from(source: str, name: str, import_ref: str, at: dt.datetime) -> str:
    when = _day(at)
    if source == Source.TYPED:
        return f"Typed by {name}, {when}" if name else f"Typed in, {when}"
    if source == Source.IMPORT:
        what = import_ref[:1].upper() + import_ref[1:] if import_ref else "A file"
        return f"{what}, {when}" + (f", by {name}" if name else "")
    if source == Source.API:
        return f"Sent through the API by {name}, {when}" if name else f"Sent through the API, {when}"
    if source == Source.WAITING_LIST:
        return f"Waiting-list {import_ref}, {when}" if import_ref else f"Waiting-list extract, {when}"
    if source == Source.SURVEY:
        return f"Survey answers, {when}"
    if source == Source.EXCELLENCE:
        return f"Excellence reports, {when}"
    if source == Source.DEMO:
        return "Demo data"
    return "Not recorded"  # written before values kept their history


def where_from(measure: Measure) -> dict[dt.date, str]:
    """Where each of the measure's values came from, by period, in one query: "Typed by Sam Lead,
    3 December 2026", "Upload 12, 3 December 2026", "Waiting-list extract 3, 1 December 2026"."""
    rows = Value.objects.filter(measure=measure).values_list(
        "period", "source", "updated_by__full_name", "import_ref", "updated_at"
    )
    return {period: _from(source, name or "", ref, at) for period, source, name, ref, at in rows}
