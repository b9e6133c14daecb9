"""Experience surveys (including waiting-list check-ins), their questions, responses, answers and alerts.

Free-text answers are never stored here: each one arrives as an engagement `Statement` (personal-data check,
moderation, approved-only reading) and the answer points to it. Contact details a person leaves on a
check-in live only on the `Alert`, are excluded from the audit log, and are shown only to team clinicians.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel
from whatmatters.engagement.models import new_code


class Stage(models.TextChoices):
    WAITING = "waiting", "Waiting to be seen"
    FIRST_APPOINTMENT = "first_appointment", "After the first appointment"
    TREATMENT = "treatment", "Getting care or treatment"
    LEAVING = "leaving", "Leaving the service"


class SurveyQuerySet(models.QuerySet["Survey"]):
    def for_team(self, team: Any) -> SurveyQuerySet:
        """A team's surveys (team None: the programme-wide ones)."""
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)


class Survey(AuditedModel):
    """A short set of questions for one stage of the journey, with a public link and QR code."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    title = models.CharField(max_length=150, help_text="For example: How are you while you wait?")
    stage = models.CharField("Stage of the journey", max_length=20, choices=Stage.choices)
    is_open = models.BooleanField(
        "Open for answers", default=True, help_text="People can use the public link while it is open."
    )
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    # Where free-text answers arrive as statements (created with the first one), for moderation and themes.
    session = models.ForeignKey(
        "engagement.EngagementSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def audit_team(self) -> Any:
        return self.team

    @property
    def hold_every_answer(self) -> bool:
        """Free-text answers arrive in the survey's session, which holds every answer unless told not to."""
        return self.session.hold_every_answer if self.session_id is not None else True

    def public_path(self) -> str:
        return reverse("survey_public", kwargs={"code": self.code})

    @property
    def is_checkin(self) -> bool:
        return any(q.kind in CHECKIN_KINDS for q in self.questions.all())


class Kind(models.TextChoices):
    FFT = "fft", "Friends and Family Test"
    FFT_REASON = "fft_reason", "Friends and Family Test: the main reason"
    COLLABORATE = "collaborate", "CollaboRATE item"
    DOMAIN_RATING = "domain_rating", "Rating for a quality domain"
    FREE_TEXT = "free_text", "Free text"
    SINGLE = "single", "Choose one"
    MULTIPLE = "multiple", "Choose any"
    CHECKIN_FEELING = "checkin_feeling", "Check-in: how are you doing"
    CHECKIN_CHANGED = "checkin_changed", "Check-in: has anything changed"
    CHECKIN_SOONER = "checkin_sooner", "Check-in: do you need to talk to someone sooner"
    CONTACT = "contact", "Check-in: how to contact you"


CHECKIN_KINDS = frozenset({Kind.CHECKIN_FEELING, Kind.CHECKIN_CHANGED, Kind.CHECKIN_SOONER, Kind.CONTACT})
TEXT_KINDS = frozenset({Kind.FFT_REASON, Kind.FREE_TEXT})


class Question(AuditedModel):
    """One question of a survey, copied from the template library (or written by the team)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    template = models.CharField(max_length=40, blank=True)  # the library block it came from
    text = models.CharField(max_length=300)
    easy_text = models.CharField("Easy read words", max_length=300, blank=True)
    hint = models.CharField(max_length=300, blank=True)
    # [[value, label, easy read label], ...]; values of scored answers are whole numbers as text.
    options = models.JSONField(default=list, blank=True)
    domain = models.ForeignKey(
        "framework.Domain", on_delete=models.CASCADE, null=True, blank=True, related_name="survey_questions"
    )
    item = models.PositiveSmallIntegerField(default=0)  # CollaboRATE item 1 to 3
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    def audit_team(self) -> Any:
        return self.survey.team

    def words(self, easy_read: bool = False) -> str:
        return (self.easy_text or self.text) if easy_read else self.text

    def choices(self, easy_read: bool = False) -> list[tuple[str, str]]:
        return [(o[0], (o[2] or o[1]) if easy_read and len(o) > 2 else o[1]) for o in self.options]

    def label_of(self, value: str) -> str:
        return next((o[1] for o in self.options if o[0] == value), value)


class ResponseQuerySet(models.QuerySet["Response"]):
    def for_team(self, team: Any) -> ResponseQuerySet:
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)


class Response(AuditedModel):
    """One person's answers to one survey. Anonymous: nothing about who sent it is kept here."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="survey_responses"
    )
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    period = models.DateField(db_index=True)  # the calendar month it belongs to (Europe/London)
    easy_read = models.BooleanField(default=False)
    is_checkin = models.BooleanField(default=False)
    concern = models.BooleanField(default=False)  # said things are worse, or help is needed

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["team", "period"])]

    def __str__(self) -> str:
        return f"Response {self.pk}"

    def audit_team(self) -> Any:
        return self.team


class Answer(models.Model):
    """One answer. Choices are stored as their values; free text only as a link to a statement.

    Not audited one by one: answers are written with their response (which is audited) and never changed.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(max_length=40, blank=True)  # a single choice
    values = models.JSONField(default=list, blank=True)  # several choices
    number = models.SmallIntegerField(null=True, blank=True)  # a score, for ratings
    statement = models.ForeignKey(
        "engagement.Statement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Answer {self.pk}"
