"""The one permission table: every route (and named action) -> which roles, with which team scope.

`PermissionMiddleware` checks it before any view runs, the `rules` predicates are built from it, and the
permission-matrix test walks every URL pattern and fails if a route has no row here.

Scopes:
- PUBLIC: anyone, signed in or not.
- SIGNED_IN: anyone with an active account (their own account pages).
- PROGRAMME: anyone holding one of `roles` in any team or across the organisation.
- TEAM: the route names a team (`<slug:team>`); the person holds one of `roles` in that team, or
  organisation-wide. People outside the team get 404, as if the team did not exist.
- ORGANISATION: the person holds one of `roles` across the organisation (not just in a team).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import rules

from whatmatters.teams.access import roles_of
from whatmatters.teams.roles import ALL_ROLES, Role


class Scope(enum.Enum):
    PUBLIC = "public"
    SIGNED_IN = "signed in"
    PROGRAMME = "programme"
    TEAM = "team"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Access:
    scope: Scope
    roles: frozenset[str] = ALL_ROLES

    def allows(self, user: Any, team: Any | None = None) -> bool:
        if self.scope is Scope.PUBLIC:
            return True
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if self.scope is Scope.SIGNED_IN:
            return True
        held = roles_of(user)
        if self.scope is Scope.PROGRAMME:
            return held.has_any(self.roles)
        if self.scope is Scope.ORGANISATION:
            return bool(held.organisation_roles & self.roles)
        # TEAM
        return team is not None and held.in_team(team.pk, self.roles)


PUBLIC = Access(Scope.PUBLIC)
SIGNED_IN = Access(Scope.SIGNED_IN)
ANY_MEMBER = Access(Scope.PROGRAMME)
TEAM_MEMBER = Access(Scope.TEAM)
ADMIN_OR_FACULTY = frozenset({Role.ADMIN, Role.FACULTY})
MANAGES_PROGRAMME = Access(Scope.ORGANISATION, ADMIN_OR_FACULTY)
MANAGES_TEAM = Access(Scope.TEAM, ADMIN_OR_FACULTY)
ADMIN_ONLY = Access(Scope.ORGANISATION, frozenset({Role.ADMIN}))

PERMISSIONS: dict[str, Access] = {
    # Public pages and account recovery.
    "home": PUBLIC,
    "health": PUBLIC,
    "sign_in": PUBLIC,
    "sign_out": PUBLIC,
    "signed_out": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_sent": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "invite_accept": PUBLIC,
    # A person's own account.
    "account": SIGNED_IN,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "api_tokens": SIGNED_IN,
    "api_token_revoke": SIGNED_IN,
    # The programme: cohorts, teams and buddy pairs.
    "programme": ANY_MEMBER,
    "team_detail": TEAM_MEMBER,
    "team_create": MANAGES_PROGRAMME,
    "team_edit": MANAGES_TEAM,
    "membership_add": MANAGES_TEAM,
    "membership_remove": MANAGES_TEAM,
    "cohort_create": MANAGES_PROGRAMME,
    "cohort_edit": MANAGES_PROGRAMME,
    "buddy_pair_create": MANAGES_PROGRAMME,
    "buddy_pair_delete": MANAGES_PROGRAMME,
    "people": MANAGES_PROGRAMME,
    "person_invite": MANAGES_PROGRAMME,
    "person_detail": MANAGES_PROGRAMME,
    # The audit log.
    "audit_log": ADMIN_ONLY,
    # Co-production (engagement app): sessions, public forms, statements, moderation, themes, votes.
    # Measurement plan and data (framework app): domains, aims, drivers, measures, values, imports.
    # JSON API (namespace api-v1).
    "api-v1:api-root": SIGNED_IN,
    "api-v1:openapi-json": SIGNED_IN,
    "api-v1:openapi-view": SIGNED_IN,
    "api-v1:me": SIGNED_IN,
    "api-v1:team_list": ANY_MEMBER,
    "api-v1:team_detail": TEAM_MEMBER,
    "api-v1:cohort_list": ANY_MEMBER,
    "api-v1:buddy_pair_list": ANY_MEMBER,
    # Django's admin site: organisation-wide admins only.
    "admin:*": ADMIN_ONLY,
}


def access_for(view_name: str) -> Access | None:
    """The row for a route, by its full name ("namespace:name"); a namespace row ("admin:*") covers all."""
    if view_name in PERMISSIONS:
        return PERMISSIONS[view_name]
    namespace = view_name.rsplit(":", 1)[0] if ":" in view_name else None
    if namespace is not None:
        return PERMISSIONS.get(f"{namespace}:*")
    return None


def allows(user: Any, name: str, team: Any | None = None) -> bool:
    """Does the table let this person do this (in this team)? The superuser flag grants nothing extra."""
    access = access_for(name)
    return access is not None and access.allows(user, team)


def register_rules() -> None:
    """Expose each row as a `rules` permission `whatmatters.<name>`, for templates and `user.has_perm`."""
    for name, access in PERMISSIONS.items():
        if name.endswith(":*"):
            continue
        predicate = rules.predicate(access.allows, name=f"allows_{name}")
        rules.set_perm(f"whatmatters.{name}", predicate)
