"""Programme-wide sharing is explicit: a team chooses which measures it shares with the programme.

Programme outputs (the programme dashboard, a buddy's side of the buddy view, programme reports in HTML and
PDF, the programme CSV) show only shared measures, with small numbers hidden, whoever reads them; another
team's raw values (the programme CSV, the API) are for organisation-wide admins and faculty only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.dashboards.conftest import IMPROVING, STEADY, recent_start
from tests.framework.factories import make_aim, make_domain, make_ratio_measure
from tests.helpers import share_with_programme
from whatmatters.teams.roles import Role

# Team B's measure that it keeps to itself. Team A shares a measure with the same code, so the programme
# dashboard, the buddy view and the reports would all show team B's one next to it if the filter slipped.
PRIVATE_NAME = "Private night calls of team B"
PRIVATE_VALUES = [9876 + (i % 3) for i in range(20)]  # shown as 9,876 to 9,878; exported as 9876 to 9878
PRIVATE_MARKS = (PRIVATE_NAME, "9,87", "9876", "9877", "9878")

# (label, role, in team A?) for every role, team-level and organisation-wide where the role allows.
SUBJECTS = [
    ("admin", Role.ADMIN, False),
    ("admin in team A", Role.ADMIN, True),
    ("faculty", Role.FACULTY, False),
    ("faculty in team A", Role.FACULTY, True),
    ("team lead", Role.TEAM_LEAD, True),
    ("staff", Role.STAFF, True),
    ("expert by experience", Role.EXPERT_BY_EXPERIENCE, True),
    ("viewer", Role.VIEWER, True),
]
PROGRAMME_REPORT_READERS = {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER}
RAW_PROGRAMME_CSV = {"admin", "faculty"}  # organisation-wide only


@pytest.fixture
def shared_world(programme: Any, measures_in: Any) -> dict[str, Any]:
    from whatmatters.framework.models import Value

    a, b = programme.team_a, programme.team_b
    measures_in(a, [("wait-days", IMPROVING, {}), ("night-calls", STEADY, {"name": "Night calls"})])
    measures_in(b, [("wait-days", STEADY, {})])
    (private,) = measures_in(
        b, [("night-calls", PRIVATE_VALUES, {"name": PRIVATE_NAME, "unit": "calls"})], shared=False
    )
    # A shared rate whose latest month is 3 out of 5 people, in both teams so it is a programme column.
    small = []
    for team in (a, b):
        m = make_ratio_measure(team, make_domain(team, "I am seen quickly"), name="Seen within 2 weeks")
        for i in range(20):
            n, d = (3, 5) if i == 19 else (40, 80)
            Value.objects.create(measure=m, period=recent_start(20 - i), numerator=n, denominator=d)
        small.append(m)
    share_with_programme(*small)
    return {"private": private, "small_b": small[1]}


@pytest.fixture
def subjects(programme: Any, make_user: Any) -> dict[str, Any]:
    return {
        label: make_user(role, programme.team_a if in_team else None) for label, role, in_team in SUBJECTS
    }


def assert_private_absent(text: str, where: str) -> None:
    for mark in PRIVATE_MARKS:
        assert mark not in text, f"{mark!r} in {where}"


def test_an_unshared_measure_never_appears_on_the_programme_dashboard_for_any_role(
    shared_world: dict[str, Any], subjects: dict[str, Any], client_for: Any
) -> None:
    for label, user in subjects.items():
        response = client_for(user).get("/programme/dashboard/")
        assert response.status_code == 200, label
        page = response.content.decode()
        assert_private_absent(page, f"the programme dashboard for {label}")
        assert "Night calls" not in page  # only team A shares it, so it is no column
        assert "Wait days" in page and "Seen within 2 weeks" in page, label


def test_a_shared_measure_appears_on_the_programme_dashboard_with_small_rates_hidden(
    shared_world: dict[str, Any], subjects: dict[str, Any], client_for: Any
) -> None:
    page = client_for(subjects["viewer"]).get("/programme/dashboard/").content.decode()
    matrix = page.split("<table")[1].split("</table>")[0]
    row = matrix.split("Seen within 2 weeks")[1].split("</tr>")[0]
    assert row.count("<strong>*</strong>") == 2  # 3 out of 5 in both teams
    assert "60%" not in row


def test_the_buddy_view_shows_all_our_measures_but_only_what_the_buddy_shares(
    programme: Any, shared_world: dict[str, Any], subjects: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    for label, user in subjects.items():
        response = client_for(user).get("/teams/team-a/buddies/team-b/")
        assert response.status_code == 200, label
        page = response.content.decode()
        assert_private_absent(page, f"the buddy view for {label}")
        assert "Night calls" not in page  # team B does not share its measure with this code
        assert "Wait days" in page and "Seen within 2 weeks" in page
    # Team B's own members see all of team B's measures on their side, next to team A's shared ones.
    lead_b = client_for(make_user(Role.TEAM_LEAD, programme.team_b))
    page = lead_b.get("/teams/team-b/buddies/team-a/").content.decode()
    assert PRIVATE_NAME in page and "9,87" in page


def test_the_buddys_shared_rate_from_fewer_than_8_people_is_hidden_with_its_chart(
    shared_world: dict[str, Any], subjects: dict[str, Any], client_for: Any
) -> None:
    page = client_for(subjects["team lead"]).get("/teams/team-a/buddies/team-b/").content.decode()
    section = page.split('id="shared-')[1:]
    seen = next(s for s in section if "Seen within 2 weeks" in s.split("</h2>")[0])
    ours, theirs = seen.split("<h3")[1:3]
    assert "Latest: <strong>60%</strong>" in ours and "wm-chart" in ours  # our own team: as it is
    assert "Latest: <strong>*</strong>" in theirs and "wm-chart" not in theirs
    assert "fewer than 8 people" in theirs and "60%" not in theirs


@pytest.fixture
def programme_report(shared_world: dict[str, Any], subjects: dict[str, Any], client_for: Any) -> Any:
    """A quality improvement forum report on the programme (it names the measures each test of change
    should move), built by an admin; a test of change in team B names the private measure."""
    from whatmatters.framework.models import ChangeIdea, Driver
    from whatmatters.learning.models import PdsaCycle
    from whatmatters.reports.models import Report

    private = shared_world["private"]
    aim = make_aim(private.team, private.domains.first())
    idea = ChangeIdea.objects.create(driver=Driver.objects.create(aim=aim, text="Night rota"), text="Rota")
    cycle = PdsaCycle.objects.create(
        team=private.team, change_idea=idea, title="Night rota test", plan="Try it", starts_on=recent_start(2)
    )
    cycle.measures.add(private, shared_world["small_b"])
    form = {
        "audience": "qi-forum",
        "contents": "everything",  # every shared measure has its own section, not only the exceptions
        "date_from": recent_start(24).isoformat(),
        "date_to": dt.date.today().isoformat(),
    }
    response = client_for(subjects["admin"]).post("/programme/reports/new/", form)
    assert response.status_code == 302
    report = Report.objects.get(team__isnull=True)
    assert report.status == Report.Status.READY
    return report


def test_an_unshared_measure_never_appears_in_a_programme_report_for_any_role(
    programme_report: Any, subjects: dict[str, Any], client_for: Any
) -> None:
    assert "Night rota test" in programme_report.html  # team B's test of change is in the report
    assert "Seen within 2 weeks" in programme_report.html.split("Night rota test")[1]  # its shared measure
    for label, role, _ in SUBJECTS:
        client = client_for(subjects[label])
        pages = {
            "page": client.get(f"/programme/reports/{programme_report.pk}/"),
            "HTML file": client.get(f"/programme/reports/{programme_report.pk}/report.html"),
        }
        for what, response in pages.items():
            if role not in PROGRAMME_REPORT_READERS:
                assert response.status_code == 403, (label, what)
                continue
            assert response.status_code == 200, (label, what)
            assert_private_absent(response.content.decode(), f"the programme report {what} for {label}")


def test_a_shared_measure_appears_in_a_programme_report_with_small_numbers_hidden(
    programme_report: Any,
) -> None:
    html = programme_report.html
    assert "<strong>Team B:</strong>" in html  # in the summary's grid
    # Each of team B's measures: an exception's page or a small multiple in the appendix.
    team_b = " ".join(part.split("</article>")[0].split('class="wm-report__measure')[0]
                      for part in html.split('id="team-b-measure-')[1:])  # fmt: skip
    assert "Seen within 2 weeks" in team_b and "Wait days" in team_b
    assert "Some results come from fewer than 8 people" in team_b  # the small rate's chart is left out
    assert_private_absent(html, "the stored programme report")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the PDF")
def test_an_unshared_measure_never_appears_in_the_programme_report_pdf(
    programme_report: Any, subjects: dict[str, Any], client_for: Any, tmp_path: Path
) -> None:
    response = client_for(subjects["viewer"]).get(f"/programme/reports/{programme_report.pk}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / "programme.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Seen within 2 weeks" in text
    assert_private_absent(text, "the programme report PDF")


def test_the_programme_csv_is_for_organisation_wide_admins_and_faculty_and_holds_only_shared_measures(
    shared_world: dict[str, Any], subjects: dict[str, Any], client_for: Any
) -> None:
    for label, _, _ in SUBJECTS:
        response = client_for(subjects[label]).get("/programme/export/measures.csv")
        if label not in RAW_PROGRAMME_CSV:
            assert response.status_code == 403, label
            continue
        assert response.status_code == 200, label
        text = response.content.decode()
        assert_private_absent(text, f"the programme CSV for {label}")
        lines = text.splitlines()
        assert any(line.startswith("Team B,wait-days,") for line in lines)
        assert any(line.startswith("Team A,night-calls,") for line in lines)
        assert not any(line.startswith("Team B,night-calls,") for line in lines)
        small = [line for line in lines if line.startswith("Team B,seen-in-2-weeks,")][-1].split(",")
        assert small[5:8] == ["*", "*", "*"]  # 3 out of 5: numerator, denominator and rate hidden


def test_another_teams_raw_values_in_the_api_are_not_found_for_its_outsiders(
    shared_world: dict[str, Any], subjects: dict[str, Any], client: Any
) -> None:
    from whatmatters.api.models import ApiToken

    url = "/api/v1/teams/team-b/measures/night-calls/values"
    for label, _, _ in SUBJECTS:
        _, secret = ApiToken.issue(subjects[label], "sharing test")
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
        if label in RAW_PROGRAMME_CSV:
            assert response.status_code == 200, label
            assert [v["value"] for v in response.json()][:3] == PRIVATE_VALUES[:3]
        else:
            assert response.status_code == 404, label  # as if team B did not exist
    _, secret = ApiToken.issue(subjects["viewer"], "shared too")
    shared = "/api/v1/teams/team-b/measures/wait-days/values"  # sharing shows a chart, not raw values
    assert client.get(shared, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404
