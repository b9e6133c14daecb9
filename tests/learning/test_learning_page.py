"""The team's learning page: thank-you messages (approved only, including thanks from other teams), the public
link, small tests of change and the buddy logs, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from whatmatters.learning import actions
from whatmatters.teams.roles import Role

URL = "/teams/team-a/learning/"


def test_it_shows_thanks_to_the_team_from_its_own_link_and_from_other_teams(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    actions.arrive(programme.team_a, "A calm handover", who="the night nurse", thanked_team=programme.team_a)
    actions.arrive(programme.team_b, "Team A lent us a bed", thanked_team=programme.team_a)
    actions.arrive(programme.team_b, "Only about Team B", thanked_team=programme.team_b)
    page = client_for(people[Role.VIEWER]).get(URL).content.decode()
    assert "A calm handover" in page and "Who: the night nurse" in page
    assert "Team A lent us a bed" in page and "Reported to Team B" in page
    assert "Only about Team B" not in page


def test_it_links_to_each_buddy_teams_shared_log(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    page = client_for(people[Role.VIEWER]).get(URL).content.decode()
    assert 'href="/teams/team-a/buddies/team-b/log/"' in page


def test_moderators_see_how_many_reports_are_waiting(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    actions.arrive(programme.team_a, "Sarah rang me back")
    assert "(1 waiting)" in client_for(people[Role.EXPERT_BY_EXPERIENCE]).get(URL).content.decode()
    assert "waiting)" not in client_for(people[Role.STAFF]).get(URL).content.decode()


def test_it_loads_with_a_fixed_number_of_queries_however_many_reports(
    programme: Any, people: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people[Role.TEAM_LEAD])
    actions.arrive(programme.team_b, "Thanks 0", thanked_team=programme.team_a)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for i in range(1, 10):
        actions.arrive(programme.team_b, f"Thanks {i}", thanked_team=programme.team_a)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(URL).content.decode()
    assert "Thanks 9" in page
