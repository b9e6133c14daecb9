"""Plan ahead: where things stand, the capacity needed to meet the standard by a date, what-if levers,
a fan chart and a CSV of the scenario."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest

from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

URL = "/teams/team-a/flow/plan-ahead/"
AHEAD = date.today() + timedelta(weeks=8)  # a date to meet the standard by must be after today
MONDAY = AHEAD - timedelta(days=AHEAD.weekday())
AHEAD_WEEK = f"{MONDAY.day} {MONDAY:%B %Y}"


@pytest.fixture
def lead(imported: dict[str, Any], make_user: Any, client_for: Any) -> Any:
    return client_for(make_user(Role.TEAM_LEAD, imported["CERT"]))


def scenario(client: Any, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/teams/team-a/flow/plan-ahead.csv{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="team-a-plan-ahead.csv"'
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_page_shows_where_things_stand_and_the_capacity_needed(lead: Any) -> None:
    page = lead.get(f"{URL}?target_date={AHEAD.isoformat()}&target_share=92").content.decode()
    for label in ("Referrals a week", "People waiting now", "Load", "Target list size", "Pressure"):
        assert label in page
    assert "The answer people ask for" in page
    assert re.search(
        rf"To have 92% of people waiting less than the standard by the week starting {AHEAD_WEEK}, "
        r"the team needs about \d+ appointments a week",
        page,
    )
    assert re.search(r"Over the last 12 weeks it helped about \d+ people a week", page)


def test_the_fan_chart_is_an_accessible_svg_with_a_table(lead: Any) -> None:
    page = lead.get(URL).content.decode()
    assert 'role="img"' in page and "<title" in page and "<desc" in page
    assert "9 times in 10 between" in page
    assert "Expected list by week" in page


def test_levers_change_the_scenario_and_the_csv_follows_them(lead: Any) -> None:
    same = scenario(lead)
    more = scenario(lead, "?capacity_change_pct=30&referral_growth_pct=0")
    assert len(same) == len(more) == 52
    assert list(same[0]) == [
        "week_starting",
        "referrals",
        "appointments",
        "expected_waiting",
        "low_5pct",
        "high_95pct",
        "pct_within_standard",
        "appointments_needed",
    ]
    assert date.fromisoformat(same[0]["week_starting"]).weekday() == 0
    assert float(more[0]["appointments"]) > float(same[0]["appointments"])
    assert float(more[-1]["expected_waiting"]) < float(same[-1]["expected_waiting"])
    for row in more:
        assert float(row["low_5pct"]) <= float(row["expected_waiting"]) + 1e-6
        assert float(row["expected_waiting"]) <= float(row["high_95pct"]) + 1e-6


def test_extra_sessions_for_a_while_help_only_for_that_while(lead: Any) -> None:
    rows = scenario(lead, "?extra_sessions=10&extra_weeks=8")
    base = scenario(lead)
    extra = [float(r["appointments"]) - float(b["appointments"]) for r, b in zip(rows, base, strict=True)]
    assert all(abs(e - 10) < 1e-6 for e in extra[:8]) and all(abs(e) < 1e-6 for e in extra[8:])


def test_the_page_link_downloads_the_scenario_shown(lead: Any) -> None:
    page = lead.get(f"{URL}?capacity_change_pct=10").content.decode()
    assert 'href="/teams/team-a/flow/plan-ahead.csv?capacity_change_pct=10"' in page


def test_bad_lever_values_are_errors_that_keep_what_was_typed(lead: Any) -> None:
    page = lead.get(f"{URL}?capacity_change_pct=lots&target_date=31/03/2024").content.decode()
    assert "There is a problem" in page and "<title>Error:" in page
    assert "Write the date as YYYY-MM-DD" in page
    assert 'value="lots"' in page and 'value="31/03/2024"' in page


def test_a_team_without_data_is_told_so(teams: Any, make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.STAFF, teams["CERT"]))
    assert "no waiting-list data" in client.get(URL).content.decode()


def test_the_date_to_meet_the_standard_by_is_typed_as_its_hint_says_not_picked(lead: Any) -> None:
    import re

    page = lead.get("/teams/team-a/flow/plan-ahead/").content.decode()
    box = re.search(r"<input[^>]*name=\"target_date\"[^>]*>", page)
    assert box is not None
    assert 'type="text"' in box.group(0)  # a browser's date picker shows its own format, not YYYY-MM-DD
    assert "YYYY-MM-DD" in page
