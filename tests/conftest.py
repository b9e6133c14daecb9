"""Shared fixtures: a small programme with two teams (A and B) and one person per role in team A."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from whatmatters.teams.roles import Role

PASSWORD = "a-long-test-password-1"


@dataclass
class Programme:
    organisation: Any
    phase1: Any
    phase2: Any
    team_a: Any
    team_b: Any
    pair: Any


@pytest.fixture
def programme(db: Any) -> Programme:
    from whatmatters.teams.models import BuddyPair, Cohort, Organisation, Team

    organisation = Organisation.objects.create(name="Test Trust", slug="test-trust")
    phase1 = Cohort.objects.create(
        organisation=organisation, name="Phase 1", number=1, start_date=date(2023, 8, 1)
    )
    phase2 = Cohort.objects.create(
        organisation=organisation, name="Phase 2", number=2, start_date=date(2024, 3, 1)
    )
    team_a = Team.objects.create(organisation=organisation, name="Team A", slug="team-a", cohort=phase1)
    team_b = Team.objects.create(organisation=organisation, name="Team B", slug="team-b", cohort=phase2)
    pair = BuddyPair.objects.create(first_team=team_a, second_team=team_b)
    return Programme(organisation, phase1, phase2, team_a, team_b, pair)


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user(role, team=None, email=None): an active account with a role (team None = organisation)."""
    from whatmatters.teams.models import Membership, User

    counter = iter(range(1, 10_000))

    def make(role: str | None = None, team: Any = None, email: str | None = None, **extra: Any) -> Any:
        n = next(counter)
        user = User.objects.create_user(
            email or f"{role or 'nobody'}{n}@example.com",
            f"{(role or 'Nobody').title()} Person {n}",
            PASSWORD,
        )
        for key, value in extra.items():
            setattr(user, key, value)
        if extra:
            user.save()
        if role is not None:
            Membership.objects.create(user=user, team=team, role=role)
        return user

    return make


@pytest.fixture
def people(programme: Programme, make_user: Callable[..., Any]) -> dict[str, Any]:
    """One person per role: admin and faculty organisation-wide, the rest in team A; plus a team-B lead."""
    result = {
        Role.ADMIN: make_user(Role.ADMIN),
        Role.FACULTY: make_user(Role.FACULTY),
        Role.TEAM_LEAD: make_user(Role.TEAM_LEAD, programme.team_a),
        Role.STAFF: make_user(Role.STAFF, programme.team_a),
        Role.EXPERT_BY_EXPERIENCE: make_user(Role.EXPERT_BY_EXPERIENCE, programme.team_a),
        Role.VIEWER: make_user(Role.VIEWER, programme.team_a),
        Role.DATA_ANALYST: make_user(Role.DATA_ANALYST, programme.team_a),
    }
    result["team_b_lead"] = make_user(Role.TEAM_LEAD, programme.team_b)
    result["no_role"] = make_user(None)
    return result


@pytest.fixture
def client_for(client: Any) -> Callable[[Any], Any]:
    """client_for(user): the test client signed in as that person (None: signed out)."""
    from django.test import Client

    def signed_in(user: Any) -> Any:
        c = Client()
        if user is not None:
            c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return signed_in


# --- Browser tests -------------------------------------------------------------------------------

CHROMIUM = os.environ.get("WHATMATTERS_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests need Debian's Chromium. Without it they are skipped, unless CI asks for them."""
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items or os.path.exists(CHROMIUM):
        return
    if os.environ.get("WHATMATTERS_REQUIRE_BROWSER", "") == "1":
        raise pytest.UsageError(
            f"Browser tests were required (WHATMATTERS_REQUIRE_BROWSER=1) but Chromium is not at {CHROMIUM}."
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def public_pages_send_their_form_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every public form page carries a signed form token in place of the CSRF cookie (safety.public_forms
    .cookieless), and a browser sends it back with the form. Test posts do the same unless they set
    `form_token` themselves (the tests of the token do)."""
    from django.test import Client

    from whatmatters.safety.public_forms import FORM_TOKEN, form_token

    post = Client.post

    def post_with_token(self: Client, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and FORM_TOKEN not in data and not kwargs.get("content_type"):
            data = {**data, FORM_TOKEN: form_token()}
        return post(self, path, data, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post_with_token)
