"""Raising crisis alerts, telling the people who must answer them, and escalating when nobody does.

- `raise_alert` is called in the same transaction as the answer that raised it; the email to the team leads
  goes at once after the commit (a `django.tasks` task; in development it is written to var/emails/), with
  a plain-text part and an HTML part (`whatmatters.mail`).
- `raise_alert_apart` is for when saving the answer failed: the alert is saved on its own (with the words,
  so the team still sees them); if even that fails, the team leads are emailed directly.
- `escalate_due` tells the programme's faculty about alerts nobody has answered within
  WHATMATTERS_ALERT_RESPONSE_DAYS (queued for that moment when the alert is raised, and swept daily).

Emails never hold what the person wrote or their contact details: they say which team, why and where to look.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from whatmatters import mail
from whatmatters.safety import signals
from whatmatters.safety.models import Alert
from whatmatters.teams.models import Membership
from whatmatters.teams.roles import Role

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Contact:
    how: str  # Alert.How value
    detail: str
    name: str = ""


def after_commit(work: Any) -> None:
    transaction.on_commit(work)


def response_days() -> int:
    return settings.SURVEYS_ALERT_RESPONSE_DAYS


class AlertError(ValueError):
    pass


# --- Who is told ----------------------------------------------------------------------------------------


def _active(users: Iterable[Any]) -> list[Any]:
    out, seen = [], set()
    for user in users:
        if user.is_active and user.email and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def team_leads(team: Any) -> list[Any]:
    """The team's named leads: everyone holding the team lead role in the team."""
    memberships = Membership.objects.filter(team=team, role=Role.TEAM_LEAD).select_related("user")
    return _active(m.user for m in memberships.order_by("user__pk"))


def faculty_for(team: Any) -> list[Any]:
    """Faculty of the team and faculty across the organisation, who hear when nobody answered."""
    memberships = Membership.objects.filter(role=Role.FACULTY).select_related("user")
    memberships = memberships.filter(team=team) | memberships.filter(team__isnull=True)
    return _active(m.user for m in memberships.order_by("user__pk"))


def _link(team: Any) -> str:
    return settings.WHATMATTERS_BASE_URL.rstrip("/") + reverse("alerts", kwargs={"team": team.slug})


def _send(recipients: list[Any], subject: str, body: str) -> int:
    sent = 0
    for person in recipients:
        try:
            sent += mail.send(person.email, subject, body)  # plain text and the same words in HTML
        except Exception as error:  # noqa: BLE001 - one bad address must not stop the others
            logger.error("An alert email to user %s could not be sent (%s)", person.pk, type(error).__name__)
    return sent


def _why(reasons: list[str]) -> str:
    return "\n".join(f"- {reason}" for reason in reasons) or "- Asked us to contact them"


def tell_leads(alert: Alert) -> int:
    """Email the team leads now (or the faculty, when the team has no lead). Marks the alert as told."""
    team = alert.team
    recipients = team_leads(team) or faculty_for(team)
    contact = "They left a way to contact them." if alert.has_contact else "They left no way to contact them."
    body = (
        f"Someone who used a public form for {team.name} may need help.\n\n"
        f"Why we raised this alert:\n{_why(alert.reasons)}\n\n"
        f"{contact}\n"
        f"Please look at the alert and record what you did within {response_days()} days:\n{_link(team)}\n\n"
        "This email does not contain what they wrote or their contact details. Sign in to see them."
    )
    sent = _send(recipients, f"Alert for {team.name}: someone may need help", body)
    Alert.objects.filter(pk=alert.pk).update(leads_told_at=timezone.now())
    return sent


def escalate_due(now: dt.datetime | None = None) -> int:
    """Tell faculty about alerts nobody has responded to within the response days. Each alert once."""
    now = now or timezone.now()
    due = Alert.objects.filter(
        escalated_at__isnull=True, created_at__lte=now - dt.timedelta(days=response_days())
    ).exclude(status=Alert.Status.RESPONDED)
    escalated = 0
    for alert in due.select_related("team").order_by("created_at", "pk"):
        team = alert.team
        body = (
            f"An alert for {team.name} raised on {timezone.localtime(alert.created_at):%-d %B %Y at %H:%M} "
            f"has had no response recorded for {response_days()} days.\n\n"
            f"Why it was raised:\n{_why(alert.reasons)}\n\n"
            f"Please make sure someone in the team answers it:\n{_link(team)}\n\n"
            "This email does not contain what the person wrote or their contact details."
        )
        _send(faculty_for(team), f"No response yet to an alert for {team.name}", body)
        Alert.objects.filter(pk=alert.pk).update(escalated_at=now)
        escalated += 1
    return escalated


