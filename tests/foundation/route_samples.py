"""URL arguments for the teams app's personal-data routes, for the permission-matrix test."""

from __future__ import annotations

from typing import Any

from whatmatters.teams.roles import Role


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    # A GET of the erase page only shows what would happen; nobody is erased by the matrix.
    person = people[Role.STAFF].pk
    return {"person_data_json": {"pk": person}, "person_erase": {"pk": person}}
