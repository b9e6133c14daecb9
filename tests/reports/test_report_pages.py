"""The report pages: the history, the form, a built report in the page, and its PDF and HTML downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from whatmatters.teams.roles import Role

FORM = {"audience": "committee", "date_from": "2024-01-01", "date_to": "2024-12-31"}


@pytest.fixture
def lead(people: dict[str, Any], client_for: Any) -> Any:
    return client_for(people[Role.TEAM_LEAD])


def make_report(lead: Any, **changes: str) -> Any:
    from whatmatters.reports.models import Report

    response = lead.post("/teams/team-a/reports/new/", {**FORM, **changes})
    report = Report.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/teams/team-a/reports/{report.pk}/"
    return report


def test_a_team_lead_makes_a_committee_report_and_reads_it_in_the_page(
    report_world: dict[str, Any], lead: Any, people: dict[str, Any]
) -> None:
    report = make_report(lead)
    assert report.status == "ready"
    assert report.requested_by == people[Role.TEAM_LEAD]
    assert report.team == report_world["team"]
    page = lead.get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    assert "<h1>Team A: quality report</h1>" in page
    assert "Committee, 1 January 2024 to 31 December 2024" in page
    assert "The latest value is 19 days, for December 2024." in page
    assert "Improving: a change unlikely to be chance" in page
    assert "<svg" in page
    assert "What the words mean" in page
    assert f'href="/teams/team-a/reports/{report.pk}/report.pdf"' in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing to wait for


def test_the_pdf_and_html_downloads_are_attachments_named_after_the_report(
    report_world: dict[str, Any], lead: Any
) -> None:
    report = make_report(lead, audience="qi-forum")
    pdf = lead.get(f"/teams/team-a/reports/{report.pk}/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.7")
    name = "what-matters-team-a-qi-forum-2024-01-01-to-2024-12-31"
    assert pdf["Content-Disposition"] == f'attachment; filename="{name}.pdf"'
    assert pdf["Cache-Control"] == "private, no-store"
    html = lead.get(f"/teams/team-a/reports/{report.pk}/report.html")
    assert html["Content-Disposition"] == f'attachment; filename="{name}.html"'
    text = html.content.decode()
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>Team A: quality report</title>" in text
    assert "Change ideas" in text
    assert "<style>" in text


def test_the_history_lists_reports_newest_first_with_their_downloads(
    report_world: dict[str, Any], lead: Any
) -> None:
    from whatmatters.reports.models import Report

    first = make_report(lead, audience="lived-experience")
    second = make_report(lead, audience="qi-forum", date_from="2023-01-01", date_to="2023-12-31")
    Report.objects.create(
        team=report_world["team"], audience="committee", date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 3, 31), status=Report.Status.RUNNING,
    )  # fmt: skip
    page = lead.get("/teams/team-a/reports/").content.decode()
    assert "<h1>Reports</h1>" in page
    assert (
        page.index("Being built") < page.index(f"/reports/{second.pk}/") < page.index(f"/reports/{first.pk}/")
    )
    assert "1 January 2023 to 31 December 2023" in page
    assert f"/teams/team-a/reports/{first.pk}/report.pdf" in page
    assert "Make a report" in page
    assert "/teams/team-a/export/measures.csv" in page


def test_the_history_shows_only_this_teams_reports(
    report_world: dict[str, Any], lead: Any, programme: Any
) -> None:
    from whatmatters.reports.models import Report

    other = Report.objects.create(
        team=programme.team_b,
        audience="committee",
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 3, 31),
    )
    whole = Report.objects.create(
        team=None, audience="committee", date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 3, 31)
    )
    page = lead.get("/teams/team-a/reports/").content.decode()
    assert f"/reports/{other.pk}/" not in page
    assert f"/reports/{whole.pk}/" not in page
    assert "No reports yet." in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"date_from": "2024-01-01", "date_to": "2024-12-31"}, "Choose who the report is for"),
        ({"audience": "committee", "date_to": "2024-12-31"}, "Enter the first day of the period"),
        ({"audience": "committee", "date_from": "2024-01-01"}, "Enter the last day of the period"),
        ({"audience": "committee", "date_from": "01/02/2024", "date_to": "2024-12-31"}, "Enter a real date"),
        ({"audience": "committee", "date_from": "2024-02-30", "date_to": "2024-12-31"}, "Enter a real date"),
        (
            {"audience": "committee", "date_from": "2024-12-31", "date_to": "2024-01-01"},
            "The end of the period must be the same as or after its start",
        ),
        ({"audience": "board", "date_from": "2024-01-01", "date_to": "2024-12-31"}, "Select a valid choice"),
    ],
)
def test_the_form_says_what_to_fix_and_keeps_what_was_typed(
    report_world: dict[str, Any], lead: Any, form: dict[str, str], message: str
) -> None:
    from whatmatters.reports.models import Report

    response = lead.post("/teams/team-a/reports/new/", form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: Make a report" in page
    for value in form.values():
        if value != "board":
            assert f'value="{value}"' in page
    assert not Report.objects.exists()


def test_faculty_make_a_programme_report_with_every_team(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.reports.models import Report

    faculty = client_for(people[Role.FACULTY])
    response = faculty.post("/programme/reports/new/", FORM)
    report = Report.objects.get()
    assert response["Location"] == f"/programme/reports/{report.pk}/"
    assert report.team is None
    page = faculty.get(f"/programme/reports/{report.pk}/").content.decode()
    assert "<h1>Programme report</h1>" in page
    assert '<h2 id="report-summary">Summary</h2>' in page  # every report starts with the summary
    assert "Team A" in page and "Team B" in page
    history = faculty.get("/programme/reports/").content.decode()
    assert f"/programme/reports/{report.pk}/" in history
    assert "/programme/export/measures.csv" in history


def test_a_report_that_is_not_ready_has_no_downloads(report_world: dict[str, Any], lead: Any) -> None:
    from whatmatters.reports.models import Report

    report = Report.objects.create(
        team=report_world["team"], audience="committee", date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 3, 31), status=Report.Status.QUEUED,
    )  # fmt: skip
    assert lead.get(f"/teams/team-a/reports/{report.pk}/report.pdf").status_code == 404
    assert lead.get(f"/teams/team-a/reports/{report.pk}/report.html").status_code == 404
    assert "report.pdf" not in lead.get(f"/teams/team-a/reports/{report.pk}/").content.decode()


def test_the_team_page_and_the_programme_page_link_to_reports(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    lead = client_for(people[Role.TEAM_LEAD])
    assert 'href="/teams/team-a/reports/"' in lead.get("/teams/team-a/").content.decode()
    assert 'href="/programme/reports/"' in lead.get("/programme/").content.decode()
    staff = client_for(people[Role.STAFF])  # staff read their team's reports, not the programme's
    assert 'href="/teams/team-a/reports/"' in staff.get("/teams/team-a/").content.decode()
    assert 'href="/programme/reports/"' not in staff.get("/programme/").content.decode()
