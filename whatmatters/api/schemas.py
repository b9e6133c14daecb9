from __future__ import annotations

from datetime import date
from typing import Annotated

from ninja import Field, Path, Schema

# Team slugs and measure codes are Django slugs. Said in the OpenAPI document, so that a client (and
# schemathesis) knows; a team that is not a slug is not found (PermissionMiddleware), a code that is not one
# is refused with 422 before any database sees it (PostgreSQL cannot take a NUL character at all).
SLUG = r"^[-a-zA-Z0-9_]+$"
TeamSlug = Annotated[
    str, Path(pattern=SLUG, max_length=50, description="The team's short name, as in its web address: cert.")
]
MeasureCode = Annotated[
    str, Path(pattern=SLUG, max_length=60, description="The measure's code, as on its page: wait-days.")
]


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


class ProblemOut(Schema):
    """One thing wrong with what was sent: where it is and what to change."""

    file: str = Field(description='What was read: "The request" for what was sent to the API.')
    row: int | None = Field(description="The row of the list that was sent, counting from 1; null if none.")
    column: str = Field(description="The row's field, or the query parameter's name; empty if none.")
    reason: str = Field(description="What is wrong and what to send instead, in plain English.")


class ErrorOut(Schema):
    """Every refusal and error has this shape: a sentence, and the problems one by one where there are any."""

    detail: str = Field(description="What went wrong and what to do, in plain English.")
    problems: list[ProblemOut] = Field(default_factory=list, description="Each problem with what was sent.")
