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
from whatmatters.framework.models import TYPED_BY_HAND, Measure, Value, ValueChange
from whatmatters.framework.models import ValueSource as Source
from whatmatters.spc.numbers import shown

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
    """What was done (or, for a dry run, would be done) to one value. "keep": a value typed by hand that
    the row would have replaced, kept because the caller asked to keep them (`keep_typed`)."""

    action: str  # "create", "replace", "remove" or "keep"
    measure: str  # the measure's code
    period: dt.date
    old: dict[str, float | None] | None = None  # the stored numbers (replace, remove, keep)
    new: dict[str, float | None] | None = None  # the row's numbers (create, replace, keep)
    name: str = ""  # the measure's name
    old_source: str = ""  # which feeder wrote the stored value


def _numbers(value: Value) -> dict[str, float | None]:
    return {name: getattr(value, name) for name in NUMBERS}


@dataclass
class Written:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0  # values typed by hand left as they were (`keep_typed`)
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
    keep_typed: bool = False,
    dry_run: bool = False,
) -> Written:
    """Create, replace or leave alone each row's value, in one transaction, and say what was done.

    `source` is the feeder; `by` the person who wrote the values (None for a feeder no one typed into);
    `import_ref` the upload or extract they came from ("upload 12", "extract 3"). With `replace=False`
    values already stored are left alone (demo data only fills gaps); with `keep_typed=True` values typed by
    hand (the form or the data grid) are left alone and listed as kept. With `dry_run=True` nothing is written
    and the answer says what would have been. Every value created, replaced or removed gets a `ValueChange`
    (who, when, how, old and new numbers). A row repeating an earlier row's measure and period is refused:
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
    changes: list[ValueChange] = []

    def changed(action: str, row: Row, old: dict[str, float | None] | None, at: dt.datetime) -> None:
        new = row.numbers() if action != "remove" else {}
        changes.append(
            ValueChange(
                measure=row.measure,
                period=row.period,
                action=action,
                source=source,
                by=history["updated_by"],
                import_ref=import_ref,
                at=at,
                **{f"old_{k}": v for k, v in (old or {}).items()},
                **{f"new_{k}": v for k, v in new.items()},
            )
        )

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
                old = _numbers(stored)
                written.changes.append(
                    Change("remove", row.measure.code, row.period, old=old, name=row.measure.name)
                )
                if not dry_run:
                    stored.delete()  # audited
                    changed("remove", row, old, now)
                continue
            if stored is None:
                written.created += 1
                written.changes.append(
                    Change("create", row.measure.code, row.period, new=row.numbers(), name=row.measure.name)
                )
                if dry_run:
                    continue
                changed("create", row, None, now)
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
            old = _numbers(stored)
            if keep_typed and stored.source in TYPED_BY_HAND and old != row.numbers():
                written.kept += 1
                written.changes.append(
                    Change(
                        "keep",
                        row.measure.code,
                        row.period,
                        old=old,
                        new=row.numbers(),
                        name=row.measure.name,
                        old_source=stored.source,
                    )
                )
                continue
            written.replaced += 1
            written.changes.append(
                Change(
                    "replace",
                    row.measure.code,
                    row.period,
                    old=old,
                    new=row.numbers(),
                    name=row.measure.name,
                    old_source=stored.source,
                )
            )
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
            if old != row.numbers():  # a changed note alone is not a change of the value
                changed("replace", row, old, stored.updated_at)
        for pk, new in bulk.items():
            Value.objects.bulk_create(new, batch_size=_BATCH)
            measure = measures[pk]
            record(
                Action.CREATE,
                obj=measure,
                team=measure.team,
                summary=_BULK_SUMMARY[source].format(count=len(new), code=measure.code),
            )
        if changes:
            ValueChange.objects.bulk_create(changes, batch_size=_BATCH)
    return written


# --- A value's history, in words ----------------------------------------------------------------


def _day(at: dt.datetime) -> str:
    day = timezone.localtime(at).date()
    return f"{day.day} {day:%B %Y}"


def _from(source: str, name: str, import_ref: str, at: dt.datetime) -> str:
    when = _day(at)
    if source == Source.TYPED:
        return f"Typed by {name}, {when}" if name else f"Typed in, {when}"
    if source == Source.GRID:
        return f"Typed in the data grid by {name}, {when}" if name else f"Typed in the data grid, {when}"
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


@dataclass(frozen=True)
class HistoryLine:
    """One saved change of a value, in words: "3 December 2026, 14:05", "Upload 12, by Sam Lead", "Replaced",
    "68", "66"."""

    when: str
    how: str
    action: str
    old: str
    new: str


def numbers_in_words(numbers: dict[str, float | None] | None) -> str:
    """A value's numbers as people read them: "66", "12 out of 20"; "" for none."""
    numbers = numbers or {}
    numerator, denominator = numbers.get("numerator"), numbers.get("denominator")
    if numerator is not None or denominator is not None:
        return f"{shown(numerator)} out of {shown(denominator)}"
    value = numbers.get("value")
    return "" if value is None else shown(value)


def _in_words(change: ValueChange, prefix: str) -> str:
    return numbers_in_words({name: getattr(change, f"{prefix}{name}") for name in NUMBERS})


def history(measure: Measure) -> dict[dt.date, list[HistoryLine]]:
    """Every saved change of each of the measure's values, newest first, by period, in one query."""
    out: dict[dt.date, list[HistoryLine]] = {}
    changes = ValueChange.objects.filter(measure=measure).select_related("by")
    for change in changes:
        at = timezone.localtime(change.at)
        name = change.by.full_name if change.by_id and change.by else ""
        out.setdefault(change.period, []).append(
            HistoryLine(
                when=f"{at.day} {at:%B %Y}, {at:%H:%M}",
                how=_how(change.source, name, change.import_ref),
                action=change.get_action_display(),
                old=_in_words(change, "old_") or "None",
                new=_in_words(change, "new_") or "None",
            )
        )
    return out


def _how(source: str, name: str, import_ref: str) -> str:
    by = f", by {name}" if name else ""
    if source == Source.TYPED:
        return "Typed on the form" + by
    if source == Source.GRID:
        return "Typed in the data grid" + by
    if source == Source.IMPORT:
        what = import_ref[:1].upper() + import_ref[1:] if import_ref else "An imported file"
        return what + by
    if source == Source.API:
        return "Sent through the API" + by
    if source == Source.WAITING_LIST:
        return f"Waiting-list {import_ref}" if import_ref else "A waiting-list extract"
    if source == Source.SURVEY:
        return "Survey answers"
    if source == Source.EXCELLENCE:
        return "Excellence reports"
    if source == Source.DEMO:
        return "Demo data"
    return "Not recorded"
