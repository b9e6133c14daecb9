"""The theming board: cards in themes (a card may sit in several), moved with plain forms, parked when
contested; themes created, renamed, merged and split; every move audited.
"Suggest themes" is in test_theme_suggestions.py."""

from __future__ import annotations

from typing import Any

from tests.engagement.conftest import url
from whatmatters.audit.models import AuditEvent
from whatmatters.engagement import actions
from whatmatters.engagement.models import Placement, Theme, Vote
from whatmatters.teams.roles import Role


def test_a_facilitator_moves_a_card_into_a_theme_and_the_move_is_audited(
    say: Any, programme: Any, people: dict, client_for: Any
) -> None:
    card = say("Knowing how long I will wait")
    waiting = actions.create_theme(programme.team_a, "Knowing what is happening while I wait")
    client = client_for(people[Role.STAFF])
    response = client.post(url("card_move"), {"statement": card.pk, "to_theme": waiting.pk, "action": "move"})
    assert response.status_code == 302
    assert list(waiting.statements.all()) == [card]
    assert AuditEvent.objects.filter(summary=f"card moved from theme - to theme {waiting.pk}").exists()
    assert AuditEvent.objects.filter(object_type="engagement.placement", action="create").exists()


def test_a_card_can_sit_in_two_themes_and_move_between_them(say: Any, programme: Any) -> None:
    card = say("Staff who know me and my family")
    a = actions.create_theme(programme.team_a, "Seeing the same people")
    b = actions.create_theme(programme.team_a, "Families are included")
    c = actions.create_theme(programme.team_a, "Being known")
    actions.move(card, a)
    actions.move(card, b)  # also add
    assert set(card.themes.all()) == {a, b}
    actions.move(card, c, from_theme=a)
    assert set(card.themes.all()) == {b, c}
    actions.move(card, None, from_theme=b)
    assert set(card.themes.all()) == {c}


def test_contested_cards_are_parked_and_shown_apart(say: Any, people: dict, client_for: Any) -> None:
    card = say("Fewer rules on the ward")
    client = client_for(people[Role.EXPERT_BY_EXPERIENCE])
    client.post(url("card_move"), {"statement": card.pk, "action": "park"})
    card.refresh_from_db()
    assert card.is_parked
    assert "Fewer rules on the ward" not in client.get(url("theme_board")).content.decode()
    text = client.get(url("theme_board") + "?theme=parked").content.decode()
    parked = text.split('id="parked-heading"')[1]
    assert "Fewer rules on the ward" in parked


def test_the_board_works_as_plain_forms(say: Any, programme: Any, people: dict, client_for: Any) -> None:
    say("Being listened to")
    actions.create_theme(programme.team_a, "Being heard")
    text = client_for(people[Role.STAFF]).get(url("theme_board")).content.decode()
    assert 'name="to_theme"' in text and 'value="move"' in text and 'value="park"' in text
    viewer = client_for(people[Role.VIEWER]).get(url("theme_board")).content.decode()
    assert 'name="to_theme"' not in viewer  # viewers read the board only


def test_the_board_keeps_its_query_count_as_cards_grow(
    say: Any, programme: Any, people: dict, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    themes = [actions.create_theme(programme.team_a, f"Theme {n}") for n in range(5)]
    for n in range(60):
        actions.move(say(f"Statement number {n}"), themes[n % 5])
    client = client_for(people[Role.STAFF])
    with django_assert_max_num_queries(20):
        assert client.get(url("theme_board")).status_code == 200


def test_themes_are_created_renamed_merged_and_split(
    say: Any, programme: Any, session: Any, people: dict, client_for: Any
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    client.post(url("theme_create"), {"name": "Waiting"})
    waiting = Theme.objects.get(name="Waiting")
    client.post(url("theme_edit", pk=waiting.pk), {"name": "Knowing what happens while I wait"})
    waiting.refresh_from_db()
    assert waiting.name == "Knowing what happens while I wait"
    other = actions.create_theme(programme.team_a, "Letters", [say("Letters that arrive on time")])
    Vote.objects.create(session=session, theme=other, relationship="carer", dots=2)
    client.post(url("theme_merge"), {"target": waiting.pk, "others": [other.pk]})
    assert not Theme.objects.filter(pk=other.pk).exists()
    assert waiting.statements.count() == 1 and waiting.votes.get().dots == 2
    moving = say("A phone call while I wait")
    actions.move(moving, waiting)
    response = client.post(
        url("theme_split", pk=waiting.pk), {"name": "Phone calls", "statements": [moving.pk]}
    )
    assert response.status_code == 302
    assert list(Theme.objects.get(name="Phone calls").statements.all()) == [moving]
    assert moving not in waiting.statements.all()


def test_another_teams_theme_is_not_found(say: Any, programme: Any, people: dict, client_for: Any) -> None:
    card = say("Being believed")
    theirs = actions.create_theme(programme.team_b, "Team B theme")
    client = client_for(people[Role.STAFF])
    response = client.post(url("card_move"), {"statement": card.pk, "to_theme": theirs.pk, "action": "move"})
    assert response.status_code == 404
    assert client.get(url("theme_detail", pk=theirs.pk)).status_code == 404
    assert Placement.objects.count() == 0
