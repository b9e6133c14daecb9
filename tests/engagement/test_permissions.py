"""The permission table, as the engagement app's routes see it: every role gets exactly what its row says,
people outside team A get 404 on every team route, and the named action "moderate" works with allows()."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.foundation.test_permission_matrix import (
    SUBJECTS,
    all_routes,
    expected_allowed,
    outcome,
    url_for,
    world,  # noqa: F401 - a fixture
)
from whatmatters.teams.permissions import access_for, allows
from whatmatters.teams.roles import Role

ENGAGEMENT_MODULE = "whatmatters.engagement.views"


def engagement_routes() -> list[Any]:
    from django.urls import resolve

    routes = []
    for route in all_routes():
        if route.view_name.startswith("api-v1:") or route.view_name.startswith("admin:"):
            continue
        try:
            path = reverse(route.view_name, kwargs={p: "1" if p in ("pk",) else "x" for p in route.params})
        except Exception:  # noqa: S112 - routes with other converters are not ours
            continue
        if resolve(path).func.__module__ == ENGAGEMENT_MODULE:
            routes.append(route)
    return routes


def test_the_app_has_its_routes_and_each_has_a_row() -> None:
    names = {route.view_name for route in engagement_routes()}
    assert {"engagement", "moderate", "theme_board", "engagement_public_form", "programme_moderate"} <= names
    assert all(access_for(name) is not None for name in names)


def test_every_role_gets_exactly_what_the_table_allows_on_every_engagement_route(
    world: dict[str, Any],  # noqa: F811
    client_for: Any,
) -> None:
    world["inactive"].is_active = False
    world["inactive"].save()
    clients = {
        name: client_for(None if name == "anonymous" else user) for name, user in world["subjects"].items()
    }
    clients["anonymous"] = client_for(None)
    wrong = []
    routes = engagement_routes()
    for route in routes:
        access = access_for(route.view_name)
        url = url_for(route, world)
        for subject in SUBJECTS:
            got, response = outcome(clients[subject], url)
            want = "allowed" if expected_allowed(access, subject) else "refused"
            if got != want:
                wrong.append(f"{subject} GET {url} ({route.view_name}): {want}, got {response.status_code}")
            elif got == "allowed":
                assert response.status_code in (200, 405), f"{subject} {url}: {response.status_code}"
    assert wrong == [], "\n".join(wrong)
    assert len(routes) >= 40


def test_someone_outside_team_a_gets_not_found_on_every_engagement_team_route(
    world: dict[str, Any],  # noqa: F811
    people: dict[str, Any],
    client_for: Any,
) -> None:
    outsider = client_for(people["team_b_lead"])
    team_routes = [route for route in engagement_routes() if "team" in route.params]
    assert len(team_routes) >= 20
    for route in team_routes:
        response = outsider.get(url_for(route, world))
        assert response.status_code == 404, f"{route.view_name} answered {response.status_code}"


@pytest.mark.parametrize(
    ("role", "may"),
    [
        (Role.ADMIN, True),
        (Role.FACULTY, True),
        (Role.EXPERT_BY_EXPERIENCE, True),
        (Role.TEAM_LEAD, False),
        (Role.STAFF, False),
        (Role.VIEWER, False),
    ],
)
def test_moderators_are_faculty_admins_and_experts_by_experience(
    role: str, may: bool, programme: Any, people: dict[str, Any]
) -> None:
    assert allows(people[role], "moderate", programme.team_a) is may
    assert allows(people["team_b_lead"], "moderate", programme.team_a) is False
