"""Background work: turning survey answers into measure values (`whatmatters db_worker` runs it)."""

from __future__ import annotations

from django.tasks import task

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.surveys.measures import refresh_team
from whatmatters.teams.models import Team


@task
def refresh_survey_measures(team_id: int) -> dict[str, int]:
    """Safe to retry and to run twice: values are worked out again and only changes are saved."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return {}
    with acting_as(Actor(user=None, label="task: survey measures")):
        report = refresh_team(team)
    return {
        "measures_added": report.measures_added,
        "values_added": report.values_added,
        "values_changed": report.values_changed,
    }
