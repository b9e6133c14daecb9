from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.conftest import TEAM_MAP
from tests.waitinglists.test_import_command import flow_import
from whatmatters.framework.models import DataSource, Measure, Value
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(teams: Any, extract: Path) -> dict[str, Any]:
    code, said = flow_import(str(extract), "--team-map", TEAM_MAP)
    assert code == 0, said
    return teams


def upload(client: Any, extract: Path, **extra: str) -> Any:
    with (extract / "referrals.csv").open("rb") as r, (extract / "contacts.csv").open("rb") as c, (
        extract / "ward_stays.csv"
    ).open("rb") as w:
        return client.post(
            "/programme/waiting-lists/import/",
            {"referrals": r, "contacts": c, "ward_stays": w, "extract_date": "2023-10-02", **extra},
        )


def test_faculty_upload_an_extract_and_see_it_saved_in_the_history(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    response = upload(client, extract, team_map="CERT=team-a\nOAWARD=team-b:20")
    job = ExtractImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.pk}/")
    assert job.status == ExtractImport.Status.SAVED  # the immediate backend ran the task
    page = client.get(response["Location"]).content.decode()
    assert "Saved" in page and "Rows in each file" in page
    assert Referral.objects.filter(team=teams["CERT"]).exists()
    history = client.get("/programme/waiting-lists/imports/").content.decode()
    assert "Team A" in history and "Saved" in history


def test_an_upload_with_an_unknown_team_code_saves_nothing_and_says_why(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.ADMIN))
    response = upload(client, extract, team_map="CERT=team-a")
    page = client.get(response["Location"]).content.decode()
    assert "not matched to a team: OAWARD" in page
    assert not Referral.objects.exists()


def test_rejects_csv_downloads_with_formula_safe_cells(
    teams: Any, faulty_extract: Path, make_user: Any, client_for: Any
) -> None:
    flow_import(str(faulty_extract), "--team-map", "CERT=team-a")
    job = ExtractImport.objects.get()
    client = client_for(make_user(Role.FACULTY))
    response = client.get(f"/programme/waiting-lists/imports/{job.pk}/rejects.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="rejects-{job.pk}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["file", "row", "column", "rule_code", "severity", "message", "value"]
    assert len(rows) > 10
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_team_leads_cannot_import_for_the_programme(teams: Any, make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.TEAM_LEAD, teams["CERT"]))
    assert client.get("/programme/waiting-lists/import/").status_code == 403


def test_derived_measures_appear_as_measure_values(imported: dict[str, Any]) -> None:
    team = imported["CERT"]
    codes = set(Measure.objects.filter(team=team, data_source=DataSource.WAITING_LIST).values_list("code", flat=True))
    assert {"wl-referrals-weekly", "wl-waiting-list-monthly", "wl-completed-within-standard-weekly"} <= codes
    assert "wl-occupancy-weekly" in set(
        Measure.objects.filter(team=imported["OAWARD"]).values_list("code", flat=True)
    )
    ratio = Value.objects.filter(measure__team=team, measure__code="wl-dna-rate-monthly").first()
    assert ratio is not None and ratio.denominator and ratio.shown is not None


def test_the_flow_page_shows_charts_tables_and_sentences(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.STAFF, imported["CERT"]))
    page = client.get("/teams/team-a/flow/").content.decode()
    for heading in ("How long people have been waiting", "People joining and leaving the list", "How soon people get help", "Little"):
        assert heading in page
    assert page.count("<svg") >= 3 and 'role="img"' in page and "style=" not in page
    ward = client_for(make_user(Role.STAFF, imported["OAWARD"])).get("/teams/team-b/flow/").content.decode()
    assert "Ward flow" in ward and "20 beds" in ward


def test_the_flow_page_takes_a_census_date_and_refuses_a_bad_one(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.STAFF, imported["CERT"]))
    assert "On 1 August 2023" in client.get("/teams/team-a/flow/?census=2023-08-01").content.decode()
    assert "Write the date as YYYY-MM-DD" in client.get("/teams/team-a/flow/?census=01/08/2023").content.decode()


def test_people_outside_the_team_get_404_for_its_flow_pages(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.STAFF, imported["OAWARD"]))
    assert client.get("/teams/team-a/flow/").status_code == 404
    assert client.get("/teams/team-a/flow/plan-ahead/").status_code == 404
    assert client.get("/teams/team-a/flow/plan-ahead.csv").status_code == 404


def test_plan_ahead_shows_capacity_needed_and_downloads_the_scenario(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.TEAM_LEAD, imported["CERT"]))
    page = client.get("/teams/team-a/flow/plan-ahead/?capacity_change_pct=10&target_date=2024-03-31").content.decode()
    assert "appointments a week" in page and "<svg" in page
    response = client.get("/teams/team-a/flow/plan-ahead.csv?capacity_change_pct=10")
    assert response["Content-Disposition"] == 'attachment; filename="team-a-plan-ahead.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "week_starting" and len(rows) == 53


def test_a_team_without_data_is_told_so(teams: Any, make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.STAFF, teams["CERT"]))
    assert "no waiting-list data" in client.get("/teams/team-a/flow/").content.decode()
    assert "no waiting-list data" in client.get("/teams/team-a/flow/plan-ahead/").content.decode()
