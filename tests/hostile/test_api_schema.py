"""The API answers as its OpenAPI document says: schemathesis tries every operation against a live server.

A probe with schemathesis (7,333 cases) found the API off its own document: an undocumented 422 (a query
parameter of the wrong type; a values body of the wrong shape) and a 400 whose body was not the documented
one ("Cannot parse request body"). Probing further found 500s: a session number too large for SQLite, and on
PostgreSQL a NUL character in a measure code, a team's slug or the session cookie. Now every operation
documents each status it answers with, every error body is an ErrorOut (`detail`, and `problems` with file,
row, column and reason), and none of those requests reaches the database.

The schemathesis runs use the demo programme, as a team lead and an admin with API tokens and as a team lead
signed in with a browser session, with every check schemathesis has (status codes, content types, response
schemas and headers, server errors, invalid data rejected, authentication, and more) and a bounded number of
examples per operation. They need nothing but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from whatmatters.api import errors
from whatmatters.api.models import ApiToken
from whatmatters.framework.models import Measure, Value
from whatmatters.teams.models import Team, User
from whatmatters.teams.roles import Role
from whatmatters.teams.sessions import SessionStore

# Examples per operation in the fuzzing and stateful phases; the coverage phase (every documented status,
# the edges of every schema: what found the 422 and the 400) tries a fixed set. The file takes about two
# minutes. Set WHATMATTERS_SCHEMATHESIS_EXAMPLES higher to search harder (50 takes about 5 minutes).
MAX_EXAMPLES = int(os.environ.get("WHATMATTERS_SCHEMATHESIS_EXAMPLES", "10"))
# For the values route, rows of the right shape may still be refused (no such measure, a period that is not
# a date): 400 with the problems is the documented answer, so schemathesis must not call that a fault.
VALUES_ACCEPTS = ["2xx", "400", "401", "403", "404"]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def token_for(user: Any) -> str:
    return ApiToken.issue(user, "schemathesis")[1]


# --- schemathesis against a live server, on every operation -------------------------------------------


@pytest.fixture
def demo_programme(transactional_db: Any) -> None:
    """The whole demo programme, as `make demo` loads it."""
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("demo", verbosity=0, stdout=quiet)


def schemathesis_config(auth: str) -> str:
    """A schemathesis.toml: how to sign in, the real teams and measure codes to try most of the time (a
    made-up one the rest, for the 404s), and what the values route may answer to rows of the right shape."""
    teams = sorted(Team.objects.values_list("slug", flat=True))
    codes = sorted(set(Measure.objects.values_list("code", flat=True)))
    return f"""
{auth}

[dictionaries.teams]
values = {json.dumps(teams)}

[dictionaries.codes]
values = {json.dumps(codes)}

[parameters]
"path.team" = {{ dictionary = "teams", probability = 0.8 }}
"path.code" = {{ dictionary = "codes", probability = 0.8 }}

