from __future__ import annotations

from typing import Any

import pytest

from tests.framework.factories import make_domain, make_measure, make_ratio_measure


@pytest.fixture
def plan(programme: Any) -> dict[str, Any]:
    """Team A with a domain, a monthly XmR measure (`wait-days`) and a monthly p-chart measure."""
    domain = make_domain(programme.team_a)
    return {
        "domain": domain,
        "wait": make_measure(programme.team_a, domain),
        "ratio": make_ratio_measure(programme.team_a, domain),
        "weekly": make_measure(
            programme.team_a,
            domain,
            "calls-weekly",
            name="Check-in calls",
            frequency="weekly",
            chart="c",
            direction="increase",
            unit="calls",
        ),
        "other_team": make_measure(programme.team_b, make_domain(programme.team_b), "wait-days"),
    }
