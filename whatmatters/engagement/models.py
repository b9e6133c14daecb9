"""Engagement sessions, statements (what matters to people), moderation, themes, card placements and votes.

Statement text is free text people wrote: it may hold personal data, so it never goes into the audit log
(`audit_exclude`) and reaches anything outside moderation only through `Statement.objects.approved()`.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel

# Short public codes: no 0/O, 1/l/I, so they can be read off a poster and typed on a phone.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Relationship(models.TextChoices):
    SERVICE_USER = "service_user", "I use the service"
    CARER = "carer", "I care for someone who uses the service"
    STAFF = "staff", "I work in the service"
    MANAGER = "manager", "I manage the service"
    OTHER = "other", "Other"


RELATIONSHIP_SHORT = {
    Relationship.SERVICE_USER: "Service user",
    Relationship.CARER: "Carer",
    Relationship.STAFF: "Staff",
    Relationship.MANAGER: "Manager",
    Relationship.OTHER: "Other",
}

# Vote results are split so staff cannot outvote the people who use the service.
PEOPLE_WHO_USE_THE_SERVICE = frozenset({Relationship.SERVICE_USER, Relationship.CARER})
PEOPLE_WHO_WORK_IN_IT = frozenset({Relationship.STAFF, Relationship.MANAGER})


class Stage(models.TextChoices):
    WAITING = "waiting", "Waiting to be seen"
    FIRST_APPOINTMENT = "first_appointment", "First appointment or assessment"
    TREATMENT = "treatment", "Getting care or treatment"
    LEAVING = "leaving", "Leaving the service"
    OTHER = "other", "Other or not sure"


class SessionQuerySet(models.QuerySet["EngagementSession"]):
    def for_team(self, team: Any) -> SessionQuerySet:
        """A team's sessions (team None: the programme-wide ones)."""
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)


class EngagementSession(AuditedModel):
    """A "What matters to you?" event, or an open collection link, for one team or the whole programme."""

    class Audience(models.TextChoices):
        SERVICE_USERS = "service_users", "Service users"
        CARERS = "carers", "Carers"
        STAFF = "staff", "Staff"
        MIXED = "mixed", "Mixed: service users, carers and staff"

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="engagement_sessions"
    )
    title = models.CharField(max_length=150, help_text="For example: What matters to you? Day at the hub.")
    held_on = models.DateField("Date")
    place = models.CharField(max_length=150, blank=True, help_text="For example: Day room, or online.")
    facilitators = models.CharField(
        max_length=300, blank=True, help_text="Who runs it. For example: Katy (expert by experience) and Lee."
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.MIXED)
    is_open = models.BooleanField(
        "Open for answers", default=True, help_text="People can use the public link while it is open."
    )
    hold_every_answer = models.BooleanField(
        "Hold every answer for a moderator",
        default=True,
        help_text=(
            "A moderator reads each answer before the team sees it. We recommend this for every session "
            "with service users or carers. Answers with personal details or words that may mean risk are "
            "always held."
        ),
    )
    dots_per_person = models.PositiveSmallIntegerField(
        "Dots each person can vote with", default=3, help_text="Between 1 and 10."
    )
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "title"]

    def __str__(self) -> str:
        return self.title

    def audit_team(self) -> Any:
        return self.team

    @property
    def is_for_staff(self) -> bool:
        return self.audience == self.Audience.STAFF

    def public_path(self) -> str:
        return reverse("engagement_public_form", kwargs={"code": self.code})


class StatementQuerySet(models.QuerySet["Statement"]):
    def approved(self) -> StatementQuerySet:
        """THE query path for statement text outside moderation: boards, results, exports, the API.

        Only statements a person approved (or that passed the personal-data check on arrival) are here.
        """
        return self.filter(status=Statement.Status.APPROVED)

    def shareable(self) -> StatementQuerySet:
        """Approved statements whose authors agreed their words can be shared beyond the team."""
        return self.approved().filter(consent_to_share=True)

    def for_team(self, team: Any) -> StatementQuerySet:
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)

    def awaiting_moderation(self) -> StatementQuerySet:
        return self.filter(status__in=[Statement.Status.HELD, Statement.Status.PENDING])


