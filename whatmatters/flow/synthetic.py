"""Realistic synthetic extracts for the three phase-1 team profiles (flow.md §5).

The model, per team, with a daily step on a Monday-to-Friday calendar with England's bank holidays:
- referrals arrive on working days: Poisson(weekly rate / 5 x month index x growth), with gamma
  overdispersion (a negative binomial with k = 50, an ASSUMPTION from flow.md);
- triage 1 to 10 days later rejects 1 - treat_pcnt of them (ASSUMPTION: uniform);
- accepted referrals queue first-in-first-out for a fixed number of first-appointment slots per working
  day (priority is recorded, not used for booking: a simplification);
- a missed first appointment (DNA) is rebooked 14 days later with probability 0.7, otherwise the referral
  is closed;
- community teams then get the events their clock rule needs (a care plan for the 4-week rule, a care
  coordinator for EIP), follow-up contacts, and a discharge after a lognormal episode;
- the older adults' ward admits when one of its beds is free, first come first served.

Everything after the last day (the extract date) is cut off, as a real extract would be. `faults` adds
extra bad rows for each rule the importer checks, and `GenerateSummary.faults` says how many, so tests can
assert that every one is rejected.
"""

# SQL here is built from fixed column names only; generated values are passed as arrays, never as text.
# ruff: noqa: S608

from __future__ import annotations

import heapq
import json
import math
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np

from whatmatters.flow import contract
from whatmatters.flow.database import connect
from whatmatters.flow.mhsds_write import write_mhsds

EPOCH = date(1970, 1, 1)
DEFAULT_START = date(2021, 4, 1)
NB_DISPERSION_K = 50.0  # ASSUMPTION (flow.md §5): mild overdispersion of daily referrals
REBOOK_AFTER_DAYS = 14
REBOOK_PROBABILITY = 0.7
BOOKING_LEAD_DAYS = 2  # ASSUMPTION: a first appointment is offered at least 2 days after triage
MAX_ATTEMPTS = 4


def _by_calendar_month(may_to_april: Sequence[float]) -> tuple[float, ...]:
    """flow.md lists month indices from May to April; return them January to December, mean 1."""
    values = list(may_to_april[8:]) + list(may_to_april[:8])  # Jan..Apr, then May..Dec
    mean = sum(values) / 12
    return tuple(v / mean for v in values)


@dataclass(frozen=True)
class TeamProfile:
    key: str
    team_id: str
    name: str
    team_type: str
    kind: str  # "cmh4", "eip" or "ward"
    arrivals_per_week: float
    growth_per_year: float
    treat_pcnt: float
    slots_per_week: float
    p_dna: float
    month_index: tuple[float, ...]
    episode_median_days: float
    episode_sigma: float
    followups_per_month: float
    care_plan_mean_days: float = 21.0
    care_coord_mean_days: float = 9.0
    care_coord_shape: float = 2.0  # ASSUMPTION: gamma shape for the EIP care-coordinator delay
    first_episode_share: float = 0.8
    episode_cap_days: float | None = None
    beds: int = 0


