"""The flow page's charts (flow.md §3): for each, a heading, a sentence, the SVG and its data table.

Pure: it reads the DuckDB tables the clock rules and analytics use (`waits`, `ward_stays`) and returns
plain dataclasses, so the page can keep the result until the data change. No Django here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np

from whatmatters.flow import analytics
from whatmatters.flow.clocks import ClockRule, compute_waits
from whatmatters.flow.svg import Line, bar_chart, line_chart
from whatmatters.spc.numbers import count, shown

LONG_STAY_DAYS = 60
STAY_BINS = (0, 7, 14, 28, 56, 91, 182, 365)  # nights in hospital


@dataclass(frozen=True)
class Chart:
    slug: str
    heading: str
    sentence: str
    svg: str
    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class FlowCharts:
    """Everything the flow page shows for one census date."""

    rule_label: str = ""
    rule_description: str = ""
    charts: tuple[Chart, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, so the page can be stored when an extract is imported (`from_dict`)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlowCharts:
        return cls(
            data.get("rule_label", ""),
            data.get("rule_description", ""),
            tuple(Chart(**c) for c in data.get("charts", ())),
        )


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _median(values: list[int]) -> float:
    return float(np.median(values)) if values else 0.0


def months_before(census: date, count: int) -> list[tuple[date, date]]:
    """The last `count` calendar months that ended on or before the census date, oldest first."""
    end = census if (census + timedelta(days=1)).day == 1 else census.replace(day=1) - timedelta(days=1)
    months = []
    for _ in range(count):
        first = end.replace(day=1)
        months.append((first, end))
        end = first - timedelta(days=1)
    return months[::-1]


def weekly(days: int, *, last: bool = True) -> list[int]:
    """Every 7th index of a daily series, starting at the first (and the last day too, if `last`)."""
    indices = list(range(0, days, 7))
    if last and indices and indices[-1] != days - 1:
        indices.append(days - 1)
    return indices


def stay_bins(lengths_of_stay: list[int]) -> tuple[list[str], list[int]]:
    """Nights in hospital in the bins of STAY_BINS: labels and how many people fall in each."""
    labels = [f"{lo}–{hi - 1}" for lo, hi in zip(STAY_BINS, STAY_BINS[1:], strict=False)]
    labels.append(f"{STAY_BINS[-1]}+")
    counts = [0] * len(labels)
    for nights in lengths_of_stay:
        counts[sum(1 for b in STAY_BINS[1:] if nights >= b)] += 1
    return labels, counts


# --------------------------------------------------------------------------------------------------
# Waits


def waits_charts(con: duckdb.DuckDBPyConnection, rule_name: str, census: date) -> FlowCharts:
    """The waits rule's charts on the census date (this writes the `waits` table first)."""
    rule = compute_waits(con, rule_name, census)
    charts = [age_profile_chart(con, census, rule), cumulative_flow_chart(con, census)]
    help_chart = time_to_help_chart(con, rule)
    if help_chart is not None:
        charts.append(help_chart)
    charts.append(littles_law_chart(con, census))
    return FlowCharts(rule.label, rule.description, tuple(charts))


def age_profile_chart(con: duckdb.DuckDBPyConnection, census: date, rule: ClockRule) -> Chart:
    std = rule.standard_days
    profile = analytics.age_profile(con, census, std)
    labels = [f"{k}–{k + 1}" for k in range(analytics.TOP_WEEK_BIN)] + [f"{analytics.TOP_WEEK_BIN}+"]
    over = sum(n for k, n in enumerate(profile.counts) if (k + 1) * 7 > std)
    sentence = (
        f"On {long_date(census)}, {count(profile.total)} "
        f"{'person was' if profile.total == 1 else 'people were'} "
        f"waiting. {longest_waits(profile)}"
        + f"The standard is {std} days ({std // 7} weeks): the red line. About {count(over)} people were in "
        "weeks that reach past it. The dashed line shows the shape a list meeting the standard would have "
        "for the same number of referrals."
    )
    svg = bar_chart(
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
    )
    return Chart(
        "age-profile",
        "How long people have been waiting",
        sentence,
        svg,
        "People waiting by weeks waited",
        ["Weeks waited", "People waiting", "A list that meets the standard"],
        [
            [labels[i], count(n), shown(profile.healthy[i])]
            for i, n in enumerate(profile.counts)
            if n or i < 10
        ],
    )


MIN_FOR_SHARE = 25  # people waiting before "92 in every 100" means something (23 people or more)


def longest_waits(profile: analytics.AgeProfile) -> str:
    """How long most people had waited, as a true sentence: 92 in every 100 waited that many days or
    fewer (the 92nd percentile, the smallest wait at least 92% had not passed). With fewer than 25 people
    waiting a share of 100 would mislead, so it gives the longest wait instead."""
    if profile.p92_days is None:
        return ""
    if profile.total < MIN_FOR_SHARE:
        return f"The longest anyone had waited was {count(profile.longest_days)} days. "
    return f"92 in every 100 had waited {count(profile.p92_days)} days or fewer. "


