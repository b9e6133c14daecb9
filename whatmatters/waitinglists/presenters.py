"""Chart data, tables and sentences for a team's flow and Plan ahead pages.

The work is done once per change of the data and kept in Django's cache: a team's saved rows are loaded
into an in-memory DuckDB connection with the tables the flow core expects, the core's clock rules,
analytics and forecasts run on them (`flow.charts`, `flow.forecast`), and the result is stored under a key
that names the data it came from (`data_version`: every saved import, and the team's codes, clock rules
and beds). A new import or a changed clock rule gives a new key, so nothing stale is shown; a page view
with the same data reads the result and never rebuilds DuckDB. Only the team's own rows are read.
"""

# SQL here is built from the contract's fixed table and column names only.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max

from whatmatters.flow import contract, forecast
from whatmatters.flow.charts import Chart, FlowCharts, long_date, waits_charts, ward_charts
from whatmatters.flow.clocks import compute_waits
from whatmatters.flow.database import connect
from whatmatters.flow.svg import Band, Line, line_chart
from whatmatters.imports import safe
from whatmatters.waitinglists.models import (
    ClockPause,
    ClockRuleChoice,
    Contact,
    ExtractImport,
    ExtractTeam,
    Referral,
    WardStay,
)

__all__ = ["Chart", "FlowPage", "Plan", "data_version", "flow_page", "plan_ahead", "plan_csv"]

HORIZON_WEEKS = 52
MAX_BIN = 52
# Keys name the data they came from, so a kept result is never stale: the time limit only frees memory.
CACHE_SECONDS = 24 * 60 * 60

# --- Loading and keeping ---------------------------------------------------------------------------


def _load(team: Any) -> duckdb.DuckDBPyConnection:
    """The team's saved rows in a new in-memory DuckDB, in the tables and columns of the contract."""
    con = connect()
    for spec in contract.FILES:
        cols = ", ".join(
            f"{c.name} {'DATE' if c.kind is contract.Kind.DATE else 'VARCHAR'}" for c in spec.columns
        )
        con.execute(f"CREATE TABLE {spec.name} (row BIGINT, {cols})")
    sources = {
        "referrals": (Referral.objects.filter(team=team), {"team_id": "team_code"}),
        "contacts": (Contact.objects.filter(team=team), {}),
        "ward_stays": (WardStay.objects.filter(team=team), {}),
        "clock_pauses": (ClockPause.objects.filter(team=team), {}),
    }
    for name, (queryset, renamed) in sources.items():
        _insert(con, name, queryset, renamed)
    return con


def _insert(con: duckdb.DuckDBPyConnection, name: str, queryset: Any, renamed: dict[str, str]) -> None:
    spec = contract.FILES_BY_NAME[name]
    model_fields = {f.name for f in queryset.model._meta.concrete_fields}
    columns = [c.name for c in spec.columns if renamed.get(c.name, c.name) in model_fields]
    rows = list(queryset.values_list(*[renamed.get(c, c) for c in columns]))
    if not rows:
        return
    frame = {
        c: np.array(["" if v is None else str(v) for v in (r[i] for r in rows)], dtype=object)
        for i, c in enumerate(columns)
    }
    con.register("frame", frame)
    select = ", ".join(
        f"CAST(nullif({c}, '') AS DATE)" if spec.column(c).kind is contract.Kind.DATE else f"nullif({c}, '')"
        for c in columns
    )
    # row: a running number, unique in the table as the clock rules need (there is no file row here)
    con.execute(
        f"INSERT INTO {name} (row, {', '.join(columns)}) SELECT row_number() OVER () + 1, {select} FROM frame"
    )
    con.unregister("frame")


def data_version(codes: list[ExtractTeam]) -> str:
    """A short name for the data a page is worked out from: it changes when an import is saved (any
    import can move rows between teams) and when one of the team's codes, clock rules or beds changes."""
    saved = ExtractImport.objects.filter(status=ExtractImport.Status.SAVED).aggregate(
        n=Count("pk"), last_pk=Max("pk"), last_finished=Max("finished_at")
    )
    setting = sorted((c.pk, c.code, c.clock_rule, c.beds) for c in codes)
    text = repr((saved["n"], saved["last_pk"], saved["last_finished"], setting))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _kept[T](key: str, build: Callable[[], T]) -> T:
    """The result kept under `key`, or `build()`'s, kept for next time."""
    found = cache.get(key)
    if found is not None:
        return found[0]
    value = build()
    cache.set(key, (value,), CACHE_SECONDS)
    return value


def _census(team: Any) -> date | None:
    job = (
        ExtractImport.objects.filter(teams=team, status=ExtractImport.Status.SAVED)
        .order_by("-extract_date")
        .only("extract_date")
        .first()
    )
    return job.extract_date if job else None


def _setting(team: Any) -> tuple[list[ExtractTeam], list[ExtractTeam]]:
    codes = list(ExtractTeam.objects.filter(team=team))
    return [c for c in codes if c.clock_rule != ClockRuleChoice.WARD], [
        c for c in codes if c.clock_rule == ClockRuleChoice.WARD
    ]


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


