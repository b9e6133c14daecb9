"""What is shown for a measure, and what is hidden and why: the icons with their words, the sentences, the
chart and the latest value, built from the one SPC result (`results.results_for`).

Dashboards, reports, the API and exports lay out what `shown_for` gives them. Whether a number is small
enough to hide is decided only by `whatmatters.disclosure` (`is_small`, `rate_is_suppressed`,
`suppress_measured`), so 7.6 people is treated the same everywhere: it rounds to 8, so it is shown (as 10).

Read by people outside the team (`outside_team`), a chart and its sentence are left out when they would show
a count of people or a rate worked out from 1 to 7 people; the icons and their words stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from whatmatters.disclosure import SUPPRESSED, is_small, rate_is_suppressed, suppress_measured
from whatmatters.framework.measures.baselines import RecalculationLine, recalculations
from whatmatters.framework.measures.results import MeasureSpc
from whatmatters.framework.models import Measure, period_label
from whatmatters.spc.icons import Icon
from whatmatters.spc.narrative import narrate
from whatmatters.spc.numbers import shown as number
from whatmatters.spc.svg import Highlight, render_svg

# Units that say a measure's values are numbers of people (a c chart always counts).
PEOPLE_UNITS = frozenset(
    {
        "people",
        "person",
        "service users",
        "patients",
        "carers",
        "referrals",
        "admissions",
        "staff",
        "responses",
        "contacts",
        "people waiting",
    }
)

HIDDEN_SMALL = (
    "Some results come from fewer than 8 people, so we do not show this chart or its numbers. "
    "This protects people's privacy."
)
HIDDEN_COUNT = (
    "This measure counts people. In reports we round counts to the nearest 5 and hide counts from 1 to 7, "
    "so we show them in the table, not on a chart."
)
EASY_HIDDEN = "We do not show these numbers, to keep people's details private."


def counts_people(measure: Measure) -> bool:
    """Is each value a number of people (so it must be controlled like one)?"""
    return measure.chart == "c" or measure.unit.strip().lower() in PEOPLE_UNITS


def chart_would_disclose(measure: Measure, item: MeasureSpc) -> str:
    """Why the chart must be left out outside the team ("" when it may be shown)."""
    if measure.needs_denominator:
        if any(rate_is_suppressed(v.numerator, v.denominator) for v in item.values.values()):
            return HIDDEN_SMALL
        return ""
    if counts_people(measure):
        if any(is_small(v.value) for v in item.values.values()):
            return HIDDEN_SMALL
        return HIDDEN_COUNT
    return ""


@dataclass
class Shown:
    """One measure as any page, report or export may show it."""

    item: MeasureSpc
    variation: Icon | None = None
    assurance: Icon | None = None
    committee: list[str] = field(default_factory=list)
    easy_read: list[str] = field(default_factory=list)
    svg: str = ""
    hidden: str = ""  # why the chart and its sentences are left out ("" when they are shown)
    latest: str = ""  # the latest value as text ("*" when it is hidden); "" when there is none
    latest_period: str = ""
    suppressed: bool = False  # the latest value is hidden
    # Where the limits were recalculated, why, and who agreed it (one line each, under the chart).
    recalculations: list[RecalculationLine] = field(default_factory=list)

    @property
    def measure(self) -> Measure:
        return self.item.measure


def latest_shown(item: MeasureSpc, *, outside_team: bool) -> tuple[str, str, bool]:
    """The latest value as text, its period in words, and whether it is hidden."""
    measure, result = item.measure, item.result
    if result is None or result.latest_index is None:
        return "", "", False
    index = result.latest_index
    day = result.dates[index].astype("datetime64[D]").astype(dt.date)
    value = item.values.get(day)
    when = period_label(measure.frequency, day)
    if outside_team and value is not None and measure.needs_denominator:
        if rate_is_suppressed(value.numerator, value.denominator):
            return SUPPRESSED, when, True
    elif outside_team and value is not None and value.value is not None and counts_people(measure):
        count = suppress_measured(value.value)
        if count == SUPPRESSED:
            return SUPPRESSED, when, True
        return number(float(count), measure.unit), when, False
    return number(float(result.values[index]), measure.unit), when, False


def shown_for(
    item: MeasureSpc,
    *,
    outside_team: bool,
    chart: bool = True,
    id_prefix: str = "chart",
    level: str = "committee",
    highlight: Highlight | None = None,
) -> Shown:
    """What may be shown of one measure's SPC result. `chart`: draw the chart (with `id_prefix` and the
    words of `level`, marking `highlight`) when it may be shown; `outside_team`: read by people outside the
    measure's team."""
    shown = Shown(item=item)
    result = item.result
    if result is None:
        return shown
    shown.latest, shown.latest_period, shown.suppressed = latest_shown(item, outside_team=outside_team)
    shown.variation = result.variation
    shown.assurance = result.assurance
    shown.hidden = chart_would_disclose(item.measure, item) if outside_team else ""
    shown.recalculations = recalculations(item)
    if not shown.hidden:
        story = item.story or narrate(result)
        shown.committee = list(story.committee)
        shown.easy_read = list(story.easy_read)
        if chart and not shown.suppressed:
            shown.svg = render_svg(result, id_prefix=id_prefix, level=level, highlight=highlight)
    return shown