def cumulative_flow_chart(con: duckdb.DuckDBPyConnection, census: date) -> Chart:
    """Running totals of referrals, help and removals over the last year."""
    start = census - timedelta(days=364)
    flow = analytics.cumulative_flow(con, start, census)
    weeks = weekly(len(flow.days))
    gone = [s + r for s, r in zip(flow.stops, flow.removals, strict=True)]
    sentence = (
        f"From {long_date(start)} to {long_date(census)}, {count(flow.arrivals[-1])} people were referred, "
        f"{count(flow.stops[-1])} got help and {count(flow.removals[-1])} left the list without help. "
        f"The gap between the lines is the list: {count(flow.waiting[0])} people at the start, "
        f"{count(flow.waiting[-1])} at the end."
    )
    svg = line_chart(
        "People joining and leaving the list over the last year (running totals)",
        sentence,
        [flow.days[i] for i in weeks],
        [
            Line("Referred (running total)", [flow.arrivals[i] for i in weeks]),
            Line("Got help or left the list (running total)", [gone[i] for i in weeks]),
        ],
        slug="cumulative-flow",
        y_label="People since the start",
    )
    return Chart(
        "cumulative-flow",
        "People joining and leaving the list",
        sentence,
        svg,
        "Running totals each week",
        ["Week ending", "Referred", "Got help", "Left without help", "Waiting"],
        [
            [
                long_date(flow.days[i]),
                count(flow.arrivals[i]),
                count(flow.stops[i]),
                count(flow.removals[i]),
                count(flow.waiting[i]),
            ]
            for i in weeks
        ],
    )


