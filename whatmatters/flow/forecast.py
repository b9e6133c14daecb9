"""Plan ahead: waiting-list measures, projections, what-if levers and the capacity needed.

Three parts:
- NHSRwaitinglist's measures (Fong, Walton et al. 2022) in consistent units: pass demand and capacity
  per week and waits in weeks. `wl_stats_compatible` reproduces the R package's `wl_stats()` exactly,
  quirks included (mean wait in days, n+1 demand intervals, throughput as "capacity"); it exists so the
  known answers in flow_vectors can be checked, not for people to read.
- An NHSRtt-style stock-and-flow projection by time waited (clean-room, from flow.md §1.3): calibrate
  renege and treatment parameters per waited bin, then project the list under capacity and referrals.
- What-if levers, a Poisson fan chart, and the capacity a week needed to meet the standard by a date.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from whatmatters.spc.numbers import count, shown

# --------------------------------------------------------------------------------------------------
# NHSRwaitinglist measures


def _positive(name: str, value: float) -> float:
    """`value`, which is divided by, so must be more than 0: a clear message, not a ZeroDivisionError."""
    if not value > 0:  # also refuses nan
        raise ValueError(f"{name} must be more than 0, not {value!r}.")
    return value


def queue_load(demand: float, capacity: float) -> float:
    """Demand / capacity. 1 or more means the list will keep growing.

    With no capacity (nobody helped): infinity when anyone is referred (the list can only grow), and 0 when
    nobody is either (no load). It never divides by zero.
    """
    if capacity <= 0:
        return math.inf if demand > 0 else 0.0
    return demand / capacity


def target_mean_wait(target_wait: float, factor: float = 4) -> float:
    """The mean wait that meets the target: with exponential waits P(W > T) = e^(-factor)."""
    return target_wait / _positive("factor", factor)


def target_queue_size(demand: float, target_wait: float, factor: float = 4) -> float:
    """Little's law at the target mean wait. Only meaningful when capacity exceeds demand."""
    return demand * target_wait / _positive("factor", factor)


def relief_capacity(
    demand: float,
    queue_size: float,
    target_queue_size: float,
    time_to_target: float = 26,
    num_referrals: int = 0,
    cv_demand: float = 0,
) -> float:
    """Capacity per period to bring the list down to its target size within `time_to_target` periods.

    With `num_referrals` and `cv_demand`, demand is inflated for the uncertainty in its estimate.
    """
    _positive("time_to_target", time_to_target)
    if num_referrals > 0 and 2 * demand * cv_demand / math.sqrt(num_referrals) < 1:
        demand = demand / (1 - 2 * demand * cv_demand / math.sqrt(num_referrals))
    return demand + (queue_size - target_queue_size) / time_to_target


def target_capacity(
    demand: float, target_wait: float, factor: float = 4, cv_demand: float = 1, cv_capacity: float = 1
) -> float:
    """Capacity that keeps the list at its target size (Kingman/Marchal; the /2 is in the code)."""
    return demand + ((cv_demand**2 + cv_capacity**2) / 2) * (factor / _positive("target_wait", target_wait))


def waiting_list_pressure(mean_wait: float, target_wait: float) -> float:
    """2 x mean wait / target. More than 1 means the target will probably be missed."""
    return 2 * mean_wait / _positive("target_wait", target_wait)


@dataclass(frozen=True)
class WaitingListStats:
    mean_demand: float
    mean_capacity: float
    load: float
    load_too_big: bool
    count_demand: int
    queue_size: int
    target_queue_size: float
    queue_too_big: bool
    mean_wait: float
    cv_arrival: float
    cv_removal: float
    target_capacity: float | None
    relief_capacity: float | None
    pressure: float
    demand_daily: float
    capacity_daily: float
    removal_count: int


def _days(values: Sequence[date | None]) -> np.ndarray:
    return np.array([d.toordinal() if d is not None else np.nan for d in values], dtype=float)


