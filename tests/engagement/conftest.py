"""Fixtures for the engagement tests: a session in team A, and helpers to add statements."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

NHS_NUMBER = "999 000 0018"  # a 999-range number that passes the modulus-11 check


@pytest.fixture
def session(programme: Any) -> Any:
    from whatmatters.engagement.models import EngagementSession

    return EngagementSession.objects.create(
        team=programme.team_a,
        title="What matters day",
        held_on=date(2025, 6, 3),
        place="Day room",
        hold_every_answer=False,  # most tests here follow answers straight to the board
    )


@pytest.fixture
def say(session: Any) -> Any:
    """say(text, relationship=...) -> a statement that arrived through the normal path."""
    from whatmatters.engagement import actions

    def make(text: str, relationship: str = "service_user", **kwargs: Any) -> Any:
        return actions.arrive(session, text, relationship=relationship, **kwargs)

    return make


def url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"team": "team-a", **kwargs})
