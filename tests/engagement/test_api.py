"""The API: sessions, approved statements only, themes, vote splits and domains, scoped to the team."""

from __future__ import annotations

from typing import Any

from tests.engagement.conftest import NHS_NUMBER
from whatmatters.engagement import actions
from whatmatters.engagement.models import Vote
from whatmatters.teams.roles import Role

BASE = "/api/v1/teams/team-a/engagement"


def test_readers_get_only_approved_statements(say: Any, people: dict, client_for: Any) -> None:
    approved = say("Being believed")
    say(f"My NHS number is {NHS_NUMBER}")
    response = client_for(people[Role.VIEWER]).get(f"{BASE}/statements")
    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body] == [approved.pk]
    assert NHS_NUMBER not in response.content.decode()


def test_sessions_themes_votes_and_domains(
    say: Any, session: Any, programme: Any, people: dict, client_for: Any
) -> None:
    card = say("Knowing the wait")
    held = say(f"Call about {NHS_NUMBER}")
    theme = actions.create_theme(programme.team_a, "Waiting", [card, held])
    Vote.objects.create(session=session, theme=theme, relationship="carer", dots=3)
    Vote.objects.create(session=session, theme=theme, relationship="staff", dots=2)
    Vote.objects.create(session=session, theme=theme, relationship="other", dots=1)
    domain = actions.promote([theme], programme.team_a, "I know what is happening while I wait", "")
    client = client_for(people[Role.STAFF])
    assert client.get(f"{BASE}/sessions").json()[0]["public_path"] == f"/w/{session.code}/"
    assert client.get(f"{BASE}/themes").json() == [
        {"id": theme.pk, "name": "Waiting", "statements": [card.pk], "domains": [domain.pk]}
    ]
    (votes,) = client.get(f"{BASE}/votes").json()
    assert (votes["service_users_and_carers"], votes["staff"], votes["other"], votes["combined"]) == (
        3,
        2,
        1,
        6,
    )
    assert client.get(f"{BASE}/domains").json()[0]["themes"] == [theme.pk]


def test_another_team_gets_not_found(say: Any, people: dict, client_for: Any) -> None:
    say("Being believed")
    response = client_for(people["team_b_lead"]).get(f"{BASE}/statements")
    assert response.status_code == 404
    assert client_for(None).get(f"{BASE}/statements").status_code == 401