PROFILES: dict[str, TeamProfile] = {
    p.key: p
    for p in (
        TeamProfile(
            key="community-recovery",
            team_id="CERT",
            name="Community Enhancing Recovery Team",
            team_type="A06",
            kind="cmh4",
            arrivals_per_week=50,
            growth_per_year=0.05,
            treat_pcnt=0.763,
            slots_per_week=44,
            p_dna=0.15,
            month_index=_by_calendar_month(
                [1.03, 0.96, 1.05, 0.85, 0.94, 1.11, 1.01, 0.90, 1.06, 1.04, 1.11, 0.94]
            ),
            episode_median_days=180,
            episode_sigma=0.8,
            followups_per_month=0.69,
        ),
        TeamProfile(
            key="early-intervention",
            team_id="EIP",
            name="Early Intervention in Psychosis",
            team_type="A14",
            kind="eip",
            arrivals_per_week=30,
            growth_per_year=0.05,
            treat_pcnt=0.772,
            slots_per_week=32,
            p_dna=0.20,
            month_index=_by_calendar_month(
                [1.10, 1.04, 1.08, 0.85, 0.95, 1.07, 0.98, 0.85, 1.00, 0.93, 1.11, 1.04]
            ),
            episode_median_days=540,
            episode_sigma=0.6,
            episode_cap_days=3 * 365,
            followups_per_month=1.42,
        ),
        TeamProfile(
            key="older-adults-ward",
            team_id="OAWARD",
            name="Older adults' psychiatric ward",
            # Z01 "other mental health service": keeps bed referrals out of the EIP and CMH wait cohorts.
            team_type="Z01",
            kind="ward",
            arrivals_per_week=1.1,
            growth_per_year=0.0,
            treat_pcnt=1.0,
            slots_per_week=0,
            p_dna=0.0,
            month_index=_by_calendar_month(
                [1.09, 0.95, 1.09, 0.99, 0.96, 1.00, 0.98, 0.99, 1.04, 0.91, 1.00, 1.00]
            ),
            episode_median_days=91,
            episode_sigma=0.6,
            followups_per_month=0.0,
            beds=20,
        ),
    )
}


# --------------------------------------------------------------------------------------------------
# Calendar


def _easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


# One-off England bank holidays and moved ones (gov.uk bank holiday list).
_SPECIAL = {
    2020: ({date(2020, 5, 8)}, {date(2020, 5, 4)}),
    2022: ({date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}, {date(2022, 5, 30)}),
    2023: ({date(2023, 5, 8)}, set()),
}


def england_bank_holidays(year: int) -> set[date]:
    """England and Wales bank holidays, with weekend substitutes."""
    easter = _easter(year)
    days = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    added, removed = _SPECIAL.get(year, (set(), set()))
    if year == 2020:
        days.discard(_first_monday(year, 5))
    days = (days | added) - removed
    # New Year's Day, Christmas Day and Boxing Day move to the next free weekday.
    for fixed in (date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)):
        d = fixed
        while d.weekday() >= 5 or d in days:
            d += timedelta(days=1)
        days.add(d)
    return days


def working_days(start: date, end: date) -> np.ndarray:
    """Boolean array, one per day from start to end inclusive: a working day in England."""
    n = (end - start).days + 1
    days = [start + timedelta(days=i) for i in range(n)]
    holidays = set().union(*(england_bank_holidays(y) for y in range(start.year, end.year + 1)))
    return np.array([d.weekday() < 5 and d not in holidays for d in days], dtype=bool)


# --------------------------------------------------------------------------------------------------
# Simulation


@dataclass
class _Tables:
    """Columns for the three CSV files; dates are day numbers since 1970-01-01, -1 when blank."""

    referrals: dict[str, list[np.ndarray]] = field(default_factory=dict)
    contacts: dict[str, list[np.ndarray]] = field(default_factory=dict)
    ward_stays: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, table: str, **columns: np.ndarray) -> None:
        target = getattr(self, table)
        for name, values in columns.items():
            target.setdefault(name, []).append(np.asarray(values))

    def column(self, table: str, name: str) -> np.ndarray:
        parts = getattr(self, table).get(name, [])
        return np.concatenate(parts) if parts else np.array([])


def _daynum(d: date) -> int:
    return (d - EPOCH).days


def _arrivals(
    profile: TeamProfile,
    start: date,
    n_days: int,
    workday: np.ndarray,
    rng: np.random.Generator,
    every_day: bool = False,
) -> np.ndarray:
    """Day offsets of each referral, in order."""
    offsets = np.arange(n_days)
    months = np.array([(start + timedelta(days=int(i))).month - 1 for i in offsets])
    index = np.asarray(profile.month_index)[months]
    growth = (1 + profile.growth_per_year) ** (offsets / 365.0)
    per_day = profile.arrivals_per_week / (7.0 if every_day else 5.0)
    rate = per_day * index * growth * (1.0 if every_day else workday)
    # Gamma-mixed Poisson (negative binomial): day-to-day variation a little above pure chance.
    rate = rate * rng.gamma(NB_DISPERSION_K, 1.0 / NB_DISPERSION_K, size=n_days)
    counts = rng.poisson(rate)
    return np.repeat(offsets, counts)


