"""The programme dashboard: team × shared-measure matrix, phase 1 and phase 2 side by side, disclosure."""

from __future__ import annotations

from tests.dashboards.conftest import IMPROVING, STEADY, recent_start
from tests.framework.factories import make_domain, make_ratio_measure
from tests.helpers import share_with_programme
from whatmatters.framework.models import Value
from whatmatters.teams.roles import Role

URL = "/programme/dashboard/"


def test_shared_measures_are_columns_by_phase_with_icons_and_words(
    programme, people, client_for, measures_in
):
    measures_in(programme.team_a, [("wait-days", IMPROVING, {}), ("only-a", STEADY, {})])
    measures_in(programme.team_b, [("wait-days", STEADY, {})])
    page = client_for(people[Role.VIEWER]).get(URL).content.decode()
    assert "Phase 1" in page and "Phase 2" in page
    assert page.index("Phase 1") < page.index("Phase 2")
    assert "Wait days" in page
    assert "Only a" not in page  # one team only: not a shared measure
    assert "Improving: a change unlikely to be chance" in page
    assert "No significant change" in page


def test_a_rate_from_fewer_than_8_people_is_shown_as_a_star(programme, people, client_for):
    for team in (programme.team_a, programme.team_b):
        m = share_with_programme(make_ratio_measure(team, make_domain(team)))[0]
        for i, period in enumerate([recent_start(3), recent_start(2), recent_start(1)]):
            Value.objects.create(measure=m, period=period, numerator=3 + i, denominator=5)
    page = client_for(people[Role.VIEWER]).get(URL).content.decode()
    matrix = page.split("<table")[1].split("</table>")[0]
    assert "*" in matrix
    assert "100%" not in matrix and "80%" not in matrix


def test_excellence_counts_go_through_disclosure_control(programme, people, client_for, measures_in):
    from whatmatters.learning.models import ExcellenceReport

    measures_in(programme.team_a, [("wait-days", STEADY, {})])
    measures_in(programme.team_b, [("wait-days", STEADY, {})])
    for _ in range(3):
        ExcellenceReport.objects.create(team=programme.team_a, text="Kind", status="approved")
    for _ in range(12):
        ExcellenceReport.objects.create(team=programme.team_b, text="Kind", status="approved")
    page = client_for(people[Role.VIEWER]).get(URL).content.decode()
    row = page.split("Excellence reports (approved)")[1].split("</tr>")[0]
    assert ">*<" in row and ">10<" in row and ">3<" not in row and ">12<" not in row


def test_it_loads_with_a_fixed_number_of_queries_however_many_measures(
    programme, people, client_for, measures_in, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people[Role.ADMIN])
    measures_in(programme.team_a, [("m-0", STEADY, {})])
    measures_in(programme.team_b, [("m-0", STEADY, {})])
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for i in range(1, 8):
        measures_in(programme.team_a, [(f"m-{i}", IMPROVING, {})])
        measures_in(programme.team_b, [(f"m-{i}", STEADY, {})])
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(URL).content.decode()
    assert "M 7" in page


def test_people_without_a_role_are_refused(people, client_for):
    assert client_for(people["no_role"]).get(URL).status_code == 403


def test_it_lists_buddy_pairs_linking_to_the_buddy_view_for_members_of_either_team(
    programme, people, client_for
):
    link = 'href="/teams/team-a/buddies/team-b/"'
    assert link in client_for(people[Role.VIEWER]).get(URL).content.decode()
    assert link in client_for(people[Role.FACULTY]).get(URL).content.decode()
    page = client_for(people["team_b_lead"]).get(URL).content.decode()
    assert 'href="/teams/team-b/buddies/team-a/"' in page and link not in page
    assert "Team A and Team B" in page


def test_it_shows_the_pairs_names_without_a_link_to_people_in_neither_team(
    programme, people, client_for, make_user
):
    from whatmatters.teams.models import Team

    team_c = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    page = client_for(make_user(Role.VIEWER, team_c)).get(URL).content.decode()
    assert "Team A and Team B" in page and "/buddies/" not in page
