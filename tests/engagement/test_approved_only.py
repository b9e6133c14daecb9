"""One query path: `Statement.objects.approved()` (and `public_text()`) is the only way words leave
moderation. Held, pending and rejected statements never appear on boards, results, pages or the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engagement.conftest import NHS_NUMBER, url
from whatmatters.engagement.models import Statement
from whatmatters.teams.roles import Role


def test_approved_returns_only_approved_statements(say: Any) -> None:
    approved = say("Seeing the same worker each time")
    held = say(f"My number is {NHS_NUMBER}")
    pending = say("Something else")
    Statement.objects.filter(pk=pending.pk).update(status=Statement.Status.PENDING)
    rejected = say("Rejected words")
    Statement.objects.filter(pk=rejected.pk).update(status=Statement.Status.REJECTED)
    assert list(Statement.objects.approved()) == [approved]
    assert held not in Statement.objects.approved()


def test_public_text_refuses_unapproved_words(say: Any) -> None:
    held = say(f"My number is {NHS_NUMBER}")
    with pytest.raises(PermissionError):
        held.public_text()
    assert say("Kind reception staff").public_text() == "Kind reception staff"


def test_shareable_needs_consent_as_well(say: Any) -> None:
    shared = say("Kind reception staff", consent_to_share=True)
    say("Private words")
    assert list(Statement.objects.shareable()) == [shared]


def test_a_held_statement_is_on_no_page_until_approved(say: Any, people: dict, client_for: Any) -> None:
    held = say(f"Please call about {NHS_NUMBER}")
    from whatmatters.engagement import actions

    theme = actions.create_theme(held.team, "Calling back")
    lead = client_for(people[Role.TEAM_LEAD])
    pages = [url("theme_board"), url("theme_detail", pk=theme.pk), url("theme_suggest"), url("engagement")]
    for page in pages:
        assert NHS_NUMBER not in lead.get(page).content.decode(), page
    api = lead.get("/api/v1/teams/team-a/engagement/statements")
    assert NHS_NUMBER not in api.content.decode()
    # A facilitator cannot put a held card on the board either.
    response = lead.post(url("card_move"), {"statement": held.pk, "to_theme": theme.pk, "action": "move"})
    assert response.status_code == 404
    actions.approve(held, people[Role.FACULTY])
    assert NHS_NUMBER in lead.get(url("theme_board")).content.decode()
