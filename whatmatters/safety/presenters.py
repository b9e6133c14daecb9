"""What an alert card shows the team's clinicians: where it came from, why, the words, how to contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from whatmatters.safety.alerts import response_days
from whatmatters.safety.models import Alert
from whatmatters.teams.models import Membership, Team
from whatmatters.teams.roles import Role


@dataclass(frozen=True)
class AlertCard:
    alert: Alert
    came_from: str  # e.g. "the check-in “How are you while you wait?”"
    words: list[str]  # what the person wrote (clinicians only)


def _survey_words(response: Any) -> list[str]:
    return [a.statement.text for a in response.answers.all() if a.statement_id]


def card(alert: Alert) -> AlertCard:
    if alert.response_id is not None:
        response = alert.response
        kind = "check-in" if response.is_checkin else "survey"
        return AlertCard(alert, f"the {kind} “{response.survey.title}”", _survey_words(response))
    if alert.statement_id is not None:
        statement = alert.statement
        return AlertCard(
            alert, f"the “What matters to you?” session “{statement.session.title}”", [statement.text]
        )
    if alert.excellence_report_id is not None:
        return AlertCard(alert, "a “What went well” report", [alert.excellence_report.text])
    source = alert.get_source_display()
    return AlertCard(
        alert,
        f"a {source.lower()} form that could not be saved" if not alert.words else f"a {source.lower()} form",
        [alert.words] if alert.words else [],
    )


@dataclass(frozen=True)
class Waiting:
    team: Any
    count: int
    oldest: Any  # when the oldest open alert was raised
    overdue: bool  # older than the response days


def waiting_for(user: Any) -> list[Waiting]:
    """The start page's panel: open alerts in each team where this person answers them (team lead, staff)."""
    if not user.is_authenticated:
        return []
    team_ids = Membership.objects.filter(
        user=user, role__in=[Role.TEAM_LEAD, Role.STAFF], team__isnull=False, team__is_active=True
    ).values_list("team_id", flat=True)
    rows = (
        Alert.objects.filter(team_id__in=team_ids)
        .exclude(status=Alert.Status.RESPONDED)
        .values("team_id")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
    )
    teams = Team.objects.in_bulk([r["team_id"] for r in rows])
    cutoff = timezone.now() - dt.timedelta(days=response_days())
    return sorted(
        (Waiting(teams[r["team_id"]], r["count"], r["oldest"], r["oldest"] <= cutoff) for r in rows),
        key=lambda w: w.oldest,
    )
