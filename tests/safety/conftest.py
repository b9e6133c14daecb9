"""Fixtures for the crisis-path tests: team A with a lead, a staff member and faculty; its public links."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from whatmatters.teams.roles import Role


@pytest.fixture
def staff_team(programme: Any, make_user: Any) -> dict[str, Any]:
    return {
        "lead": make_user(Role.TEAM_LEAD, programme.team_a, email="lead@example.com"),
        "staff": make_user(Role.STAFF, programme.team_a, email="staff@example.com"),
        "faculty": make_user(Role.FACULTY, email="faculty@example.com"),
        "viewer": make_user(Role.VIEWER, programme.team_a, email="viewer@example.com"),
    }


@pytest.fixture
def session(programme: Any) -> Any:
    from whatmatters.engagement.models import EngagementSession

    return EngagementSession.objects.create(
        team=programme.team_a, title="What matters day", held_on=date(2026, 6, 3), place="Day room"
    )


@pytest.fixture
def link(programme: Any) -> Any:
    from whatmatters.learning.models import ExcellenceLink

    return ExcellenceLink.objects.create(team=programme.team_a)


@pytest.fixture
def checkin(programme: Any) -> Any:
    from whatmatters.surveys import actions

    survey = actions.create_survey(programme.team_a, "How are you while you wait?", "waiting", ["checkin"])
    # "Has anything changed" is a needed answer here: the person in the issue skipped it.
    survey.questions.filter(kind="checkin_changed").update(required=True)
    return survey


@pytest.fixture(autouse=True)
def after_commit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run inside a transaction that never commits: run the after-commit work (the email to the
    team leads) straight away, as it runs in the service once the answer is saved."""
    from whatmatters.safety import alerts

    monkeypatch.setattr(alerts, "after_commit", lambda work: work())
