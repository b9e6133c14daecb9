"""POST /api/v1/teams/<team>/values holds against any body: it never answers 500.

Wrong types, huge numbers, NaN and Infinity (which Python's json module accepts), integers of thousands of
digits (which Python refuses to turn into int above 4,300), deep nesting and 100,000 rows are each answered
with 400 (or 413 for a body over the size limit) and problems naming the row (the row's place in the list,
from 1) and the column (the field). Nothing is saved, and an NHS number or personal data sent is never sent
back.
"""

# ruff: noqa: E501 - the table of hostile bodies reads best one case a line

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.framework.factories import make_domain, make_measure, make_ratio_measure
from whatmatters.api.models import ApiToken
from whatmatters.audit.models import AuditEvent
from whatmatters.framework.measures.importing import MAX_API_ROWS, MAX_SHOWN
from whatmatters.framework.models import Value
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/teams/team-a/values"
NHS = "9990000018"  # a test NHS number from the 999 range: it passes the modulus-11 check


@pytest.fixture
def measures(programme: Any) -> dict[str, Any]:
    domain = make_domain(programme.team_a)
    found = {
        "wait": make_measure(programme.team_a, domain),
        "ratio": make_ratio_measure(programme.team_a, domain),
        "calls": make_measure(
            programme.team_a, domain, "calls-weekly", frequency="weekly", chart="c", unit="calls"
        ),
        "percent": make_measure(programme.team_a, domain, "satisfied", unit="%", direction="increase"),
        "change": make_measure(programme.team_a, domain, "change", unit="", direction="neutral"),
        "only_b": make_measure(programme.team_b, make_domain(programme.team_b), "only-b"),
    }
    Value.objects.create(measure=found["wait"], period=dt.date(2023, 12, 1), value=40)
    return found


@pytest.fixture
def auth(people: dict[str, Any]) -> dict[str, str]:
    _, secret = ApiToken.issue(people[Role.STAFF], "warehouse")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def row(value: str, measure: str = '"change"', period: str = '"2024-03-01"', extra: str = "") -> str:
    """One row of JSON text, with the value written exactly as given."""
    return f'{{"measure": {measure}, "period": {period}, "value": {value}{extra}}}'


