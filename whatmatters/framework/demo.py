"""Demo measurement plans for the three phase-1 teams: domains, an aim with its driver diagram, 5 to 8
measures (most adopted from the national library), 30 months of values that show real SPC signals, and
events on the charts (a change tested that starts a new baseline, small tests of change, staffing changes),
and targets that change over time: CERT's median wait has a planned reduction month by month (a
trajectory), and EIP's 2-week wait is judged against the national standard with the team's local ambition
drawn beside it. Each new baseline was agreed by a person: the team's lead (or, for a team without a demo
lead, the programme's improvement faculty), with the change as the reason.

Idempotent: everything is looked up by a natural key first; values are only added for periods that have
none. Values are bulk-created, so each measure gets one audit event that says how many were added.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from whatmatters.framework.actions import adopt_library_measure, set_programme_sharing, set_target_rows
from whatmatters.framework.library import seed_library
from whatmatters.framework.measures.results import last_complete_period
from whatmatters.framework.measures.values import Row as ValueRow
from whatmatters.framework.measures.values import Source, write_values
from whatmatters.framework.models import (
    Aim,
    Annotation,
    ChangeIdea,
    Domain,
    Driver,
    LibraryMeasure,
    Measure,
    period_grid,
)
from whatmatters.teams.models import Membership, Team, User
from whatmatters.teams.roles import Role

MONTHS = 30
CHANGE_AT = 16  # the month (from the start) when the team's main change began


@dataclass
class DemoMeasure:
    code: str  # a library code, adopted; or a team's own code with `own` fields
    domain: int  # index into the team's domains
    before: float  # level before the change (a rate in %, per 1,000 or per 100 for ratio measures)
    after: float  # level after the change
    size: float = 30  # denominator size (people, occupied bed days, staff) or noise for single values
    baseline: bool = False  # the change starts a new baseline on this measure's chart
    late_drift: float = 0.0  # added over the last 8 months, to show a concern
    own: dict[str, Any] = field(default_factory=dict)
    on_aim: bool = True
    # Targets: the measure's own target and its name (None: the library's), and rows of its targets over
    # time as (month from the start, value, line; "" for the measure's target).
    target: float | None = None
    target_label: str = ""
    targets: list[tuple[int, float, str]] = field(default_factory=list)


@dataclass
class DemoPlan:
    domains: list[tuple[str, str]]
    aim: dict[str, Any]
    drivers: list[tuple[str, list[str], list[tuple[str, list[str]]]]]  # primary, its ideas, secondaries
    change: str
    measures: list[DemoMeasure]
    events: list[tuple[int, str, str, str]]  # (month, measure code, kind, text)


PLANS: dict[str, DemoPlan] = {
    "cert": DemoPlan(
        domains=[
            ("I know what is happening while I wait", "People waiting hear from us and know who to contact."),
            ("I see the same worker, who knows my story", "Continuity of the worker people see."),
            ("I am listened to and my care plan is mine", "Care plans written with the person."),
        ],
        aim={
            "what": "Start help within 4 weeks of referral",
            "for_whom": "adults referred to CERT",
            "how_much": "from about 40% to 75% of people",
            "by_when": dt.date(2026, 12, 31),
        },
        drivers=[
            (
                "People know what happens next while they wait",
                ["Phone everyone on the waiting list every 4 weeks"],
                [("Letters people understand", ["Co-write the waiting letter with experts by experience"])],
            ),
            (
                "Assessment leads straight to help",
                ["Daily triage huddle"],
                [("A care coordinator is named at assessment", ["Allocate at the assessment meeting"])],
            ),
        ],
        change="We started a daily triage huddle and allocate at assessment",
        measures=[
            DemoMeasure("community-4-week-wait", 0, 40, 72, size=35, baseline=True, target=75),
            # A trajectory: 38 days at first, then a planned reduction of a day a month once the change
            # started, to 24 days.
            DemoMeasure(
                "median-wait-days",
                0,
                41,
                24,
                size=4,
                target=38.0,
                target_label="Planned reduction",
                targets=[(CHANGE_AT + k, 37.0 - k, "") for k in range(14)],
            ),
            DemoMeasure("waiting-well-contact", 0, 35, 80, size=40, target=30),
            DemoMeasure("collaborate", 2, 55, 58, size=25),
            DemoMeasure("dialog-quality-of-life", 2, 3.9, 4.3, size=0.15),
            DemoMeasure("staff-pulse-engagement", 1, 6.8, 6.8, size=0.2, late_drift=-0.9, target=7.5),
        ],
        events=[
            (12, "waiting-well-contact", "pdsa", "Test: phone 10 people on the waiting list"),
            (14, "waiting-well-contact", "pdsa", "Test: phone everyone waiting over 4 weeks"),
            (23, "staff-pulse-engagement", "staffing", "2 care coordinators left; posts vacant"),
        ],
    ),
    "older-adults-ward": DemoPlan(
        domains=[
            (
                "My family know what is happening and are part of my care",
                "Carers are told about changes and included in plans, including going home.",
            ),
            ("I have things to do that matter to me", "Daily activity that fits who the person is."),
            ("I feel safe on the ward", "Fewer falls and less restraint."),
        ],
        aim={
            "what": "Fewer falls and less restrictive practice on Beech Ward",
            "for_whom": "older adults staying on Beech Ward",
            "how_much": "falls down by a third",
            "by_when": dt.date(2026, 9, 30),
        },
        drivers=[
            (
                "People are active and occupied in the day",
                ["Activity coordinator on the ward 7 days a week"],
                [("Activities that fit the person", ["'This is me' profile on admission"])],
            ),
            (
                "Staff know each person's risks",
                ["Safety huddle at every shift change"],
                [("Falls risk reviewed after every fall", ["Post-fall review within 24 hours"])],
            ),
        ],
        change="We started safety huddles and daily activities",
        measures=[
            DemoMeasure("falls-per-1000-obd", 2, 9.5, 5.0, size=520, baseline=True),
            DemoMeasure("restrictive-practice-per-1000-obd", 2, 14, 6, size=520),
            DemoMeasure("length-of-stay", 1, 62, 60, size=6),
            DemoMeasure("delayed-discharge-days", 0, 55, 55, size=8, late_drift=40),
            DemoMeasure("follow-up-72-hours", 0, 78, 90, size=14),
            DemoMeasure("fft-positive", 0, 74, 86, size=22),
            DemoMeasure("staff-pulse-engagement", 1, 6.4, 6.9, size=0.2),
        ],
        events=[
            (13, "falls-per-1000-obd", "pdsa", "Test: safety huddle on the late shift"),
            (20, "delayed-discharge-days", "other", "Care home places closed locally"),
            (22, "staff-pulse-engagement", "staffing", "New ward manager started"),
        ],
    ),
    "eip": DemoPlan(
        domains=[
            (
                "I have hope, and my family understand what is happening",
                "Peer support and family education from the start.",
            ),
            ("I get help quickly when things first go wrong", "A fast start, within 2 weeks."),
        ],
        aim={
            "what": "Start EIP treatment within 2 weeks of referral",
            "for_whom": "people with a first episode of psychosis",
            "how_much": "from 55% to over 80%",
            "by_when": dt.date(2026, 6, 30),
        },
        drivers=[
            (
                "Referrals are seen fast",
                ["Same-week assessment slots"],
                [("Referrers send what we need", ["One-page referral form with GPs"])],
            ),
            (
                "Families are involved from the start",
                ["Family session offered in the first month"],
                [("A peer support worker from day 1", ["Peer worker joins the first visit"])],
            ),
        ],
        change="We reserved same-week assessment slots",
        measures=[
            # Two lines: judged against the national standard (60%), with the team's own ambition drawn
            # beside it from when the change started.
            DemoMeasure(
                "eip-2-week-wait",
                1,
                55,
                82,
                size=16,
                baseline=True,
                target=60.0,
                target_label="National standard",
                targets=[(CHANGE_AT, 80.0, "Local ambition")],
            ),
            DemoMeasure("waiting-over-standard", 1, 30, 12, size=20),
            DemoMeasure("hidden-wait-days", 1, 24, 15, size=4),
            DemoMeasure("fft-positive", 0, 81, 83, size=18),
            DemoMeasure("excellence-per-100-staff", 0, 8, 20, size=28),
            DemoMeasure("staff-pulse-engagement", 0, 7.0, 7.1, size=0.2, target=7.8),
        ],
        events=[
            (10, "eip-2-week-wait", "pdsa", "Test: 2 assessment slots held each week"),
            (25, "excellence-per-100-staff", "change", "Excellence reports shared at team meeting"),
        ],
    ),
}


def demo_rng(*keys: str) -> np.random.Generator:
    """A random generator seeded by names (team, measure), so the demo draws the same numbers every time."""
    return np.random.default_rng(zlib.crc32("/".join(keys).encode()))


def draw_value(
    rng: np.random.Generator, measure: Measure, level: float, size: float, spread: float
) -> dict[str, float | None]:
    """One period's value around `level`: a numerator and denominator (about `size`, varying by `spread`)
    for ratio charts, or a single value with noise `size`."""
    if measure.needs_denominator:
        den = max(int(rng.normal(size, size * spread)), 3)
        rate = level / measure.multiply
        if measure.chart in ("p", "pp"):
            num = int(rng.binomial(den, min(max(rate, 0.0), 1.0)))
        else:
            num = int(rng.poisson(rate * den))
        return {"numerator": float(num), "denominator": float(den), "value": None}
    return {"value": round(float(rng.normal(level, size)), 1), "numerator": None, "denominator": None}


def save_missing_values(
    team: Team, measure: Measure, periods: list[dt.date], rows: list[dict[str, float | None]]
) -> None:
    """Save the rows for periods the measure has no value for yet, and say so once in the audit log."""
    write_values(
        (ValueRow(measure, p, **row) for p, row in zip(periods, rows, strict=True)),
        source=Source.DEMO,
        replace=False,  # demo data only fills gaps: a value already there is kept
    )


def _series(slug: str, spec: DemoMeasure, measure: Measure, n: int) -> list[dict[str, float | None]]:
    """Values before and after the change, with noise, so the charts show real special-cause signals."""
    rng = demo_rng(slug, spec.code)
    out = []
    for i in range(n):
        level = spec.before if i < CHANGE_AT else spec.after
        if spec.late_drift and i >= n - 8:
            level += spec.late_drift
        out.append(draw_value(rng, measure, level, spec.size, spread=0.15))
    return out


# Measures the demo's teams keep to themselves, so the programme pages show what "Not shared" looks like.
KEPT_IN_TEAM = {("cert", "staff-pulse-engagement"), ("eip", "hidden-wait-days")}


def share_demo_measures(slugs: list[str]) -> None:
    """The demo's teams share most of their measures with the programme, so the programme dashboard, buddy
    views and programme reports still tell the story (a real team's measures start unshared). A team that
    already shares a measure has made its own choice, and running the demo again leaves it alone."""
    for team in Team.objects.filter(slug__in=slugs):
        measures = Measure.objects.for_team(team)
        if measures.shared_with_programme().exists():
            continue
        set_programme_sharing(team, {m.pk for m in measures if (team.slug, m.code) not in KEPT_IN_TEAM})


def load_framework_demo() -> None:
    seed_library(LibraryMeasure)  # the migration seeds it too; a flushed test database needs it again
    for slug, plan in PLANS.items():
        team = Team.objects.filter(slug=slug).first()
        if team is not None:
            _load_plan(team, plan)


def demo_domains(team: Team, specs: list[tuple[str, str]]) -> list[Domain]:
    """The team's quality domains from ("I" statement, description) pairs, made once."""
    domains = []
    for position, (statement, description) in enumerate(specs):
        domain = Domain.objects.filter(team=team, i_statement=statement).first()
        if domain is None:
            domain = Domain.objects.create(
                team=team, i_statement=statement, description=description, position=position
            )
        domains.append(domain)
    return domains


def _load_plan(team: Team, plan: DemoPlan) -> None:
    domains = demo_domains(team, plan.domains)
    aim = Aim.objects.filter(team=team, what=plan.aim["what"]).first()
    if aim is None:
        aim = Aim.objects.create(team=team, domain=domains[0], **plan.aim)
        for p_pos, (primary, ideas, secondaries) in enumerate(plan.drivers):
            p = Driver.objects.create(aim=aim, text=primary, position=p_pos)
            for i_pos, idea in enumerate(ideas):
                ChangeIdea.objects.create(driver=p, text=idea, position=i_pos)
            for s_pos, (secondary, s_ideas) in enumerate(secondaries):
                s = Driver.objects.create(aim=aim, parent=p, text=secondary, position=s_pos)
                for i_pos, idea in enumerate(s_ideas):
                    ChangeIdea.objects.create(driver=s, text=idea, position=i_pos)
    end = last_complete_period("monthly")
    periods = period_grid("monthly", _months_before(end, MONTHS - 1), end)
    change_day = periods[CHANGE_AT]
    by_code = {}
    for spec in plan.measures:
        measure = Measure.objects.filter(team=team, code=spec.code).first()
        if measure is None:
            source = LibraryMeasure.objects.get(code=spec.code)
            measure = adopt_library_measure(
                team, source, code=spec.code, domains=[domains[spec.domain]], aim=aim if spec.on_aim else None
            )
            if measure.data_source == "waiting_list":
                measure.data_source = "csv"  # imported monthly from the trust's extract
            measure.owner = "Team lead"
            if spec.target is not None:
                measure.target = spec.target
            measure.save()
        by_code[spec.code] = measure
        _load_values(team, spec, measure, periods)
        _load_targets(spec, measure, periods)
        if spec.baseline:
            _agree_baseline(team, measure, change_day, plan.change)
    for month, code, kind, text in plan.events:
        measure = by_code[code]
        day = periods[month] + dt.timedelta(days=9)
        if not Annotation.objects.filter(measure=measure, date=day, text=text).exists():
            Annotation.objects.create(measure=measure, date=day, kind=kind, text=text)


def _load_targets(spec: DemoMeasure, measure: Measure, periods: list[dt.date]) -> None:
    """The measure's target, its name and its targets over time, once: a team's own changes are kept."""
    if not spec.targets or measure.targets.exists():
        return
    if spec.target is not None:
        measure.target = spec.target
    measure.target_label = spec.target_label
    measure.save()
    set_target_rows(measure, [(periods[month], value, line) for month, value, line in spec.targets])


def baseline_agreer(team: Team) -> User | None:
    """Who agreed the demo's new baselines for a team: its demo team lead, else the improvement faculty
    (both may accept a recalculation); None before the demo's people are loaded."""
    for role, where in ((Role.TEAM_LEAD, team), (Role.FACULTY, None)):
        membership = (
            Membership.objects.filter(role=role, team=where).select_related("user").order_by("pk").first()
        )
        if membership is not None:
            return membership.user
    return None


def _agree_baseline(team: Team, measure: Measure, day: dt.date, change: str) -> None:
    """A new baseline from the change, agreed by a person with a reason, as on the measure page (never
    automatic). An event from an older demo without who agreed it is given its agreer once."""
    reason = change[0].lower() + change[1:]
    by = baseline_agreer(team)
    existing = Annotation.objects.filter(measure=measure, date=day).first()
    if existing is None:
        Annotation.objects.create(
            measure=measure,
            date=day,
            kind=Annotation.Kind.CHANGE,
            text=change,
            new_baseline=True,
            reason=reason,
            created_by=by,
        )
    elif existing.new_baseline and existing.created_by_id is None and by is not None:
        existing.created_by = by
        existing.reason = existing.reason or reason
        existing.save(update_fields=["created_by", "reason"])


def _months_before(day: dt.date, n: int) -> dt.date:
    year, month = day.year, day.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


def _load_values(team: Team, spec: DemoMeasure, measure: Measure, periods: list[dt.date]) -> None:
    # Values are drawn per month index from the first demo month: the same month always gets the same value.
    save_missing_values(team, measure, periods, _series(team.slug, spec, measure, len(periods)))
