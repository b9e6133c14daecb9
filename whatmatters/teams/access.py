"""What roles a person holds, loaded once per request and cached on the user object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whatmatters.teams.roles import ORGANISATION_ROLES


@dataclass(frozen=True)
class RoleMap:
    organisation_roles: frozenset[str] = frozenset()
    team_roles: dict[int, str] = field(default_factory=dict)  # team id -> role

    def has_any(self, roles: frozenset[str]) -> bool:
        return bool(self.organisation_roles & roles) or any(
            role in roles for role in self.team_roles.values()
        )

    def in_team(self, team_id: int | None, roles: frozenset[str]) -> bool:
        """True if the person holds one of `roles` in this team, or across the organisation."""
        if self.organisation_roles & roles:
            return True
        return team_id is not None and self.team_roles.get(team_id) in roles

    def can_see_team(self, team_id: int) -> bool:
        return bool(self.organisation_roles & ORGANISATION_ROLES) or team_id in self.team_roles

    @property
    def is_member_anywhere(self) -> bool:
        return bool(self.organisation_roles or self.team_roles)


_EMPTY = RoleMap()


def roles_of(user: Any) -> RoleMap:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_wm_roles", None)
    if cached is None:
        # Through the user's memberships (teams.models builds on this module, so it is not imported here).
        rows = user.memberships.filter_active_teams().values_list("team_id", "role")
        org = frozenset(role for team_id, role in rows if team_id is None)
        teams = {team_id: role for team_id, role in rows if team_id is not None}
        cached = RoleMap(organisation_roles=org, team_roles=teams)
        user._wm_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    """Call after changing someone's memberships within a request."""
    if hasattr(user, "_wm_roles"):
        del user._wm_roles
