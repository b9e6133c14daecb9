"""The buddy-learning log: both teams of a buddy pair read and write it (what worked, what didn't, change
ideas worth trying); nobody else can; a buddy's change idea can be taken into our own driver diagram."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.framework.factories import make_aim, make_domain
from whatmatters.framework.models import ChangeIdea, Driver
from whatmatters.learning.models import BuddyLogEntry
from whatmatters.teams.models import BuddyPair, Team
from whatmatters.teams.roles import Role

ENTRY = {
    "kind": "worth_trying",
    "text": "A welcome call in the first week meant fewer people dropped out",
    "change_idea": "Welcome call in week 1",
}


def log_url(team: str, buddy: str) -> str:
    return reverse("buddy_log", kwargs={"team": team, "buddy": buddy})


def add_url(team: str, buddy: str) -> str:
    return reverse("buddy_log_add", kwargs={"team": team, "buddy": buddy})


def test_one_team_writes_and_both_teams_read_it(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.STAFF]).post(add_url("team-a", "team-b"), ENTRY)
    assert response.status_code == 302
    entry = BuddyLogEntry.objects.get()
    assert (entry.pair, entry.team, entry.author) == (programme.pair, programme.team_a, people[Role.STAFF])
    for client, url in (
        (client_for(people[Role.VIEWER]), log_url("team-a", "team-b")),
        (client_for(people["team_b_lead"]), log_url("team-b", "team-a")),
    ):
        page = client.get(url).content.decode()
        assert ENTRY["text"] in page and "Welcome call in week 1" in page
        assert page.index("A change idea worth trying") < page.index(ENTRY["text"])


def test_the_other_team_writes_back_into_the_same_log(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    client_for(people["team_b_lead"]).post(
        add_url("team-b", "team-a"), {"kind": "did_not_work", "text": "Texts at 8am annoyed people"}
    )
    page = client_for(people[Role.VIEWER]).get(log_url("team-a", "team-b")).content.decode()
    assert "Texts at 8am annoyed people" in page and "Team B" in page


def test_a_team_that_is_not_a_buddy_gets_404(programme: Any, people: dict[str, Any], client_for: Any) -> None:
    team_c = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    BuddyLogEntry.objects.create(pair=programme.pair, team=programme.team_a, kind="worked", text="Secret")
    c_lead = client_for(people["team_b_lead"])
    from whatmatters.teams.models import Membership

    Membership.objects.create(user=people["team_b_lead"], team=team_c, role=Role.TEAM_LEAD)
    for url in (log_url("team-c", "team-a"), add_url("team-c", "team-a"), log_url("team-a", "team-c")):
        assert c_lead.get(url).status_code == 404
    assert c_lead.post(add_url("team-c", "team-a"), ENTRY).status_code == 404
    # Team A's own members cannot open a "log" with a team that is not their buddy either.
    assert client_for(people[Role.VIEWER]).get(log_url("team-a", "team-c")).status_code == 404
    assert BuddyLogEntry.objects.count() == 1


def test_people_outside_both_teams_get_404(programme: Any, make_user: Any, client_for: Any) -> None:
    team_c = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    outsider = client_for(make_user(Role.TEAM_LEAD, team_c))
    assert outsider.get(log_url("team-a", "team-b")).status_code == 404
    assert outsider.get(log_url("team-b", "team-a")).status_code == 404


def test_entries_of_another_pair_never_show(programme: Any, people: dict[str, Any], client_for: Any) -> None:
    team_c = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    other = BuddyPair.objects.create(first_team=programme.team_a, second_team=team_c)
    BuddyLogEntry.objects.create(pair=other, team=team_c, kind="worked", text="Only for A and C")
    page = client_for(people["team_b_lead"]).get(log_url("team-b", "team-a")).content.decode()
    assert "Only for A and C" not in page


def test_personal_details_are_refused_with_a_message_that_says_what_to_do(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.STAFF]).post(
        add_url("team-a", "team-b"), {**ENTRY, "text": "Ring Mrs Jones on 07700 900123 to ask"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Take out anything that could identify a person" in page and "phone number" in page
    assert not BuddyLogEntry.objects.exists()


def test_viewers_read_but_cannot_write(programme: Any, people: dict[str, Any], client_for: Any) -> None:
    viewer = client_for(people[Role.VIEWER])
    assert "Add what you learned" not in viewer.get(log_url("team-a", "team-b")).content.decode()
    assert viewer.post(add_url("team-a", "team-b"), ENTRY).status_code == 403
    assert not BuddyLogEntry.objects.exists()


# --- Taking a buddy's change idea into our driver diagram ----------------------------------------


def adopt_url(entry: BuddyLogEntry, team: str, buddy: str) -> str:
    return reverse("buddy_log_adopt", kwargs={"team": team, "buddy": buddy, "pk": entry.pk})


def test_a_phase_2_team_adopts_a_change_idea_from_its_buddy(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    entry = BuddyLogEntry.objects.create(pair=programme.pair, team=programme.team_a, **ENTRY)
    driver = Driver.objects.create(
        aim=make_aim(programme.team_b, make_domain(programme.team_b)), text="People stay engaged"
    )
    client = client_for(people["team_b_lead"])
    log = client.get(log_url("team-b", "team-a")).content.decode()
    assert adopt_url(entry, "team-b", "team-a") in log
    form = client.get(adopt_url(entry, "team-b", "team-a")).content.decode()
    assert 'value="Welcome call in week 1"' in form and "People stay engaged" in form
    response = client.post(
        adopt_url(entry, "team-b", "team-a"), {"text": "Welcome call in the first week", "driver": driver.pk}
    )
    assert response.status_code == 302
    idea = ChangeIdea.objects.get(driver=driver)
    assert idea.text == "Welcome call in the first week"
    entry.refresh_from_db()
    assert entry.adopted_idea == idea
    page = client_for(people[Role.VIEWER]).get(log_url("team-a", "team-b")).content.decode()
    assert "Team B took this idea into its driver diagram" in page
    # Once taken up, it cannot be taken up again.
    assert client.get(adopt_url(entry, "team-b", "team-a")).status_code == 404


def test_a_team_cannot_adopt_its_own_entry_or_use_another_teams_driver(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    ours = BuddyLogEntry.objects.create(pair=programme.pair, team=programme.team_b, **ENTRY)
    theirs = BuddyLogEntry.objects.create(pair=programme.pair, team=programme.team_a, **ENTRY)
    a_driver = Driver.objects.create(
        aim=make_aim(programme.team_a, make_domain(programme.team_a)), text="A's"
    )
    client = client_for(people["team_b_lead"])
    assert client.get(adopt_url(ours, "team-b", "team-a")).status_code == 404
    response = client.post(adopt_url(theirs, "team-b", "team-a"), {"text": "x", "driver": a_driver.pk})
    assert response.status_code == 400
    assert "Choose the driver it should move" in response.content.decode() or "valid choice" in (
        response.content.decode()
    )
    assert ChangeIdea.objects.count() == 0


def test_only_plan_editors_adopt_ideas(programme: Any, people: dict[str, Any], client_for: Any) -> None:
    entry = BuddyLogEntry.objects.create(pair=programme.pair, team=programme.team_b, **ENTRY)
    for role in (Role.STAFF, Role.VIEWER, Role.EXPERT_BY_EXPERIENCE):
        assert client_for(people[role]).get(adopt_url(entry, "team-a", "team-b")).status_code == 403
    assert client_for(people[Role.TEAM_LEAD]).get(adopt_url(entry, "team-a", "team-b")).status_code == 200