def tell_untold() -> int:
    """The daily sweep's catch-up: alerts whose email to the leads never went (a queue failure)."""
    told = 0
    for alert in Alert.objects.filter(leads_told_at__isnull=True).select_related("team"):
        tell_leads(alert)
        told += 1
    return told


# --- Raising ---------------------------------------------------------------------------------------------


def raise_alert(
    team: Any,
    *,
    source: str,
    reasons: list[str],
    risk: bool,
    contact: Contact | None = None,
    words: str = "",
    now: dt.datetime | None = None,
    **links: Any,
) -> Alert:
    """Save an alert (inside the caller's transaction) and queue the email to the leads after the commit."""
    alert = Alert.objects.create(
        team=team,
        source=source,
        reasons=list(dict.fromkeys(reasons)) or ["Asked us to contact them"],
        risk=risk,
        words=words.strip()[:4000],
        contact_how=contact.how if contact else "",
        contact_detail=contact.detail.strip()[:200] if contact else "",
        contact_name=contact.name.strip()[:100] if contact else "",
        created_at=now or timezone.now(),
        **links,
    )
    after_commit(
        lambda: signals.alert_raised.send(sender=Alert, alert_pk=alert.pk, created_at=alert.created_at)
    )
    return alert


def attach(alert: Alert, *, reasons: list[str], risk: bool, contact: Contact | None, **links: Any) -> Alert:
    """An alert raised from a form that came back with errors, now sent properly: link what was saved."""
    alert.reasons = list(dict.fromkeys([*alert.reasons, *reasons]))
    alert.risk = alert.risk or risk
    for name, value in links.items():
        setattr(alert, name, value)
    if links:
        alert.words = ""  # the words are now kept (and moderated) where they belong
    if contact is not None and not alert.has_contact:
        alert.contact_how, alert.contact_detail = contact.how, contact.detail.strip()[:200]
        alert.contact_name = contact.name.strip()[:100]
    alert.save()
    return alert


def raise_alert_apart(team: Any, **kwargs: Any) -> Alert | None:
    """Saving the answer failed: save the alert on its own; if that fails too, email the leads directly."""
    try:
        with transaction.atomic():
            return raise_alert(team, **kwargs)
    except Exception as error:  # noqa: BLE001 - the database may be down: the email still goes
        logger.error("An alert for team %s could not be saved (%s)", team.pk, type(error).__name__)
    body = (
        f"Someone who used a public form for {team.name} may need help, but our database could not save "
        f"their answers or the alert.\n\nWhy:\n{_why(kwargs.get('reasons') or [])}\n\n"
        + (
            f"They asked to be contacted by {kwargs['contact'].how}: {kwargs['contact'].detail}"
            f"{' (' + kwargs['contact'].name + ')' if kwargs['contact'].name else ''}\n\n"
            if kwargs.get("contact")
            else "They did not leave a way to contact them.\n\n"
        )
        + "Please tell the people who run What Matters that saving failed."
    )
    try:
        _send(team_leads(team) or faculty_for(team), f"Urgent alert for {team.name}: not saved", body)
    except Exception as error:  # noqa: BLE001
        logger.error("The fallback alert email for team %s failed (%s)", team.pk, type(error).__name__)
    return None


# --- Answering -------------------------------------------------------------------------------------------


@transaction.atomic
def acknowledge(alert: Alert, user: Any) -> Alert:
    if alert.status != Alert.Status.NEW:
        raise AlertError("This alert has already been acknowledged")
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = user
    alert.save()
    return alert


@transaction.atomic
def responded(alert: Alert, user: Any, note: str = "") -> Alert:
    """Record that a clinician contacted the person (acknowledging it too, if nobody had)."""
    if alert.status == Alert.Status.RESPONDED:
        raise AlertError("This alert already has a response recorded")
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, user
    alert.status = Alert.Status.RESPONDED
    alert.responded_at = now
    alert.responded_by = user
    alert.note = note.strip()[:500]
    alert.save()
    return alert
