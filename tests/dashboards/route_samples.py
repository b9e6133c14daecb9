"""URL arguments for the dashboards app's routes, for the permission-matrix test (objects in team A)."""

from __future__ import annotations

from typing import Any


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"buddy_view": {"team": programme.team_a.slug, "buddy": programme.team_b.slug}}
