"""Who may do what in learning, by role, straight from the permission table (the matrix test walks every
route; these are hand-written expectations so a wrong row cannot hide)."""

from __future__ import annotations

from typing import Any

import pytest

from whatmatters.teams.permissions import allows
from whatmatters.teams.roles import Role

EVERYONE = set(Role)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("learning", EVERYONE),
        ("excellence_create", EVERYONE),
        ("excellence_moderate", {Role.ADMIN, Role.FACULTY, Role.EXPERT_BY_EXPERIENCE}),
        ("excellence_link", EVERYONE - {Role.VIEWER, Role.DATA_ANALYST}),
        ("pdsa_create", {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.STAFF}),
        ("pdsa_edit", {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.STAFF}),
        ("buddy_log", EVERYONE),
        ("buddy_log_add", EVERYONE - {Role.VIEWER, Role.DATA_ANALYST}),
        ("buddy_log_adopt", {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD}),
    ],
)
def test_each_role_may_do_exactly_this_in_its_team(
    action: str, allowed: set[str], programme: Any, people: dict[str, Any]
) -> None:
    for role in Role:
        assert allows(people[role], action, programme.team_a) == (role in allowed), (action, role)


def test_a_team_role_gives_nothing_in_another_team(programme: Any, people: dict[str, Any]) -> None:
    for action in ("learning", "excellence_create", "pdsa_create", "buddy_log", "buddy_log_add"):
        assert not allows(people[Role.TEAM_LEAD], action, programme.team_b)


def test_the_public_form_needs_no_account(programme: Any) -> None:
    assert allows(None, "excellence_public_form")
    assert allows(None, "excellence_public_thanks")
    assert not allows(None, "learning", programme.team_a)


def test_a_signed_out_person_is_sent_to_sign_in_for_team_pages(programme: Any, client: Any) -> None:
    response = client.get("/teams/team-a/learning/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