def _flow_charts(
    team: Any, census: date, waits_codes: list[ExtractTeam], wards: list[ExtractTeam]
) -> FlowCharts:
    con = _load(team)
    try:
        found = waits_charts(con, waits_codes[0].clock_rule, census) if waits_codes else FlowCharts()
        charts = list(found.charts)
        for ward in wards:
            charts.extend(ward_charts(con, ward.code, ward.beds, census))
    finally:
        con.close()
    return FlowCharts(found.rule_label, found.rule_description, tuple(charts))


def flow_page(team: Any, census_text: str = "") -> FlowPage:
    page = FlowPage(latest=_census(team))
    if page.latest is None:
        return page
    _asked_census(page, census_text)
    census = page.census
    assert census is not None  # noqa: S101 - set above
    waits_codes, wards = _setting(team)
    key = f"waitinglists:flow:{team.pk}:{census.isoformat()}:{data_version(waits_codes + wards)}"
    found = _kept(key, lambda: _flow_charts(team, census, waits_codes, wards))
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
    svg: str = ""
    sentence: str = ""
    needed: str = ""


def _baseline(team: Any, rule_name: str, census: date) -> forecast.PlanBaseline | None:
    """Calibrate the forecast on the team's waits (the one part that needs DuckDB)."""
    con = _load(team)
    try:
        rule = compute_waits(con, rule_name, census)
        rows = con.execute("SELECT clock_start, clock_stop, status FROM waits").fetchall()
        [(missed, due)] = con.execute(
            "SELECT count(*) FILTER (WHERE attend_status = '3'), "
            "count(*) FILTER (WHERE attend_status IN ('3', '5', '6', '7')) FROM contacts"
        ).fetchall()
    finally:
        con.close()
    return forecast.plan_baseline(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] == "stopped" for r in rows],
        census,
        rule.standard_days,
        missed=missed,
        due=due,
        max_bin=MAX_BIN,
    )


def _measures(base: forecast.PlanBaseline) -> list[tuple[str, str]]:
    return [
        ("Referrals a week (last 12 weeks)", f"{base.demand:.1f}"),
        ("People helped a week (last 12 weeks)", f"{base.capacity:.1f}"),
        ("People waiting now", f"{base.waiting_now:,.0f}"),
        ("Load (referrals ÷ people helped)", f"{forecast.queue_load(base.demand, base.capacity):.2f}"),
        ("Target list size for the standard", f"{base.target_size:,.0f}"),
        (
            "People helped a week needed to keep the list at that size",
            f"{forecast.target_capacity(base.demand, base.target_weeks):.1f}",
        ),
        (
            "People helped a week needed to reach that size in 26 weeks",
            f"{forecast.relief_capacity(base.demand, base.waiting_now, base.target_size):.1f}",
        ),
        ("Pressure (above 1 means waits are too long)", f"{base.pressure:.2f}"),
        ("Missed appointments", f"{100 * base.dna_rate:.0f}%"),
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


def _lay_out_scenario(plan: Plan, base: forecast.PlanBaseline, run: forecast.Scenario) -> None:
    plan.weeks, plan.referrals, plan.appointments = run.weeks, run.referrals, run.appointments
    plan.central, plan.low, plan.high = run.central, run.low, run.high
    plan.share_within = run.share_within
    plan.sentence = (
        f"With these choices, the list is expected to go from {base.waiting_now:,.0f} to about "
        f"{plan.central[-1]:,.0f} people in a year (9 times in 10 between {plan.low[-1]:,.0f} and "
        f"{plan.high[-1]:,.0f}, from chance alone)."
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
        f"{run.needed.sentence} Over the last 12 weeks it helped about {base.capacity:.0f} people a week."
    )


def plan_ahead(team: Any, form: Any) -> Plan:
    plan = Plan(census=_census(team))
    waits_codes, wards = _setting(team)
    if plan.census is None or not waits_codes:
        plan.reason = "There is no waiting-list data for this team yet."
        return plan
    census, rule_name = plan.census, waits_codes[0].clock_rule
    key = f"waitinglists:plan:{team.pk}:{census.isoformat()}:{data_version(waits_codes + wards)}"
    base = _kept(key, lambda: _baseline(team, rule_name, census))
    if base is None:
        plan.reason = "There are too few referrals in the last six months to plan ahead."
        return plan
    plan.standard_days = base.standard_days
    plan.demand, plan.capacity, plan.dna_rate = base.demand, base.capacity, base.dna_rate
    plan.measures = _measures(base)
    levers = _levers(form, base.dna_rate)
    target_date = form.value("target_date") or None
    target_share = (form.value("target_share") or 92) / 100
    # the same choices on the same data give the same scenario (the fan chart's seed is fixed)
    asked = hashlib.sha256(repr((levers, target_date, target_share)).encode()).hexdigest()[:20]
    run = _kept(
        f"{key}:{asked}",
        lambda: forecast.scenario(
            base, levers, target_date=target_date, target_share=target_share, horizon_weeks=HORIZON_WEEKS
        ),
    )
    _lay_out_scenario(plan, base, run)
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
        ]
    )
    for i, week in enumerate(plan.weeks):
        writer.writerow(
            [
                week.isoformat(),
                f"{plan.referrals[i]:.2f}",
                f"{plan.appointments[i]:.2f}",
                f"{plan.central[i]:.1f}",
                f"{plan.low[i]:.1f}",
                f"{plan.high[i]:.1f}",
                f"{plan.share_within[i]:.1f}",
            ]
        )
    return buffer.getvalue()
