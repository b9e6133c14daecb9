"""Chart data, tables and sentences for a team's flow and Plan ahead pages.

A team's saved rows are loaded into an in-memory DuckDB connection with the tables the flow core expects,
then the core's clock rules, analytics and forecasts run on them. Only the team's own rows are read.
"""

# SQL here is built from the contract's fixed table and column names only.
# ruff: noqa: S608

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np

from whatmatters.flow import analytics, contract, forecast
from whatmatters.flow.clocks import compute_waits
from whatmatters.flow.database import connect
from whatmatters.flow.svg import Band, Line, bar_chart, line_chart
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

HORIZON_WEEKS = 52
MAX_BIN = 52


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _median(values: list[int]) -> float:
    return float(np.median(values)) if values else 0.0


def _load(team: Any) -> duckdb.DuckDBPyConnection:
    con = connect()
    for spec in contract.FILES:
        cols = ", ".join(
            f"{c.name} {'DATE' if c.kind is contract.Kind.DATE else 'VARCHAR'}" for c in spec.columns
        )
        con.execute(f"CREATE TABLE {spec.name} (row BIGINT, {cols})")
    sources = {
        "referrals": (
            Referral.objects.filter(team=team),
            {"team_id": "team_code"},
        ),
        "contacts": (Contact.objects.filter(team=team), {}),
        "ward_stays": (WardStay.objects.filter(team=team), {}),
        "clock_pauses": (ClockPause.objects.filter(team=team), {}),
    }
    for name, (queryset, renamed) in sources.items():
        spec = contract.FILES_BY_NAME[name]
        model_fields = {f.name for f in queryset.model._meta.concrete_fields}
        columns = [c.name for c in spec.columns if renamed.get(c.name, c.name) in model_fields]
        rows = list(queryset.values_list(*[renamed.get(c, c) for c in columns]))
        if not rows:
            continue
        frame = {
            c: np.array(["" if v is None else str(v) for v in (r[i] for r in rows)], dtype=object)
            for i, c in enumerate(columns)
        }
        con.register("frame", frame)
        select = ", ".join(
            f"CAST(nullif({c}, '') AS DATE)"
            if spec.column(c).kind is contract.Kind.DATE
            else f"nullif({c}, '')"
            for c in columns
        )
        # row: a running number, unique in the table as the clock rules need (there is no file row here)
        con.execute(
            f"INSERT INTO {name} (row, {', '.join(columns)}) "
            f"SELECT row_number() OVER () + 1, {select} FROM frame"
        )
        con.unregister("frame")
    return con


def _census(team: Any) -> date | None:
    job = (
        ExtractImport.objects.filter(teams=team, status=ExtractImport.Status.SAVED)
        .order_by("-extract_date")
        .only("extract_date")
        .first()
    )
    return job.extract_date if job else None


@dataclass
class Chart:
    slug: str
    heading: str
    sentence: str
    svg: str
    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class FlowPage:
    census: date | None = None
    latest: date | None = None
    rule_label: str = ""
    rule_description: str = ""
    charts: list[Chart] = field(default_factory=list)
    census_error: str = ""


def _setting(team: Any) -> tuple[list[ExtractTeam], list[ExtractTeam]]:
    codes = list(ExtractTeam.objects.filter(team=team))
    return [c for c in codes if c.clock_rule != ClockRuleChoice.WARD], [
        c for c in codes if c.clock_rule == ClockRuleChoice.WARD
    ]


def flow_page(team: Any, census_text: str = "") -> FlowPage:
    page = FlowPage(latest=_census(team))
    if page.latest is None:
        return page
    page.census = page.latest
    if census_text:
        try:
            asked = date.fromisoformat(census_text)
        except ValueError:
            page.census_error = "Write the date as YYYY-MM-DD, for example 2025-03-31"
        else:
            if asked > page.latest:
                page.census_error = (
                    f"Choose a date on or before {_long(page.latest)}, the date of the latest extract"
                )
            else:
                page.census = asked
    waits_codes, ward_codes = _setting(team)
    con = _load(team)
    try:
        if waits_codes:
            _waits_charts(page, con, waits_codes[0].clock_rule)
        for ward in ward_codes:
            _ward_chart(page, con, ward)
    finally:
        con.close()
    return page