def body(*rows: str) -> bytes:
    """A good row first (row 1), then the others (rows 2, ...)."""
    return ("[" + ", ".join([row("40", '"wait-days"', '"2024-01-01"'), *rows]) + "]").encode()


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# (kind, the body, the row, the column, words in the reason)
CASES: list[tuple[str, Any, int | None, str, str]] = [
    # --- Numbers Python's json module takes, that must not reach the database -----------------------------
    ("an integer of 4,000 digits", lambda: body(row("9" * 4000)), 2, "value", "4,000 characters long"),
    (
        "an integer of 5,000 digits (over Python's int limit)",
        lambda: body(row("9" * 5000)),
        2,
        "value",
        "5,000 characters long",
    ),
    ("a string of 4,000 digits", lambda: body(row('"' + "9" * 4000 + '"')), 2, "value", "4,000 characters"),
    ("a string of 25 digits", lambda: body(row('"' + "1" * 25 + '"')), 2, "value", "25 characters long"),
    (
        "a numerator of 4,000 digits",
        lambda: body(
            '{"measure": "seen-in-2-weeks", "period": "2024-03-01", "numerator": '
            + "9" * 4000
            + ', "denominator": 20}'
        ),
        2,
        "numerator",
        "4,000 characters long",
    ),
    ("NaN", lambda: body(row("NaN")), 2, "value", "not NaN"),
    ("Infinity", lambda: body(row("Infinity")), 2, "value", "not Infinity"),
    ("minus Infinity", lambda: body(row("-Infinity")), 2, "value", "not -Infinity"),
    ("1e309", lambda: body(row("1e309")), 2, "value", "too large"),
    ("1e-400", lambda: body(row("1e-400")), 2, "value", "too small"),
    ("the text NaN", lambda: body(row('"nan"')), 2, "value", "not 'nan'"),
    ("the text 1e309", lambda: body(row('"1e309"')), 2, "value", "in full"),
    ("a value above a million million", lambda: body(row("1e13")), 2, "value", "above 1,000,000,000,000"),
    (
        "a percentage of 250",
        lambda: body(row("250", '"satisfied"')),
        2,
        "value",
        "A percentage cannot be above 100",
    ),
    (
        "a fraction of a count",
        lambda: body(row("2.5", '"calls-weekly"', '"2024-01-01"')),
        2,
        "value",
        "whole number",
    ),
    ("a negative count", lambda: body(row("-1", '"calls-weekly"', '"2024-01-01"')), 2, "value", "below 0"),
    (
        "a numerator above its denominator",
        lambda: body(
            '{"measure": "seen-in-2-weeks", "period": "2024-03-01", "numerator": 30, "denominator": 20}'
        ),
        2,
        "numerator",
        "larger",
    ),
    # --- Wrong types ----------------------------------------------------------------------------------------
    ("true as a value", lambda: body(row("true")), 2, "value", "TRUE or FALSE"),
    ("a list as a value", lambda: body(row("[[1]]")), 2, "value", "Enter a number"),
    ("an object as a value", lambda: body(row('{"a": 1}')), 2, "value", "Enter a number"),
    ("a formula as a value", lambda: body(row('"=1+1"')), 2, "value", "Formulas are not allowed"),
    ("a percentage sign", lambda: body(row('"85%"', '"satisfied"')), 2, "value", "% sign"),
    ("a number as the measure", lambda: body(row("1", measure="5")), 2, "measure", "as text, not a number"),
    (
        "a list as the measure",
        lambda: body(row("1", measure='["change"]')),
        2,
        "measure",
        "as text, not a list",
    ),
    (
        "a number as the period",
        lambda: body(row("1", period="20240301")),
        2,
        "period",
        "as text, not a number",
    ),
    (
        "a number of 5,000 digits as the period",
        lambda: body(row("1", period="9" * 5000)),
        2,
        "period",
        "as text, not a number",
    ),
    ("a number as the note", lambda: body(row("1", extra=', "note": 5')), 2, "note", "as text"),
    ("an object as the note", lambda: body(row("1", extra=', "note": {}')), 2, "note", "as text"),
    ("null as a row", lambda: body("null"), 2, "", "must be an object"),
    ("a list as a row", lambda: body('["change", "2024-03-01", 1]'), 2, "", "must be an object, not a list"),
    (
        "a missing measure",
        lambda: body('{"period": "2024-03-01", "value": 1}'),
        2,
        "measure",
        "Enter the measure's code",
    ),
    (
        "a missing period",
        lambda: body('{"measure": "change", "value": 1}'),
        2,
        "period",
        "Enter the first day",
    ),
    ("an unknown field", lambda: body(row("1", extra=', "colour": "red"')), 2, "colour", "Unknown field"),
    # --- The body as a whole ----------------------------------------------------------------------------------
    ("an empty body", lambda: b"", None, "", "The request is empty"),
    (
        "a body that is not JSON",
        lambda: b"measure,team\nchange,team-a",
        None,
        "",
        "not JSON (line 1, character 1)",
    ),
    ("a body cut off half way", lambda: body(row("1"))[:-10], None, "", "not JSON"),
    ("a body that is not text", lambda: b"\xff\xfe\xfd\x00\x00", None, "", "not JSON"),
    (
        "an object, not a list",
        lambda: b'{"measure": "change", "period": "2024-03-01", "value": 1}',
        None,
        "",
        "not an object",
    ),
    ("a string, not a list", lambda: b'"hello"', None, "", "not text"),
    ("100,000 levels of nesting", lambda: deep(100_000).encode(), None, "", "too deeply"),
    ("50,000 levels of nesting in a value", lambda: body(row(deep(50_000))), None, "", "too deeply"),
    (
        "100,000 empty rows",
        lambda: ("[" + ",".join(["{}"] * 100_000) + "]").encode(),
        None,
        "",
        f"100,000 rows. Send at most {MAX_API_ROWS:,}",
    ),
    # --- Identifiers, dates and scoping --------------------------------------------------------------------------
    (
        "another team's measure",
        lambda: body(row("1", '"only-b"')),
        2,
        "measure",
        "team-a has no measure with the code 'only-b'",
    ),
    (
        "another team named in the row",
        lambda: body(row("1", extra=', "team": "team-b"')),
        2,
        "team",
        "takes values for team-a only",
    ),
    (
        "a NUL in the measure",
        lambda: body(row("1", measure='"cha\\u0000nge"')),
        2,
        "measure",
        "hidden character",
    ),
    (
        "a right-to-left override in the period",
        lambda: body(row("1", period='"2024-03\\u202e-01"')),
        2,
        "period",
        "hidden character",
    ),
    (
        "a measure of 2,000 characters",
        lambda: body(row("1", measure='"' + "m" * 2000 + '"')),
        2,
        "measure",
        "2,000 characters",
    ),
    (
        "a formula as the measure",
        lambda: body(row("1", measure="\"=cmd|' /C calc'!A0\"")),
        2,
        "measure",
        "formula",
    ),
    ("29 February 2023", lambda: body(row("1", period='"2023-02-29"')), 2, "period", "not a real date"),
    ("the year 1", lambda: body(row("1", period='"0001-01-01"')), 2, "period", "before 1990"),
    ("a date with a time", lambda: body(row("1", period='"2024-03-01T00:00:00"')), 2, "period", "YYYY-MM-DD"),
    # --- What must never be stored or sent back ---------------------------------------------------------------
    (
        "an NHS number in the note",
        lambda: body(row("1", extra=f', "note": "re {NHS}"')),
        2,
        "note",
        "NHS number",
    ),
    ("an NHS number as the value", lambda: body(row(NHS)), 2, "value", "NHS number"),
    (
        "an NHS number with spaces as the measure",
        lambda: body(row("1", measure='"999 000 0018"')),
        2,
        "measure",
        "NHS number",
    ),
    (
        "an NHS number as a field's name",
        lambda: body(row("1", extra=f', "{NHS}": 1')),
        2,
        "",
        "Unknown field",
    ),
    (
        "an email address in the note",
        lambda: body(row("1", extra=', "note": "ask jo.bloggs@example.com"')),
        2,
        "note",
        "an email",
    ),
    (
        "a formula in the note",
        lambda: body(row("1", extra=', "note": "=HYPERLINK(\\"x\\")"')),
        2,
        "note",
        "formula",
    ),
]


