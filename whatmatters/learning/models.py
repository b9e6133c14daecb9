"""Learning from excellence (what went well), PDSA cycles and the buddy-learning log.

Excellence-report text is free text people wrote: it may hold personal data, so it never goes into the
audit log (`audit_exclude`) and reaches anything outside moderation only through
`ExcellenceReport.objects.approved()` (ONE query path), as statements do in the engagement app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel
from whatmatters.engagement.models import new_code


class ExcellenceLink(AuditedModel):
    """A team's public "what went well" link: anyone can use it, without an account."""

    team = models.OneToOneField("teams.Team", on_delete=models.CASCADE, related_name="excellence_link")
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    is_open = models.BooleanField("Open for reports", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"What went well link for {self.team}"

    def audit_team(self) -> Any:
        return self.team

    @property
    def hold_every_answer(self) -> bool:
        """Reports with nothing flagged are approved unless WHATMATTERS_HOLD_ALL_STATEMENTS holds them all."""
        return settings.ENGAGEMENT_HOLD_CLEAN_STATEMENTS

    def public_path(self) -> str:
        return reverse("excellence_public_form", kwargs={"code": self.code})


class ExcellenceQuerySet(models.QuerySet["ExcellenceReport"]):
    def approved(self) -> ExcellenceQuerySet:
        """THE query path for excellence-report text outside moderation: dashboards, pages, messages."""
        return self.filter(status=ExcellenceReport.Status.APPROVED)

    def for_team(self, team: Any) -> ExcellenceQuerySet:
        return self.filter(team=team)

    def awaiting_moderation(self) -> ExcellenceQuerySet:
        return self.filter(status__in=[ExcellenceReport.Status.HELD, ExcellenceReport.Status.PENDING])


class ExcellenceReport(AuditedModel):
    """Something that went well: what happened, who or which team did it (optional), which domain."""

    class Status(models.TextChoices):
        HELD = "held", "Held: may contain personal details"
        PENDING = "pending", "Waiting for a person to read it"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        ONLINE = "online", "Public link"
        SIGNED_IN = "signed_in", "Someone signed in"

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="excellence_reports")
    text = models.TextField("What went well")
    who = models.CharField("Who did it", max_length=200, blank=True)
    original_text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    findings = models.JSONField(default=list, blank=True)
    domain = models.ForeignKey(
        "framework.Domain",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="excellence_reports",
    )
    thanked_team = models.ForeignKey(
        "teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="thanks_received"
    )
    thanked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="thanks_received",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thanks_sent_at = models.DateTimeField(null=True, blank=True)

    audit_exclude = frozenset({"text", "who", "original_text", "findings"})

    objects = ExcellenceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        # Never the words: this string goes into the audit log as the object's name.
        return f"Excellence report {self.pk}"

    def audit_team(self) -> Any:
        return self.team

    def public_text(self) -> str:
        if self.status != self.Status.APPROVED:
            raise PermissionError("This report has not been approved.")
        return self.text

    def public_who(self) -> str:
        if self.status != self.Status.APPROVED:
            raise PermissionError("This report has not been approved.")
        return self.who

    @property
    def finding_kinds(self) -> list[str]:
        return sorted({f["kind"] for f in self.findings})


class PdsaCycle(AuditedModel):
    """A small test of change (Plan, Do, Study, Act), linked to a change idea and the measures it should move.

    Its start date is shown on those measures' charts as framework `Annotation`s of kind "pdsa" (kept in
    `markers`), so the one SPC data path draws them.
    """

    class Stage(models.TextChoices):
        PLAN = "plan", "Plan"
        DO = "do", "Do"
        STUDY = "study", "Study"
        ACT = "act", "Act"
        DONE = "done", "Finished"

    class Decision(models.TextChoices):
        UNDECIDED = "", "Not decided yet"
        ADOPT = "adopt", "Adopt: keep doing it"
        ADAPT = "adapt", "Adapt: change it and test again"
        ABANDON = "abandon", "Abandon: stop and try something else"

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="pdsa_cycles")
    change_idea = models.ForeignKey(
        "framework.ChangeIdea",
        on_delete=models.PROTECT,
        related_name="pdsa_cycles",
        verbose_name="Change idea",
    )
    title = models.CharField("What we will test", max_length=150)
    plan = models.TextField("Plan: what we will do, who, where and when")
    prediction = models.TextField("What we predict will happen")
    do = models.TextField("Do: what happened when we tried it", blank=True)
    study = models.TextField("Study: what the data and people told us, against the prediction", blank=True)
    act = models.TextField("Act: what we will do next", blank=True)
    decision = models.CharField("Decision", max_length=10, choices=Decision.choices, blank=True, default="")
    stage = models.CharField("Stage", max_length=10, choices=Stage.choices, default=Stage.PLAN)
    starts_on = models.DateField("Start date")
    measures = models.ManyToManyField(
        "framework.Measure", related_name="pdsa_cycles", blank=True, verbose_name="Measures it should move"
    )
    markers = models.ManyToManyField("framework.Annotation", related_name="pdsa_cycles", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    audit_exclude = frozenset({"plan", "prediction", "do", "study", "act"})

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def audit_team(self) -> Any:
        return self.team

    @property
    def annotation_text(self) -> str:
        return f"Small test of change: {self.title}"[:200]


class BuddyLogEntry(AuditedModel):
    """One entry in the learning log two buddy teams share."""

    class Kind(models.TextChoices):
        WORKED = "worked", "What worked"
        DID_NOT_WORK = "did_not_work", "What did not work"
        WORTH_TRYING = "worth_trying", "A change idea worth trying"

    pair = models.ForeignKey("teams.BuddyPair", on_delete=models.CASCADE, related_name="log_entries")
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="+", verbose_name="Written by team"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("What kind of learning", max_length=20, choices=Kind.choices)
    text = models.TextField("What you learned")
    change_idea = models.CharField("The change idea, if there is one", max_length=300, blank=True)
    adopted_idea = models.ForeignKey(
        "framework.ChangeIdea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_buddy_log",
        help_text="The change idea the buddy team made from this entry, in its own driver diagram.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    audit_exclude = frozenset({"text"})

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Buddy log entry {self.pk}"

    def audit_team(self) -> Any:
        return self.team

    def can_be_adopted_by(self, team: Any) -> bool:
        """A change idea the *other* team wrote down, not yet taken into a driver diagram."""
        return bool(self.change_idea) and self.team_id != team.pk and self.adopted_idea_id is None