def wl_queue_size_compatible(
    referrals: Sequence[date],
    removals: Sequence[date | None],
    start: date | None = None,
    end: date | None = None,
) -> list[tuple[date, int]]:
    """NHSRwaitinglist `wl_queue_size()`: the list on each day from start to end (default: referral range).

    Referrals before the start count on the start day; removals outside [start, end] are ignored.
    Upstream fails when end is before the last referral; so does this, with a message.
    """
    ref, rem = _days(referrals), _days(removals)
    s = start.toordinal() if start else int(np.nanmin(ref))
    e = end.toordinal() if end else int(np.nanmax(ref))
    if e < np.nanmax(ref):
        raise ValueError(
            "NHSRwaitinglist cannot count the list when the end date is before the last referral."
        )
    n = e - s + 1
    arrivals = np.bincount((np.maximum(ref, s) - s).astype(int), minlength=n)[:n]
    inside = rem[(rem >= s) & (rem <= e)]
    departures = np.bincount((inside - s).astype(int), minlength=n)[:n]
    sizes = np.cumsum(arrivals) - np.cumsum(departures)
    return [(date.fromordinal(s + i), int(q)) for i, q in enumerate(sizes)]


def wl_stats_compatible(
    referrals: Sequence[date],
    removals: Sequence[date | None],
    target_wait: float = 4,
    start: date | None = None,
    end: date | None = None,
) -> WaitingListStats:
    """NHSRwaitinglist `wl_stats()` exactly, including its mixed units (for checking known answers)."""
    ref, rem = _days(referrals), _days(removals)
    s = start.toordinal() if start else int(np.nanmin(ref))
    e = end.toordinal() if end else int(np.nanmax(ref))
    # Demand: gaps between referrals in the window, padded with the window's ends (n + 1 gaps).
    inside = np.sort(ref[(ref >= s) & (ref <= e)])
    gaps = np.diff(np.concatenate([[s], inside, [e]]))
    mean_gap = gaps.mean()
    demand_daily = 1 / mean_gap
    cv_arrival = gaps.std(ddof=1) / mean_gap
    # Capacity: gaps ending at each removal, where days with an empty list (default window) also reset
    # the gap; the first gap starts at the window start.
    default = wl_queue_size_compatible(referrals, removals)
    zeros = [d.toordinal() for d, q in default if q == 0]
    events = sorted([(z, 0) for z in zeros] + [(r, 1) for r in np.sort(rem[~np.isnan(rem)])])
    removal_gaps = []
    previous = s
    for day, is_removal in events:
        if is_removal:
            removal_gaps.append(day - previous)
        previous = day
    gaps_r = np.array(removal_gaps, dtype=float)
    mean_removal = gaps_r.mean()
    cv_removal = gaps_r.std(ddof=1) / mean_removal if len(gaps_r) > 1 else 0.0
    mean_demand, mean_capacity = 7 * demand_daily, 7 / mean_removal
    load = queue_load(mean_demand, mean_capacity)
    queue = wl_queue_size_compatible(referrals, removals, date.fromordinal(s), date.fromordinal(e))[-1][1]
    target_queue = target_queue_size(mean_demand, target_wait)
    too_big = queue > 2 * target_queue
    waiting = (rem > e) | (np.isnan(rem) & (ref <= e))
    mean_wait = float(np.mean(e - ref[waiting]))
    return WaitingListStats(
        mean_demand=float(mean_demand),
        mean_capacity=float(mean_capacity),
        load=load,
        load_too_big=bool(load >= 1),
        count_demand=len(gaps),
        queue_size=queue,
        target_queue_size=target_queue,
        queue_too_big=bool(too_big),
        mean_wait=mean_wait,
        cv_arrival=float(cv_arrival),
        cv_removal=float(cv_removal),
        target_capacity=None
        if too_big
        else target_capacity(mean_demand, target_wait, 4, cv_arrival, cv_removal),
        relief_capacity=relief_capacity(mean_demand, queue, target_queue) if too_big else None,
        pressure=waiting_list_pressure(mean_wait, target_wait),
        demand_daily=demand_daily,
        capacity_daily=1 / mean_removal,
        removal_count=len(gaps_r),
    )


