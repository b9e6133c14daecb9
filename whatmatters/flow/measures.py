"""Weekly and monthly measures per team, ready to be saved as measure values (flow.md §2.4).

Weeks start on Monday; months are calendar months. Only periods that ended on or before the census date
are reported, so a half-finished week never looks like a fall. Every period from a team's first
referral to the census appears, with zeros, because SPC charts need the quiet weeks too.

Waiting-list counts use the waits table made by `clocks.compute_waits`: someone is on the list on day d
when clock_start <= d < clock_stop. Ward measures use the `ward_stays` table, with the ward as the team.
"""

# SQL in this module is assembled only from fixed names, codes and Python dates and numbers.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import duckdb

from whatmatters.flow.links import contacts_with_referrals, flag

PERIODS = ("week", "month")


@dataclass(frozen=True)
class MeasureDefinition:
    code: str
    name: str
    unit: str
    description: str


MEASURES: dict[str, MeasureDefinition] = {
    m.code: m
    for m in (
        MeasureDefinition("referrals", "Referrals", "referrals", "Referrals received in the period."),
        MeasureDefinition(
            "waiting_list", "People waiting", "people", "People waiting on the last day of the period."
        ),
        MeasureDefinition(
            "waiting_over_standard",
            "People waiting longer than the standard",
            "people",
            "People on the list on the last day of the period who had waited longer than the standard.",
        ),
        MeasureDefinition(
            "median_completed_wait",
            "Typical (median) completed wait",
            "days",
            "Half of the waits that ended in the period were shorter than this.",
        ),
        MeasureDefinition(
            "completed_within_standard",
            "Waits that ended within the standard",
            "%",
            "Of the waits that ended in the period, the share that ended within the standard.",
        ),
        MeasureDefinition(
            "waiting_within_standard",
            "People still waiting who are within the standard",
            "%",
            "Of the people waiting on the last day of the period, the share who had not yet waited "
            "longer than the standard.",
        ),
        MeasureDefinition(
            "dna_rate",
            "Missed appointments",
            "%",
            "Appointments people did not attend, out of appointments that were due to happen "
            "(attended, late or missed; cancellations are not counted).",
        ),
        MeasureDefinition("admissions", "Admissions", "admissions", "Admissions to the ward in the period."),
        MeasureDefinition(
            "discharges", "People leaving hospital", "discharges", "Discharges from the ward in the period."
        ),
        MeasureDefinition(
            "occupancy", "Bed occupancy", "%", "Occupied bed-nights out of the bed-nights available."
        ),
        MeasureDefinition(
            "length_of_stay",
            "Typical (median) length of stay",
            "days",
            "Half of the people who left hospital in the period had stayed fewer nights than this.",
        ),
    )
}


class MeasureValue(NamedTuple):
    """One period of one measure for one team. Numerator and denominator are kept for ratios.

    A named tuple rather than a dataclass: weekly measures of a 10M-referral extract are 1.4 million of
    them, and a tuple is made in half the time."""

    team_id: str
    measure: str
    period: str  # "week" or "month"
    period_start: date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


def _period_sql(period: str, column: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}.")
    return f"CAST(date_trunc('{period}', {column}) AS DATE)"


def _period_end(period: str, start: str) -> str:
    return f"CAST({start} + INTERVAL 1 {period} - INTERVAL 1 day AS DATE)"


def _calendar(con: duckdb.DuckDBPyConnection, period: str, census: date, teams_sql: str) -> None:
    """cal(team_id, period_start, period_end): every complete period from each team's first date."""
    c = f"DATE '{census.isoformat()}'"
    end, first = _period_end(period, "CAST(p AS DATE)"), _period_sql(period, "t.first_day")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cal AS
        SELECT team_id, CAST(p AS DATE) AS period_start, {end} AS period_end
        FROM ({teams_sql}) t, generate_series({first}, {c}, INTERVAL 1 {period}) g(p)
        WHERE {end} <= {c}"""
    )


def _changes(con: duckdb.DuckDBPyConnection, waits: str, standard_days: int, period: str) -> None:
    """wl_changes(team_id, period_start, d_listed, d_over): how the list and the count over the standard
    change in each period, from +1/-1 events over the waits table: someone is on the list on day d when
    clock_start <= d < clock_stop, and over the standard on the same interval started standard + 1 days
    later (when that is before its end). Only the last day of each period is reported, so the events
    are summed by period, not by day: the running total at a period's end counts every event up to it.

    Three scans of the waits table, each counted by team and period at once (starts, stops, and the days
    people pass the standard), cost less than unnesting a list of events from every row.
    """
    late = f"clock_start + {standard_days + 1}"
    over_open = f"(clock_stop IS NULL OR clock_stop > {late})"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE wl_changes AS
        SELECT team_id, period_start, sum(d_listed) AS d_listed, sum(d_over) AS d_over FROM (
            SELECT team_id, {_period_sql(period, "clock_start")} AS period_start, count(*) AS d_listed,
                   0 AS d_over
            FROM {waits} GROUP BY ALL
            UNION ALL SELECT team_id, {_period_sql(period, "clock_stop")}, -count(*),
                             -count(*) FILTER (WHERE {over_open})
            FROM {waits} WHERE clock_stop IS NOT NULL GROUP BY ALL
            UNION ALL SELECT team_id, {_period_sql(period, late)}, 0, count(*)
            FROM {waits} WHERE {over_open} GROUP BY ALL)
        GROUP BY ALL"""
    )