[[operations]]
include-path = "/api/v1/teams/{{team}}/values"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = {json.dumps(VALUES_ACCEPTS)}
"""


def run_schemathesis(
    base_url: str, document: dict[str, Any], auth: str, folder: Path, phases: str, examples: int
) -> str:
    (folder / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    (folder / "schemathesis.toml").write_text(schemathesis_config(auth), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(folder / "schemathesis.toml"),
        "run",
        str(folder / "openapi.json"),
        "--url",
        base_url,
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        str(examples),
        "--workers",
        "1",  # the live server shares the test's database connection: one request at a time
        "--request-timeout",
        "30",
        "--no-color",
    ]
    # Run in the folder: schemathesis keeps its example database in ./.schemathesis.
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    failures = output[output.find("FAILURES") :] if "FAILURES" in output else output[-6000:]
    assert done.returncode == 0, f"schemathesis found the API off its OpenAPI document:\n{failures}"
    assert "15 selected / 15 total" in output, "schemathesis did not try every operation"
    return output


@pytest.mark.parametrize(
    ("email", "phases", "examples"),
    [
        ("lead@example.com", "coverage,fuzzing,stateful", MAX_EXAMPLES),
        # The coverage phase's cases are the same for every role: the admin's run leaves it out.
        ("admin@example.com", "fuzzing,stateful", MAX_EXAMPLES),
    ],
)
def test_every_operation_answers_as_the_openapi_document_says_with_a_token(
    live_server: Any, demo_programme: None, tmp_path: Path, email: str, phases: str, examples: int
) -> None:
    token = token_for(User.objects.get(email=email))
    document = Client().get("/api/v1/openapi.json", **bearer(token)).json()

    output = run_schemathesis(
        live_server.url, document, f'[auth.openapi.TokenAuth]\nbearer = "{token}"', tmp_path, phases, examples
    )

    assert "No issues found" in output


def test_every_operation_answers_as_the_openapi_document_says_with_a_browser_session(
    live_server: Any, demo_programme: None, tmp_path: Path
) -> None:
    browser = Client()
    browser.force_login(
        User.objects.get(email="lead@example.com"), backend="django.contrib.auth.backends.ModelBackend"
    )
    session = browser.cookies["whatmatters_session"].value
    document = browser.get("/api/v1/openapi.json").json()
    values_before = Value.objects.count()

    auth = f'[auth.openapi.SessionAuth]\napi_key = "{session}"'
    output = run_schemathesis(live_server.url, document, auth, tmp_path, "fuzzing", max(MAX_EXAMPLES // 2, 1))

    assert "Test cases:" in output
    # A browser session's writes need its CSRF token, which schemathesis does not send: none was saved.
    assert Value.objects.count() == values_before


# --- What the probe found, one case each ----------------------------------------------------------------


def test_every_status_an_operation_answers_with_is_documented_with_an_error_body(
    people: dict[str, Any], client_for: Any
) -> None:
    document = client_for(people[Role.VIEWER]).get("/api/v1/openapi.json").json()

    error_ref = "#/components/schemas/ErrorOut"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert {"200", "401", "403", "404", "500"} <= set(answers), (method, path)
            # Any parameter but the team (PermissionMiddleware answers 404 for a team that is not a slug)
            # that is more than any text can be refused with 422.
            checked = [
                p["schema"]
                for p in operation.get("parameters", [])
                if p["name"] != "team"
                and p["schema"] != {"type": "string", "title": p["schema"].get("title")}
            ]
            if checked:
                assert "422" in answers, f"{method} {path} can answer 422 and does not say so"
            for status, answer in answers.items():
                schema = answer["content"]["application/json"]["schema"]
                if status != "200" and not (path.endswith("/values") and status == "400"):
                    assert schema == {"$ref": error_ref}, (method, path, status)
                if status in {"401", "403", "404", "422", "500"}:
                    assert answer["description"] == errors.MEANINGS[int(status)]
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    problem = document["components"]["schemas"]["ProblemOut"]
    assert set(problem["required"]) == {"file", "row", "column", "reason"}


def test_a_query_parameter_of_the_wrong_type_gets_a_documented_422_naming_it(
    people: dict[str, Any], programme: Any
) -> None:
    token = token_for(people[Role.VIEWER])

    response = Client().get("/api/v1/teams/team-a/engagement/votes?session=abc", **bearer(token))

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "The query parameter 'session': Write a whole number, like 12.",
        "problems": [
            {
                "file": "The request",
                "row": None,
                "column": "session",
                "reason": "Write a whole number, like 12.",
            }
        ],
    }


@pytest.mark.parametrize("number", ["99999999999999999999999", str(2**63), "0", "-4"])
def test_a_session_number_the_database_cannot_hold_is_refused_not_a_server_error(
    people: dict[str, Any], programme: Any, number: str
) -> None:
    # SQLite raised OverflowError for the first two: a 500.
    token = token_for(people[Role.VIEWER])

    response = Client(raise_request_exception=False).get(
        f"/api/v1/teams/team-a/engagement/votes?session={number}", **bearer(token)
    )

    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["column"] == "session"
    assert problem["reason"].startswith("Write a number of at")


def test_a_measure_code_with_a_nul_character_is_refused_before_the_database_sees_it(
    people: dict[str, Any], programme: Any
) -> None:
    # PostgreSQL refuses a NUL in a query with an error: it was a 500.
    token = token_for(people[Role.VIEWER])

    with CaptureQueriesContext(connection) as queries:
        response = Client(raise_request_exception=False).get(
            "/api/v1/teams/team-a/measures/wait%00days/spc", **bearer(token)
        )

    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "file": "The request",
            "row": None,
            "column": "code",
            "reason": "Use only letters, digits, hyphens (-) and underscores (_).",
        }
    ]
    assert response.json()["detail"].startswith("The part of the address 'code': Use only letters")
    assert not any("\x00" in str(q["sql"]) for q in queries.captured_queries)


def test_a_team_slug_with_a_nul_character_is_not_found_without_asking_the_database(
    people: dict[str, Any], programme: Any
) -> None:
    token = token_for(people[Role.ADMIN])

    with CaptureQueriesContext(connection) as queries:
        response = Client(raise_request_exception=False).get(
            "/api/v1/teams/team%00a/measures", **bearer(token)
        )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert not any("team\x00a" in str(q["sql"]) for q in queries.captured_queries)


def test_a_session_cookie_no_session_key_could_be_is_ignored(people: dict[str, Any]) -> None:
    # On PostgreSQL a NUL in the cookie made every page and API route a 500.
    assert SessionStore("abcdefgh\x00ijklmnop").session_key is None
    assert SessionStore("a" * 41).session_key is None
    assert SessionStore("ABCDEFGHIJKL").session_key is None
    browser = Client()
    browser.force_login(people[Role.VIEWER], backend="django.contrib.auth.backends.ModelBackend")
    real = browser.cookies["whatmatters_session"].value
    assert SessionStore(real).session_key == real

    browser.cookies["whatmatters_session"] = "abcdefgh\x00ijklmnop"
    response = browser.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in or send an API token."}


def test_a_measure_that_is_not_there_gets_the_same_404_as_a_team_that_is_not(
    people: dict[str, Any], programme: Any
) -> None:
    token = token_for(people[Role.VIEWER])

    response = Client().get("/api/v1/teams/team-a/measures/no-such-measure", **bearer(token))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "problems": []}  # was {"detail": "Not Found"}


def test_a_browser_sessions_write_without_its_csrf_token_is_refused_in_plain_english(
    people: dict[str, Any], programme: Any
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people[Role.TEAM_LEAD], backend="django.contrib.auth.backends.ModelBackend")
    rows = [{"measure": "wait-days", "period": "2024-01-01", "value": 3}]
    values_before = Value.objects.count()

    response = browser.post("/api/v1/teams/team-a/values", rows, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": errors.CSRF_MISSING, "problems": []}  # was "CSRF check Failed"
    assert "API token" in response.json()["detail"]
    assert Value.objects.count() == values_before


def test_an_unexpected_error_in_a_route_is_a_json_error_not_a_web_page(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(user: Any) -> Any:
        raise RuntimeError("a fault in the code")

    monkeypatch.setattr("whatmatters.api.api.roles_of", broken)
    token = token_for(people[Role.VIEWER])

    response = Client(raise_request_exception=False).get("/api/v1/me", **bearer(token))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": errors.SERVER_ERROR, "problems": []}
    assert "Internal Server Error: /api/v1/me" in caplog.text  # logged as Django logs a 500
    with pytest.raises(RuntimeError):  # and the test client still sees the exception, as with any 500
        Client().get("/api/v1/me", **bearer(token))


def test_a_body_over_the_size_limit_gets_the_documented_413(
    people: dict[str, Any], programme: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    token = token_for(people[Role.TEAM_LEAD])
    rows = [{"measure": "wait-days", "period": "2024-01-01", "value": 3, "note": "x" * 400}] * 3000
    values_before = Value.objects.count()

    response = Client().post(
        "/api/v1/teams/team-a/values", rows, content_type="application/json", **bearer(token)
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is larger than 1 MB. Send fewer rows at once. Nothing was saved.",
        "problems": [],
    }
    assert Value.objects.count() == values_before
    document = Client().get("/api/v1/openapi.json", **bearer(token)).json()
    answer = document["paths"]["/api/v1/teams/{team}/values"]["post"]["responses"]["413"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_a_suspicious_request_is_a_json_400_and_the_security_log_hears_of_it(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.core.exceptions import SuspiciousOperation

    def suspicious(user: Any) -> Any:
        raise SuspiciousOperation("a header that cannot be right")

    monkeypatch.setattr("whatmatters.api.api.roles_of", suspicious)
    token = token_for(people[Role.VIEWER])

    response = Client().get("/api/v1/me", **bearer(token))

    assert response.status_code == 400
    assert response.json() == {"detail": "This request could not be read. Nothing was saved.", "problems": []}
    assert [r.name for r in caplog.records if r.levelname == "ERROR"] == [
        "django.security.SuspiciousOperation"
    ]


def test_an_api_address_no_route_has_is_a_json_404(people: dict[str, Any]) -> None:
    token = token_for(people[Role.VIEWER])

    response = Client().get("/api/v1/no-such-route", **bearer(token))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "problems": []}
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")  # pages keep the service's own page


def test_a_fault_outside_a_route_is_a_json_500_under_the_api(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a fault in a middleware")

    monkeypatch.setattr("whatmatters.teams.middleware.access_for", broken)
    token = token_for(people[Role.VIEWER])

    response = Client(raise_request_exception=False).get("/api/v1/me", **bearer(token))

    assert response.status_code == 500
    assert response.json() == {"detail": errors.SERVER_ERROR, "problems": []}
    page = Client(raise_request_exception=False).get("/sign-in/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
