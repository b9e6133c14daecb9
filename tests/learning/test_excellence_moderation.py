"""Excellence reports pass the same moderation as statements: held words are highlighted for a moderator,
who approves, redacts or rejects; only approved words are shown anywhere."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from whatmatters.learning import actions
from whatmatters.learning.models import ExcellenceReport
from whatmatters.teams.roles import Role

HELD_TEXT = "Sarah on reception called me back within the hour"


def held(programme: Any) -> ExcellenceReport:
    return actions.arrive(programme.team_a, HELD_TEXT, who="reception")


def moderate(client: Any, report: ExcellenceReport, **data: str) -> Any:
    url = reverse("excellence_moderate_report", kwargs={"team": report.team.slug, "pk": report.pk})
    return client.post(url, data)


def test_held_reports_wait_with_the_personal_details_highlighted(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    report = held(programme)
    page = client_for(people[Role.EXPERT_BY_EXPERIENCE]).get("/teams/team-a/learning/what-went-well/check/")
    text = page.content.decode()
    assert f"Report {report.pk}" in text
    assert '<mark title="name">Sarah' in text
    assert "[name removed] on reception" in text  # the suggested redaction


def test_a_clean_report_can_be_held_for_a_person_by_setting(programme: Any, settings: Any) -> None:
    settings.ENGAGEMENT_HOLD_CLEAN_STATEMENTS = True
    report = actions.arrive(programme.team_a, "The huddle helped us plan the day")
    assert report.status == ExcellenceReport.Status.PENDING


def test_approving_shows_the_words_on_the_learning_page_and_dashboard(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    report = held(programme)
    viewer = client_for(people[Role.VIEWER])
    assert "called me back" not in viewer.get("/teams/team-a/learning/").content.decode()
    moderate(client_for(people[Role.FACULTY]), report, decision="approve")
    report.refresh_from_db()
    assert report.status == ExcellenceReport.Status.APPROVED
    assert report.moderated_by == people[Role.FACULTY]
    assert "called me back" in viewer.get("/teams/team-a/learning/").content.decode()
    panel = viewer.get("/teams/team-a/dashboard/").content.decode().split('id="going-well"')[1]
    assert "called me back" in panel.split("</section>")[0]


def test_redacting_publishes_the_redacted_words_and_keeps_the_original_for_moderators(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    report = held(programme)
    moderate(
        client_for(people[Role.EXPERT_BY_EXPERIENCE]),
        report,
        decision="redact",
        text="[name removed] on reception called me back within the hour",
        who="reception",
    )
    report.refresh_from_db()
    assert report.status == ExcellenceReport.Status.APPROVED
    assert report.public_text().startswith("[name removed] on reception")
    assert "Sarah" in report.original_text
    page = client_for(people[Role.VIEWER]).get("/teams/team-a/learning/").content.decode()
    assert "Sarah" not in page and "[name removed] on reception" in page


def test_rejecting_keeps_the_words_out_of_every_page(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    report = held(programme)
    moderate(client_for(people[Role.ADMIN]), report, decision="reject")
    report.refresh_from_db()
    assert report.status == ExcellenceReport.Status.REJECTED
    for url in ("/teams/team-a/learning/", "/teams/team-a/dashboard/"):
        assert "called me back" not in client_for(people[Role.TEAM_LEAD]).get(url).content.decode()


def test_unapproved_words_cannot_be_read_through_the_model_either(programme: Any) -> None:
    import pytest

    report = held(programme)
    with pytest.raises(PermissionError):
        report.public_text()
    assert list(ExcellenceReport.objects.approved()) == []


def test_staff_and_viewers_cannot_moderate(programme: Any, people: dict[str, Any], client_for: Any) -> None:
    report = held(programme)
    for role in (Role.STAFF, Role.VIEWER, Role.TEAM_LEAD):
        assert moderate(client_for(people[role]), report, decision="approve").status_code == 403
    report.refresh_from_db()
    assert report.status == ExcellenceReport.Status.HELD


def test_another_teams_report_is_not_found_from_this_team(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    theirs = actions.arrive(programme.team_b, HELD_TEXT)
    url = reverse("excellence_moderate_report", kwargs={"team": "team-a", "pk": theirs.pk})
    assert client_for(people[Role.FACULTY]).post(url, {"decision": "approve"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ExcellenceReport.Status.HELD
