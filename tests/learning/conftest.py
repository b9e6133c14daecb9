"""Builders for learning tests: a team's public link, a driver diagram with a change idea, measures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.framework.factories import make_aim, make_domain, make_measure


@pytest.fixture
def link(programme: Any) -> Any:
    from whatmatters.learning.models import ExcellenceLink

    return ExcellenceLink.objects.create(team=programme.team_a)


@pytest.fixture
def domain(programme: Any) -> Any:
    return make_domain(programme.team_a, "I am listened to")


@pytest.fixture
def idea(programme: Any, domain: Any) -> Any:
    from whatmatters.framework.models import ChangeIdea, Driver

    aim = make_aim(programme.team_a, domain)
    driver = Driver.objects.create(aim=aim, text="People know what happens next")
    return ChangeIdea.objects.create(driver=driver, text="Phone everyone on the waiting list")


@pytest.fixture
def two_measures(programme: Any, domain: Any) -> list[Any]:
    return [
        make_measure(programme.team_a, domain, code="wait-days", name="Wait days"),
        make_measure(programme.team_a, domain, code="calls", name="Calls made"),
    ]