class Statement(AuditedModel):
    """One thing that matters to someone, in their words."""

    class Status(models.TextChoices):
        HELD = "held", "Held: may contain personal details"
        PENDING = "pending", "Waiting for a person to read it"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        ONLINE = "online", "Public link"
        FACILITATOR = "facilitator", "Typed in by a facilitator"
        IMPORT = "import", "Imported from a file"

    session = models.ForeignKey(EngagementSession, on_delete=models.CASCADE, related_name="statements")
    # Copied from the session so every query can be scoped by team directly.
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="statements"
    )
    text = models.TextField()
    # The words as first written, kept after a redaction for moderators only, until purged.
    original_text = models.TextField(blank=True)
    original_purged_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Where personal data was found: [{"kind", "start", "end"}] offsets into `text` (no text copied).
    findings = models.JSONField(default=list, blank=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.OTHER)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.OTHER)
    consent_to_share = models.BooleanField(default=False)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.ONLINE)
    is_parked = models.BooleanField(
        "Set aside to discuss", default=False, help_text="Contested cards are parked and discussed later."
    )
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    audit_exclude = frozenset({"text", "original_text", "findings"})

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        # Never the words: this string goes into the audit log as the object's name.
        return f"Statement {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.session_id and not self.team_id:
            self.team_id = self.session.team_id
        super().save(*args, **kwargs)

    def audit_team(self) -> Any:
        return self.team

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def public_text(self) -> str:
        """The words, only if approved. Anything that shows a statement outside moderation calls this."""
        if self.status != self.Status.APPROVED:
            raise PermissionError("This statement has not been approved.")
        return self.text

    @property
    def was_redacted(self) -> bool:
        return bool(self.original_text) or self.original_purged_at is not None

    @property
    def finding_kinds(self) -> list[str]:
        return sorted({f["kind"] for f in self.findings})


class ThemeQuerySet(models.QuerySet["Theme"]):
    def for_team(self, team: Any) -> ThemeQuerySet:
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)


class Theme(AuditedModel):
    """A group of statements, named with a short sentence. Themes may be promoted to quality domains."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="themes"
    )
    name = models.CharField(
        max_length=200, help_text="A short sentence. For example: Knowing what is happening while I wait."
    )
    statements = models.ManyToManyField(Statement, through="Placement", related_name="themes")
    domains = models.ManyToManyField("framework.Domain", related_name="themes", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def audit_team(self) -> Any:
        return self.team


class Placement(AuditedModel):
    """A card on the theming board: one statement in one theme. A statement may sit in several themes."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="placements")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="placements")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "statement"], name="a_card_sits_in_a_theme_once")
        ]

    def __str__(self) -> str:
        return f"Statement {self.statement_id} in theme {self.theme_id}"

    def audit_team(self) -> Any:
        return self.theme.team


class Vote(AuditedModel):
    """Dots one person (or one relationship group in the room) put on one theme in one session."""

    class Channel(models.TextChoices):
        ROOM = "room", "In the room"
        ONLINE = "online", "Public link"

    session = models.ForeignKey(EngagementSession, on_delete=models.CASCADE, related_name="votes")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="votes")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    dots = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ROOM)
    # Groups the dots one person gave online (a random id, not linked to anything about them).
    ballot = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(dots__gte=1), name="a_vote_has_dots")]

    def __str__(self) -> str:
        return f"{self.dots} dots for theme {self.theme_id}"

    def audit_team(self) -> Any:
        return self.session.team


