"""Who may read and make reports: team reports stay inside their team; programme reports are for the
programme's readers; a report is only ever found through its own team (or among programme reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from whatmatters.teams.roles import Role


def ready(team: Any) -> Any:
    from whatmatters.reports.models import Report

    return Report.objects.create(
        team=team, audience="committee", date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31),
        status=Report.Status.READY, html="<p>Secret words of this team.</p>", pdf=b"%PDF-1.7 this team",
    )  # fmt: skip


FORM = {"audience": "committee", "date_from": "2024-01-01", "date_to": "2024-12-31"}


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.EXPERT_BY_EXPERIENCE, Role.FACULTY, Role.ADMIN])
def test_report_makers_can_make_a_team_report(
    programme: Any, people: dict[str, Any], client_for: Any, role: str
) -> None:
    client = client_for(people[role])
    assert 'href="/teams/team-a/reports/new/"' in client.get("/teams/team-a/reports/").content.decode()
    assert client.get("/teams/team-a/reports/new/").status_code == 200
    assert client.post("/teams/team-a/reports/new/", FORM).status_code == 302


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER])
def test_staff_and_viewers_read_team_reports_but_do_not_make_them(
    programme: Any, people: dict[str, Any], client_for: Any, role: str
) -> None:
    from whatmatters.reports.models import Report

    report = ready(programme.team_a)
    client = client_for(people[role])
    history = client.get("/teams/team-a/reports/")
    assert history.status_code == 200
    assert "/teams/team-a/reports/new/" not in history.content.decode()
    assert client.get(f"/teams/team-a/reports/{report.pk}/").status_code == 200
    assert client.get(f"/teams/team-a/reports/{report.pk}/report.pdf").status_code == 200
    assert client.get("/teams/team-a/reports/new/").status_code == 403
    assert client.post("/teams/team-a/reports/new/", FORM).status_code == 403
    assert Report.objects.count() == 1


def test_another_teams_lead_cannot_see_this_teams_reports(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    report = ready(programme.team_a)
    client = client_for(people["team_b_lead"])
    for path in ("", f"{report.pk}/", f"{report.pk}/report.pdf", f"{report.pk}/report.html", "new/"):
        response = client.get(f"/teams/team-a/reports/{path}")
        assert response.status_code == 404, path
        assert b"Secret words" not in response.content


def test_a_report_is_found_only_through_its_own_team(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    a_report = ready(programme.team_a)
    programme_report = ready(None)
    client = client_for(people["team_b_lead"])
    # Team B's lead asks for team A's report through team B's address.
    assert client.get(f"/teams/team-b/reports/{a_report.pk}/").status_code == 404
    assert client.get(f"/teams/team-b/reports/{a_report.pk}/report.pdf").status_code == 404
    # A programme report is not a team report, and a team report is not a programme report.
    assert client.get(f"/teams/team-b/reports/{programme_report.pk}/").status_code == 404
    admin = client_for(people[Role.ADMIN])
    assert admin.get(f"/programme/reports/{a_report.pk}/").status_code == 404
    assert admin.get(f"/programme/reports/{programme_report.pk}/").status_code == 200


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER, "team_b_lead"])
def test_programme_readers_read_programme_reports_but_only_faculty_and_admins_make_them_or_get_the_csv(
    programme: Any, people: dict[str, Any], client_for: Any, role: str
) -> None:
    report = ready(None)
    client = client_for(people[role])
    assert client.get("/programme/reports/").status_code == 200
    assert client.get(f"/programme/reports/{report.pk}/").status_code == 200
    assert client.get(f"/programme/reports/{report.pk}/report.pdf").status_code == 200
    assert client.get("/programme/export/measures.csv").status_code == 403
    assert "/programme/export/measures.csv" not in client.get("/programme/reports/").content.decode()
    assert client.get("/programme/reports/new/").status_code == 403
    assert client.post("/programme/reports/new/", FORM).status_code == 403


def test_staff_and_people_without_a_role_cannot_read_programme_reports(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    report = ready(None)
    for who in (people[Role.STAFF], people["no_role"]):
        client = client_for(who)
        assert client.get("/programme/reports/").status_code in {403, 404}
        assert client.get(f"/programme/reports/{report.pk}/report.pdf").status_code in {403, 404}


def test_signed_out_people_are_sent_to_sign_in(programme: Any, client_for: Any) -> None:
    report = ready(programme.team_a)
    client = client_for(None)
    for path in (f"/teams/team-a/reports/{report.pk}/", "/teams/team-a/reports/", "/programme/reports/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
