"""Crisis alerts and the public forms' rate limit.

An `Alert` is raised when something a person sent through a public form says they may be at risk or want
to be contacted: a check-in answer ("Worse", "talk sooner: Yes") with a way to contact them, or words in free
text that signal risk (see `whatmatters.text.risk`). It links to what raised it: a check-in or survey
response, a statement or an excellence report. When saving that failed, the alert keeps the words itself
(`words`), so the team still sees what was said.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel


class AlertQuerySet(models.QuerySet["Alert"]):
    def for_team(self, team: Any) -> AlertQuerySet:
        return self.filter(team=team)

    def open(self) -> AlertQuerySet:
        """Alerts nobody has responded to yet, newest first."""
        return self.exclude(status=Alert.Status.RESPONDED).order_by("-created_at")


class Alert(AuditedModel):
    """Someone may need help: the team's clinicians acknowledge it, then record that they responded.

    Never deleted from the app; contact details are blanked by the retention task once no longer needed.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESPONDED = "responded", "Responded"

    class How(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"

    class Source(models.TextChoices):
        CHECKIN = "checkin", "Waiting-well check-in"
        SURVEY = "survey", "Experience survey"
        STATEMENT = "statement", "What matters to you"
        EXCELLENCE = "excellence", "What went well"

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="alerts")
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.CHECKIN)
    response = models.OneToOneField(
        "surveys.Response", on_delete=models.PROTECT, null=True, blank=True, related_name="alert"
    )
    statement = models.ForeignKey(
        "engagement.Statement", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    excellence_report = models.ForeignKey(
        "learning.ExcellenceReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    reasons = models.JSONField(default=list)  # plain words, e.g. "Feels worse"; never the person's words
    risk = models.BooleanField(default=False)  # words or answers that may mean the person is at risk
    words = models.TextField(blank=True)  # what they wrote, only when it could not be saved elsewhere
    contact_how = models.CharField("How to contact", max_length=10, choices=How.choices, blank=True)
    contact_detail = models.CharField("Contact details", max_length=200, blank=True)  # personal data
    contact_name = models.CharField("Name", max_length=100, blank=True)  # personal data
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField("What we did", max_length=500, blank=True)  # may name the person
    leads_told_at = models.DateTimeField(null=True, blank=True)  # the email to the team leads went
    escalated_at = models.DateTimeField(null=True, blank=True)  # faculty were told nobody had answered

    audit_exclude = frozenset({"contact_detail", "contact_name", "note", "words"})

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        # Never the contact details: this string goes into the audit log as the object's name.
        return f"Alert {self.pk}"

    def audit_team(self) -> Any:
        return self.team

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_detail.strip())


class Submission(models.Model):
    """When a public form was sent from an address, for the rate limit. The address is a keyed hash only."""

    address_hash = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=12)  # "statement", "vote", "survey", "checkin", "excellence"
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"
