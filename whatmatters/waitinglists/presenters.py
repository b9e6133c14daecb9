"""Chart data, tables and sentences for a team's flow and Plan ahead pages.

The work is done when an extract is imported (`waitinglists.results`): a page view reads the stored result
for the team's current extract and lays it out, without loading rows into DuckDB. Two things are still
worked out on request, from stored inputs, and kept in Django's cache under a key that names the import
and the choices: the flow page for an earlier census date (it does need DuckDB), and a Plan ahead scenario
for what-if choices (from the stored baseline: no DuckDB). Only the team's own rows are read.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache

from whatmatters.flow import forecast
from whatmatters.flow.charts import Chart, FlowCharts, long_date
from whatmatters.flow.svg import Band, Line, line_chart
from whatmatters.imports import safe
from whatmatters.spc.numbers import count, exact, shown
from whatmatters.waitinglists import results
from whatmatters.waitinglists.models import StoredResult

__all__ = ["Chart", "FlowPage", "Plan", "flow_page", "plan_ahead", "plan_csv"]

HORIZON_WEEKS = 52
# Keys name the data they came from, so a kept result is never stale: the time limit only frees memory.
CACHE_SECONDS = 24 * 60 * 60

# --- Keeping what is worked out on request ---------------------------------------------------------


def _kept[T](key: str, build: Callable[[], T]) -> T:
    """The result kept under `key`, or `build()`'s, kept for next time."""
    found = cache.get(key)
    if found is not None:
        return found[0]
    value = build()
    cache.set(key, (value,), CACHE_SECONDS)
    return value


# --- Flow ------------------------------------------------------------------------------------------


@dataclass
class FlowPage:
    census: date | None = None
    latest: date | None = None
    rule_label: str = ""
    rule_description: str = ""
    charts: list[Chart] = field(default_factory=list)
    census_error: str = ""


def _asked_census(page: FlowPage, census_text: str) -> None:
    """Set the page's census date from what was asked for, or say what is wrong with it."""
    assert page.latest is not None  # noqa: S101 - set by the caller
    page.census = page.latest
    if not census_text:
        return
    try:
        asked = date.fromisoformat(census_text)
    except ValueError:
        page.census_error = "Write the date as YYYY-MM-DD, for example 2025-03-31"
        return
    if asked > page.latest:
        page.census_error = (
            f"Choose a date on or before {long_date(page.latest)}, the date of the latest extract"
        )
    else:
        page.census = asked


def flow_page(team: Any, census_text: str = "") -> FlowPage:
    job = results.latest_import(team)
    page = FlowPage(latest=job.extract_date if job else None)
    if job is None:
        return page
    _asked_census(page, census_text)
    census = page.census
    assert census is not None  # noqa: S101 - set above
    codes = results.codes_for(team)
    if census == job.extract_date:
        found = FlowCharts.from_dict(results.stored(team, StoredResult.Page.FLOW, job, codes))
    else:  # an earlier census date: worked out on request, kept for the same import and setting
        setting = results.setting_version(codes[0] + codes[1])
        key = f"waitinglists:flow:{team.pk}:{census.isoformat()}:{job.pk}:{setting}"
        found = _kept(key, lambda: results.work_out_flow(team, census, *codes))
    page.rule_label, page.rule_description = found.rule_label, found.rule_description
    page.charts = list(found.charts)
    return page


# --- Plan ahead ------------------------------------------------------------------------------------


@dataclass
class Plan:
    available: bool = False
    reason: str = ""
    census: date | None = None
    standard_days: int = 0
    demand: float = 0.0
    capacity: float = 0.0
    dna_rate: float = 0.0
    measures: list[tuple[str, str]] = field(default_factory=list)
    weeks: list[date] = field(default_factory=list)
    referrals: list[float] = field(default_factory=list)
    appointments: list[float] = field(default_factory=list)
    central: list[float] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    share_within: list[float] = field(default_factory=list)
    appointments_needed: str = ""
    svg: str = ""
    sentence: str = ""
    needed: str = ""


def a_week(value: float) -> str:
    """People or appointments a week, written the same way wherever they appear."""
    return count(value) if value >= 10 else shown(value)


def _needed(result: forecast.PlanResult) -> str:
    """The appointments a week needed, as the summary, the sentence and the CSV all say it."""
    n = result.needed.appointments
    return count(n) if n is not None else "more than the team could do"


def _measures(result: forecast.PlanResult) -> list[tuple[str, str]]:
    base = result.baseline
    when = forecast._long_date(result.target_date)
    return [
        ("Referrals a week (last 12 weeks)", a_week(base.demand)),
        ("People helped a week (last 12 weeks)", a_week(base.capacity)),
        ("People who left the list without help a week (last 12 weeks)", a_week(base.left_without_help)),
        ("People waiting now", count(base.waiting_now)),
        ("People waiting now who are within the standard", f"{count(100 * base.within_now)}%"),
        ("Load (referrals ÷ people helped)", shown(base.load)),
        ("Target list size for the standard", count(base.target_size)),
        ("Pressure (above 1 means waits are too long)", shown(base.pressure)),
        ("Missed appointments", f"{count(100 * base.dna_rate)}%"),
        (
            f"Appointments a week needed for {shown(100 * result.target_share, '%')} within the standard "
            f"by the week starting {when}",
            _needed(result),
        ),
    ]


