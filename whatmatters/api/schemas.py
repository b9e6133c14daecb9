from __future__ import annotations

from datetime import date

from ninja import Schema


class CohortOut(Schema):
    id: int
    name: str
    number: int
    start_date: date
    end_date: date | None


class TeamSummaryOut(Schema):
    slug: str
    name: str
    service_type: str
    cohort: str | None


class MemberOut(Schema):
    full_name: str
    role: str


class TeamOut(TeamSummaryOut):
    description: str
    buddies: list[str]
    members: list[MemberOut]


class BuddyPairOut(Schema):
    id: int
    experienced_team: str
    newer_team: str
    started_on: date | None


class MeOut(Schema):
    email: str
    full_name: str
    organisation_roles: list[str]
    team_roles: dict[str, str]


class ErrorOut(Schema):
    detail: str
