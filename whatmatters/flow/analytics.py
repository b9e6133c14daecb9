"""Flow analytics behind the charts (flow.md §3): age profile, cumulative flow, time to first help,
the Little's-law check and ward flow. Each returns plain dataclasses with the numbers a chart, its
data table and its sentence need.

All of them read the waits table made by `clocks.compute_waits` (or the `ward_stays` table).
"""

# SQL here is assembled from fixed names and Python dates and numbers; values are bound parameters.
# ruff: noqa: S608

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np

TOP_WEEK_BIN = 52  # the last bin is "52 weeks or more"


def _team_filter(team_id: str | None, column: str = "team_id") -> tuple[str, list[object]]:
    return (f"AND {column} = ?", [team_id]) if team_id is not None else ("", [])


# --------------------------------------------------------------------------------------------------
# Age profile


@dataclass(frozen=True)
class AgeProfile:
    census: date
    standard_days: int
    counts: list[int]  # people waiting 0-1 weeks, 1-2 weeks, ..., 52+ weeks
    p92_days: float | None  # at least 92% of people waiting have waited this many days or fewer
    healthy: list[float]  # expected counts in each bin for a list that meets the standard
    weekly_demand: float
    longest_days: float | None = None  # the longest wait of anyone still waiting

    @property
    def total(self) -> int:
        return sum(self.counts)


