"""The JSON API: its OpenAPI document, personal tokens (made, used, revoked, expired) and team scoping.

ASVS 5.0: 4.x API (401/403/404 as JSON), 7.x token lifecycle, 8.2.2/8.4.1 data-level and cross-team
authorisation, 14.x (only a hash of each token is kept; the page that shows it is never cached).
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from whatmatters.api.models import ApiToken
from whatmatters.audit.models import AuditEvent
from whatmatters.teams.models import User
from whatmatters.teams.roles import Role

UNAUTHORISED = {"detail": "This API token is not valid, has expired or was revoked."}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def token_for(user: Any, name: str = "script", days: int | None = 365) -> str:
    return ApiToken.issue(user, name, days=days)[1]


def make_token_on_the_page(client: Client, name: str = "weekly import script") -> tuple[Any, str]:
    response = client.post("/account/api-tokens/", {"name": name})
    match = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode())
    assert match, "the new token is not on the page"
    return response, html.unescape(match.group(1))


def every_table() -> list[tuple[str, str]]:
    """Each table in the database with all its rows as text, whatever model (if any) it belongs to."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own names
            found.append((table, repr(cursor.fetchall())))
    assert len(found) > 10
    return found


# --- The OpenAPI document -------------------------------------------------------------------------


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in all_refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in all_refs(value)]
    return []


def test_the_openapi_document_describes_every_route(people: dict[str, Any], client_for: Any) -> None:
    response = client_for(people[Role.VIEWER]).get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] == "What Matters API"
    assert document["info"]["version"] == "1"
    # Apps add their own routers (framework: measures and values); these are the foundation's.
    assert {
        "/api/v1/me",
        "/api/v1/cohorts",
        "/api/v1/teams",
        "/api/v1/teams/{team}",
        "/api/v1/buddy-pairs",
    } <= set(document["paths"])
    for path, operations in document["paths"].items():
        assert set(operations) <= {"get", "post"}, path
        for operation in operations.values():
            assert operation["operationId"], path
            assert operation["summary"], path
            assert {"200", "401", "403", "404"} <= set(operation["responses"]), path
            for status, answer in operation["responses"].items():
                assert answer["description"], (path, status)
    team_parameters = document["paths"]["/api/v1/teams/{team}"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in team_parameters] == [("team", "path", True)]
    for ref in all_refs(document):
        assert resolve(document, ref), ref  # every $ref points at a schema that exists
    schemes = document["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert schemes["SessionAuth"]["name"] == "whatmatters_session"


def test_the_openapi_document_is_not_public(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in or send an API token."}


# --- Signed out, and bad tokens -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/teams", "/api/v1/teams/team-a", "/api/v1/cohorts", "/api/v1/buddy-pairs"]
)
def test_without_a_session_or_token_the_api_answers_401_in_json(programme: Any, path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Sign in or send an API token."}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wm_this-token-was-never-issued-0000000000000000",
        "Bearer not-one-of-our-tokens",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Token wm_abc",
    ],
)
def test_a_malformed_or_unknown_token_is_refused_even_with_a_session(
    people: dict[str, Any], client_for: Any, header: str
) -> None:
    # A bad token is never treated as anonymous, nor does it fall back to the browser session.
    signed_in = client_for(people[Role.ADMIN])
    assert signed_in.get("/api/v1/me").status_code == 200

    response = signed_in.get("/api/v1/me", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json() == UNAUTHORISED


def test_a_bearer_token_opens_no_pages_outside_the_api(people: dict[str, Any]) -> None:
    token = token_for(people[Role.ADMIN])

    response = Client().get("/people/", **bearer(token))

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


# --- Token lifecycle ------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_never_cached(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.VIEWER]
    client = client_for(user)

    response, token = make_token_on_the_page(client)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert token.startswith("wm_")
    assert len(token) >= 40
    assert "Copy it now. We do not keep it" in response.content.decode()
    listing = client.get("/account/api-tokens/")
    assert listing["Cache-Control"] == "no-store"
    assert token not in listing.content.decode()
    assert "weekly import script" in listing.content.decode()
    assert f"<code>{token[:10]}</code>" in listing.content.decode()


def test_only_a_sha256_hash_of_a_token_is_stored(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.VIEWER]

    _, token = make_token_on_the_page(client_for(user))

    stored = ApiToken.objects.get(user=user)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.expires_at is not None
    assert timedelta(days=364) < stored.expires_at - timezone.now() <= timedelta(days=365)
    for table, rows in every_table():
        assert token not in rows, f"{table} holds the plain token"
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="api.apitoken")
    assert "token_hash" not in created.changes
    assert stored.token_hash not in str(created.changes)


