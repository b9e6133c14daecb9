"""Display logic for the programme and team pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from whatmatters.teams.models import BuddyPair, Cohort, Organisation, Team


@dataclass
class CohortView:
    cohort: Cohort | None
    teams: list[Team] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.cohort.name if self.cohort else "Teams not yet in a phase"


@dataclass
class ProgrammeView:
    organisation: Organisation | None
    cohorts: list[CohortView]
    buddy_pairs: list[BuddyPair]
    visible_team_ids: set[int]

    @property
    def is_empty(self) -> bool:
        return not any(c.teams for c in self.cohorts) and not self.buddy_pairs


def programme_for(user_visible_team_ids: set[int]) -> ProgrammeView:
    """Cohorts with their teams and the buddy pairs: three queries however big the programme."""
    active = Team.objects.filter(is_active=True).order_by("name")
    cohorts = list(Cohort.objects.prefetch_related(Prefetch("teams", queryset=active)).order_by("number"))
    views = [CohortView(cohort=c, teams=list(c.teams.all())) for c in cohorts]
    unplaced = list(active.filter(cohort__isnull=True))
    if unplaced:
        views.append(CohortView(cohort=None, teams=unplaced))
    pairs = list(
        BuddyPair.objects.filter(first_team__is_active=True, second_team__is_active=True).select_related(
            "first_team__cohort", "second_team__cohort"
        )
    )
    organisation = Organisation.objects.first()
    return ProgrammeView(organisation, views, pairs, user_visible_team_ids)
