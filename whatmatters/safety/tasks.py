"""Background work for alerts (`whatmatters db_worker` runs it)."""

from __future__ import annotations

import datetime as dt
import logging

from django.dispatch import receiver
from django.tasks import default_task_backend, task

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.safety import alerts, signals
from whatmatters.safety.models import Alert

# The same logger as the alerts themselves, so a queue failure is logged where the alert's other news is.
logger = logging.getLogger("whatmatters.safety.alerts")


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


@receiver(signals.alert_raised, dispatch_uid="safety.queue_alert_work")
def queue_alert_work(sender: object, alert_pk: int, created_at: dt.datetime, **kwargs: object) -> None:
    """After the commit that saved an alert: the email to the leads at once, and the escalation check when it
    falls due. A queue failure loses nothing: the alert is saved and shown, and the daily sweep retries."""
    try:
        tell_team_leads.enqueue(alert_pk)
    except Exception as error:  # noqa: BLE001 - the alert is saved and shown; the daily sweep retries
        logger.error("Could not queue the email for alert %s (%s)", alert_pk, type(error).__name__)
    if default_task_backend.supports_defer:
        when = created_at + dt.timedelta(days=alerts.response_days(), minutes=1)
        try:
            escalate_unanswered_alerts.using(run_after=when).enqueue()
        except Exception as error:  # noqa: BLE001
            logger.error("Could not queue the escalation for alert %s (%s)", alert_pk, type(error).__name__)
