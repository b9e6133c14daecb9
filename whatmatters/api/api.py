"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json).

Sign in with a browser session or a personal token (`Authorization: Bearer wm_…`). Every route is
checked by the same permission table as the pages (PermissionMiddleware) before it runs.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyCookie, HttpBearer

from whatmatters.api import errors
from whatmatters.api.errors import ERRORS
from whatmatters.api.schemas import BuddyPairOut, CohortOut, MeOut, TeamOut, TeamSlug, TeamSummaryOut
from whatmatters.teams.access import roles_of
from whatmatters.teams.models import BuddyPair, Cohort, Team


class TokenAuth(HttpBearer):
    """Personal API token; checked by ApiTokenMiddleware, which already signed the request in."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return request.user if getattr(request, "api_token", None) else None


class SessionAuth(APIKeyCookie):
    """The browser's session cookie, with Django's CSRF check on writes."""

    param_name = "whatmatters_session"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


class WhatMattersAPI(NinjaAPI):
    """Errors in one documented shape (whatmatters/api/errors.py), each status described in plain English."""

    def set_default_exception_handlers(self) -> None:
        errors.install(self)

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        document = super().get_openapi_schema(**kwargs)
        for operations in document["paths"].values():
            for operation in operations.values():
                for status, answer in operation["responses"].items():
                    if int(status) in errors.MEANINGS:
                        answer["description"] = errors.MEANINGS[int(status)]
        return document


api = WhatMattersAPI(
    title="What Matters API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    description=(
        "Teams, cohorts, buddy pairs, measures, values, SPC results and what matters to people. Each person "
        "sees what their roles allow. Every error answer is an ErrorOut: a sentence (detail) and, where "
        "something sent was wrong, its problems one by one (file, row, column, reason)."
    ),
)


@api.get("/me", response={200: MeOut, **ERRORS}, url_name="me", summary="Who you are signed in as")
def me(request: HttpRequest) -> dict[str, Any]:
    held = roles_of(request.user)
    slugs = dict(Team.objects.filter(pk__in=held.team_roles.keys()).values_list("pk", "slug"))
    return {
        "email": request.user.email,
        "full_name": request.user.full_name,
        "organisation_roles": sorted(held.organisation_roles),
        "team_roles": {slugs[team_id]: role for team_id, role in held.team_roles.items() if team_id in slugs},
    }


@api.get("/cohorts", response={200: list[CohortOut], **ERRORS}, url_name="cohort_list", summary="Phases")
def cohort_list(request: HttpRequest) -> Any:
    return Cohort.objects.order_by("number")


@api.get(
    "/teams",
    response={200: list[TeamSummaryOut], **ERRORS},
    url_name="team_list",
    summary="Teams in the programme",
)
def team_list(request: HttpRequest) -> list[dict[str, Any]]:
    teams = Team.objects.filter(is_active=True).select_related("cohort").order_by("name")
    return [_team_summary(team) for team in teams]


@api.get(
    "/teams/{team}",
    response={200: TeamOut, **ERRORS},
    url_name="team_detail",
    summary="One team, with its people and buddies (members of the team only)",
)
def team_detail(request: HttpRequest, team: TeamSlug) -> dict[str, Any]:
    the_team: Team = request.team  # found and checked by PermissionMiddleware
    members = the_team.memberships.select_related("user").order_by("user__full_name")
    return {
        **_team_summary(the_team),
        "description": the_team.description,
        "buddies": [buddy.slug for buddy in the_team.buddies()],
        "members": [{"full_name": m.user.full_name, "role": m.role} for m in members],
    }


@api.get(
    "/buddy-pairs",
    response={200: list[BuddyPairOut], **ERRORS},
    url_name="buddy_pair_list",
    summary="Buddy pairs",
)
def buddy_pair_list(request: HttpRequest) -> list[dict[str, Any]]:
    pairs = BuddyPair.objects.select_related("first_team", "second_team")
    return [
        {
            "id": p.pk,
            "experienced_team": p.first_team.slug,
            "newer_team": p.second_team.slug,
            "started_on": p.started_on,
        }
        for p in pairs
    ]


def _team_summary(team: Team) -> dict[str, Any]:
    return {
        "slug": team.slug,
        "name": team.name,
        "service_type": team.service_type,
        "cohort": team.cohort.name if team.cohort else None,
    }


# Measures, values and SPC results (framework app).
api.add_router("", "whatmatters.api.framework.router")
# Sessions, approved statements, themes, votes and domains (engagement app).
api.add_router("", "whatmatters.api.engagement.router")