def _sweep(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """`name`(team_id, period_start, listed, over): on each calendar period's last day, the people on the
    list and those over the standard: running totals of wl_changes (a period with no change carries the
    last total forward)."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name} AS
        WITH cum AS (SELECT team_id, period_start,
                            sum(d_listed) OVER (PARTITION BY team_id ORDER BY period_start) AS listed,
                            sum(d_over) OVER (PARTITION BY team_id ORDER BY period_start) AS over
                     FROM wl_changes)
        SELECT cal.team_id, cal.period_start, coalesce(cum.listed, 0) AS listed,
               coalesce(cum.over, 0) AS over
        FROM cal ASOF LEFT JOIN cum ON cal.team_id = cum.team_id AND cal.period_start >= cum.period_start"""
    )


def waiting_list_measures(
    con: duckdb.DuckDBPyConnection,
    census: date,
    period: str,
    standard_days: int,
    *,
    waits: str = "waits",
) -> list[MeasureValue]:
    """Referrals, list size, over-standard count, completed waits and DNA rate per team and period."""
    p_ref = _period_sql(period, "referral_date")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE wl_refs AS
        SELECT team_id, {p_ref} AS period_start, count(*) AS n FROM referrals GROUP BY ALL"""
    )
    _changes(con, waits, standard_days, period)
    # Each team's calendar starts at the period of its first referral or first wait (a spell can start
    # with another team's referral), read from the two small tables just made rather than from the big
    # ones again: a wait's first period is that of its earliest event.
    first_days = """SELECT team_id, min(d) AS first_day FROM (
            SELECT team_id, period_start AS d FROM wl_refs
            UNION ALL SELECT team_id, period_start FROM wl_changes)
        GROUP BY team_id"""
    _calendar(con, period, census, first_days)
    _sweep(con, "wl")
    p_stop = _period_sql(period, "clock_stop")
    p_contact = _period_sql(period, "c.contact_date")
    contacts = contacts_with_referrals(con, team=True)
    rows = con.execute(
        f"""WITH done AS (SELECT team_id, {p_stop} AS period_start, count(*) AS n,
                        count(*) FILTER (WHERE within_standard) AS within, median(wait_days) AS median_wait
                 FROM {waits} WHERE status = 'stopped' GROUP BY ALL),
        dna AS (SELECT c.team_id, {p_contact} AS period_start,
                       count(*) FILTER (WHERE {flag("missed")}) AS missed,
                       count(*) FILTER (WHERE {flag("due")}) AS due
                FROM {contacts} c GROUP BY ALL)
        SELECT cal.team_id, cal.period_start, coalesce(refs.n, 0), wl.listed, wl.over,
               coalesce(done.n, 0), coalesce(done.within, 0), done.median_wait,
               coalesce(dna.missed, 0), coalesce(dna.due, 0)
        FROM cal
        LEFT JOIN wl_refs refs USING (team_id, period_start)
        LEFT JOIN wl USING (team_id, period_start)
        LEFT JOIN done USING (team_id, period_start)
        LEFT JOIN dna USING (team_id, period_start)
        ORDER BY cal.team_id, cal.period_start"""
    ).fetchall()
    out: list[MeasureValue] = []
    value = MeasureValue
    for team, start, refs, listed, over, done, within, median_wait, missed, due in rows:
        waiting_within = listed - over
        median = float(median_wait) if median_wait is not None else None
        out += (
            value(team, "referrals", period, start, refs),
            value(team, "waiting_list", period, start, listed),
            value(team, "waiting_over_standard", period, start, over),
            value(team, "median_completed_wait", period, start, median),
            value(team, "completed_within_standard", period, start, _pct(within, done), within, done),
            value(
                team,
                "waiting_within_standard",
                period,
                start,
                _pct(waiting_within, listed),
                waiting_within,
                listed,
            ),
            value(team, "dna_rate", period, start, _pct(missed, due), missed, due),
        )
    return out


def _pct(numerator: float, denominator: float) -> float | None:
    """A percentage, or None when there is nothing to divide by (never a misleading 0%)."""
    return 100.0 * numerator / denominator if denominator else None


def ward_measures(
    con: duckdb.DuckDBPyConnection,
    census: date,
    period: str,
    *,
    beds: Mapping[str, int] | None = None,
    inclusive_los: bool = False,
) -> list[MeasureValue]:
    """Admissions, discharges, occupancy and median length of stay per ward and period.

    Occupancy needs the number of beds; without it the value is left blank and the numerator holds the
    occupied bed-nights. Length of stay counts bed-nights unless `inclusive_los` adds the day of discharge.
    """
    c = f"DATE '{census.isoformat()}'"
    stays = f"""SELECT ward_id AS team_id, coalesce(ward_start_date, admission_date) AS start_day,
                   least(coalesce(ward_end_date, discharge_date), {c} + 1) AS end_day
               FROM ward_stays WHERE coalesce(ward_start_date, admission_date) <= {c}"""
    _calendar(con, period, census, f"SELECT team_id, min(start_day) AS first_day FROM ({stays}) GROUP BY ALL")
    extra = " + 1" if inclusive_los else ""
    con.execute("CREATE OR REPLACE TEMP TABLE ward_beds (team_id VARCHAR, beds INTEGER)")
    if beds:
        con.executemany("INSERT INTO ward_beds VALUES (?, ?)", list(beds.items()))
    p_adm, p_dis = _period_sql(period, "admission_date"), _period_sql(period, "discharge_date")
    rows = con.execute(
        f"""WITH spells AS (
            SELECT spell_id, min(admission_date) AS admission_date,
                   CASE WHEN max(discharge_date) <= {c} THEN max(discharge_date) END AS discharge_date,
                   arg_min(ward_id, coalesce(ward_start_date, admission_date)) AS first_ward,
                   arg_max(ward_id, coalesce(ward_start_date, admission_date)) AS last_ward
            FROM ward_stays GROUP BY spell_id),
        adm AS (SELECT first_ward AS team_id, {p_adm} AS period_start, count(*) AS n
                FROM spells WHERE admission_date <= {c} GROUP BY ALL),
        dis AS (SELECT last_ward AS team_id, {p_dis} AS period_start, count(*) AS n,
                       median(discharge_date - admission_date{extra}) AS los
                FROM spells WHERE discharge_date IS NOT NULL GROUP BY ALL),
        -- occupied bed-nights: each night from start_day up to the night before end_day, inside the period
        occ AS (SELECT cal.team_id, cal.period_start,
                       sum(greatest(0, least(coalesce(s.end_day, {c} + 1), cal.period_end + 1)
                                       - greatest(s.start_day, cal.period_start))) AS bed_nights
                FROM cal JOIN ({stays}) s
                  ON s.team_id = cal.team_id AND s.start_day <= cal.period_end
                 AND coalesce(s.end_day, {c} + 1) > cal.period_start
                GROUP BY ALL)
        SELECT cal.team_id, cal.period_start, cal.period_end - cal.period_start + 1 AS days,
               coalesce(adm.n, 0), coalesce(dis.n, 0), dis.los, coalesce(occ.bed_nights, 0), b.beds
        FROM cal
        LEFT JOIN adm USING (team_id, period_start) LEFT JOIN dis USING (team_id, period_start)
        LEFT JOIN occ USING (team_id, period_start) LEFT JOIN ward_beds b USING (team_id)
        ORDER BY cal.team_id, cal.period_start"""
    ).fetchall()
    out: list[MeasureValue] = []
    for team, start, days, admissions, discharges, los, bed_nights, n_beds in rows:
        available = n_beds * days if n_beds else None
        out.append(MeasureValue(team, "admissions", period, start, admissions))
        out.append(MeasureValue(team, "discharges", period, start, discharges))
        out.append(
            MeasureValue(
                team,
                "occupancy",
                period,
                start,
                _pct(bed_nights, available) if available else None,
                bed_nights,
                available,
            )
        )
        out.append(
            MeasureValue(team, "length_of_stay", period, start, float(los) if los is not None else None)
        )
    return out