def test_a_token_reads_the_api_as_its_owner(people: dict[str, Any], programme: Any, client_for: Any) -> None:
    user = people[Role.VIEWER]
    _, token = make_token_on_the_page(client_for(user))
    script = Client()

    me = script.get("/api/v1/me", **bearer(token))
    teams = script.get("/api/v1/teams", **bearer(token))

    assert me.status_code == 200
    assert me.json() == {
        "email": user.email,
        "full_name": user.full_name,
        "organisation_roles": [],
        "team_roles": {"team-a": "viewer"},
    }
    assert teams.status_code == 200
    assert [team["slug"] for team in teams.json()] == ["team-a", "team-b"]
    assert teams.json()[0] == {
        "slug": "team-a",
        "name": "Team A",
        "service_type": "other",
        "cohort": "Phase 1",
    }
    assert ApiToken.objects.get(user=user).last_used_at is not None
    assert "_auth_user_id" not in script.session  # a token request starts no session


def test_a_revoked_token_stops_working(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.VIEWER]
    client = client_for(user)
    _, token = make_token_on_the_page(client)
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200
    stored = ApiToken.objects.get(user=user)

    response = client.post(f"/account/api-tokens/{stored.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == "/account/api-tokens/"
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    refused = Client().get("/api/v1/me", **bearer(token))
    assert refused.status_code == 401
    assert refused.json() == UNAUTHORISED
    assert "Revoked" in client.get("/account/api-tokens/").content.decode()


def test_revoking_needs_a_post(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.VIEWER]
    token = token_for(user)
    stored = ApiToken.objects.get(user=user)

    assert client_for(user).get(f"/account/api-tokens/{stored.pk}/revoke/").status_code == 405
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200


def test_an_expired_token_is_refused(people: dict[str, Any]) -> None:
    user = people[Role.VIEWER]
    token = token_for(user)
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200

    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = Client().get("/api/v1/me", **bearer(token))
    assert response.status_code == 401
    assert response.json() == UNAUTHORISED


def test_a_token_without_an_expiry_keeps_working(people: dict[str, Any]) -> None:
    token = token_for(people[Role.VIEWER], days=None)

    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200


def test_nobody_can_revoke_someone_elses_token(people: dict[str, Any], client_for: Any) -> None:
    owner = people[Role.VIEWER]
    token = token_for(owner)
    stored = ApiToken.objects.get(user=owner)

    response = client_for(people[Role.ADMIN]).post(f"/account/api-tokens/{stored.pk}/revoke/")

    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.revoked_at is None
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200


def test_nobody_sees_someone_elses_tokens(people: dict[str, Any], client_for: Any) -> None:
    ApiToken.issue(people[Role.VIEWER], "viewer's secret script")

    page = client_for(people[Role.ADMIN]).get("/account/api-tokens/").content.decode()

    assert "viewer&#39;s secret script" not in page
    assert "You have no tokens." in page


def test_a_closed_accounts_token_is_refused(people: dict[str, Any]) -> None:
    user = people[Role.VIEWER]
    token = token_for(user)
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    response = Client().get("/api/v1/me", **bearer(token))
    assert response.status_code == 401
    assert response.json() == UNAUTHORISED


def test_a_token_carries_the_owners_current_roles(people: dict[str, Any], programme: Any) -> None:
    user = people[Role.VIEWER]
    token = token_for(user)
    assert Client().get("/api/v1/teams/team-a", **bearer(token)).status_code == 200

    user.memberships.all().delete()

    response = Client().get("/api/v1/teams/team-a", **bearer(token))
    assert response.status_code == 404
    assert Client().get("/api/v1/teams", **bearer(token)).status_code == 403


def test_the_token_page_needs_a_name(people: dict[str, Any], client_for: Any) -> None:
    response = client_for(people[Role.VIEWER]).post("/account/api-tokens/", {"name": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter what the token is for" in page
    assert 'id="new-token"' not in page
    assert not ApiToken.objects.exists()


# --- Team scoping ---------------------------------------------------------------------------------


def test_a_team_b_lead_gets_404_for_team_a(people: dict[str, Any], client_for: Any) -> None:
    lead_b = people["team_b_lead"]
    token = token_for(lead_b)

    by_token = Client().get("/api/v1/teams/team-a", **bearer(token))
    by_session = client_for(lead_b).get("/api/v1/teams/team-a")

    for response in (by_token, by_session):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}
    missing = Client().get("/api/v1/teams/no-such-team", **bearer(token))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}  # indistinguishable from a team you cannot see
    refusals = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_REFUSED, actor=lead_b)
    assert refusals.count() == 2
    assert {e.summary for e in refusals} == {"GET /api/v1/teams/team-a: not a member of team-a"}


