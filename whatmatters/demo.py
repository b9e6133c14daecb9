"""Demo data that tells the programme's story: three phase-1 teams, three phase-2 teams, buddies.

Every step looks things up by a natural key first, so running it again changes nothing.
Later parts of the product add their own demo data by adding a function to `STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from whatmatters.engagement.demo import load_engagement
from whatmatters.framework.demo import load_framework_demo, share_demo_measures
from whatmatters.learning.demo import load_learning_demo
from whatmatters.surveys.demo import load_surveys_demo
from whatmatters.teams.models import BuddyPair, Cohort, Membership, Organisation, Team, User
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.demo import load_demo

DEMO_PASSWORD = "WhatMatters-demo-2026"  # noqa: S105 - published on purpose; demo refuses production.

ORGANISATION = ("Riverside Mental Health NHS Foundation Trust", "riverside")

COHORTS = [
    # number, name, start, end, description
    (
        1,
        "Phase 1",
        date(2023, 8, 1),
        date(2024, 1, 31),
        "Three teams that have worked on quality for a year test the framework first.",
    ),
    (
        2,
        "Phase 2",
        date(2024, 3, 1),
        date(2024, 8, 31),
        "Three more teams join, each supported by a phase 1 buddy team.",
    ),
]

TEAMS = [
    # slug, name, service type, phase, description
    (
        "cert",
        "Community Enhancing Recovery Team (CERT)",
        Team.ServiceType.COMMUNITY,
        1,
        "Supports adults with complex needs to build a life they value, in the community.",
    ),
    (
        "older-adults-ward",
        "Older Adults' Psychiatric Ward (Beech Ward)",
        Team.ServiceType.INPATIENT,
        1,
        "An 18-bed ward for older adults with serious mental illness or dementia with distress.",
    ),
    (
        "eip",
        "Early Intervention in Psychosis (EIP) Service",
        Team.ServiceType.EARLY_INTERVENTION,
        1,
        "Helps people aged 14 to 65 with a first episode of psychosis, and their families.",
    ),
    (
        "cmht-north",
        "Community Mental Health Team North",
        Team.ServiceType.COMMUNITY,
        2,
        "Assessment and treatment for adults in the north of the county.",
    ),
    (
        "willow-ward",
        "Adult Acute Ward (Willow Ward)",
        Team.ServiceType.INPATIENT,
        2,
        "A 20-bed acute ward for adults of working age.",
    ),
    (
        "crisis-team",
        "Crisis Resolution and Home Treatment Team",
        Team.ServiceType.CRISIS,
        2,
        "Intensive support at home as an alternative to a hospital stay.",
    ),
]

BUDDIES = [("cert", "cmht-north"), ("older-adults-ward", "willow-ward"), ("eip", "crisis-team")]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    team: str | None  # None = organisation-wide


USERS = [
    DemoUser("admin@example.com", "Alex Adeyemi", Role.ADMIN, None),
    DemoUser("faculty@example.com", "Farah Khan", Role.FACULTY, None),
    DemoUser("lead@example.com", "Lee Thompson", Role.TEAM_LEAD, "cert"),
    DemoUser("staff@example.com", "Sam Okafor", Role.STAFF, "older-adults-ward"),
    DemoUser("expert@example.com", "Katy Evans", Role.EXPERT_BY_EXPERIENCE, "eip"),
    DemoUser("viewer@example.com", "Vic Morgan", Role.VIEWER, "cert"),
    # Organisation-wide, so the demo analyst imports waiting-list extracts as well as any team's values.
    DemoUser("analyst@example.com", "Dana Price", Role.DATA_ANALYST, None),
]


def load_programme() -> None:
    name, slug = ORGANISATION
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
    cohorts = {}
    for number, cohort_name, start, end, description in COHORTS:
        cohorts[number], _ = Cohort.objects.get_or_create(
            organisation=organisation,
            number=number,
            defaults={"name": cohort_name, "start_date": start, "end_date": end, "description": description},
        )
    teams = {}
    for team_slug, team_name, service_type, phase, description in TEAMS:
        teams[team_slug], _ = Team.objects.get_or_create(
            slug=team_slug,
            defaults={
                "organisation": organisation,
                "name": team_name,
                "service_type": service_type,
                "cohort": cohorts[phase],
                "description": description,
            },
        )
    for first, second in BUDDIES:
        BuddyPair.objects.get_or_create(
            first_team=teams[first], second_team=teams[second], defaults={"started_on": cohorts[2].start_date}
        )


def load_users() -> None:
    for demo in USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = User.objects.create_user(demo.email, demo.full_name, DEMO_PASSWORD)
        team = Team.objects.get(slug=demo.team) if demo.team else None
        if not Membership.objects.filter(user=user, team=team, role=demo.role).exists():
            Membership.objects.create(user=user, team=team, role=demo.role)


def _engagement() -> None:
    load_engagement()


def _framework() -> None:
    load_framework_demo()


def _waiting_lists() -> None:
    load_demo()


def _surveys() -> None:
    load_surveys_demo()


def _learning() -> None:
    load_learning_demo()


def _sharing() -> None:
    share_demo_measures([slug for slug, *_ in TEAMS])


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("the programme: organisation, phases, teams and buddy pairs", load_programme),
    ("one person for each role", load_users),
    ("what matters to people: sessions, statements, themes, votes and domains", lambda: _engagement()),
    ("measurement plans, 30 months of values and chart events for phase 1", lambda: _framework()),
    ("waiting lists: a synthetic extract for the phase 1 teams, imported", _waiting_lists),
    ("experience surveys: a check-in and an FFT survey per phase 1 team, 18 months of answers", _surveys),
    ("learning: what went well, tests of change, and phase 2 teams learning from their buddies", _learning),
    ("sharing with the programme: most measures, so the programme pages tell the story", _sharing),
]


def load(progress: Callable[[str], None] = lambda _: None) -> None:
    with transaction.atomic():
        for description, step in STEPS:
            progress(f"Loading {description}")
            step()