def _waits_charts(page: FlowPage, con: duckdb.DuckDBPyConnection, rule_name: str) -> None:
    census = page.census
    assert census is not None  # noqa: S101 - set by the caller
    rule = compute_waits(con, rule_name, census)
    page.rule_label, page.rule_description = rule.label, rule.description
    std = rule.standard_days

    # Age profile
    profile = analytics.age_profile(con, census, std)
    labels = [f"{k}–{k + 1}" for k in range(analytics.TOP_WEEK_BIN)] + [f"{analytics.TOP_WEEK_BIN}+"]
    over = sum(n for k, n in enumerate(profile.counts) if (k + 1) * 7 > std)
    sentence = (
        f"On {_long(census)}, {profile.total:,} people were waiting. "
        + (
            f"92 in every 100 had waited less than {profile.p92_days:.0f} days. "
            if profile.p92_days is not None
            else ""
        )
        + f"The standard is {std} days ({std // 7} weeks): the red line. About {over:,} people were in "
        "weeks that reach past it. The dashed line shows the shape a list meeting the standard would have "
        "for the same number of referrals."
    )
    page.charts.append(
        Chart(
            "age-profile",
            "How long people have been waiting",
            sentence,
            bar_chart(
                "How long people have been waiting, in weeks",
                sentence,
                labels,
                profile.counts,
                slug="age-profile",
                y_label="People waiting",
                bar_name="People waiting",
                line=Line("A list that meets the standard", profile.healthy),
                marker_at=std / 7,
                marker_label=f"Standard: {std} days",
            ),
            "People waiting by weeks waited",
            ["Weeks waited", "People waiting", "A list that meets the standard"],
            [
                [labels[i], f"{n:,}", f"{profile.healthy[i]:.1f}"]
                for i, n in enumerate(profile.counts)
                if n or i < 10
            ],
        )
    )

    # Cumulative flow over the last year
    start = census - timedelta(days=364)
    flow = analytics.cumulative_flow(con, start, census)
    weekly = list(range(0, len(flow.days), 7))
    if weekly[-1] != len(flow.days) - 1:
        weekly.append(len(flow.days) - 1)
    gone = [s + r for s, r in zip(flow.stops, flow.removals, strict=True)]
    sentence = (
        f"From {_long(start)} to {_long(census)}, {flow.arrivals[-1]:,} people were referred, "
        f"{flow.stops[-1]:,} got help and {flow.removals[-1]:,} left the list without help. "
        f"The gap between the lines is the list: {flow.waiting[0]:,} people at the start, "
        f"{flow.waiting[-1]:,} at the end."
    )
    page.charts.append(
        Chart(
            "cumulative-flow",
            "People joining and leaving the list",
            sentence,
            line_chart(
                "People joining and leaving the list over the last year (running totals)",
                sentence,
                [flow.days[i] for i in weekly],
                [
                    Line("Referred (running total)", [flow.arrivals[i] for i in weekly]),
                    Line("Got help or left the list (running total)", [gone[i] for i in weekly]),
                ],
                slug="cumulative-flow",
                y_label="People since the start",
            ),
            "Running totals each week",
            ["Week ending", "Referred", "Got help", "Left without help", "Waiting"],
            [
                [
                    _long(flow.days[i]),
                    f"{flow.arrivals[i]:,}",
                    f"{flow.stops[i]:,}",
                    f"{flow.removals[i]:,}",
                    f"{flow.waiting[i]:,}",
                ]
                for i in weekly
            ],
        )
    )

    # Time to first help
    help_ = analytics.time_to_first_help_from_waits(con)
    if help_.days:
        horizon = [d for d in range(0, 15 * 7, 7)]

        def at(values: list[float], day: int) -> float:
            index = int(np.searchsorted(np.asarray(help_.days), day, side="right")) - 1
            return float(values[index]) if index >= 0 else 0.0

        helped = [100 * at(help_.help_by, d) for d in horizon]
        removed = [100 * at(help_.removed_by, d) for d in horizon]
        within = 100 * help_.share_helped_within(std)
        sentence = (
            f"Of everyone referred, about {within:.0f} in 100 got help within the standard of {std} days. "
            "People still waiting count until today; people who left the list without help are counted "
            "separately, not as if they might still get help."
        )
        page.charts.append(
            Chart(
                "time-to-help",
                "How soon people get help",
                sentence,
                line_chart(
                    "Share of people who got help, by days since referral",
                    sentence,
                    [f"{d // 7} wk" for d in horizon],
                    [Line("Got help (%)", helped), Line("Left the list without help (%)", removed)],
                    slug="time-to-help",
                    y_label="People (%)",
                    reference=(within, f"{within:.0f}% helped within {std} days"),
                    y_max=100,
                ),
                "Share helped and share who left without help, by weeks since referral",
                ["Weeks since referral", "Got help (%)", "Left without help (%)"],
                [
                    [str(d // 7), f"{h:.1f}", f"{r:.1f}"]
                    for d, h, r in zip(horizon, helped, removed, strict=True)
                ],
            )
        )

    # Little's law: the average list each month against referrals a day x average wait, and the exact
    # patient-day identity as a check on the data.
    months = _months_before(census, 12)
    checks = [analytics.littles_law(con, first, last) for first, last in months]
    check = checks[-1]
    holds = all(c.identity_holds for c in checks)
    sentence = (
        f"In the month to {_long(check.end)}, on average {check.mean_list:,.0f} people were waiting. "
        f"{check.arrivals_per_day:.1f} referrals a day times an average completed wait of "
        f"{check.mean_wait_days:.0f} days gives {check.lambda_w:,.0f}. When the two lines are far apart, the "
        "list is growing or shrinking. "
        + (
            "Counting the list day by day matches counting each person's days on it, so the data add up."
            if holds
            else "Counting the list day by day does not match counting each person's days on it: "
            "check the extract."
        )
    )
    page.charts.append(
        Chart(
            "littles-law",
            "A check on the data (Little's law)",
            sentence,
            line_chart(
                "Average number waiting each month, against referrals a day times the average wait",
                sentence,
                [c.start for c in checks],
                [
                    Line("Average number waiting", [c.mean_list for c in checks]),
                    Line("Referrals a day × average wait", [c.lambda_w for c in checks]),
                ],
                slug="littles-law",
                y_label="People",
            ),
            "Little's law check by month",
            [
                "Month",
                "Average number waiting",
                "Referrals a day",
                "Average completed wait (days)",
                "Referrals a day × average wait",
                "Days on the list, counted day by day",
                "Days on the list, counted person by person",
            ],
            [
                [
                    f"{c.start:%B %Y}",
                    f"{c.mean_list:,.1f}",
                    f"{c.arrivals_per_day:.2f}",
                    f"{c.mean_wait_days:.1f}",
                    f"{c.lambda_w:,.1f}",
                    f"{c.list_patient_days:,}",
                    f"{c.waiting_patient_days:,}",
                ]
                for c in checks
            ],
        )
    )


def _months_before(census: date, count: int) -> list[tuple[date, date]]:
    """The last `count` calendar months that ended on or before the census date, oldest first."""
    end = census if (census + timedelta(days=1)).day == 1 else census.replace(day=1) - timedelta(days=1)
    months = []
    for _ in range(count):
        first = end.replace(day=1)
        months.append((first, end))
        end = first - timedelta(days=1)
    return months[::-1]


def _ward_chart(page: FlowPage, con: duckdb.DuckDBPyConnection, ward: ExtractTeam) -> None:
    census = page.census
    assert census is not None  # noqa: S101 - set by the caller
    start = census - timedelta(days=364)
    flow = analytics.ward_flow(con, ward.code, start, census, beds=ward.beds)
    weekly = list(range(0, len(flow.days), 7))
    occupancy = flow.mean_occupancy
    median_los = float(np.median(flow.lengths_of_stay)) if flow.lengths_of_stay else None
    sentence = (
        f"Over the year to {_long(census)}, {sum(flow.admissions):,} people were admitted and "
        f"{sum(flow.discharges):,} left hospital. "
        + (
            f"On average {occupancy:.0f}% of the {ward.beds} beds were in use. "
            if occupancy is not None
            else ""
        )
        + (
            f"Half of the people who left had stayed fewer than {median_los:.0f} nights. "
            if median_los
            else ""
        )
        + f"{len(flow.long_stays)} people still in hospital have stayed more than 60 days."
    )
    lines = [Line("People on the ward", [flow.occupied[i] for i in weekly])]
    page.charts.append(
        Chart(
            f"ward-{ward.code.lower()}",
            "Ward flow: people on the ward against beds",
            sentence,
            line_chart(
                "People on the ward each week, against the number of beds",
                sentence,
                [flow.days[i] for i in weekly],
                lines,
                slug=f"ward-{ward.code.lower()}",
                y_label="People",
                reference=(float(ward.beds), f"{ward.beds} beds") if ward.beds else None,
            ),
            "People on the ward at the start of each week",
            ["Date", "People on the ward"] + (["Beds in use (%)"] if ward.beds else []),
            [
                [_long(flow.days[i]), str(flow.occupied[i])]
                + ([f"{100 * flow.occupied[i] / ward.beds:.0f}"] if ward.beds else [])
                for i in weekly
            ],
        )
    )
    page.charts.append(
        Chart(
            f"ward-movement-{ward.code.lower()}",
            "Admissions and discharges each week",
            f"Over the year to {_long(census)}, the ward admitted {sum(flow.admissions):,} people and "
            f"{sum(flow.discharges):,} left hospital: a typical week had {_median(flow.admissions):.0f} "
            f"admissions and {_median(flow.discharges):.0f} discharges.",
            line_chart(
                "Admissions and discharges each week",
                f"Admissions and discharges each week over the year to {_long(census)}.",
                flow.weeks,
                [Line("Admissions", flow.admissions), Line("Discharges", flow.discharges)],
                slug=f"ward-movement-{ward.code.lower()}",
                y_label="People a week",
            ),
            "Admissions and discharges by week",
            ["Week starting", "Admissions", "Discharges"],
            [
                [_long(w), str(a), str(d)]
                for w, a, d in zip(flow.weeks, flow.admissions, flow.discharges, strict=True)
            ],
        )
    )
    if flow.lengths_of_stay:
        bins = [0, 7, 14, 28, 56, 91, 182, 365]
        labels = [f"{lo}–{hi - 1}" for lo, hi in zip(bins, bins[1:], strict=False)] + [f"{bins[-1]}+"]
        counts = [0] * len(labels)
        for nights in flow.lengths_of_stay:
            counts[sum(1 for b in bins[1:] if nights >= b)] += 1
        median_nights = float(np.median(flow.lengths_of_stay))
        los_sentence = (
            f"{len(flow.lengths_of_stay):,} people left hospital over the year. "
            f"Half of them had stayed fewer than {median_nights:.0f} nights."
        )
        page.charts.append(
            Chart(
                f"length-of-stay-{ward.code.lower()}",
                "How long people stayed",
                los_sentence,
                bar_chart(
                    "People who left hospital, by nights in hospital",
                    los_sentence,
                    labels,
                    counts,
                    slug=f"length-of-stay-{ward.code.lower()}",
                    y_label="People",
                    bar_name="People who left hospital",
                ),
                "People who left hospital, by nights in hospital",
                ["Nights in hospital", "People"],
                [[label, f"{n:,}"] for label, n in zip(labels, counts, strict=True)],
            )
        )
    if flow.long_stays:
        page.charts.append(
            Chart(
                f"long-stays-{ward.code.lower()}",
                "Long stays",
                f"{len(flow.long_stays)} people have been in hospital for more than 60 days.",
                "",
                "People in hospital for more than 60 days (pseudonymised spell numbers)",
                ["Spell", "Admitted", "Days so far"],
                [[s.spell_id, _long(s.admission_date), str(s.days_so_far)] for s in flow.long_stays],
            )
        )


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


def plan_ahead(team: Any, form: Any) -> Plan:
    plan = Plan(census=_census(team))
    waits_codes, _ = _setting(team)
    if plan.census is None or not waits_codes:
        plan.reason = "There is no waiting-list data for this team yet."
        return plan
    census = plan.census
    con = _load(team)
    try:
        rule = compute_waits(con, waits_codes[0].clock_rule, census)
        rows = con.execute("SELECT clock_start, clock_stop, status FROM waits").fetchall()
        [(missed, due)] = con.execute(
            "SELECT count(*) FILTER (WHERE attend_status = '3'), "
            "count(*) FILTER (WHERE attend_status IN ('3', '5', '6', '7')) FROM contacts"
        ).fetchall()
    finally:
        con.close()
    plan.standard_days = std = rule.standard_days
    history_weeks = 26
    last_monday = census - timedelta(days=census.weekday())
    first_week = last_monday - timedelta(weeks=history_weeks)
    starts = [r[0] for r in rows]
    stops = [r[1] if r[1] is not None and r[1] <= census else None for r in rows]
    stopped = [r[2] == "stopped" for r in rows]
    referrals, incompletes, completes = forecast.history_by_weeks_waited(
        starts, stops, stopped, first_week, history_weeks, MAX_BIN
    )
    if referrals.sum() == 0:
        plan.reason = "There are too few referrals in the last six months to plan ahead."
        return plan
    params = forecast.calibrate(referrals, incompletes, completes)
    plan.demand = float(np.mean(referrals[-12:]))
    plan.capacity = float(np.mean(completes[-12:].sum(axis=1)))
    plan.dna_rate = missed / due if due else 0.0
    target_weeks = std / 7
    waiting_now = float(incompletes[-1].sum())
    target_size = forecast.target_queue_size(plan.demand, target_weeks)
    mean_wait = waiting_now / plan.demand if plan.demand else 0.0
    plan.measures = [
        ("Referrals a week (last 12 weeks)", f"{plan.demand:.1f}"),
        ("People helped a week (last 12 weeks)", f"{plan.capacity:.1f}"),
        ("People waiting now", f"{waiting_now:,.0f}"),
        ("Load (referrals ÷ people helped)", f"{forecast.queue_load(plan.demand, plan.capacity):.2f}"),
        (
            "Target list size for the standard",
            f"{target_size:,.0f}",
        ),
        (
            "People helped a week needed to keep the list at that size",
            f"{forecast.target_capacity(plan.demand, target_weeks):.1f}",
        ),
        (
            "People helped a week needed to reach that size in 26 weeks",
            f"{forecast.relief_capacity(plan.demand, waiting_now, target_size):.1f}",
        ),
        (
            "Pressure (above 1 means waits are too long)",
            f"{forecast.waiting_list_pressure(mean_wait, target_weeks):.2f}",
        ),
        ("Missed appointments", f"{100 * plan.dna_rate:.0f}%"),
    ]
    levers = forecast.Levers(
        referral_growth_pct=form.value("referral_growth_pct") or 0.0,
        capacity_change_pct=form.value("capacity_change_pct") or 0.0,
        dna_rate_now=plan.dna_rate,
        dna_rate_change=(form.value("dna_rate_change") or 0.0) / 100,
        extra_sessions=form.value("extra_sessions") or 0.0,
        extra_weeks=form.value("extra_weeks") or 0,
    )
    refs, cap = forecast.apply_levers(plan.demand, plan.capacity, HORIZON_WEEKS, levers)
    bins = max(1, math.ceil(std / 7))
    fan = forecast.fan_chart(incompletes[-1], refs, cap, params, bins, replications=100, seed=1)
    plan.weeks = [last_monday + timedelta(weeks=k + 1) for k in range(HORIZON_WEEKS)]
    plan.referrals, plan.appointments = refs.tolist(), cap.tolist()
    plan.central = fan.central.waiting.tolist()
    plan.low, plan.high = fan.waiting[0].tolist(), fan.waiting[-1].tolist()
    plan.share_within = (100 * fan.central.share_within(bins)).tolist()
    plan.sentence = (
        f"With these choices, the list is expected to go from {waiting_now:,.0f} to about "
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
    target_date = form.value("target_date") or census + timedelta(weeks=26)
    target_share = (form.value("target_share") or 92) / 100
    result = forecast.capacity_needed(
        incompletes[-1], refs, params, bins, target_share, by_date=target_date, today=census
    )
    plan.needed = (
        f"{result.sentence} Over the last 12 weeks it helped about {plan.capacity:.0f} people a week."
    )
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