def age_profile(
    con: duckdb.DuckDBPyConnection,
    census: date,
    standard_days: int,
    *,
    team_id: str | None = None,
    performance: float = 0.92,
    waits: str = "waits",
) -> AgeProfile:
    """Current waits in weekly bins, with the shape a healthy list would have for the same demand.

    A healthy list removes people at a constant rate λ = -ln(1 - p) / T (p within T), so the number
    who have waited between k and k+1 weeks is demand x (e^(-λk) - e^(-λ(k+1))) / λ.
    """
    where, params = _team_filter(team_id)
    ages = np.array(
        [
            r[0]
            for r in con.execute(
                f"SELECT wait_days FROM {waits} WHERE status = 'waiting' {where}", params
            ).fetchall()
        ],
        dtype=float,
    )
    bins = np.minimum(ages // 7, TOP_WEEK_BIN).astype(int)
    counts = np.bincount(bins, minlength=TOP_WEEK_BIN + 1).tolist()
    p92 = float(np.quantile(ages, 0.92, method="inverted_cdf")) if len(ages) else None
    start = census - timedelta(days=12 * 7 - 1)
    [(recent,)] = con.execute(
        f"SELECT count(*) FROM {waits} WHERE clock_start BETWEEN ? AND ? {where}", [start, census, *params]
    ).fetchall()
    demand = recent / 12.0
    rate = -math.log(1 - performance) / (standard_days / 7.0)
    healthy = [demand * (math.exp(-rate * k) - math.exp(-rate * (k + 1))) / rate for k in range(TOP_WEEK_BIN)]
    healthy.append(demand * math.exp(-rate * TOP_WEEK_BIN) / rate)
    longest = float(ages.max()) if len(ages) else None
    return AgeProfile(census, standard_days, counts, p92, healthy, demand, longest)


# --------------------------------------------------------------------------------------------------
# Cumulative flow


@dataclass(frozen=True)
class CumulativeFlow:
    days: list[date]
    arrivals: list[int]  # cumulative referrals (clock starts) up to and including the day
    stops: list[int]  # cumulative clock stops
    removals: list[int]  # cumulative removals without help
    waiting: list[int]  # arrivals - stops - removals: the list on that day (after the day's events)


def cumulative_flow(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    *,
    team_id: str | None = None,
    waits: str = "waits",
) -> CumulativeFlow:
    """A(t) and D(t) per day. The vertical gap is the list; the horizontal gap is the wait (if FIFO)."""
    where, params = _team_filter(team_id)
    n = (end - start).days + 1
    rows = con.execute(
        f"""SELECT clock_start, clock_stop, status FROM {waits} WHERE clock_start <= ? {where}""",
        [end, *params],
    ).fetchall()
    arrivals, stops, removals = np.zeros(n + 1, int), np.zeros(n + 1, int), np.zeros(n + 1, int)
    for clock_start, clock_stop, status in rows:
        arrivals[max(0, (clock_start - start).days)] += 1
        if clock_stop is not None and clock_stop <= end:
            target = stops if status == "stopped" else removals
            target[max(0, (clock_stop - start).days)] += 1
    a, s, r = np.cumsum(arrivals[:n]), np.cumsum(stops[:n]), np.cumsum(removals[:n])
    days = [start + timedelta(days=i) for i in range(n)]
    return CumulativeFlow(days, a.tolist(), s.tolist(), r.tolist(), (a - s - r).tolist())


# --------------------------------------------------------------------------------------------------
# Time to first help


@dataclass(frozen=True)
class TimeToHelp:
    days: list[int]  # distinct event times
    at_risk: list[int]
    helped: list[int]  # clock stops at that time
    removed: list[int]  # removals without help at that time
    km_still_waiting: list[float]  # Kaplan-Meier, removals treated as censored (for comparison only)
    help_by: list[float]  # Aalen-Johansen cumulative incidence of help (removal is a competing event)
    removed_by: list[float]  # cumulative incidence of removal without help

    def share_helped_within(self, days: int) -> float:
        """The share of people helped within `days` days, allowing for people removed without help."""
        index = np.searchsorted(np.asarray(self.days), days, side="right") - 1
        return float(self.help_by[index]) if index >= 0 else 0.0


def time_to_first_help(durations: np.ndarray, outcome: np.ndarray) -> TimeToHelp:
    """Kaplan-Meier and Aalen-Johansen estimates from durations and outcomes.

    outcome: 1 = helped (clock stopped), 2 = removed without help (competing event), 0 = still waiting
    (censored at the census). At each time t with n at risk, d1 helped and d2 removed:
    S(t) = S(t-) (1 - (d1 + d2) / n); CIF_k(t) = CIF_k(t-) + S(t-) d_k / n.
    """
    durations = np.asarray(durations, dtype=float)
    outcome = np.asarray(outcome, dtype=int)
    times = np.unique(durations)
    helped = np.array([np.sum((durations == t) & (outcome == 1)) for t in times])
    removed = np.array([np.sum((durations == t) & (outcome == 2)) for t in times])
    leaving = np.array([np.sum(durations == t) for t in times])
    at_risk = len(durations) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_all = np.where(at_risk > 0, (helped + removed) / at_risk, 0.0)
        hazard_help = np.where(at_risk > 0, helped / at_risk, 0.0)
        hazard_removed = np.where(at_risk > 0, removed / at_risk, 0.0)
        km = np.cumprod(1 - np.where(at_risk > 0, helped / at_risk, 0.0))
    overall = np.cumprod(1 - hazard_all)
    before = np.concatenate([[1.0], overall[:-1]])
    cif_help = np.cumsum(before * hazard_help)
    cif_removed = np.cumsum(before * hazard_removed)
    return TimeToHelp(
        times.astype(int).tolist(),
        at_risk.tolist(),
        helped.tolist(),
        removed.tolist(),
        km.tolist(),
        cif_help.tolist(),
        cif_removed.tolist(),
    )


def time_to_first_help_from_waits(
    con: duckdb.DuckDBPyConnection, *, team_id: str | None = None, waits: str = "waits"
) -> TimeToHelp:
    where, params = _team_filter(team_id)
    rows = con.execute(f"SELECT wait_days, status FROM {waits} WHERE true {where}", params).fetchall()
    codes = {"stopped": 1, "removed": 2, "waiting": 0}
    durations = np.array([r[0] for r in rows], dtype=float)
    outcome = np.array([codes[r[1]] for r in rows], dtype=int)
    return time_to_first_help(durations, outcome)


# --------------------------------------------------------------------------------------------------
# Little's law


@dataclass(frozen=True)
class LittlesLawCheck:
    start: date
    end: date
    list_patient_days: int  # sum over days of the waiting list
    waiting_patient_days: int  # sum over people of their days waiting inside the window
    mean_list: float  # L
    arrivals_per_day: float  # λ
    mean_wait_days: float  # W of waits that ended in the window

    @property
    def identity_holds(self) -> bool:
        """The counting identity must hold exactly; if not, the data or the code is wrong."""
        return self.list_patient_days == self.waiting_patient_days

    @property
    def lambda_w(self) -> float:
        return self.arrivals_per_day * self.mean_wait_days


def littles_law(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    *,
    team_id: str | None = None,
    waits: str = "waits",
) -> LittlesLawCheck:
    """Σ_days WL(d) computed two independent ways, and L against λW for the panel."""
    where, params = _team_filter(team_id)
    window_end = end + timedelta(days=1)
    # Way 1: the list on each day (a sweep of +1 at clock_start and -1 at clock_stop), summed over days.
    [(list_days,)] = con.execute(
        f"""WITH ev AS (
                SELECT greatest(clock_start, ?::DATE) AS day, 1 AS delta FROM {waits}
                WHERE clock_start <= ? AND coalesce(clock_stop, ?::DATE) > ? {where}
                UNION ALL
                SELECT clock_stop, -1 FROM {waits}
                WHERE clock_start <= ? AND clock_stop > ? AND clock_stop <= ? {where}),
            daily AS (SELECT day, sum(delta) AS delta FROM ev GROUP BY day),
            cal AS (SELECT CAST(d AS DATE) AS day FROM generate_series(?::DATE, ?::DATE, INTERVAL 1 day) g(d))
            SELECT coalesce(sum(wl), 0) FROM (
                SELECT sum(coalesce(daily.delta, 0)) OVER (ORDER BY cal.day) AS wl
                FROM cal LEFT JOIN daily USING (day))""",
        [start, end, window_end, start, *params, end, start, end, *params, start, end],
    ).fetchall()
    # Way 2: each person's days on the list inside the window.
    [(person_days,)] = con.execute(
        f"""SELECT coalesce(sum(greatest(0, least(coalesce(clock_stop, ?::DATE), ?::DATE)
                                        - greatest(clock_start, ?::DATE))), 0)
            FROM {waits} WHERE true {where}""",
        [window_end, window_end, start, *params],
    ).fetchall()
    [(arrivals, mean_wait)] = con.execute(
        f"""SELECT count(*) FILTER (WHERE clock_start BETWEEN ? AND ?),
                   avg(wait_days) FILTER (WHERE clock_stop BETWEEN ? AND ?)
            FROM {waits} WHERE true {where}""",
        [start, end, start, end, *params],
    ).fetchall()
    days = (end - start).days + 1
    return LittlesLawCheck(
        start,
        end,
        int(list_days),
        int(person_days),
        list_days / days,
        arrivals / days,
        float(mean_wait or 0.0),
    )


# --------------------------------------------------------------------------------------------------
# Ward flow


@dataclass(frozen=True)
class LongStay:
    spell_id: str
    admission_date: date
    days_so_far: int


@dataclass(frozen=True)
class WardFlow:
    ward_id: str
    beds: int | None
    weeks: list[date]
    admissions: list[int]
    discharges: list[int]
    days: list[date]
    occupied: list[int]  # people on the ward each night
    lengths_of_stay: list[int]  # completed stays (bed-nights)
    long_stays: list[LongStay]  # people still in hospital longer than the threshold

    @property
    def mean_occupancy(self) -> float | None:
        return 100.0 * float(np.mean(self.occupied)) / self.beds if self.beds and self.occupied else None


def ward_flow(
    con: duckdb.DuckDBPyConnection,
    ward_id: str,
    start: date,
    census: date,
    *,
    beds: int | None = None,
    long_stay_days: int = 60,
) -> WardFlow:
    rows = con.execute(
        """SELECT spell_id, coalesce(ward_start_date, admission_date) AS s,
                  CASE WHEN coalesce(ward_end_date, discharge_date) <= ?
                       THEN coalesce(ward_end_date, discharge_date) END AS e, admission_date
           FROM ward_stays WHERE ward_id = ? AND coalesce(ward_start_date, admission_date) <= ?""",
        [census, ward_id, census],
    ).fetchall()
    n = (census - start).days + 1
    delta = np.zeros(n + 1, int)
    occupied_before = 0
    admissions_by_day, discharges_by_day = np.zeros(n, int), np.zeros(n, int)
    los, long_stays = [], []
    for spell_id, s, e, admitted in rows:
        if e is not None and e <= start:
            continue
        if s < start:
            occupied_before += 1
        else:
            delta[(s - start).days] += 1
            admissions_by_day[(s - start).days] += 1
        if e is not None:
            delta[(e - start).days] -= 1
            discharges_by_day[(e - start).days] += 1
            los.append((e - s).days)
        elif (census - admitted).days > long_stay_days:
            long_stays.append(LongStay(spell_id, admitted, (census - admitted).days))
    occupied = (occupied_before + np.cumsum(delta[:n])).tolist()
    week0 = start - timedelta(days=start.weekday())
    weeks = [week0 + timedelta(weeks=k) for k in range((census - week0).days // 7 + 1)]
    index = np.array([((start + timedelta(days=i)) - week0).days // 7 for i in range(n)])
    return WardFlow(
        ward_id,
        beds,
        weeks,
        np.bincount(index, admissions_by_day, len(weeks)).astype(int).tolist(),
        np.bincount(index, discharges_by_day, len(weeks)).astype(int).tolist(),
        [start + timedelta(days=i) for i in range(n)],
        occupied,
        sorted(los),
        sorted(long_stays, key=lambda x: -x.days_so_far),
    )