def test_a_team_a_viewer_reads_team_a_with_its_people_and_buddies(
    people: dict[str, Any], programme: Any
) -> None:
    token = token_for(people[Role.VIEWER])

    response = Client().get("/api/v1/teams/team-a", **bearer(token))

    assert response.status_code == 200
    team = response.json()
    assert team["slug"] == "team-a"
    assert team["name"] == "Team A"
    assert team["cohort"] == "Phase 1"
    assert team["buddies"] == ["team-b"]
    members = {(m["full_name"], m["role"]) for m in team["members"]}
    assert members == {
        (people[role].full_name, role)
        for role in [Role.TEAM_LEAD, Role.STAFF, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER, Role.DATA_ANALYST]
    }
    assert all(set(m) == {"full_name", "role"} for m in team["members"])  # no email addresses
    assert Client().get("/api/v1/teams/team-b", **bearer(token)).status_code == 404


@pytest.mark.parametrize("role", [Role.FACULTY, Role.ADMIN])
def test_organisation_wide_roles_see_every_team(people: dict[str, Any], role: str) -> None:
    token = token_for(people[role])

    for slug, lead in [("team-a", people[Role.TEAM_LEAD]), ("team-b", people["team_b_lead"])]:
        response = Client().get(f"/api/v1/teams/{slug}", **bearer(token))
        assert response.status_code == 200, slug
        assert (lead.full_name, Role.TEAM_LEAD) in {
            (m["full_name"], m["role"]) for m in response.json()["members"]
        }


def test_someone_without_a_role_gets_403_json_for_programme_data(people: dict[str, Any]) -> None:
    token = token_for(people["no_role"])

    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200
    for path in ["/api/v1/teams", "/api/v1/cohorts", "/api/v1/buddy-pairs"]:
        response = Client().get(path, **bearer(token))
        assert response.status_code == 403, path
        assert response.json() == {"detail": "You do not have permission to do this."}


def test_a_closed_team_is_not_found_in_the_api(people: dict[str, Any], programme: Any) -> None:
    programme.team_b.is_active = False
    programme.team_b.save()
    token = token_for(people[Role.FACULTY])

    assert [t["slug"] for t in Client().get("/api/v1/teams", **bearer(token)).json()] == ["team-a"]
    assert Client().get("/api/v1/teams/team-b", **bearer(token)).status_code == 404


def test_the_buddy_pairs_and_phases_are_listed(people: dict[str, Any], programme: Any) -> None:
    token = token_for(people[Role.STAFF])

    pairs = Client().get("/api/v1/buddy-pairs", **bearer(token))
    cohorts = Client().get("/api/v1/cohorts", **bearer(token))

    assert pairs.status_code == 200
    assert pairs.json() == [
        {"id": programme.pair.pk, "experienced_team": "team-a", "newer_team": "team-b", "started_on": None}
    ]
    assert cohorts.status_code == 200
    assert cohorts.json() == [
        {
            "id": programme.phase1.pk,
            "name": "Phase 1",
            "number": 1,
            "start_date": "2023-08-01",
            "end_date": None,
        },
        {
            "id": programme.phase2.pk,
            "name": "Phase 2",
            "number": 2,
            "start_date": "2024-03-01",
            "end_date": None,
        },
    ]


def test_the_browser_session_also_reads_the_api(people: dict[str, Any], client_for: Any) -> None:
    response = client_for(people[Role.STAFF]).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["team_roles"] == {"team-a": "staff"}
