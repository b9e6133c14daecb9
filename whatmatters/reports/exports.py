"""CSV export of measure values and SPC results, for a team or the whole programme.

- SPC results come from `results_for` (the one data path); `as_of` cuts them at a report's last day, so the
  export and that report show the same centre lines and limits for the same month.
- What is hidden is decided by `framework.measures.shown` and `whatmatters.disclosure`, as in reports.
- Counts of people go through `whatmatters.disclosure`, as in reports: numerators and denominators always,
  values of measures that count people; rates from 1 to 7 people are "*", and so are that period's centre
  line and limits (a p chart's limits would give the denominator away).
- One rule for what is hidden, the page's: a measure whose chart the page leaves out outside the team
  (`shown.chart_would_disclose` gives a reason: small numbers, or a count of people) has no SPC columns at
  all (centre, limits, point, icons), so the export never gives the exact centre line and limits of a
  count of people that the page shows only rounded (docs/privacy.md). The icons are on the page and in
  the workbook's summary sheet.
- `target` is the judged target in force for the period (targets over time), as the chart draws it.
- Every cell goes through `imports.safe.writer`: text starting with = + - @ | %, a tab, a carriage return or
  a new line gets a leading ' so a spreadsheet never runs it as a formula (reliability.md §2.4). Numbers,
  and text that is just a number such as -3, are left alone so negative numbers survive.
- Value notes are free text that nobody approved, so they are never exported.
- The programme CSV (admins and faculty only) holds only the measures each team shares with the programme,
  read through the same `report_measures` as programme reports.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from whatmatters.disclosure import SUPPRESSED, rate_is_suppressed, suppress_measured
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import chart_would_disclose, counts_people
from whatmatters.imports import safe
from whatmatters.reports.presenters import report_measures
from whatmatters.spc.numbers import exact
from whatmatters.spc.svg import POINT_WORDS

COLUMNS = [
    ("team", "text"),
    ("measure_code", "text"),
    ("measure_name", "text"),
    ("unit", "text"),
    ("period", "text"),
    ("numerator", "number"),
    ("denominator", "number"),
    ("value", "number"),
    ("centre", "number"),
    ("lower_limit", "number"),
    ("upper_limit", "number"),
    ("target", "number"),
    ("point", "text"),
    ("variation", "text"),
    ("assurance", "text"),
]


def _count(x: float | None) -> str:
    return "" if x is None else str(suppress_measured(x))


def measure_rows(
    team: Any, *, programme: bool = False, as_of: dt.date | None = None
) -> Iterable[dict[str, str]]:
    """One row per period of each of the team's measures (only its shared ones for the programme CSV),
    newest last. `as_of`: the values and SPC results as they stood at the end of that day, as a report
    whose period ends that day shows them (the same centre lines and limits)."""
    measures = list(report_measures(team, programme))
    for item in results_for(team, measures, as_of=as_of):
        measure, result = item.measure, item.result
        hide_spc = bool(chart_would_disclose(measure, item))  # as the page: no chart, none of its numbers
        people = counts_people(measure)
        points = result.points() if result is not None else []
        by_date = {p["date"]: p for p in points}
        variation = result.variation.committee if result is not None and result.variation else ""
        assurance = result.assurance.committee if result is not None and result.assurance else ""
        for period in item.periods:
            v = item.values.get(period)
            point = by_date.get(period.isoformat(), {})
            row = {
                "team": team.name,
                "measure_code": measure.code,
                "measure_name": measure.name,
                "unit": measure.unit,
                "period": period.isoformat(),
                "numerator": "",
                "denominator": "",
                "value": "",
                "centre": "",
                "lower_limit": "",
                "upper_limit": "",
                "target": exact(point["target"]) if "target" in point else exact(measure.target),
                "point": "",
                "variation": "" if hide_spc else variation,
                "assurance": "" if hide_spc else assurance,
            }
            small = False
            if v is not None:
                if measure.needs_denominator:
                    small = rate_is_suppressed(v.numerator, v.denominator)
                    row["numerator"] = _count(v.numerator)
                    row["denominator"] = _count(v.denominator)
                    row["value"] = SUPPRESSED if small else exact(v.shown)
                elif people:
                    row["value"] = _count(v.value)
                else:
                    row["value"] = exact(v.value)
            if point and not hide_spc and not small:
                row["centre"] = exact(point.get("centre"))
                row["lower_limit"] = exact(point.get("lower"))
                row["upper_limit"] = exact(point.get("upper"))
                kind = point.get("point_type")
                row["point"] = POINT_WORDS.get(kind, "") if v is not None and kind else ""
            yield row


def write_csv(teams: Iterable[Any], *, programme: bool = False, as_of: dt.date | None = None) -> str:
    """The CSV text for these teams: one team's measures, or (`programme`) the shared measures of every
    team of the programme; `as_of` cuts them at the end of that day (see `measure_rows`)."""
    out = io.StringIO()
    writer = safe.writer(out)
    writer.writerow([name for name, _ in COLUMNS])
    for team in teams:
        for row in measure_rows(team, programme=programme, as_of=as_of):
            writer.writerow([row[name] for name, _ in COLUMNS])
    return out.getvalue()
