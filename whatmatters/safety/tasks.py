"""Background work for alerts (`whatmatters db_worker` runs it)."""

from __future__ import annotations

from django.tasks import task

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.safety import alerts
from whatmatters.safety.models import Alert


@task
def tell_team_leads(alert_id: int) -> int:
    """Email the team leads about a new alert. Safe to run twice: a told alert is not told again."""
    alert = Alert.objects.select_related("team").filter(pk=alert_id, leads_told_at__isnull=True).first()
    if alert is None:
        return 0
    with acting_as(Actor(user=None, label="task: alert email")):
        return alerts.tell_leads(alert)


@task
def escalate_unanswered_alerts() -> int:
    """Tell faculty about every alert nobody has answered in time (each alert once)."""
    with acting_as(Actor(user=None, label="task: alert escalation")):
        return alerts.escalate_due()
