"""Organisation, cohorts (phases), teams, buddy pairs, people and their roles."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_otp.models import Device as OTPDevice

from whatmatters.audit.tracking import AuditedModel
from whatmatters.teams.access import roles_of
from whatmatters.teams.roles import ORGANISATION_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, full_name: str = "", password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Enter an email address.")
        user = self.model(email=email.strip().lower(), full_name=full_name, **extra)
        user.set_password(password)  # None gives an unusable password: the person sets one from an invite.
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, full_name: str = "", password: str | None = None, **extra: Any
    ) -> User:
        """`whatmatters createsuperuser` makes an organisation-wide admin."""
        user = self.create_user(email, full_name, password, is_staff=True, is_superuser=True, **extra)
        Membership.objects.get_or_create(user=user, team=None, role=Role.ADMIN)
        return user


class User(AuditedModel, AbstractBaseUser, PermissionsMixin):
    """A person with an account. People who only answer public forms have none."""

    email = models.EmailField("Email address", unique=True)
    full_name = models.CharField("Full name", max_length=150)
    is_active = models.BooleanField(default=True, help_text="Turn off to stop this person signing in.")
    # Only organisation-wide admins may open the Django admin site; kept in step by sync_staff_flag().
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    audit_exclude = frozenset({"password", "last_login"})

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganisationManager(models.Manager["Organisation"]):
    def current(self) -> Organisation:
        """The organisation running this installation (one per installation)."""
        organisation = self.order_by("pk").first()
        return organisation or self.create(name="Our organisation", slug="organisation")


class Organisation(AuditedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)

    objects = OrganisationManager()

    def __str__(self) -> str:
        return self.name


class Cohort(AuditedModel):
    """A phase of the programme: teams that start testing the framework together."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=100, help_text="For example, Phase 1.")
    number = models.PositiveSmallIntegerField("Phase number", help_text="Phases are shown in this order.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="one_cohort_per_phase_number"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cohort_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: Any) -> TeamQuerySet:
        """Teams whose own pages this person may open: their teams, or all for organisation-wide roles."""
        roles = roles_of(user)
        if roles.organisation_roles:
            return self.all()
        return self.filter(pk__in=roles.team_roles.keys())


class Team(AuditedModel):
    """A mental-health service taking part in the programme."""

    class ServiceType(models.TextChoices):
        COMMUNITY = "community", "Community team"
        INPATIENT = "inpatient", "Inpatient ward"
        EARLY_INTERVENTION = "early_intervention", "Early Intervention in Psychosis (EIP)"
        CRISIS = "crisis", "Crisis team"
        OTHER = "other", "Other service"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams")
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True, help_text="Used in web addresses and imports, e.g. cert.")
    service_type = models.CharField(max_length=30, choices=ServiceType.choices, default=ServiceType.OTHER)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("team_detail", kwargs={"team": self.slug})

    def audit_team(self) -> Team:
        return self

    def buddies(self) -> list[Team]:
        pairs = BuddyPair.objects.filter(Q(first_team=self) | Q(second_team=self)).select_related(
            "first_team", "second_team"
        )
        return [pair.second_team if pair.first_team_id == self.pk else pair.first_team for pair in pairs]


class BuddyPair(AuditedModel):
    """An experienced (phase 1) team supporting a newer (phase 2) team."""

    first_team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="buddy_pairs_as_first", verbose_name="Experienced team"
    )
    second_team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="buddy_pairs_as_second", verbose_name="Newer team"
    )
    started_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["first_team__name", "second_team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["first_team", "second_team"], name="one_buddy_pair_per_two_teams"
            ),
            models.CheckConstraint(
                condition=~Q(first_team=models.F("second_team")), name="a_team_cannot_buddy_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_team} and {self.second_team}"

    def clean(self) -> None:
        if self.first_team_id and self.first_team_id == self.second_team_id:
            raise ValidationError({"second_team": "Choose two different teams."})
        if (
            self.first_team_id
            and self.second_team_id
            and BuddyPair.objects.exclude(pk=self.pk)
            .filter(
                Q(first_team_id=self.first_team_id, second_team_id=self.second_team_id)
                | Q(first_team_id=self.second_team_id, second_team_id=self.first_team_id)
            )
            .exists()
        ):
            raise ValidationError({"second_team": "These two teams are already buddies."})

    def audit_team(self) -> Team:
        return self.first_team


class MembershipQuerySet(models.QuerySet["Membership"]):
    def filter_active_teams(self) -> MembershipQuerySet:
        """Roles in a team that has been closed no longer count."""
        return self.filter(Q(team__isnull=True) | Q(team__is_active=True))

    def visible_to(self, user: Any) -> MembershipQuerySet:
        return self.filter(team__in=Team.objects.visible_to(user))


class Membership(AuditedModel):
    """A person's role in one team, or across the organisation when there is no team."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="Leave empty for an organisation-wide admin, faculty or data analyst role.",
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team"], condition=Q(team__isnull=False), name="one_role_per_person_per_team"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(team__isnull=True), name="one_organisation_role_each"
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(role__in=sorted(ORGANISATION_ROLES)),
                name="only_organisation_roles_are_organisation_wide",
            ),
        ]

    def __str__(self) -> str:
        where = self.team.name if self.team else "the whole organisation"
        return f"{self.user} is {self.get_role_display().lower()} in {where}"

    def clean(self) -> None:
        if self.team_id is None and self.role not in ORGANISATION_ROLES:
            raise ValidationError(
                {"team": "Only admin, faculty and data analyst roles can cover the whole organisation."}
            )

    def audit_team(self) -> Team | None:
        return self.team

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        sync_staff_flag(self.user)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        user = self.user
        result = super().delete(*args, **kwargs)
        sync_staff_flag(user)
        return result


def sync_staff_flag(user: User) -> None:
    """Organisation-wide admins, and only they, may use the Django admin site, with full rights there.

    Elsewhere these flags grant nothing: pages and the API check the permission table, not Django's
    model permissions.
    """
    is_admin = Membership.objects.filter(user=user, team=None, role=Role.ADMIN).exists()
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])


# --- Two-factor sign-in: recovery codes (the TOTP device is django-otp's own) ----------------------------


def normalise_code(token: str) -> str:
    """A code as typed, without spaces or dashes, in lower case."""
    return re.sub(r"[\s-]", "", token or "").lower()


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


class RecoveryCodeDevice(OTPDevice):
    """A person's recovery codes for two-factor sign-in. Only a hash of each code is kept; each works once.

    A django-otp device, so a recovery code signs a session in the same way a code from the app does.
    """

    class Meta:
        verbose_name = "recovery codes"

    def __str__(self) -> str:
        return f"{self.codes.count()} recovery codes left"

    def verify_token(self, token: str) -> bool:
        # One DELETE: if the same code arrives twice at once, only one of them removes a row.
        deleted, _ = self.codes.filter(code_hash=hash_recovery_code(token)).delete()
        return deleted > 0


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    # SHA-256 of the code: the codes are random (50 bits), so a plain hash cannot be reversed by guessing.
    code_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["device", "code_hash"])]

    def __str__(self) -> str:
        return "a recovery code"  # never the hash: nothing to copy into logs or the admin site
