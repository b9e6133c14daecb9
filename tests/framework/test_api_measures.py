"""The API reads measures, values and SPC results and takes values, scoped to the team like the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.framework.factories import add_values
from whatmatters.api.models import ApiToken
from whatmatters.framework.models import MeasureTarget, Value
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    _, secret = ApiToken.issue(user, "warehouse")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_members_read_measures_values_and_spc(
    plan: dict[str, Any], people: dict[str, Any], client: Any
) -> None:
    add_values(plan["wait"], [40, 42, 39, 41, 43, 40, 38, 42, 41, 40, 39, 41, 30, 29, 31, 28, 30, 27, 29, 30])
    auth = bearer(people[Role.VIEWER])
    measures = client.get("/api/v1/teams/team-a/measures", **auth).json()
    assert {m["code"] for m in measures} == {"wait-days", "seen-in-2-weeks", "calls-weekly"}
    assert measures[0]["domains"] == ["I know what is happening while I wait"]
    values = client.get("/api/v1/teams/team-a/measures/wait-days/values", **auth).json()
    assert values[0] == {
        "period": "2023-01-01",
        "value": 40.0,
        "numerator": None,
        "denominator": None,
        "note": "",
    }
    spc = client.get("/api/v1/teams/team-a/measures/wait-days/spc", **auth).json()
    assert spc["variation"] == "Improving: a change unlikely to be chance"
    assert spc["easy_read"] and spc["committee"]
    assert len(spc["points"]) == len(spc["missing_periods"]) + 20


def test_a_warehouse_posts_values_all_or_nothing_and_posting_again_changes_nothing(
    plan: dict[str, Any], people: dict[str, Any], client: Any
) -> None:
    auth = bearer(people[Role.STAFF])
    rows = [
        {"measure": "wait-days", "period": "2024-01-01", "value": 40},
        {"measure": "seen-in-2-weeks", "period": "2024-01-01", "numerator": 12, "denominator": 20},
    ]
    response = client.post("/api/v1/teams/team-a/values", rows, content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    again = client.post("/api/v1/teams/team-a/values", rows, content_type="application/json", **auth).json()
    assert (again["created"], again["unchanged"]) == (0, 2)
    bad = [*rows, {"measure": "wait-days", "period": "01/02/2024", "value": "=1+1"}]
    response = client.post("/api/v1/teams/team-a/values", bad, content_type="application/json", **auth)
    assert response.status_code == 400
    assert {(p["row"], p["column"]) for p in response.json()["problems"]} == {(3, "period"), (3, "value")}
    assert Value.objects.count() == 2
    assert Value.objects.get(measure=plan["wait"]).period == dt.date(2024, 1, 1)


def test_viewers_cannot_post_values_and_outsiders_cannot_see_the_team(
    plan: dict[str, Any], people: dict[str, Any], client: Any
) -> None:
    rows = [{"measure": "wait-days", "period": "2024-01-01", "value": 40}]
    response = client.post(
        "/api/v1/teams/team-a/values", rows, content_type="application/json", **bearer(people[Role.VIEWER])
    )
    assert response.status_code == 403
    outsider = bearer(people["team_b_lead"])
    assert client.get("/api/v1/teams/team-a/measures", **outsider).status_code == 404
    response = client.post("/api/v1/teams/team-a/values", rows, content_type="application/json", **outsider)
    assert response.status_code == 404
    assert Value.objects.count() == 0


def test_a_measure_of_another_team_is_not_found_by_code(
    plan: dict[str, Any], people: dict[str, Any], client: Any
) -> None:
    # team-b also has a measure called wait-days; through team-a's URL only team-a's is reachable.
    Value.objects.create(measure=plan["other_team"], period=dt.date(2024, 1, 1), value=99)
    values = client.get(
        "/api/v1/teams/team-a/measures/wait-days/values", **bearer(people[Role.VIEWER])
    ).json()
    assert values == []
    assert client.get("/api/v1/teams/team-a/measures/nope", **bearer(people[Role.VIEWER])).status_code == 404


def test_a_measure_reads_with_its_targets_over_time_and_their_line_names_for_its_own_team_only(
    plan: dict[str, Any], people: dict[str, Any], client: Any
) -> None:
    wait = plan["wait"]
    wait.target, wait.target_label = 30.0, "Local ambition"
    wait.save()
    MeasureTarget.objects.create(measure=wait, starts=dt.date(2024, 3, 1), value=27.5)
    MeasureTarget.objects.create(measure=wait, starts=dt.date(2024, 1, 1), value=28.0)
    MeasureTarget.objects.create(
        measure=wait, starts=dt.date(2024, 1, 1), value=18, label="National standard"
    )
    MeasureTarget.objects.create(measure=plan["other_team"], starts=dt.date(2024, 1, 1), value=99)
    auth = bearer(people[Role.VIEWER])
    one = client.get("/api/v1/teams/team-a/measures/wait-days", **auth).json()
    assert (one["target"], one["target_label"]) == (30.0, "Local ambition")
    assert one["targets"] == [
        {"from": "2024-01-01", "value": 28.0, "line": ""},
        {"from": "2024-03-01", "value": 27.5, "line": ""},
        {"from": "2024-01-01", "value": 18.0, "line": "National standard"},
    ]
    listed = {m["code"]: m for m in client.get("/api/v1/teams/team-a/measures", **auth).json()}
    assert listed["wait-days"]["targets"] == one["targets"]
    assert listed["seen-in-2-weeks"]["targets"] == [] and listed["seen-in-2-weeks"]["target_label"] == ""


def test_the_openapi_document_describes_a_measures_targets_over_time(
    people: dict[str, Any], client: Any
) -> None:
    document = client.get("/api/v1/openapi.json", **bearer(people[Role.VIEWER])).json()
    schemas = document["components"]["schemas"]
    measure = schemas["MeasureOut"]
    assert {"target_label", "targets"} <= set(measure["required"])
    assert measure["properties"]["targets"]["items"] == {"$ref": "#/components/schemas/TargetOut"}
    row = schemas["TargetOut"]
    assert set(row["properties"]) == {"from", "value", "line"}
    assert row["properties"]["from"]["format"] == "date"


def test_the_spc_points_give_the_target_in_force_and_each_further_line_for_their_period(
    plan: dict[str, Any], people: dict[str, Any], client: Any
) -> None:
    wait = plan["wait"]
    wait.target, wait.target_label = 30.0, "Local ambition"
    wait.save()
    add_values(wait, [40, 42, 39, 41, 43, 40, 38, 42, 41, 40, 39, 41, 30, 29, 31, 28, 30, 27, 29, 30])
    MeasureTarget.objects.create(measure=wait, starts=dt.date(2023, 7, 1), value=25.0)
    MeasureTarget.objects.create(
        measure=wait, starts=dt.date(2023, 1, 1), value=18, label="National standard"
    )
    spc = client.get("/api/v1/teams/team-a/measures/wait-days/spc", **bearer(people[Role.VIEWER])).json()
    assert spc["target_label"] == "Local ambition"
    points = {p["period"]: p for p in spc["points"]}
    assert points["2023-06-01"]["target"] == 30.0 and points["2023-07-01"]["target"] == 25.0
    assert points["2023-06-01"]["other_targets"] == {"National standard": 18.0}
