"""Builders for dashboard tests: measures with values that show a signal, in a team."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.framework.factories import add_values, make_domain, make_measure
from tests.helpers import share_with_programme

IMPROVING = [20, 21, 19, 20, 22, 20, 21, 19, 20, 21, 20, 22, 10, 9, 10, 8, 9, 10, 9, 8]  # lower is better
STEADY = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 12, 10, 11, 9, 10, 11, 10, 9, 10]
WORSE = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 12, 20, 21, 22, 20, 21, 22, 20, 21]


def recent_start(n: int) -> dt.date:
    """A first month such that n monthly values end last month (so there are no gaps)."""
    today = dt.date.today().replace(day=1)
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


@pytest.fixture
def measures_in(db: Any):
    def build(
        team: Any,
        specs: list[tuple[str, list[float], dict[str, Any]]],
        domain: Any = None,
        *,
        shared: bool = True,
    ) -> list[Any]:
        """Measures with monthly values ending last month; shared with the programme unless `shared` is
        False."""
        domain = domain or make_domain(team)
        out = []
        for code, values, fields in specs:
            m = make_measure(
                team, domain, code=code, **{"name": code.replace("-", " ").capitalize(), **fields}
            )
            if values:
                add_values(m, values, start=recent_start(len(values)))
            out.append(m)
        return share_with_programme(*out) if shared else out

    return build
