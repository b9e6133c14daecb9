"""The buddy-pair view: both teams' charts for the measures they share, side by side; others get 404."""

from __future__ import annotations

from tests.dashboards.conftest import IMPROVING, STEADY
from whatmatters.teams.models import Team
from whatmatters.teams.roles import Role


def test_both_teams_charts_for_shared_measures_side_by_side(programme, people, client_for, measures_in):
    measures_in(programme.team_a, [("wait-days", IMPROVING, {}), ("only-a", STEADY, {})])
    measures_in(programme.team_b, [("wait-days", STEADY, {})])
    for user, team, buddy in [
        (people[Role.VIEWER], programme.team_a, programme.team_b),
        (people["team_b_lead"], programme.team_b, programme.team_a),
    ]:
        page = client_for(user).get(f"/teams/{team.slug}/buddies/{buddy.slug}/").content.decode()
        assert page.count("wm-chart wm-chart--small") == 2
        assert "Improving: a change unlikely to be chance" in page and "No significant change" in page
        assert "Only a" not in page


def test_a_team_that_is_not_a_buddy_gets_404(programme, people, client_for):
    other = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    assert client_for(people[Role.VIEWER]).get(f"/teams/team-a/buddies/{other.slug}/").status_code == 404


def test_people_outside_both_teams_get_404(programme, people, client_for, make_user):
    other = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    outsider = make_user(Role.TEAM_LEAD, other)
    assert client_for(outsider).get("/teams/team-a/buddies/team-b/").status_code == 404


def test_it_loads_with_a_fixed_number_of_queries_however_many_shared_measures(
    programme, people, client_for, measures_in, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people[Role.TEAM_LEAD])
    measures_in(programme.team_a, [("m-0", STEADY, {})])
    measures_in(programme.team_b, [("m-0", IMPROVING, {})])
    url = "/teams/team-a/buddies/team-b/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(1, 8):
        measures_in(programme.team_a, [(f"m-{i}", IMPROVING, {})])
        measures_in(programme.team_b, [(f"m-{i}", STEADY, {})])
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("wm-chart wm-chart--small") == 16


def test_it_links_to_the_shared_learning_log(programme, people, client_for):
    page = client_for(people[Role.VIEWER]).get("/teams/team-a/buddies/team-b/").content.decode()
    assert 'href="/teams/team-a/buddies/team-b/log/"' in page
