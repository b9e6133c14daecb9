"""Quality domains, aims, driver diagrams, measures and their values."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel


class DomainQuerySet(models.QuerySet["Domain"]):
    def for_team(self, team: Any) -> DomainQuerySet:
        """A team's own domains and the programme-wide ones."""
        return self.filter(models.Q(team=team) | models.Q(team__isnull=True))


class Domain(AuditedModel):
    """A quality domain, written as an "I" statement in contributors' own words.

    For example: "I know what is happening while I wait". Themes of statements are promoted to domains
    (engagement.Theme.domains); measures link to domains, so every chart traces back to what people said.
    """

    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="domains",
        help_text="Leave empty for a domain shared by the whole programme.",
    )
    i_statement = models.CharField(
        "What people said, as an “I” statement",
        max_length=200,
        help_text="For example: I know what is happening while I wait.",
    )
    description = models.TextField("Plain description", blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Domains are shown in this order.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["position", "i_statement"]

    def __str__(self) -> str:
        return self.i_statement

    def audit_team(self) -> Any:
        return self.team