def counts() -> tuple[int, int]:
    return Value.objects.count(), AuditEvent.objects.filter(object_type="framework.value").count()


def post(client: Any, auth: dict[str, str], data: bytes) -> Any:
    return client.post(URL, data, content_type="application/json", **auth)


@pytest.mark.parametrize(("kind", "content", "row", "column", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_body_is_refused_with_its_row_and_column_and_nothing_is_saved(
    measures: dict[str, Any],
    auth: dict[str, str],
    client: Any,
    kind: str,
    content: Any,
    row: int | None,
    column: str,
    words: str,
) -> None:
    before = counts()
    response = post(client, auth, content())
    assert response.status_code == 400, response.content[:500]
    answer = response.json()
    assert answer["saved"] is False and answer["detail"].startswith("Nothing was saved")
    assert any(
        p["file"] == "The request" and p["row"] == row and p["column"] == column and words in p["reason"]
        for p in answer["problems"]
    ), answer["problems"]
    assert counts() == before
    for secret in (NHS, "999 000 0018", "jo.bloggs"):
        assert secret not in response.content.decode()


def test_a_body_over_the_size_limit_is_refused_without_a_server_error(
    measures: dict[str, Any], auth: dict[str, str], client: Any
) -> None:
    rows = [row("1", period='"2024-03-01"')] * 100_000  # about 6 MB
    before = counts()
    response = post(client, auth, ("[" + ",".join(rows) + "]").encode())
    assert response.status_code in (400, 413)
    assert "detail" in response.json()
    assert counts() == before


def test_10000_bad_rows_list_the_first_200_problems_and_count_them_all(
    measures: dict[str, Any], auth: dict[str, str], client: Any
) -> None:
    rows = [row(f'"x{i}"') for i in range(MAX_API_ROWS - 1)]  # each a bad number, and each a repeat
    response = post(client, auth, body(*rows))
    assert response.status_code == 400
    answer = response.json()
    assert len(answer["problems"]) == MAX_SHOWN
    every = (MAX_API_ROWS - 1) + (MAX_API_ROWS - 2)
    assert answer["detail"] == f"Nothing was saved. {every:,} problems found. The first 200 are listed."
    assert Value.objects.count() == 1


def test_numbers_json_writes_in_its_own_ways_are_taken(
    measures: dict[str, Any], auth: dict[str, str], client: Any
) -> None:
    data = body(
        row("1e-05", period='"2024-02-01"'),
        row("-0", period='"2024-03-01"'),
        row('" 12 "', period='"2024-04-01"'),
        row("1.5e3", period='"2024-05-01"'),
    )
    response = post(client, auth, data)
    assert response.status_code == 200, response.content
    saved = dict(Value.objects.filter(measure=measures["change"]).values_list("period__month", "value"))
    assert saved == {2: 1e-05, 3: 0.0, 4: 12.0, 5: 1500.0}
    assert str(saved[3]) == "0.0"


def test_hidden_characters_in_a_note_are_taken_out_and_the_row_saved(
    measures: dict[str, Any], auth: dict[str, str], client: Any
) -> None:
    response = post(client, auth, body(row("1", extra=', "note": "new\\u0000 rota\\u001b\\u202e"')))
    assert response.status_code == 200, response.content
    assert Value.objects.get(measure=measures["change"]).note == "new rota"


def test_the_team_in_the_address_may_be_repeated_in_a_row_and_a_byte_order_mark_is_allowed(
    measures: dict[str, Any], auth: dict[str, str], client: Any
) -> None:
    response = post(client, auth, b"\xef\xbb\xbf" + body(row("1", extra=', "team": "team-a"')))
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2


def test_an_empty_list_changes_nothing(measures: dict[str, Any], auth: dict[str, str], client: Any) -> None:
    response = post(client, auth, b"[]")
    assert response.status_code == 200
    assert response.json()["detail"] == "No rows were sent: nothing changed."
    assert Value.objects.count() == 1


def test_the_openapi_document_describes_the_body_as_a_list_of_rows(auth: dict[str, str], client: Any) -> None:
    document = client.get("/api/v1/openapi.json", **auth).json()
    operation = document["paths"]["/api/v1/teams/{team}/values"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array" and schema["maxItems"] == MAX_API_ROWS
    assert schema["items"]["additionalProperties"] is False
    assert set(schema["items"]["properties"]) == {
        "measure",
        "period",
        "value",
        "numerator",
        "denominator",
        "note",
        "team",
    }
    assert json.dumps(schema)  # plain JSON, no references left dangling
