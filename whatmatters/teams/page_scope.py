"""The team, or the whole programme, that a page is about: for apps whose pages exist at both levels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from whatmatters.teams.models import Team
from whatmatters.teams.permissions import allows


class PageScope:
    """The team (or the programme) a page is about, with its URL names and permission checks.

    Programme-level routes have the same names as team ones with `programme_` in front.
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.team: Team | None = request.team
        self.prefix = "" if self.team is not None else "programme_"
        self.name = self.team.name if self.team is not None else "The whole programme"

    def url(self, name: str, **kwargs: Any) -> str:
        if self.team is not None:
            return reverse(name, kwargs={"team": self.team.slug, **kwargs})
        return reverse(f"{self.prefix}{name}", kwargs=kwargs or None)

    def can(self, name: str) -> bool:
        return allows(self.request.user, f"{self.prefix}{name}", self.team)
