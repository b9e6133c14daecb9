"""The programme page: phases with their dates, the teams in each, and the buddy pairs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from whatmatters.teams.models import BuddyPair, Team
from whatmatters.teams.roles import Role


def test_it_shows_each_phase_with_its_start_date_and_teams(
    programme: Any, people: dict, client_for: Any
) -> None:
    page = client_for(people[Role.VIEWER]).get(reverse("programme")).content.decode()
    assert '<h2 id="cohort-1">Phase 1</h2>' in page
    assert "Starts 1 August 2023" in page
    assert page.index("Phase 1") < page.index("Team A") < page.index("Phase 2") < page.index("Team B")


def test_it_lists_the_buddy_pairs(programme: Any, people: dict, client_for: Any) -> None:
    page = client_for(people[Role.STAFF]).get(reverse("programme")).content.decode()
    assert "Buddy pairs" in page
    row = page[page.index("<tbody", page.index("Buddy pairs")) :]
    assert "Team A (Phase 1)" in row
    assert "Team B (Phase 2)" in row


def test_it_links_only_to_teams_the_person_may_open(programme: Any, people: dict, client_for: Any) -> None:
    page = client_for(people[Role.VIEWER]).get(reverse("programme")).content.decode()
    assert 'href="/teams/team-a/"' in page
    assert 'href="/teams/team-b/"' not in page
    faculty_page = client_for(people[Role.FACULTY]).get(reverse("programme")).content.decode()
    assert 'href="/teams/team-b/"' in faculty_page


def test_management_links_are_shown_only_to_admin_and_faculty(
    programme: Any, people: dict, client_for: Any
) -> None:
    assert "Add a team" in client_for(people[Role.FACULTY]).get(reverse("programme")).content.decode()
    assert "Add a team" not in client_for(people[Role.TEAM_LEAD]).get(reverse("programme")).content.decode()


def test_closed_teams_are_left_off(programme: Any, people: dict, client_for: Any) -> None:
    programme.team_b.is_active = False
    programme.team_b.save()
    page = client_for(people[Role.FACULTY]).get(reverse("programme")).content.decode()
    assert "Team B" not in page


def test_teams_not_yet_in_a_phase_have_their_own_heading(
    programme: Any, people: dict, client_for: Any
) -> None:
    Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    page = client_for(people[Role.FACULTY]).get(reverse("programme")).content.decode()
    assert "Teams not yet in a phase" in page
    assert "Team C" in page


def test_the_page_makes_the_same_number_of_queries_however_big_the_programme(
    programme: Any, people: dict, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people[Role.FACULTY])
    client.get(reverse("programme"))  # warm up the session
    with django_assert_max_num_queries(14) as small:  # 12, and the start page's alerts panel
        client.get(reverse("programme"))
    for n in range(20):
        team = Team.objects.create(
            organisation=programme.organisation, name=f"Extra {n}", slug=f"extra-{n}", cohort=programme.phase2
        )
        BuddyPair.objects.create(first_team=programme.team_a, second_team=team, started_on=date(2024, 3, 1))
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        response = client.get(reverse("programme"))
    assert response.content.decode().count("Extra ") >= 40
    assert len(big.captured_queries) == len(small.captured_queries)


def test_the_team_page_shows_its_buddies_and_people(programme: Any, people: dict, client_for: Any) -> None:
    page = (
        client_for(people[Role.VIEWER])
        .get(reverse("team_detail", kwargs={"team": "team-a"}))
        .content.decode()
    )
    assert "<h1>Team A</h1>" in page
    assert "Team B" in page  # its buddy
    assert people[Role.STAFF].full_name in page
    # Email addresses are shown only to those who manage the team.
    assert people[Role.STAFF].email not in page
    faculty_page = client_for(people[Role.FACULTY]).get(reverse("team_detail", kwargs={"team": "team-a"}))
    assert people[Role.STAFF].email in faculty_page.content.decode()