# --------------------------------------------------------------------------------------------------
# NHSRtt-style stock and flow by time waited


@dataclass(frozen=True)
class Params:
    """Per waited bin m = 0..M: the share who leave without treatment and the relative treatment rate."""

    renege: np.ndarray
    capacity: np.ndarray


def _inflow(previous_incompletes: np.ndarray, referrals: float) -> np.ndarray:
    """People entering each bin this period: referrals into bin 0; each bin moves up one; the top bin
    keeps everyone older."""
    inflow = np.empty_like(previous_incompletes, dtype=float)
    inflow[0] = referrals
    inflow[1:] = previous_incompletes[:-1]
    inflow[-1] += previous_incompletes[-1]
    return inflow


def calibrate(
    referrals: np.ndarray,
    incompletes: np.ndarray,
    completes: np.ndarray,
    *,
    redistribute_m0_reneges: bool = True,
    allow_negative_params: bool = True,
) -> Params:
    """Renege and treatment parameters from history.

    referrals[t]; incompletes[t, m] (the list at the end of period t by bins waited); completes[t, m]
    (clock stops in period t by bins waited). Periods 1..T-1 are used (period 0 only seeds the list).
    A negative bin-0 renege means referrals were under-counted, so it is moved into referrals.
    Without `allow_negative_params`, remaining negative reneges are set to 0.
    """
    referrals = np.asarray(referrals, float)
    incompletes, completes = np.asarray(incompletes, float), np.asarray(completes, float)
    renege_rates, capacity_rates = [], []
    for t in range(1, len(referrals)):
        inflow = _inflow(incompletes[t - 1], referrals[t])
        reneges = inflow - completes[t] - incompletes[t]
        if redistribute_m0_reneges and reneges[0] < 0:
            inflow[0] += -reneges[0]
            reneges[0] = 0.0
        if not allow_negative_params:
            reneges = np.maximum(reneges, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            renege_rates.append(np.where(inflow > 0, reneges / inflow, np.nan))
            capacity_rates.append(np.where(inflow > 0, completes[t] / inflow, np.nan))
    return Params(_mean_over_periods(renege_rates), _mean_over_periods(capacity_rates))


def _mean_over_periods(rates: list[np.ndarray]) -> np.ndarray:
    """Mean of each bin over the periods that had inflow to it; 0 for a bin that never had any."""
    table = np.array(rates, dtype=float)
    seen = np.sum(~np.isnan(table), axis=0)
    return np.where(seen > 0, np.nansum(table, axis=0) / np.maximum(seen, 1), 0.0)


@dataclass(frozen=True)
class Projection:
    treatments: np.ndarray  # [period, bin]
    reneges: np.ndarray
    incompletes: np.ndarray

    @property
    def waiting(self) -> np.ndarray:
        return self.incompletes.sum(axis=1)

    def share_within(self, bins: int) -> np.ndarray:
        """Share of the list that has waited fewer than `bins` bins, each period."""
        total = self.waiting
        return np.where(
            total > 0, self.incompletes[:, :bins].sum(axis=1) / np.where(total > 0, total, 1), 1.0
        )


def _redistribute_evenly(incompletes: np.ndarray) -> np.ndarray:
    """Spread any negative bins' shortfall over the positive bins in proportion to their size."""
    negative = incompletes < 0
    if not negative.any():
        return incompletes
    shortfall = -incompletes[negative].sum()
    positive = incompletes.clip(min=0)
    total = positive.sum()
    if total <= shortfall:
        return np.zeros_like(incompletes)
    return positive - shortfall * positive / total


def project(
    incompletes_t0: np.ndarray, referrals: Sequence[float], capacity: Sequence[float], params: Params
) -> Projection:
    """Project the list by bins waited. Capacity is shared across bins in proportion to
    capacity_param x inflow; reneges are renege_param x inflow."""
    if len(referrals) != len(capacity):
        raise ValueError("referrals and capacity need one value for each period.")
    current = np.asarray(incompletes_t0, float)
    out_t, out_r, out_i = [], [], []
    for refs, cap in zip(referrals, capacity, strict=True):
        inflow = _inflow(current, refs)
        reneges = params.renege * inflow
        weight = params.capacity * inflow
        total = weight.sum()
        treatments = cap * weight / total if total > 0 else np.zeros_like(inflow)
        current = _redistribute_evenly(inflow - treatments - reneges)
        out_t.append(treatments)
        out_r.append(reneges)
        out_i.append(current)
    return Projection(np.array(out_t), np.array(out_r), np.array(out_i))


def history_by_weeks_waited(
    clock_starts: Sequence[date],
    clock_stops: Sequence[date | None],
    stopped: Sequence[bool],
    first_week: date,
    weeks: int,
    max_bin: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn waits into calibration inputs by week (Monday start) and weeks waited (top bin = max_bin+).

    Returns referrals[t], incompletes[t, m] at the end of week t, completes[t, m] stopped in week t.
    """
    start = _days(clock_starts)
    stop = _days(clock_stops)
    done = np.asarray(stopped, bool)
    w0 = first_week.toordinal()
    referrals = np.zeros(weeks)
    incompletes = np.zeros((weeks, max_bin + 1))
    completes = np.zeros((weeks, max_bin + 1))
    week_of_start = np.floor((start - w0) / 7)
    for t in range(weeks):
        end = w0 + 7 * t + 6
        referrals[t] = np.sum(week_of_start == t)
        waiting = (start <= end) & (np.isnan(stop) | (stop > end))
        ages = np.minimum((end - start[waiting]) // 7, max_bin).astype(int)
        incompletes[t] = np.bincount(ages, minlength=max_bin + 1)
        ended = done & (stop >= end - 6) & (stop <= end)
        waited = np.minimum((stop[ended] - start[ended]) // 7, max_bin).astype(int)
        completes[t] = np.bincount(waited, minlength=max_bin + 1)
    return referrals, incompletes, completes


# --------------------------------------------------------------------------------------------------
# What-if, fan chart and capacity needed


@dataclass(frozen=True)
class Levers:
    """What-if levers, applied to a baseline of referrals and capacity a week."""

    referral_growth_pct: float = 0.0  # per year
    capacity_change_pct: float = 0.0
    dna_rate_now: float = 0.0  # share of booked appointments missed today (0-1)
    dna_rate_change: float = 0.0  # e.g. -0.05 for 5 percentage points fewer missed appointments
    extra_sessions: float = 0.0  # extra completed appointments a week ...
    extra_from_week: int = 0  # ... from this week (0 = the first projected week)
    extra_weeks: int = 0  # ... for this many weeks


def apply_levers(
    referrals: float, capacity: float, weeks: int, levers: Levers
) -> tuple[np.ndarray, np.ndarray]:
    """Referral and capacity paths a week under the levers.

    A missed appointment uses a slot without helping anyone, so completed appointments scale with the
    share attended: capacity x (1 - new DNA rate) / (1 - current DNA rate).
    """
    t = np.arange(weeks)
    refs = referrals * (1 + levers.referral_growth_pct / 100) ** (t / 52.0)
    attended_now = 1 - levers.dna_rate_now
    attended_new = 1 - min(max(levers.dna_rate_now + levers.dna_rate_change, 0.0), 1.0)
    cap = np.full(weeks, capacity * (1 + levers.capacity_change_pct / 100) * attended_new / attended_now)
    extra = (t >= levers.extra_from_week) & (t < levers.extra_from_week + levers.extra_weeks)
    cap = cap + np.where(extra, levers.extra_sessions, 0.0)
    return refs, cap


@dataclass(frozen=True)
class FanChart:
    weeks: int
    quantiles: tuple[float, ...]
    waiting: np.ndarray  # [quantile, week]
    share_within: np.ndarray  # [quantile, week]
    central: Projection  # the deterministic projection


def fan_chart(
    incompletes_t0: np.ndarray,
    referrals: np.ndarray,
    capacity: np.ndarray,
    params: Params,
    standard_bins: int,
    *,
    replications: int = 200,
    seed: int = 1,
    quantiles: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95),
) -> FanChart:
    """Uncertainty from chance alone: referrals and completed appointments drawn as Poisson each week.

    The replications are projected side by side (one array row each), which gives what projecting each
    in turn would, many times faster."""
    rng = np.random.default_rng(seed)
    draws = [(rng.poisson(referrals), rng.poisson(capacity)) for _ in range(replications)]
    waiting, within = _project_side_by_side(
        incompletes_t0,
        np.array([r for r, _ in draws], dtype=float),
        np.array([c for _, c in draws], dtype=float),
        params,
        standard_bins,
    )
    q = np.asarray(quantiles)
    return FanChart(
        len(referrals),
        quantiles,
        np.quantile(waiting, q, axis=0),
        np.quantile(within, q, axis=0),
        project(incompletes_t0, referrals, capacity, params),
    )


def _project_side_by_side(
    incompletes_t0: np.ndarray, referrals: np.ndarray, capacity: np.ndarray, params: Params, bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """`project` for many runs at once: referrals[run, week] and capacity[run, week]. Returns the list
    size [run, week] and the share waiting less than `bins` bins [run, week], as `project` would."""
    runs, weeks = referrals.shape
    current = np.tile(np.asarray(incompletes_t0, float), (runs, 1))
    waiting, within = np.empty((runs, weeks)), np.empty((runs, weeks))
    for t in range(weeks):
        inflow = np.empty_like(current)
        inflow[:, 0] = referrals[:, t]
        inflow[:, 1:] = current[:, :-1]
        inflow[:, -1] += current[:, -1]
        reneges = params.renege * inflow
        weight = params.capacity * inflow
        total = weight.sum(axis=1, keepdims=True)
        treatments = np.where(total > 0, capacity[:, t : t + 1] * weight / np.where(total > 0, total, 1), 0.0)
        current = _redistribute_rows(inflow - treatments - reneges)
        size = current.sum(axis=1)
        waiting[:, t] = size
        within[:, t] = np.where(size > 0, current[:, :bins].sum(axis=1) / np.where(size > 0, size, 1), 1.0)
    return waiting, within


def _redistribute_rows(incompletes: np.ndarray) -> np.ndarray:
    """`_redistribute_evenly` for each row."""
    negative = incompletes < 0
    if not negative.any():
        return incompletes
    shortfall = -np.where(negative, incompletes, 0.0).sum(axis=1, keepdims=True)
    positive = incompletes.clip(min=0)
    total = positive.sum(axis=1, keepdims=True)
    spread = positive - shortfall * positive / np.where(total > 0, total, 1)
    return np.where(total <= shortfall, 0.0, np.where(shortfall > 0, spread, incompletes))


@dataclass(frozen=True)
class CapacityNeeded:
    per_week: float | None  # None: not reachable within the search range
    by_week: int
    target_share: float
    share_reached: float
    sentence: str

    @property
    def appointments(self) -> int | None:
        """The whole number of appointments a week people are told (the sentence says the same)."""
        return None if self.per_week is None else math.ceil(self.per_week)


def capacity_needed(
    incompletes_t0: np.ndarray,
    referrals: np.ndarray,
    params: Params,
    standard_bins: int,
    target_share: float,
    *,
    by_week: int | None = None,
    by_date: date | None = None,
    today: date | None = None,
    maximum: float | None = None,
) -> CapacityNeeded:
    """The smallest steady capacity a week so that, by the given week, at least `target_share` of
    people waiting have waited less than the standard. Bisection: more capacity never lengthens waits."""
    if by_date is not None:
        today = today or date.today()
        if by_date <= today:
            raise ValueError(
                f"The date to meet the standard by must be after {_day(today)}, not {_day(by_date)}."
            )
        by_week = max(1, math.ceil((by_date - today).days / 7))
    if by_week is None:
        raise ValueError("Give by_week or by_date.")
    weeks = max(by_week, 1)
    refs = np.resize(np.asarray(referrals, float), weeks)

    def share(cap: float) -> float:
        run = project(incompletes_t0, refs, np.full(weeks, cap), params)
        return float(run.share_within(standard_bins)[weeks - 1])

    high = maximum if maximum is not None else max(float(np.sum(incompletes_t0)) + float(refs.max()), 1.0) * 2
    if share(high) < target_share:
        return CapacityNeeded(
            None,
            weeks,
            target_share,
            share(high),
            f"Even {count(high)} appointments a week would not reach {shown(100 * target_share, '%')} "
            f"within the standard in {weeks} weeks.",
        )
    low = 0.0
    for _ in range(60):
        if high - low < 1e-6:  # far finer than the whole appointments people are told
            break
        mid = (low + high) / 2
        if share(mid) >= target_share:
            high = mid
        else:
            low = mid
    reached = share(high)
    when = f"by the week starting {_long_date(by_date)}" if by_date else f"in {weeks} weeks"
    return CapacityNeeded(
        high,
        weeks,
        target_share,
        reached,
        f"To have {shown(100 * target_share, '%')} of people waiting less than the standard {when}, "
        f"the team needs about {math.ceil(high)} appointments a week.",
    )


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _long_date(d: date | None) -> str:
    if d is None:
        return ""
    monday = d - timedelta(days=d.weekday())
    return f"{monday.day} {monday:%B %Y}"


# --------------------------------------------------------------------------------------------------
# Plan ahead: the baseline from a team's waits, and a scenario under the levers


MIN_WEEKS = 12  # weeks of data Plan ahead needs: its rates a week are over the last 12 weeks
MIN_PEOPLE = 12  # referrals, and people helped, in those 12 weeks (1 a week) to plan from
RECENT_WEEKS = 12


@dataclass(frozen=True)
class PlanBaseline:
    """Where a list stands on the census date, from the last `history_weeks` weeks of its waits."""

    census: date
    standard_days: int
    last_monday: date
    referrals: np.ndarray  # [week]
    incompletes: np.ndarray  # [week, weeks waited]
    completes: np.ndarray  # [week, weeks waited]
    params: Params
    dna_rate: float
    first_start: date | None = None  # the earliest clock start in the data (how much history there is)

    @property
    def demand(self) -> float:
        """Referrals a week over the last 12 weeks."""
        return float(np.mean(self.referrals[-RECENT_WEEKS:]))

    @property
    def capacity(self) -> float:
        """People helped a week over the last 12 weeks."""
        return float(np.mean(self.completes[-RECENT_WEEKS:].sum(axis=1)))

    @property
    def left_without_help(self) -> float:
        """People who left the list without help a week over the last 12 weeks: what came in and was
        there before, less what is there now and who got help."""
        before = self.incompletes[-RECENT_WEEKS - 1].sum() if len(self.incompletes) > RECENT_WEEKS else 0.0
        came = self.referrals[-RECENT_WEEKS:].sum() + before
        gone = came - self.incompletes[-1].sum() - self.completes[-RECENT_WEEKS:].sum()
        return max(0.0, float(gone)) / min(RECENT_WEEKS, len(self.referrals))

    @property
    def waiting_now(self) -> float:
        return float(self.incompletes[-1].sum())

    @property
    def within_now(self) -> float:
        """The share of people waiting now who have waited less than the standard (1 when nobody waits)."""
        total = self.incompletes[-1].sum()
        return float(self.incompletes[-1][: self.standard_bins].sum() / total) if total else 1.0

    @property
    def target_weeks(self) -> float:
        return self.standard_days / 7

    @property
    def standard_bins(self) -> int:
        return max(1, math.ceil(self.standard_days / 7))

    @property
    def target_size(self) -> float:
        return target_queue_size(self.demand, self.target_weeks)

    @property
    def load(self) -> float:
        return queue_load(self.demand, self.capacity)

    @property
    def pressure(self) -> float:
        mean_wait = self.waiting_now / self.demand if self.demand else 0.0
        return waiting_list_pressure(mean_wait, self.target_weeks)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values, so a baseline can be stored and read back (`from_dict`)."""
        return {
            "census": self.census.isoformat(),
            "standard_days": self.standard_days,
            "last_monday": self.last_monday.isoformat(),
            "referrals": self.referrals.tolist(),
            "incompletes": self.incompletes.tolist(),
            "completes": self.completes.tolist(),
            "renege": self.params.renege.tolist(),
            "capacity": self.params.capacity.tolist(),
            "dna_rate": self.dna_rate,
            "first_start": self.first_start.isoformat() if self.first_start else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> PlanBaseline:
        def day(key: str) -> date:
            return date.fromisoformat(str(data[key]))

        def array(key: str) -> np.ndarray:
            return np.asarray(data[key], dtype=float)

        return cls(
            day("census"),
            int(data["standard_days"]),  # type: ignore[call-overload]
            day("last_monday"),
            array("referrals"),
            array("incompletes"),
            array("completes"),
            Params(array("renege"), array("capacity")),
            float(data["dna_rate"]),  # type: ignore[arg-type]
            day("first_start") if data.get("first_start") else None,
        )


def plan_baseline(
    clock_starts: Sequence[date],
    clock_stops: Sequence[date | None],
    stopped: Sequence[bool],
    census: date,
    standard_days: int,
    *,
    missed: int = 0,
    due: int = 0,
    history_weeks: int = 26,
    max_bin: int = 52,
) -> PlanBaseline | None:
    """Calibrate on the weeks up to the census date's week. None when no one was referred in them.

    Stops after the census date are treated as not yet happened. missed / due is the missed-appointment
    rate (missed appointments over appointments that were due). Whether there is enough to plan from is
    `plan_shortfall`'s question."""
    last_monday = census - timedelta(days=census.weekday())
    first_week = last_monday - timedelta(weeks=history_weeks)
    starts = [s for s in clock_starts if s is not None and s <= census]
    stops = [s if s is not None and s <= census else None for s in clock_stops]
    referrals, incompletes, completes = history_by_weeks_waited(
        clock_starts, stops, stopped, first_week, history_weeks, max_bin
    )
    if referrals.sum() == 0:
        return None
    return PlanBaseline(
        census,
        standard_days,
        last_monday,
        referrals,
        incompletes,
        completes,
        calibrate(referrals, incompletes, completes),
        missed / due if due else 0.0,
        min(starts) if starts else None,
    )


def plan_shortfall(baseline: PlanBaseline | None, census: date) -> str | None:
    """Why there is too little to plan from, and when there will be enough; None when there is enough.

    Plan ahead needs 12 weeks of data (its rates a week are over the last 12 weeks) and, in those weeks,
    at least 12 referrals and 12 people helped (1 a week): fewer, and there is no pace of work to plan from.
    """
    if baseline is None:
        return (
            f"Nobody was referred in the 26 weeks to {_day(census)}, so there is nothing to plan from. "
            "Plan ahead will work once an extract has 12 weeks of referrals."
        )
    first = baseline.first_start or baseline.census
    first_monday = first - timedelta(days=first.weekday())
    # the weeks calibrated on end with the Sunday before the census date's week
    weeks = max(0, (baseline.last_monday - first_monday).days // 7)
    if weeks < MIN_WEEKS:
        days = (census - first).days
        ready = first_monday + timedelta(weeks=MIN_WEEKS)
        return (
            f"Plan ahead needs {MIN_WEEKS} full weeks of data. This team's data start on {_day(first)}, "
            f"{days} {'day' if days == 1 else 'days'} before the extract of {_day(census)}. "
            f"There will be enough in an extract taken on or after {_day(ready)}."
        )
    to = f"the 12 weeks to {_day(baseline.last_monday - timedelta(days=1))}"
    referred = round(float(baseline.referrals[-RECENT_WEEKS:].sum()))
    helped = round(float(baseline.completes[-RECENT_WEEKS:].sum()))
    if referred < MIN_PEOPLE or helped < MIN_PEOPLE:
        return (
            f"In {to}, {referred} {'person was' if referred == 1 else 'people were'} referred and "
            f"{helped} got help: too few to plan from. Plan ahead will work when an extract's last "
            f"12 weeks have at least {MIN_PEOPLE} referrals and {MIN_PEOPLE} people who got help."
        )
    return None


@dataclass(frozen=True)
class Scenario:
    weeks: list[date]  # the Monday each projected week starts
    referrals: list[float]
    appointments: list[float]
    central: list[float]  # expected number waiting
    low: list[float]  # 5th percentile from chance alone
    high: list[float]  # 95th percentile
    share_within: list[float]  # % waiting less than the standard (expected)
    needed: CapacityNeeded

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values, so a scenario can be stored and read back (`from_dict`)."""
        data = asdict(self)
        data["weeks"] = [w.isoformat() for w in self.weeks]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        return cls(
            [date.fromisoformat(w) for w in data["weeks"]],
            *(list(data[k]) for k in ("referrals", "appointments", "central", "low", "high", "share_within")),
            CapacityNeeded(**data["needed"]),
        )


def scenario(
    baseline: PlanBaseline,
    levers: Levers,
    *,
    target_date: date | None = None,
    target_share: float = 0.92,
    horizon_weeks: int = 52,
    replications: int = 100,
    seed: int = 1,
) -> Scenario:
    """The list over the next `horizon_weeks` under the levers, and the capacity needed to have
    `target_share` waiting less than the standard by `target_date` (26 weeks on when not given)."""
    refs, cap = apply_levers(baseline.demand, baseline.capacity, horizon_weeks, levers)
    bins = baseline.standard_bins
    now = baseline.incompletes[-1]
    fan = fan_chart(now, refs, cap, baseline.params, bins, replications=replications, seed=seed)
    needed = capacity_needed(
        now,
        refs,
        baseline.params,
        bins,
        target_share,
        by_date=target_date or default_target_date(baseline.census),
        today=baseline.census,
    )
    return Scenario(
        [baseline.last_monday + timedelta(weeks=k + 1) for k in range(horizon_weeks)],
        refs.tolist(),
        cap.tolist(),
        fan.central.waiting.tolist(),
        fan.waiting[0].tolist(),
        fan.waiting[-1].tolist(),
        (100 * fan.central.share_within(bins)).tolist(),
        needed,
    )


def default_target_date(census: date) -> date:
    """The date Plan ahead aims for when none is chosen: 26 weeks after the census date."""
    return census + timedelta(weeks=26)


@dataclass(frozen=True)
class PlanResult:
    """Every number Plan ahead shows, worked out once: where things stand (from the baseline), the answer
    people ask for and the scenario's weeks (from `scenario`). The page's summary, its sentence, its table
    and the CSV all read this, so they cannot disagree."""

    baseline: PlanBaseline
    levers: Levers
    target_date: date
    target_share: float
    scenario: Scenario

    @property
    def needed(self) -> CapacityNeeded:
        return self.scenario.needed


def plan(
    baseline: PlanBaseline,
    levers: Levers,
    *,
    target_date: date | None = None,
    target_share: float = 0.92,
    horizon_weeks: int = 52,
) -> PlanResult:
    """The one function that works out a plan: the baseline's figures and the scenario under the levers."""
    when = target_date or default_target_date(baseline.census)
    run = scenario(baseline, levers, target_date=when, target_share=target_share, horizon_weeks=horizon_weeks)
    return PlanResult(baseline, levers, when, target_share, run)
