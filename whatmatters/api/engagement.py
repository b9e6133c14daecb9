"""API routes for co-production: sessions, approved statements, themes, votes and domains.

Registered in whatmatters/api/api.py. Every route names the team (`/teams/{team}/engagement/…`), so
PermissionMiddleware checks the same table as the pages and sets `request.team`. Statement words come only
from `Statement.objects.approved()`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from whatmatters.api.errors import BAD_PARAMETERS, ERRORS, MAX_ID
from whatmatters.api.schemas import TeamSlug
from whatmatters.engagement import presenters
from whatmatters.engagement.models import EngagementSession, Placement, Statement, Theme, Vote
from whatmatters.framework.models import Domain

router = Router(tags=["what matters to people"])


class SessionOut(Schema):
    id: int
    title: str
    held_on: date
    place: str
    facilitators: str
    audience: str
    is_open: bool
    dots_per_person: int
    public_path: str


class StatementOut(Schema):
    id: int
    session: int
    text: str
    relationship: str
    stage: str
    consent_to_share: bool
    themes: list[int]


class ThemeOut(Schema):
    id: int
    name: str
    statements: list[int]
    domains: list[int]


class VoteOut(Schema):
    theme: int
    theme_name: str
    service_users_and_carers: int
    staff: int
    other: int
    combined: int


class DomainOut(Schema):
    id: int
    i_statement: str
    description: str
    programme_wide: bool
    themes: list[int]


@router.get(
    "/teams/{team}/engagement/sessions",
    response={200: list[SessionOut], **ERRORS},
    url_name="engagement_session_list",
    summary="A team's engagement sessions",
)
def session_list(request: HttpRequest, team: TeamSlug) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "title": s.title,
            "held_on": s.held_on,
            "place": s.place,
            "facilitators": s.facilitators,
            "audience": s.audience,
            "is_open": s.is_open,
            "dots_per_person": s.dots_per_person,
            "public_path": s.public_path(),
        }
        for s in EngagementSession.objects.for_team(request.team)
    ]


@router.get(
    "/teams/{team}/engagement/statements",
    response={200: list[StatementOut], **ERRORS},
    url_name="engagement_statement_list",
    summary="A team's approved statements (held, waiting and rejected ones are never included)",
)
def statement_list(request: HttpRequest, team: TeamSlug) -> list[dict[str, Any]]:
    statements = list(Statement.objects.approved().for_team(request.team))
    themes: dict[int, list[int]] = {}
    for theme_id, statement_id in Placement.objects.filter(statement__in=statements).values_list(
        "theme_id", "statement_id"
    ):
        themes.setdefault(statement_id, []).append(theme_id)
    return [
        {
            "id": s.pk,
            "session": s.session_id,
            "text": s.public_text(),
            "relationship": s.relationship,
            "stage": s.stage,
            "consent_to_share": s.consent_to_share,
            "themes": sorted(themes.get(s.pk, [])),
        }
        for s in statements
    ]


@router.get(
    "/teams/{team}/engagement/themes",
    response={200: list[ThemeOut], **ERRORS},
    url_name="engagement_theme_list",
    summary="A team's themes, with the approved statements in each",
)
def theme_list(request: HttpRequest, team: TeamSlug) -> list[dict[str, Any]]:
    themes = Theme.objects.for_team(request.team).prefetch_related("domains")
    approved = set(Statement.objects.approved().for_team(request.team).values_list("pk", flat=True))
    cards: dict[int, list[int]] = {}
    for theme_id, statement_id in Placement.objects.filter(theme__in=themes).values_list(
        "theme_id", "statement_id"
    ):
        if statement_id in approved:
            cards.setdefault(theme_id, []).append(statement_id)
    return [
        {
            "id": t.pk,
            "name": t.name,
            "statements": sorted(cards.get(t.pk, [])),
            "domains": sorted(d.pk for d in t.domains.all()),
        }
        for t in themes
    ]


@router.get(
    "/teams/{team}/engagement/votes",
    response={200: list[VoteOut], **ERRORS, **BAD_PARAMETERS},
    url_name="engagement_vote_list",
    summary="Dots per theme: service users and carers, staff, others and combined (they add up)",
)
def vote_list(
    request: HttpRequest,
    team: TeamSlug,
    session: int | None = Query(  # noqa: B008 - django-ninja's way to bound a query parameter
        None, ge=1, le=MAX_ID, description="Only this session's dots (a session id from the sessions list)."
    ),
) -> list[dict[str, Any]]:
    votes = Vote.objects.filter(session__in=EngagementSession.objects.for_team(request.team))
    if session is not None:
        votes = votes.filter(session_id=session)
    results = presenters.vote_results(list(Theme.objects.for_team(request.team)), votes)
    return [
        {
            "theme": r.theme.pk,
            "theme_name": r.theme.name,
            "service_users_and_carers": r.people,
            "staff": r.staff,
            "other": r.other,
            "combined": r.combined,
        }
        for r in results
    ]


@router.get(
    "/teams/{team}/engagement/domains",
    response={200: list[DomainOut], **ERRORS},
    url_name="engagement_domain_list",
    summary="A team's quality domains (and the programme's), with the team's themes behind each",
)
def domain_list(request: HttpRequest, team: TeamSlug) -> list[dict[str, Any]]:
    domains = Domain.objects.for_team(request.team).prefetch_related("themes")
    return [
        {
            "id": d.pk,
            "i_statement": d.i_statement,
            "description": d.description,
            "programme_wide": d.team_id is None,
            "themes": sorted(t.pk for t in d.themes.all() if t.team_id == request.team.pk),
        }
        for d in domains
    ]
