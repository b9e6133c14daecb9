"""Derived measures: the flow core's weekly and monthly values saved as framework measures and values.

Each team gets one framework `Measure` per derived measure and frequency (data source: waiting-list
extract), so they appear on dashboards and SPC charts like any other measure. Saving is an upsert on
(measure, period) by `framework.measures.values.write_values`: new values are added in batches (with one
audit event per measure), a changed value is saved one by one so the audit log shows what it replaced, and an
unchanged value is left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whatmatters.flow.measures import MEASURES, MeasureValue
from whatmatters.framework.measures.values import Row as ValueRow
from whatmatters.framework.measures.values import Source, write_values
from whatmatters.framework.models import DataSource, Direction, Frequency, Measure, MeasureType

FREQUENCIES = {"week": Frequency.WEEKLY, "month": Frequency.MONTHLY}
WAIT_MEASURES = (
    "referrals",
    "waiting_list",
    "waiting_over_standard",
    "median_completed_wait",
    "completed_within_standard",
    "waiting_within_standard",
    "dna_rate",
)
WARD_MEASURES = ("admissions", "discharges", "occupancy", "length_of_stay")

# code -> (type, chart, direction, uses a denominator)
SHAPE: dict[str, tuple[str, str, str, bool]] = {
    "referrals": (MeasureType.PROCESS, "c", Direction.NEUTRAL, False),
    "waiting_list": (MeasureType.OUTCOME, "xmr", Direction.DECREASE, False),
    "waiting_over_standard": (MeasureType.OUTCOME, "xmr", Direction.DECREASE, False),
    "median_completed_wait": (MeasureType.OUTCOME, "xmr", Direction.DECREASE, False),
    "completed_within_standard": (MeasureType.OUTCOME, "p", Direction.INCREASE, True),
    "waiting_within_standard": (MeasureType.OUTCOME, "p", Direction.INCREASE, True),
    "dna_rate": (MeasureType.PROCESS, "p", Direction.DECREASE, True),
    "admissions": (MeasureType.PROCESS, "c", Direction.NEUTRAL, False),
    "discharges": (MeasureType.PROCESS, "c", Direction.NEUTRAL, False),
    "occupancy": (MeasureType.BALANCING, "xmr", Direction.NEUTRAL, True),
    "length_of_stay": (MeasureType.OUTCOME, "xmr", Direction.NEUTRAL, False),
}


def measure_code(core_code: str, period: str) -> str:
    return f"wl-{core_code.replace('_', '-')}-{'weekly' if period == 'week' else 'monthly'}"


@dataclass
class SaveCounts:
    measures_created: int = 0
    values_created: int = 0
    values_replaced: int = 0
    values_removed: int = 0
    values_unchanged: int = 0


def _measure_fields(core_code: str, period: str, standard_days: int | None) -> dict[str, Any]:
    definition = MEASURES[core_code]
    measure_type, chart, direction, ratio = SHAPE[core_code]
    standard = f" The standard is {standard_days} days." if standard_days else ""
    word = "Weekly" if period == "week" else "Monthly"
    return {
        "name": f"{definition.name} ({word.lower()})",
        "measure_type": measure_type,
        "description": definition.description + standard,
        "operational_definition": (
            f"{definition.description}{standard} Worked out from the pseudonymised waiting-list extract each "
            f"time one is imported. {word} periods"
            + (" start on Monday." if period == "week" else " are calendar months.")
        ),
        "numerator": definition.description if ratio else "",
        "denominator": "See the operational definition." if ratio else "",
        "unit": definition.unit,
        "chart": chart,
        "direction": direction,
        "uses_denominator": ratio,
        "multiply": 100.0 if ratio else 1.0,
        "frequency": FREQUENCIES[period],
        "data_source": DataSource.WAITING_LIST,
        "owner": "",
        "collection": "Imported from the waiting-list extract (Waiting lists and flow).",
    }


def _numbers(value: MeasureValue) -> dict[str, float | None] | None:
    """The numbers to store, or None when the period has nothing to show (never a misleading 0%)."""
    if SHAPE[value.measure][3]:
        if not value.denominator:
            return None
        return {
            "value": None,
            "numerator": float(value.numerator or 0),
            "denominator": float(value.denominator),
        }
    if value.value is None:
        return None
    return {"value": float(value.value), "numerator": None, "denominator": None}


def save_derived(
    team: Any,
    values: Iterable[MeasureValue],
    *,
    standard_days: int | None,
    codes: tuple[str, ...],
    import_ref: str = "",
) -> SaveCounts:
    """Create or refresh the team's derived measures and values (through `write_values`, which keeps
    `import_ref`, e.g. "extract 3", with each value). Call inside a transaction."""
    counts = SaveCounts()
    by_measure: dict[tuple[str, str], list[MeasureValue]] = defaultdict(list)
    for value in values:
        if value.measure in codes:
            by_measure[(value.measure, value.period)].append(value)
    existing_measures = {
        m.code: m for m in Measure.objects.filter(team=team, data_source=DataSource.WAITING_LIST)
    }
    position = Measure.objects.filter(team=team).count()
    for (core_code, period), items in sorted(by_measure.items()):
        code = measure_code(core_code, period)
        measure = existing_measures.get(code)
        if measure is None:
            measure = Measure.objects.create(
                team=team, code=code, position=position, **_measure_fields(core_code, period, standard_days)
            )
            position += 1
            counts.measures_created += 1
        rows = []
        for item in items:
            numbers = _numbers(item)
            if numbers is None:  # nothing to show for the period: a stored value is removed (audited)
                rows.append(ValueRow(measure, item.period_start, remove=True))
            else:
                rows.append(ValueRow(measure, item.period_start, **numbers))
        written = write_values(rows, source=Source.WAITING_LIST, import_ref=import_ref)
        counts.values_created += written.created
        counts.values_replaced += written.replaced
        counts.values_unchanged += written.unchanged
        counts.values_removed += written.removed
    return counts
