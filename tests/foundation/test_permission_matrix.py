"""Every route has a row in the permission table, and the middleware enforces each row for every role.

Routes come from Django's URL resolver (pages, API and admin), so a new route without a row fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from whatmatters.teams.permissions import PERMISSIONS, Scope, access_for
from whatmatters.teams.roles import ORGANISATION_ROLES, Role


@dataclass(frozen=True)
class Route:
    view_name: str
    params: tuple[str, ...]


def _params(pattern: Any) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None and converters:
        return tuple(converters)
    regex = getattr(pattern.pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(
    patterns: list[Any], namespace: str | None = None, inherited: tuple[str, ...] = ()
) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if pattern.namespace and namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from _walk(pattern.url_patterns, ns, inherited + _params(pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name, inherited + _params(pattern))


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.view_name, route)
    return sorted(seen.values(), key=lambda r: r.view_name)


def test_every_route_has_a_row_in_the_permission_table() -> None:
    missing = [route.view_name for route in all_routes() if access_for(route.view_name) is None]
    assert missing == [], f"Add these routes to whatmatters/teams/permissions.py: {missing}"


def test_the_permission_table_has_no_rows_for_routes_that_do_not_exist() -> None:
    names = {route.view_name for route in all_routes()}
    namespaces = {name.split(":")[0] for name in names if ":" in name}
    stale = [
        key for key in PERMISSIONS if not (key in names or (key.endswith(":*") and key[:-2] in namespaces))
    ]
    assert stale == []


def test_the_walk_finds_pages_api_and_admin_routes() -> None:
    names = {route.view_name for route in all_routes()}
    assert {"programme", "team_detail", "api-v1:team_detail", "api-v1:openapi-json", "admin:index"} <= names
    assert len(names) > 60  # the admin alone adds dozens


# --- The matrix ----------------------------------------------------------------------------------

SUBJECTS = [
    "anonymous",
    Role.ADMIN,
    Role.FACULTY,
    Role.TEAM_LEAD,
    Role.STAFF,
    Role.EXPERT_BY_EXPERIENCE,
    Role.VIEWER,
    Role.DATA_ANALYST,
    "organisation_data_analyst",
    "inactive",
    "no_role",
]
# Who holds which role where: admin and faculty across the organisation, the other roles in team A; a data
# analyst both ways.
SUBJECT_ROLES: dict[str, tuple[str, bool]] = {
    Role.ADMIN: (Role.ADMIN, True),
    Role.FACULTY: (Role.FACULTY, True),
    "organisation_data_analyst": (Role.DATA_ANALYST, True),
    **{
        role: (role, False)
        for role in (Role.TEAM_LEAD, Role.STAFF, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER, Role.DATA_ANALYST)
    },
}


def expected_allowed(access: Any, subject: str) -> bool:
    """What the table means, written out independently of the middleware that enforces it."""
    if access.scope is Scope.PUBLIC:
        return True
    if subject in ("anonymous", "inactive"):
        return False
    if access.scope is Scope.SIGNED_IN:
        return True
    if subject == "no_role":
        return False
    role, organisation_wide = SUBJECT_ROLES[subject]
    if access.scope is Scope.ORGANISATION:
        return organisation_wide and role in ORGANISATION_ROLES and role in access.roles
    # PROGRAMME and TEAM: the subject's only role is in team A (or organisation-wide), and
    # every team-scoped route below is asked about team A.
    return role in access.roles


@pytest.fixture
def world(programme: Any, people: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from whatmatters.api.models import ApiToken
    from whatmatters.teams.models import Membership

    inactive = make_user(Role.TEAM_LEAD, programme.team_a)
    subjects: dict[str, Any] = {role: people[role] for role in SUBJECTS if role in people}
    subjects["no_role"] = people["no_role"]
    subjects["inactive"] = inactive
    subjects["organisation_data_analyst"] = make_user(Role.DATA_ANALYST)
    token, _ = ApiToken.issue(people[Role.VIEWER], "matrix")
    membership = Membership.objects.get(user=people[Role.VIEWER], team=programme.team_a)
    pks = {
        "membership_remove": membership.pk,
        "cohort_edit": programme.phase1.pk,
        "buddy_pair_delete": programme.pair.pk,
        "person_detail": people[Role.STAFF].pk,
        "api_token_revoke": token.pk,
    }
    values = {
        "team": programme.team_a.slug,
        "uidb64": "MQ",
        "token": "set-password",
        "app_label": "teams",
        "object_id": str(programme.team_a.pk),
        "content_type_id": str(ContentType.objects.get_for_model(type(programme.team_a)).pk),
        "id": "1",
    }
    samples: dict[str, dict[str, Any]] = {}
    for module in app_sample_modules():
        samples.update(module.samples(programme, people))
    return {"subjects": subjects, "pks": pks, "values": values, "inactive": inactive, "samples": samples}


def app_sample_modules() -> list[Any]:
    """Each app's tests may hold a `route_samples.py` with
    `samples(programme, people) -> {view_name: kwargs}`: URL arguments for its routes, naming objects it
    creates in team A."""
    import importlib
    from pathlib import Path

    tests_dir = Path(__file__).resolve().parents[1]
    return [
        importlib.import_module(f"tests.{path.parent.name}.route_samples")
        for path in sorted(tests_dir.glob("*/route_samples.py"))
    ]


def url_for(route: Route, world: dict[str, Any]) -> str:
    if route.view_name in world["samples"]:
        return reverse(route.view_name, kwargs=world["samples"][route.view_name])
    kwargs = {}
    for param in route.params:
        if param == "pk":
            kwargs[param] = world["pks"][route.view_name]
        else:
            kwargs[param] = world["values"][param]
    return reverse(route.view_name, kwargs=kwargs)


def refusals() -> int:
    from whatmatters.audit.models import AuditEvent

    return AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_REFUSED).count()


def outcome(client: Any, url: str) -> tuple[str, Any]:
    """'refused' when the permission check stopped the request (it audits every refusal of a
    signed-in person, and sends anonymous people to sign in); otherwise 'allowed'."""
    before = refusals()
    response = client.get(url)
    location = response.get("Location", "")
    if refusals() > before:
        return "refused", response
    if response.status_code == 401 or (response.status_code == 302 and location.startswith("/sign-in/")):
        return "refused", response
    return "allowed", response


@pytest.mark.parametrize("sign_in", ["email only", "with single sign-on"])
def test_every_role_gets_exactly_what_the_table_allows_on_every_route(
    sign_in: str, world: dict[str, Any], client_for: Any, settings: Any
) -> None:
    if sign_in == "with single sign-on":
        # Never fetched here: no route the matrix opens with GET talks to the provider.
        settings.OIDC_ISSUER = "https://login.example.invalid/tenant/v2.0"
        settings.OIDC_RP_CLIENT_ID = "what-matters"
        settings.OIDC_RP_CLIENT_SECRET = "a-secret"
    world["inactive"].is_active = False
    world["inactive"].save()
    clients = {
        name: client_for(None if name == "anonymous" else user) for name, user in world["subjects"].items()
    }
    clients["anonymous"] = client_for(None)
    routes = all_routes()
    checked = 0
    wrong = []
    for route in routes:
        access = access_for(route.view_name)
        url = url_for(route, world)
        for subject in SUBJECTS:
            got, response = outcome(clients[subject], url)
            want = "allowed" if expected_allowed(access, subject) else "refused"
            checked += 1
            if got != want:
                wrong.append(f"{subject} GET {url} ({route.view_name}): {want}, got {response.status_code}")
    assert wrong == [], "\n".join(wrong)
    assert checked == len(routes) * len(SUBJECTS)


def test_someone_outside_a_team_gets_not_found_on_every_team_route(
    world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    outsider = client_for(people["team_b_lead"])
    team_routes = [route for route in all_routes() if "team" in route.params]
    assert len(team_routes) >= 5
    for route in team_routes:
        response = outsider.get(url_for(route, world))
        assert response.status_code == 404, f"{route.view_name} answered {response.status_code}"
        assert b"Team A" not in response.content


def test_someone_outside_a_team_cannot_write_to_it_either(
    world: dict[str, Any], people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    from whatmatters.teams.models import Membership

    outsider = client_for(people["team_b_lead"])
    before = Membership.objects.filter(team=programme.team_a).count()
    url = reverse("membership_remove", kwargs={"team": "team-a", "pk": world["pks"]["membership_remove"]})
    assert outsider.post(url).status_code == 404
    add = reverse("membership_add", kwargs={"team": "team-a"})
    assert outsider.post(add, {"user": people["no_role"].pk, "role": Role.STAFF}).status_code == 404
    assert Membership.objects.filter(team=programme.team_a).count() == before


def test_a_closed_team_is_not_found_even_for_its_own_members(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    programme.team_a.is_active = False
    programme.team_a.save()
    response = client_for(people[Role.TEAM_LEAD]).get(reverse("team_detail", kwargs={"team": "team-a"}))
    assert response.status_code == 404


TEAM_ROUTES = (
    "team_edit",
    "membership_add",
    "team_detail",
    "measure_sharing",
    "value_import",
    "value_entry_index",
    "moderate",
    "aim_create",
)


@pytest.mark.parametrize(
    ("route", "allowed"),
    [
        ("audit_log", {Role.ADMIN}),
        ("people", {Role.ADMIN, Role.FACULTY}),
        ("team_create", {Role.ADMIN, Role.FACULTY}),
        ("team_edit", {Role.ADMIN, Role.FACULTY}),
        ("membership_add", {Role.ADMIN, Role.FACULTY}),
        ("programme", set(Role)),
        ("team_detail", set(Role)),
        # Sharing with the programme: team leads choose; programme outputs show only shared measures, and
        # another team's raw values (the programme CSV) are for admins and faculty.
        ("measure_sharing", {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD}),
        ("programme_dashboard", set(Role)),
        ("programme_report_list", set(Role) - {Role.STAFF, Role.DATA_ANALYST}),
        ("programme_export_csv", {Role.ADMIN, Role.FACULTY}),
        # Data analysts bring the numbers in, and neither moderate nor edit the plan. A team's analyst does
        # not import waiting-list extracts (they hold several teams' rows); an organisation-wide one does.
        ("value_import", {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.STAFF, Role.DATA_ANALYST}),
        ("value_entry_index", {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.STAFF, Role.DATA_ANALYST}),
        ("waiting_list_imports", {Role.ADMIN, Role.FACULTY}),
        ("moderate", {Role.ADMIN, Role.FACULTY, Role.EXPERT_BY_EXPERIENCE}),
        ("aim_create", {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD}),
    ],
)
def test_key_routes_are_open_to_exactly_these_roles(
    route: str, allowed: set[str], world: dict[str, Any], client_for: Any
) -> None:
    """Hand-written expectations, so a wrong row in the table cannot hide behind the matrix above."""
    url = url_for(
        Route(
            route,
            ("team",) if route in TEAM_ROUTES else (),
        ),
        world,
    )
    for role in Role:
        got, response = outcome(client_for(world["subjects"][role]), url)
        assert (got == "allowed") == (role in allowed), f"{role} on {route}: {response.status_code}"


def test_a_team_level_admin_does_not_become_an_organisation_admin(
    programme: Any, make_user: Any, client_for: Any
) -> None:
    team_admin = make_user(Role.ADMIN, programme.team_a)
    client = client_for(team_admin)
    assert client.get(reverse("team_edit", kwargs={"team": "team-a"})).status_code == 200
    assert client.get(reverse("audit_log")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("team_edit", kwargs={"team": "team-b"})).status_code == 404
