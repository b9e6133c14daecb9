"""Reports built for a team or the programme, a period and an audience; kept as a history with their files.

The HTML, and the PDF or the PowerPoint or Excel file, are stored in the database (no file storage to back up
separately). What goes into them has already been through disclosure control and the approved-only text path
(see `presenters`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel


class Audience(models.TextChoices):
    COMMITTEE = "committee", "Committee: icons, charts, sentences and definitions"
    QI_FORUM = "qi-forum", "Quality improvement forum: charts, tests of change and change ideas"
    LIVED_EXPERIENCE = (
        "lived-experience",
        "Lived-experience forum: easy read, what people said and what we do",
    )


AUDIENCE_SHORT = {
    Audience.COMMITTEE: "Committee",
    Audience.QI_FORUM: "Quality improvement forum",
    Audience.LIVED_EXPERIENCE: "Lived-experience forum (easy read)",
}


class ReportFormat(models.TextChoices):
    PDF = "pdf", "An accessible PDF, and a web page file"
    HTML = "html", "A web page file"
    PPTX = "pptx", "PowerPoint: a slide for the summary and one for each measure that needs attention"
    XLSX = "xlsx", "Excel: the summary, and every value with its limits and icons"


class Contents(models.TextChoices):
    """What a report holds after its summary page (the committee chooses; exceptions is the default)."""

    EXCEPTIONS = (
        "exceptions",
        "Exceptions only: the summary, then a page for each measure that needs a decision",
    )
    EVERYTHING = "everything", "Everything: the summary, the exceptions, then every other measure's chart"


class ReportQuerySet(models.QuerySet["Report"]):
    def for_team(self, team: Any) -> ReportQuerySet:
        """A team's reports (team None: the programme's)."""
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)


class Report(AuditedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be built"

    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Empty for a report on the whole programme.",
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    date_from = models.DateField("From")
    date_to = models.DateField("To")
    contents = models.CharField(max_length=10, choices=Contents.choices, default=Contents.EXCEPTIONS)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    step = models.CharField("What is happening now", max_length=200, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    file_format = models.CharField(
        "Format", max_length=4, choices=ReportFormat.choices, default=ReportFormat.PDF
    )
    file = models.BinaryField(blank=True, default=b"", help_text="The PowerPoint or Excel file.")
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    # The files are large and already derived from audited data: the audit log notes the report, not them.
    audit_exclude = frozenset({"html", "pdf", "file", "steps_done", "steps_total", "step", "finished_at"})

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Report {self.pk}"

    def audit_team(self) -> Any:
        return self.team

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def audience_short(self) -> str:
        return AUDIENCE_SHORT.get(self.audience, self.audience)

    def file_stem(self) -> str:
        who = self.team.slug if self.team_id else "programme"
        return (
            f"what-matters-{who}-{self.audience}-{self.date_from.isoformat()}-to-{self.date_to.isoformat()}"
        )