def time_to_help_chart(con: duckdb.DuckDBPyConnection, rule: ClockRule) -> Chart | None:
    """The share helped (and the share who left without help) by weeks since referral; None if no waits."""
    help_ = analytics.time_to_first_help_from_waits(con)
    if not help_.days:
        return None
    std = rule.standard_days
    horizon = list(range(0, 15 * 7, 7))
    days = np.asarray(help_.days)

    def at(values: list[float], day: int) -> float:
        index = int(np.searchsorted(days, day, side="right")) - 1
        return float(values[index]) if index >= 0 else 0.0

    helped = [100 * at(help_.help_by, d) for d in horizon]
    removed = [100 * at(help_.removed_by, d) for d in horizon]
    within = 100 * help_.share_helped_within(std)
    sentence = (
        f"Of everyone referred, about {count(within)} in 100 got help within the standard of {std} days. "
        "People still waiting count until today; people who left the list without help are counted "
        "separately, not as if they might still get help."
    )
    svg = line_chart(
        "Share of people who got help, by days since referral",
        sentence,
        [f"{d // 7} wk" for d in horizon],
        [Line("Got help (%)", helped), Line("Left the list without help (%)", removed)],
        slug="time-to-help",
        y_label="People (%)",
        reference=(within, f"{count(within)}% helped within {std} days"),
        y_max=100,
    )
    return Chart(
        "time-to-help",
        "How soon people get help",
        sentence,
        svg,
        "Share helped and share who left without help, by weeks since referral",
        ["Weeks since referral", "Got help (%)", "Left without help (%)"],
        [[str(d // 7), shown(h), shown(r)] for d, h, r in zip(horizon, helped, removed, strict=True)],
    )


LITTLES_LAW_COLUMNS = [
    "Month",
    "Average number waiting",
    "Referrals a day",
    "Average completed wait (days)",
    "Referrals a day × average wait",
    "Days on the list, counted day by day",
    "Days on the list, counted person by person",
]


def littles_law_chart(con: duckdb.DuckDBPyConnection, census: date) -> Chart:
    """The average list each month against referrals a day x average wait, and the exact patient-day
    identity as a check on the data."""
    checks = [analytics.littles_law(con, first, last) for first, last in months_before(census, 12)]
    check = checks[-1]
    holds = all(c.identity_holds for c in checks)
    sentence = (
        f"In the month to {long_date(check.end)}, on average {count(check.mean_list)} people were waiting. "
        f"{shown(check.arrivals_per_day)} referrals a day times an average completed wait of "
        f"{count(check.mean_wait_days)} days gives {count(check.lambda_w)}. "
        "When the two lines are far apart, the list is growing or shrinking. "
        + (
            "Counting the list day by day matches counting each person's days on it, so the data add up."
            if holds
            else "Counting the list day by day does not match counting each person's days on it: "
            "check the extract."
        )
    )
    svg = line_chart(
        "Average number waiting each month, against referrals a day times the average wait",
        sentence,
        [c.start for c in checks],
        [
            Line("Average number waiting", [c.mean_list for c in checks]),
            Line("Referrals a day × average wait", [c.lambda_w for c in checks]),
        ],
        slug="littles-law",
        y_label="People",
    )
    rows = [
        [
            f"{c.start:%B %Y}",
            shown(c.mean_list),
            shown(c.arrivals_per_day),
            shown(c.mean_wait_days),
            shown(c.lambda_w),
            count(c.list_patient_days),
            count(c.waiting_patient_days),
        ]
        for c in checks
    ]
    return Chart(
        "littles-law",
        "A check on the data (Little's law)",
        sentence,
        svg,
        "Little's law check by month",
        LITTLES_LAW_COLUMNS,
        rows,
    )


# --------------------------------------------------------------------------------------------------
# Wards


def ward_charts(con: duckdb.DuckDBPyConnection, code: str, beds: int | None, census: date) -> list[Chart]:
    """A ward's charts over the year to the census date: occupancy, movement, stays and long stays."""
    start = census - timedelta(days=364)
    flow = analytics.ward_flow(con, code, start, census, beds=beds)
    charts = [occupancy_chart(flow, code, beds, census), movement_chart(flow, code, census)]
    if flow.lengths_of_stay:
        charts.append(length_of_stay_chart(flow, code))
    if flow.long_stays:
        charts.append(
            Chart(
                f"long-stays-{code.lower()}",
                "Long stays",
                f"{len(flow.long_stays)} people have been in hospital for more than {LONG_STAY_DAYS} days.",
                "",
                f"People in hospital for more than {LONG_STAY_DAYS} days (pseudonymised spell numbers)",
                ["Spell", "Admitted", "Days so far"],
                [[s.spell_id, long_date(s.admission_date), str(s.days_so_far)] for s in flow.long_stays],
            )
        )
    return charts


def occupancy_chart(flow: analytics.WardFlow, code: str, beds: int | None, census: date) -> Chart:
    weeks = weekly(len(flow.days), last=False)
    occupancy = flow.mean_occupancy
    median_los = float(np.median(flow.lengths_of_stay)) if flow.lengths_of_stay else None
    sentence = (
        f"Over the year to {long_date(census)}, {count(sum(flow.admissions))} people were admitted and "
        f"{count(sum(flow.discharges))} left hospital. "
        + (
            f"On average {count(occupancy)}% of the {beds} beds were in use. "
            if occupancy is not None
            else ""
        )
        + (
            f"Half of the people who left had stayed fewer than {count(median_los)} nights. "
            if median_los
            else ""
        )
        + f"{len(flow.long_stays)} people still in hospital have stayed more than {LONG_STAY_DAYS} days."
    )
    slug = f"ward-{code.lower()}"
    svg = line_chart(
        "People on the ward each week, against the number of beds",
        sentence,
        [flow.days[i] for i in weeks],
        [Line("People on the ward", [flow.occupied[i] for i in weeks])],
        slug=slug,
        y_label="People",
        reference=(float(beds), f"{beds} beds") if beds else None,
    )
    return Chart(
        slug,
        "Ward flow: people on the ward against beds",
        sentence,
        svg,
        "People on the ward at the start of each week",
        ["Date", "People on the ward"] + (["Beds in use (%)"] if beds else []),
        [
            [long_date(flow.days[i]), str(flow.occupied[i])]
            + ([count(100 * flow.occupied[i] / beds)] if beds else [])
            for i in weeks
        ],
    )


def movement_chart(flow: analytics.WardFlow, code: str, census: date) -> Chart:
    slug = f"ward-movement-{code.lower()}"
    return Chart(
        slug,
        "Admissions and discharges each week",
        f"Over the year to {long_date(census)}, the ward admitted {count(sum(flow.admissions))} people and "
        f"{count(sum(flow.discharges))} left hospital: a typical week had {count(_median(flow.admissions))} "
        f"admissions and {count(_median(flow.discharges))} discharges.",
        line_chart(
            "Admissions and discharges each week",
            f"Admissions and discharges each week over the year to {long_date(census)}.",
            flow.weeks,
            [Line("Admissions", flow.admissions), Line("Discharges", flow.discharges)],
            slug=slug,
            y_label="People a week",
        ),
        "Admissions and discharges by week",
        ["Week starting", "Admissions", "Discharges"],
        [
            [long_date(w), str(a), str(d)]
            for w, a, d in zip(flow.weeks, flow.admissions, flow.discharges, strict=True)
        ],
    )


def length_of_stay_chart(flow: analytics.WardFlow, code: str) -> Chart:
    labels, counts = stay_bins(flow.lengths_of_stay)
    median_nights = float(np.median(flow.lengths_of_stay))
    sentence = (
        f"{count(len(flow.lengths_of_stay))} people left hospital over the year. "
        f"Half of them had stayed fewer than {count(median_nights)} nights."
    )
    slug = f"length-of-stay-{code.lower()}"
    return Chart(
        slug,
        "How long people stayed",
        sentence,
        bar_chart(
            "People who left hospital, by nights in hospital",
            sentence,
            labels,
            counts,
            slug=slug,
            y_label="People",
            bar_name="People who left hospital",
        ),
        "People who left hospital, by nights in hospital",
        ["Nights in hospital", "People"],
        [[label, count(n)] for label, n in zip(labels, counts, strict=True)],
    )
