"""What people said, for the tests of suggested themes (tests/engagement and tests/browser): three groups a
facilitator would recognise (waiting, medication, kind staff) and two answers that say nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from whatmatters.engagement import actions
from whatmatters.engagement.models import EngagementSession

THREE_GROUPS = [
    "Knowing how long the wait will be",
    "Being told where I am on the waiting list",
    "Updates while I wait for my first appointment",
    "The wait for an appointment was too long",
    "Medication side effects explained to me",
    "Someone to explain my medication and its side effects",
    "Talking about medication changes before they happen",
    "Kind staff who listen to me",
    "The staff were kind and listened",
]
EMPTY_ANSWERS = ["nothing", "n/a"]


def answered_session(team: Any, texts: list[str]) -> EngagementSession:
    """A "What matters day" in `team` whose answers go straight to the board, with `texts` said in it by
    service users through the normal path."""
    session = EngagementSession.objects.create(
        team=team, title="What matters day", held_on=date(2025, 6, 3), hold_every_answer=False
    )
    for text in texts:
        actions.arrive(session, text, relationship="service_user")
    return session