class DomainUpdate(AuditedModel):
    """ "We did": what a team is doing about a quality domain, for the public "You said, we did" page."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    domain = models.ForeignKey("framework.Domain", on_delete=models.CASCADE, related_name="updates")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="domain_updates")
    text = models.TextField(
        "What we are doing",
        help_text="Plain English, for the public. For example: We now text you every month.",
    )
    published_on = models.DateField(default=timezone.localdate)
    status = models.CharField(
        "Where it is up to", max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return f"Update on domain {self.domain_id}"

    def audit_team(self) -> Any:
        return self.team


class ThemeSuggestionQuerySet(models.QuerySet["ThemeSuggestion"]):
    def for_team(self, team: Any) -> ThemeSuggestionQuerySet:
        return self.filter(team=team) if team is not None else self.filter(team__isnull=True)

    def undecided(self) -> ThemeSuggestionQuerySet:
        return self.filter(status=ThemeSuggestion.Status.UNDECIDED)


class ThemeSuggestion(AuditedModel):
    """One group "Suggest themes" proposed, kept until a person accepts, renames, merges or rejects it.

    Suggestions are computed once, when a person presses "Suggest themes", and stored with their cards; the
    page reads them from here. Nothing moves on the board until a person decides, and each decision is kept
    (status, by whom, when, and the theme it became).
    """

    class Status(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged into another group"

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="theme_suggestions"
    )
    # Every suggestion made by one press of "Suggest themes" shares this time.
    made_at = models.DateTimeField(default=timezone.now)
    position = models.PositiveIntegerField(default=1)
    label = models.CharField(max_length=200)
    is_empty = models.BooleanField(default=False)  # answers such as "nothing", "n/a", "all good"
    seed = models.CharField(max_length=200, blank=True)  # the starting theme it grew from, if any
    repeats = models.PositiveIntegerField(default=0)  # cards that say the same as another card in it
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNDECIDED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The name it was accepted with (kept if the theme is renamed or deleted later).
    decided_name = models.CharField(max_length=200, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )

    # The name is a phrase taken from people's statements: like their words, it stays out of the audit log.
    audit_exclude = frozenset({"label"})

    objects = ThemeSuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"Suggested theme {self.pk}"

    def audit_team(self) -> Any:
        return self.team


class SuggestedCard(models.Model):
    """A card in a suggestion: its main group, or "also" (its second group). Not audited: written in bulk,
    once per suggestion, and only ever read or deleted with it."""

    suggestion = models.ForeignKey(ThemeSuggestion, on_delete=models.CASCADE, related_name="cards")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    is_also = models.BooleanField(default=False)
    is_typical = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "statement"], name="a_card_is_in_a_suggestion_once")
        ]

    def __str__(self) -> str:
        return f"Statement {self.statement_id} in suggestion {self.suggestion_id}"


class ContactRoute(AuditedModel):
    """An email address a person left on the public form to hear what is done about what they said.

    Kept apart from the statement: never shown on the board, in moderation, exports or the API, and never in
    the audit log (`audit_exclude`). Deleted by the stop link in each email, or by the retention run after
    RETENTION_CONTACT_ROUTE_DAYS."""

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="contact_route")
    # Copied from the statement so every query can be scoped by team directly.
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="contact_routes")
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    audit_exclude = frozenset({"email"})

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        # Never the address: this string goes into the audit log as the object's name.
        return f"Contact route {self.pk}"

    def audit_team(self) -> Any:
        return self.team


class LoopEmail(models.Model):
    """One "we did" email to one contact route about one update: the record that makes sending idempotent.

    The row is claimed before the email goes (the unique pair), so a retry or a second run never sends
    twice; if sending fails, the row is removed so the next run tries again. No address is copied here."""

    update = models.ForeignKey(DomainUpdate, on_delete=models.CASCADE, related_name="loop_emails")
    contact_route = models.ForeignKey(ContactRoute, on_delete=models.CASCADE, related_name="emails")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "contact_route"], name="one_we_did_email_per_contact_per_update"
            )
        ]

    def __str__(self) -> str:
        return f"Email about update {self.update_id} to contact route {self.contact_route_id}"