def _fifo_slots(ready: np.ndarray, cum_slots: np.ndarray) -> np.ndarray:
    """First-in-first-out booking: the day of the slot each person gets (ready sorted ascending).

    cum_slots[d] = slots on days 0..d. Person i (in order) can use a slot on or after ready[i]; slots
    are consumed in order, so person i gets slot number j_i = max(j_{i-1} + 1, slots before ready[i] + 1),
    which a running maximum computes for everyone at once.
    """
    n_days = len(cum_slots)
    before = np.where(ready > 0, cum_slots[np.clip(ready - 1, 0, n_days - 1)], 0)
    before = np.where(ready >= n_days, cum_slots[-1] + (ready - n_days + 1) * 1_000_000, before)
    i = np.arange(len(ready))
    j = i + np.maximum.accumulate(before + 1 - i) if len(ready) else i
    day = np.searchsorted(cum_slots, j, side="left")
    return np.where(day < n_days, day, -1)  # -1: no slot before the extract date


def _book(
    who: np.ndarray, first_ready: np.ndarray, dna: np.ndarray, rebook: np.ndarray, cum_slots: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Book first appointments for everyone, including rebookings after missed ones.

    Rebooked people re-join the same first-in-first-out queue, which changes everyone's slots after
    them, so we repeat the booking until the rebooking days stop changing (a few rounds in practice).
    Returns (person, attempt, day) with day -1 for no slot before the extract date.
    """
    ready = [(who, first_ready)]
    for _ in range(2 * MAX_ATTEMPTS):
        person = np.concatenate([r[0] for r in ready])
        attempt = np.concatenate([np.full(len(r[0]), k) for k, r in enumerate(ready)])
        when = np.concatenate([r[1] for r in ready])
        order = np.lexsort((person, when))
        day = np.empty(len(order), dtype=np.int64)
        day[order] = _fifo_slots(when[order], cum_slots)
        again = [ready[0]]
        for k in range(1, MAX_ATTEMPTS):
            mask = (attempt == k - 1) & (day >= 0) & dna[person, k - 1] & rebook[person, k - 1]
            if not mask.any():
                break
            by_person = np.argsort(person[mask])
            again.append((person[mask][by_person], day[mask][by_person] + REBOOK_AFTER_DAYS))
        if len(again) == len(ready) and all(
            np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
            for a, b in zip(again, ready, strict=True)
        ):
            break
        ready = again
    return person, attempt, day


def _simulate_community(
    profile: TeamProfile,
    team_id: str,
    start: date,
    n_days: int,
    workday: np.ndarray,
    rng: np.random.Generator,
    tables: _Tables,
    followups: bool,
    prefix: str,
) -> None:
    base = _daynum(start)
    ref = _arrivals(profile, start, n_days, workday, rng)
    n = len(ref)
    ids = np.array([f"{prefix}R{i:07d}" for i in range(n)])
    triage = ref + rng.integers(1, 11, size=n)
    accepted = rng.random(n) < profile.treat_pcnt
    rejected_day = np.where(~accepted, triage, -1)

    # Booking: daily slots, first in first out; missed appointments rebooked 14 days later.
    per_day = profile.slots_per_week / 5.0
    cum_slots = np.floor(np.cumsum(workday * per_day) + 1e-9).astype(np.int64)
    dna = rng.random((n, MAX_ATTEMPTS)) < profile.p_dna
    rebook = rng.random((n, MAX_ATTEMPTS)) < REBOOK_PROBABILITY
    who = np.flatnonzero(accepted)
    person, attempt, day = _book(who, triage[who] + BOOKING_LEAD_DAYS, dna, rebook, cum_slots)

    booked = day >= 0
    person, attempt, day = person[booked], attempt[booked], day[booked]
    missed = dna[person, attempt]
    first_attended = np.full(n, -1)
    first_attended[person[~missed]] = day[~missed]
    # Closed after a missed appointment that was not rebooked (or after the last attempt).
    gave_up = missed & (~rebook[person, attempt] | (attempt == MAX_ATTEMPTS - 1))
    closed = np.full(n, -1)
    closed[person[gave_up]] = day[gave_up] + 1
    first_kind = "assessment" if profile.kind == "eip" else "other"
    contact_ref, contact_day = person.tolist(), day.tolist()
    contact_status = np.where(missed, "3", np.where(rng.random(len(day)) < 0.9, "5", "6")).tolist()
    contact_kind = [first_kind] * len(day)

    seen = np.flatnonzero(first_attended >= 0)
    care_coord = np.full(n, -1)
    treatment = np.full(n, -1)
    if profile.kind == "eip":
        shape = profile.care_coord_shape
        cc = ref[who] + np.ceil(rng.gamma(shape, profile.care_coord_mean_days / shape, size=len(who)))
        care_coord[who] = cc.astype(int)
        stop = np.where(first_attended[seen] >= 0, np.maximum(first_attended[seen], care_coord[seen]), -1)
    else:
        plan = first_attended[seen] + np.ceil(
            rng.gamma(2.0, profile.care_plan_mean_days / 2.0, size=len(seen))
        )
        treatment[seen] = plan.astype(int)
        stop = treatment[seen]
        contact_ref.extend(seen.tolist())
        contact_day.extend(treatment[seen].tolist())
        contact_status.extend(["5"] * len(seen))
        contact_kind.extend(["care_plan"] * len(seen))
    episode = rng.lognormal(math.log(profile.episode_median_days), profile.episode_sigma, size=len(seen))
    if profile.episode_cap_days:
        episode = np.minimum(episode, profile.episode_cap_days)
    discharge = np.full(n, -1)
    discharge[seen] = (stop + np.ceil(episode)).astype(int)

    if followups and profile.followups_per_month > 0 and len(seen):
        months = (discharge[seen] - stop) / 30.4
        counts = rng.poisson(profile.followups_per_month * months)
        owner = np.repeat(seen, counts)
        lo, hi = np.repeat(stop, counts), np.repeat(discharge[seen], counts)
        day = lo + np.floor(rng.random(len(owner)) * np.maximum(hi - lo, 1)).astype(int) + 1
        # ASSUMPTION: follow-ups are missed a little less often than first appointments.
        missed, cancelled_by_person, cancelled_by_team, late_not_seen = profile.p_dna * 0.7, 0.04, 0.03, 0.01
        seen_share = 1 - missed - cancelled_by_person - cancelled_by_team - late_not_seen
        status = rng.choice(
            np.array(["5", "6", "3", "2", "4", "7"]),
            size=len(owner),
            p=[
                seen_share * 0.95,
                seen_share * 0.05,
                missed,
                cancelled_by_person,
                cancelled_by_team,
                late_not_seen,
            ],
        )
        kinds = rng.choice(np.array(["review", "intervention", "other"]), size=len(owner), p=[0.5, 0.4, 0.1])
        contact_ref.extend(owner.tolist())
        contact_day.extend(day.tolist())
        contact_status.extend(status.tolist())
        contact_kind.extend(kinds.tolist())

    last = n_days - 1
    cut = lambda x: np.where((x >= 0) & (x <= last), x + base, -1)  # noqa: E731 -- nothing after the extract
    primary = (
        np.where(rng.random(n) < profile.first_episode_share, "01", "02")
        if profile.kind == "eip"
        else np.full(n, "")
    )
    tables.add(
        "referrals",
        referral_id=ids,
        person_id=np.char.add(f"{prefix}P", np.arange(n).astype(str)),
        team_id=np.full(n, team_id),
        team_type=np.full(n, profile.team_type),
        referral_date=ref + base,
        priority=rng.choice(np.array(["3", "2", "1"]), size=n, p=[0.85, 0.13, 0.02]),
        primary_reason=primary,
        rejected_date=cut(rejected_day),
        closed_date=cut(closed),
        discharge_date=cut(discharge),
        care_coord_date=cut(care_coord),
        treatment_start_date=cut(treatment),
    )
    cref, cday = np.asarray(contact_ref, dtype=int), np.asarray(contact_day, dtype=int)
    keep = (cday >= 0) & (cday <= last)
    m = int(keep.sum())
    mechanism = rng.choice(np.array(["01", "02", "11", "05"]), size=m, p=[0.7, 0.18, 0.1, 0.02])
    tables.add(
        "contacts",
        contact_id=np.char.add(f"{prefix}C", np.arange(m).astype(str)),
        referral_id=ids[cref[keep]],
        contact_date=cday[keep] + base,
        attend_status=np.asarray(contact_status)[keep],
        consultation_mechanism=mechanism,
        contact_kind=np.asarray(contact_kind)[keep],
    )


def _simulate_ward(
    profile: TeamProfile,
    team_id: str,
    start: date,
    n_days: int,
    rng: np.random.Generator,
    tables: _Tables,
    prefix: str,
) -> None:
    """A bed for each admission; people wait first come first served when the ward is full."""
    base = _daynum(start)
    stay = lambda size: np.ceil(  # noqa: E731
        rng.lognormal(math.log(profile.episode_median_days), profile.episode_sigma, size=size)
    ).astype(int)
    # People already on the ward on the first day, so it does not start empty.
    already = int(round(profile.beds * 0.8))
    elapsed = rng.integers(0, int(profile.episode_median_days), size=already)
    remaining = np.maximum(stay(already) - elapsed, 1)
    beds = list(remaining.tolist())
    heapq.heapify(beds)
    ref = _arrivals(profile, start, n_days, np.ones(n_days, dtype=bool), rng, every_day=True)
    n = len(ref)
    lengths = stay(n)
    admit = np.empty(n, dtype=int)
    for i, day in enumerate(ref.tolist()):
        free = heapq.heappop(beds)
        admit[i] = max(day, free)
        heapq.heappush(beds, admit[i] + int(lengths[i]))
    leave = admit + lengths
    last = n_days - 1
    ids = np.array([f"{prefix}R{i:07d}" for i in range(n)])
    admitted = admit <= last
    tables.add(
        "referrals",
        referral_id=ids,
        person_id=np.char.add(f"{prefix}P", np.arange(n).astype(str)),
        team_id=np.full(n, team_id),
        team_type=np.full(n, profile.team_type),
        referral_date=ref + base,
        priority=np.full(n, "2"),
        primary_reason=np.full(n, ""),
        rejected_date=np.full(n, -1),
        closed_date=np.full(n, -1),
        discharge_date=np.where(admitted & (leave <= last), leave + base, -1),
        care_coord_date=np.full(n, -1),
        treatment_start_date=np.where(admitted, admit + base, -1),
    )
    # The admission is the clock stop for the wait for a bed: record it as an attended assessment.
    k = int(admitted.sum())
    tables.add(
        "contacts",
        contact_id=np.char.add(f"{prefix}C", np.arange(k).astype(str)),
        referral_id=ids[admitted],
        contact_date=admit[admitted] + base,
        attend_status=np.full(k, "5"),
        consultation_mechanism=np.full(k, "01"),
        contact_kind=np.full(k, "assessment"),
    )
    spell_ids = np.concatenate(
        [
            np.char.add(f"{prefix}S0-", np.arange(already).astype(str)),
            np.char.add(f"{prefix}S", np.arange(k).astype(str)),
        ]
    )
    adm = np.concatenate([-elapsed, admit[admitted]])
    dis = np.concatenate([remaining, leave[admitted]])
    tables.add(
        "ward_stays",
        spell_id=spell_ids,
        person_id=np.concatenate(
            [
                np.char.add(f"{prefix}Q", np.arange(already).astype(str)),
                np.char.add(f"{prefix}P", np.flatnonzero(admitted).astype(str)),
            ]
        ),
        ward_id=np.full(len(adm), team_id),
        bed_type=np.full(len(adm), "older_adult"),
        admission_date=adm + base,
        discharge_date=np.where(dis <= last, dis + base, -1),
        referral_id=np.concatenate([np.full(already, ""), ids[admitted]]),
    )


# --------------------------------------------------------------------------------------------------
# Faults and writing


@dataclass
class GenerateSummary:
    out: Path
    start: date
    extract_date: date
    rows: dict[str, int]
    faults: dict[tuple[str, str], int]  # (file, rule code) -> rows injected

    def lines(self) -> list[str]:
        said = [
            f"Wrote synthetic extracts from {self.start.isoformat()} to {self.extract_date.isoformat()} "
            f"into {self.out}:"
        ]
        said += [f"  {name}.csv: {count:,} rows" for name, count in self.rows.items()]
        if self.faults:
            total = sum(self.faults.values())
            said.append(f"  {total:,} deliberately bad rows were added (see extract.json).")
        return said


# (file, rule code, how the bad row is made): each makes exactly one failed rule on a new row.
_FAULTS = (
    ("referrals", contract.Rule.MISSING_REQUIRED),
    ("referrals", contract.Rule.BAD_DATE),
    ("referrals", contract.Rule.FUTURE_DATE),
    ("referrals", contract.Rule.ORDER_VIOLATION),
    ("referrals", contract.Rule.DUP_ID),
    ("referrals", contract.Rule.UNKNOWN_CODE),
    ("contacts", contract.Rule.ORPHAN_REF),
    ("contacts", contract.Rule.UNKNOWN_CODE),
    ("contacts", contract.Rule.BAD_DATE),
    ("ward_stays", contract.Rule.ORDER_VIOLATION),
    ("ward_stays", contract.Rule.BAD_DATE),
)


def _as_text(tables: _Tables, table: str, spec: contract.FileSpec) -> dict[str, np.ndarray]:
    """Every column as text (dates as YYYY-MM-DD, blanks as empty strings)."""
    data = getattr(tables, table)
    n = len(tables.column(table, spec.columns[0].name)) if data else 0
    out: dict[str, np.ndarray] = {}
    for col in spec.columns:
        values = tables.column(table, col.name) if col.name in data else np.full(n, "")
        if col.kind is contract.Kind.DATE and col.name in data:
            days = values.astype(np.int64)
            text = (np.datetime64("1970-01-01") + days.astype("timedelta64[D]")).astype(str)
            values = np.where(days >= 0, text, "")
        out[col.name] = values.astype(str)
    return out


def _inject(
    columns: dict[str, np.ndarray],
    table: str,
    rule: str,
    count: int,
    extract_date: date,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """`count` new rows, each breaking exactly one rule."""
    n = len(next(iter(columns.values())))
    if n == 0 or count == 0:
        return {}
    source = rng.integers(0, n, size=count)
    rows = {name: values[source].copy() for name, values in columns.items()}
    tag = f"FAULT-{rule}-"
    ids = np.char.add(tag, np.arange(count).astype(str))
    later = (extract_date + timedelta(days=30)).isoformat()
    if table == "referrals":
        rows["referral_id"] = ids if rule != contract.Rule.DUP_ID else rows["referral_id"]
        for name in (
            "rejected_date",
            "closed_date",
            "discharge_date",
            "care_coord_date",
            "treatment_start_date",
        ):
            rows[name][:] = ""
        if rule == contract.Rule.MISSING_REQUIRED:
            rows["team_id"][:] = ""
        elif rule == contract.Rule.BAD_DATE:
            rows["referral_date"] = np.array([f"{d[8:10]}/{d[5:7]}/{d[0:4]}" for d in rows["referral_date"]])
        elif rule == contract.Rule.FUTURE_DATE:
            rows["referral_date"][:] = later
        elif rule == contract.Rule.ORDER_VIOLATION:
            rows["closed_date"] = np.array(
                [(date.fromisoformat(d) - timedelta(days=3)).isoformat() for d in rows["referral_date"]]
            )
        elif rule == contract.Rule.DUP_ID:
            rows = {name: values[source] for name, values in columns.items()}  # an exact repeat
        elif rule == contract.Rule.UNKNOWN_CODE:
            rows["priority"][:] = "9"
    elif table == "contacts":
        rows["contact_id"] = ids
        if rule == contract.Rule.ORPHAN_REF:
            rows["referral_id"] = np.char.add("NO-SUCH-REFERRAL-", np.arange(count).astype(str))
        elif rule == contract.Rule.UNKNOWN_CODE:
            rows["attend_status"][:] = "9"
        elif rule == contract.Rule.BAD_DATE:
            serial = [(date.fromisoformat(d) - date(1899, 12, 30)).days for d in rows["contact_date"]]
            rows["contact_date"] = np.array([str(s) for s in serial])
    elif table == "ward_stays":
        rows["spell_id"] = ids
        rows["referral_id"][:] = ""
        if rule == contract.Rule.ORDER_VIOLATION:
            rows["discharge_date"] = np.array(
                [(date.fromisoformat(d) - timedelta(days=2)).isoformat() for d in rows["admission_date"]]
            )
        elif rule == contract.Rule.BAD_DATE:
            rows["admission_date"] = np.array([d.replace("-", "/") for d in rows["admission_date"]])
            rows["discharge_date"][:] = ""
    return rows


def _write(con: duckdb.DuckDBPyConnection, columns: dict[str, np.ndarray], path: Path) -> None:
    con.register("frame", columns)
    select = ", ".join(f"nullif({name}, '') AS {name}" for name in columns)
    con.execute(f"COPY (SELECT {select} FROM frame) TO ? (HEADER, DELIMITER ',')", [str(path)])
    con.unregister("frame")


def generate(
    out: str | Path,
    *,
    teams: Sequence[str] | None = None,
    years: float = 3,
    seed: int = 1,
    faults: float = 0.0,
    start: date | None = None,
    copies: int = 1,
    first_copy: int = 0,
    followups: bool = True,
    events: bool = False,
) -> GenerateSummary:
    """Write referrals.csv, contacts.csv, ward_stays.csv and extract.json into `out`.

    `events=True` also writes events.csv with a baseline outcome measure (a coded score, MHS607) and a
    meaningful assessment (a care activity, MHS202) at each referral's first attended contact, so NHS
    England's 4-week rule can stop its clock (without outcome measures it shows the local rule instead);
    not with `faults`.

    `copies` repeats each team profile with its own IDs and random draws (for benchmarks); `first_copy`
    numbers them from an offset, so large extracts can be made in parts without clashing IDs.
    `followups=False` leaves out follow-up contacts, which keeps very large benchmark files smaller.
    """
    keys = list(teams or PROFILES)
    unknown = [k for k in keys if k not in PROFILES]
    if unknown:
        raise ValueError(f"Unknown team profile {', '.join(unknown)}. Choose from: {', '.join(PROFILES)}.")
    if not 0 <= faults <= 0.2:
        raise ValueError("faults is a share of rows between 0 and 0.2, for example 0.01.")
    if years <= 0:
        raise ValueError("years must be more than 0.")
    if events and faults:
        raise ValueError("events and faults cannot be asked for together.")
    start = start or DEFAULT_START
    n_days = int(round(years * 365.25))
    extract_date = start + timedelta(days=n_days - 1)
    workday = working_days(start, extract_date)
    rng = np.random.default_rng(seed)
    tables = _Tables()
    for key in keys:
        profile = PROFILES[key]
        for copy in range(first_copy, first_copy + copies):
            team_id = profile.team_id if copies == 1 and first_copy == 0 else f"{profile.team_id}-{copy:05d}"
            prefix = f"{team_id}-"
            if profile.kind == "ward":
                _simulate_ward(profile, team_id, start, n_days, rng, tables, prefix)
            else:
                _simulate_community(profile, team_id, start, n_days, workday, rng, tables, followups, prefix)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = connect()
    rows: dict[str, int] = {}
    injected: Counter[tuple[str, str]] = Counter()
    for spec in (contract.REFERRALS, contract.CONTACTS, contract.WARD_STAYS):
        columns = _as_text(tables, spec.name, spec)
        n = len(columns[spec.columns[0].name])
        if faults > 0 and n:
            extra = [columns]
            for table, rule in _FAULTS:
                if table != spec.name:
                    continue
                count = max(1, int(round(faults * n)))
                bad = _inject(columns, table, rule, count, extract_date, rng)
                if bad:
                    extra.append(bad)
                    injected[(spec.filename, str(rule))] += count
            columns = {name: np.concatenate([part[name] for part in extra]) for name in columns}
            # Bad rows go to random places, so row numbers are tested. A repeated referral is an exact copy,
            # so it does not matter which of the two comes first.
            order = rng.permutation(len(columns[spec.columns[0].name]))
            columns = {name: values[order] for name, values in columns.items()}
        _write(con, columns, out / spec.filename)
        rows[spec.name] = len(columns[spec.columns[0].name])
    if events:
        rows["events"] = _write_events(con, out)
    summary = GenerateSummary(
        out=out, start=start, extract_date=extract_date, rows=rows, faults=dict(injected)
    )
    manifest = {
        "start": start.isoformat(),
        "extract_date": extract_date.isoformat(),
        "seed": seed,
        "years": years,
        "teams": {PROFILES[k].team_id: PROFILES[k].name for k in keys},
        "copies": copies,
        "beds": {PROFILES[k].team_id: PROFILES[k].beds for k in keys if PROFILES[k].beds},
        "rows": rows,
        "faults": [{"file": f, "rule_code": r, "rows": c} for (f, r), c in sorted(injected.items())],
    }
    (out / "extract.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return summary


def _write_events(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """events.csv: a baseline outcome measure and a meaningful assessment on each referral's first
    attended contact (the earliest by date)."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE synthetic_events AS
        WITH c AS (SELECT * FROM read_csv(?, all_varchar = true)),
             r AS (SELECT * FROM read_csv(?, all_varchar = true)),
             first AS (SELECT referral_id, arg_min(contact_id, contact_date || contact_id) AS contact_id,
                              min(contact_date) AS day
                       FROM c WHERE attend_status IN ('5', '6') GROUP BY 1)
        SELECT prefix || f.contact_id AS event_id, r.person_id, f.referral_id, f.contact_id,
               kind AS event_kind, f.day AS event_date, NULL AS end_date, NULL AS code,
               NULL AS team_type, source
        FROM first f JOIN r USING (referral_id)
        CROSS JOIN (VALUES ('OM-', 'outcome_measure', 'MHS607'), ('MA-', 'meaningful_assessment', 'MHS202'))
            AS k(prefix, kind, source)
        ORDER BY f.referral_id, prefix""",
        [str(out / contract.CONTACTS.filename), str(out / contract.REFERRALS.filename)],
    )
    con.execute("COPY synthetic_events TO ? (HEADER, DELIMITER ',')", [str(out / contract.EVENTS.filename)])
    [(n,)] = con.execute("SELECT count(*) FROM synthetic_events").fetchall()
    return int(n)


def with_capacity(profile_key: str, slots_per_week: float) -> TeamProfile:
    """A profile with different capacity, for what-if tests (e.g. the 'fixed' scenario of 52 slots)."""
    return replace(PROFILES[profile_key], slots_per_week=slots_per_week)


def generate_mhsds(out: str | Path, **options: object) -> GenerateSummary:
    """The same synthetic extract as `generate` (same options, same events), written as MHSDS v6 tables
    (MHS101Referral.csv, MHS201CareContact.csv, ...: see whatmatters.flow.mhsds_write) with extract.json."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="wm-synthetic-") as folder:
        summary = generate(folder, **options)  # type: ignore[arg-type]
        rows = write_mhsds(folder, out)
        manifest = json.loads((Path(folder) / "extract.json").read_text())
        manifest.update({"format": "mhsds", "contract_rows": manifest["rows"], "rows": rows})
        (out / "extract.json").write_text(json.dumps(manifest, indent=2) + "\n")
        shutil.rmtree(folder, ignore_errors=True)
    return GenerateSummary(
        out=out, start=summary.start, extract_date=summary.extract_date, rows=rows, faults=summary.faults
    )