def _levers(form: Any, dna_rate: float) -> forecast.Levers:
    return forecast.Levers(
        referral_growth_pct=form.value("referral_growth_pct") or 0.0,
        capacity_change_pct=form.value("capacity_change_pct") or 0.0,
        dna_rate_now=dna_rate,
        dna_rate_change=(form.value("dna_rate_change") or 0.0) / 100,
        extra_sessions=form.value("extra_sessions") or 0.0,
        extra_weeks=form.value("extra_weeks") or 0,
    )


def _lay_out(plan: Plan, result: forecast.PlanResult) -> None:
    """Everything the page and the CSV show, from the one plan."""
    base, run = result.baseline, result.scenario
    plan.standard_days = base.standard_days
    plan.demand, plan.capacity, plan.dna_rate = base.demand, base.capacity, base.dna_rate
    plan.measures = _measures(result)
    plan.weeks, plan.referrals, plan.appointments = run.weeks, run.referrals, run.appointments
    plan.central, plan.low, plan.high = run.central, run.low, run.high
    plan.share_within = run.share_within
    plan.appointments_needed = "" if result.needed.appointments is None else str(result.needed.appointments)
    plan.sentence = (
        f"With these choices, the list is expected to go from {count(base.waiting_now)} to about "
        f"{count(plan.central[-1])} people in a year (9 times in 10 between {count(plan.low[-1])} and "
        f"{count(plan.high[-1])}, from chance alone)."
    )
    plan.svg = line_chart(
        "People waiting over the next year, with the range chance alone could give",
        plan.sentence,
        plan.weeks,
        [Line("Expected number waiting", plan.central)],
        slug="fan",
        y_label="People waiting",
        bands=[Band("9 times in 10 between these", plan.low, plan.high)],
    )
    plan.needed = (
        f"{run.needed.sentence} Over the last 12 weeks it helped about {a_week(base.capacity)} people a week."
    )


def _result(team: Any, job: Any, stored: dict[str, Any], form: Any) -> forecast.PlanResult:
    """The plan for the form's choices: the stored one when there are none, else worked out from the
    stored baseline (no DuckDB) and kept for the same import and choices."""
    base = forecast.PlanBaseline.from_dict(stored["baseline"])
    levers = _levers(form, base.dna_rate)
    target_date = form.value("target_date") or None
    target_share = (form.value("target_share") or 92) / 100
    if (levers, target_date, target_share) == (forecast.Levers(dna_rate_now=base.dna_rate), None, 0.92):
        run = forecast.Scenario.from_dict(stored["default"])
        return forecast.PlanResult(base, levers, forecast.default_target_date(base.census), 0.92, run)
    # the same choices on the same data give the same plan (the fan chart's seed is fixed)
    asked = hashlib.sha256(repr((levers, target_date, target_share)).encode()).hexdigest()[:20]
    return _kept(
        f"waitinglists:plan:{team.pk}:{job.pk}:{asked}",
        lambda: forecast.plan(
            base, levers, target_date=target_date, target_share=target_share, horizon_weeks=HORIZON_WEEKS
        ),
    )


def plan_ahead(team: Any, form: Any) -> Plan:
    job = results.latest_import(team)
    codes = results.codes_for(team)
    plan = Plan(census=job.extract_date if job else None)
    if job is None or not codes[0]:
        plan.reason = "There is no waiting-list data for this team yet."
        return plan
    stored = results.stored(team, StoredResult.Page.PLAN, job, codes)
    if stored["baseline"] is None:
        plan.reason = stored["shortfall"] or "There is no waiting-list data for this team yet."
        return plan
    _lay_out(plan, _result(team, job, stored, form))
    plan.available = True
    return plan


def plan_csv(plan: Plan) -> str:
    buffer = io.StringIO()
    writer = safe.writer(buffer)
    writer.writerow(
        [
            "week_starting",
            "referrals",
            "appointments",
            "expected_waiting",
            "low_5pct",
            "high_95pct",
            "pct_within_standard",
            "appointments_needed",
        ]
    )
    for i, week in enumerate(plan.weeks):
        writer.writerow(
            [
                week.isoformat(),
                exact(round(plan.referrals[i], 2)),
                exact(round(plan.appointments[i], 2)),
                exact(round(plan.central[i], 1)),
                exact(round(plan.low[i], 1)),
                exact(round(plan.high[i], 1)),
                exact(round(plan.share_within[i], 1)),
                plan.appointments_needed,
            ]
        )
    return buffer.getvalue()
