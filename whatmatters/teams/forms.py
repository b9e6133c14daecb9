"""Forms for the programme: teams, cohorts, buddy pairs, people and roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from whatmatters.teams.models import BuddyPair, Cohort, Membership, Team, User
from whatmatters.teams.roles import ORGANISATION_ROLES, Role

# An empty first choice, so nobody gets a role (least of all admin) without choosing it.
ROLE_CHOICES = [("", "Choose a role"), *Role.choices]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password. The password is case-sensitive.",
        "inactive": "This account has been closed. Ask an admin if you need it again.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean_username(self) -> str:
        # Addresses are stored in lower case; normalising here also keys the lock-out to one account,
        # so changing the case of the address does not buy more guesses.
        return (self.cleaned_data.get("username") or "").strip().lower()


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "slug", "service_type", "cohort", "description", "is_active"]
        labels = {"name": "Team name", "slug": "Short name for web addresses", "cohort": "Phase"}
        help_texts = {"is_active": "Turn off when the team leaves the programme. Its data is kept."}
        error_messages = {
            "name": {"required": "Enter the team's name", "unique": "A team with this name already exists"},
            "slug": {
                "required": "Enter a short name, for example cert",
                "unique": "Another team already uses this short name",
                "invalid": "Use only lower-case letters, numbers and hyphens",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].empty_label = "Not in a phase yet"
        if self.instance.pk is None:
            del self.fields["is_active"]


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "number", "start_date", "end_date", "description"]
        widgets = {"start_date": DATE, "end_date": DATE}
        error_messages = {
            "name": {"required": "Enter a name for the phase, for example Phase 1"},
            "number": {"required": "Enter the phase number, for example 1"},
            "start_date": {"required": "Enter the date the phase starts", "invalid": "Enter a real date"},
            "end_date": {"invalid": "Enter a real date"},
        }

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation or self.instance.organisation

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        clash = Cohort.objects.filter(organisation=self.organisation, number=number).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(f"There is already a phase {number}")
        return number


class BuddyPairForm(forms.ModelForm):
    class Meta:
        model = BuddyPair
        fields = ["first_team", "second_team", "started_on", "notes"]
        widgets = {"started_on": DATE}
        labels = {
            "first_team": "Experienced team (usually phase 1)",
            "second_team": "Newer team (usually phase 2)",
        }
        error_messages = {
            "first_team": {"required": "Choose the experienced team"},
            "second_team": {"required": "Choose the newer team"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Team.objects.filter(is_active=True)
        self.fields["first_team"].queryset = active
        self.fields["second_team"].queryset = active


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Person", error_messages={"required": "Choose a person"}
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES, error_messages={"required": "Choose a role"})

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["user"].queryset = User.objects.filter(is_active=True).exclude(memberships__team=team)
        self.fields["user"].empty_label = "Choose a person"


class InviteForm(forms.Form):
    full_name = forms.CharField(max_length=150, error_messages={"required": "Enter the person's full name"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address like name@nhs.net",
        },
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True),
        required=False,
        help_text="Leave empty for an organisation-wide admin, faculty or data analyst role.",
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES, error_messages={"required": "Choose a role"})

    def __init__(self, *args: Any, can_grant_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.can_grant_admin = can_grant_admin
        self.fields["team"].empty_label = "The whole organisation"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("Someone already has an account with this email address")
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("team") and data.get("role") and data["role"] not in ORGANISATION_ROLES:
            self.add_error(
                "team",
                "Choose a team: only admin, faculty and data analyst roles can cover the whole organisation",
            )
        if data.get("role") == Role.ADMIN and not data.get("team") and not self.can_grant_admin:
            self.add_error("role", "Only an admin can invite another admin")
        return data


class PersonForm(forms.ModelForm):
    organisation_roles = forms.MultipleChoiceField(
        choices=[(role.value, role.label) for role in Role if role in ORGANISATION_ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Organisation-wide roles",
    )

    class Meta:
        model = User
        fields = ["full_name", "is_active"]
        labels = {"is_active": "This person can sign in"}
        error_messages = {"full_name": {"required": "Enter the person's full name"}}

    def __init__(self, *args: Any, can_grant_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Organisation-wide admins open the audit log and the admin site: only an admin may grant that.
        self.can_grant_admin = can_grant_admin
        self.initial["organisation_roles"] = list(
            Membership.objects.filter(user=self.instance, team=None).values_list("role", flat=True)
        )

    def clean_organisation_roles(self) -> list[str]:
        roles = self.cleaned_data["organisation_roles"]
        had_admin = Role.ADMIN in self.initial["organisation_roles"]
        if not self.can_grant_admin and (Role.ADMIN in roles) != had_admin:
            raise forms.ValidationError("Only an admin can give or take away the admin role")
        return roles


class TwoFactorCodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or (when signing in) one of the recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, recovery: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            "The 6 numbers your authenticator app shows for What Matters now. "
            "If you do not have your phone, enter one of your recovery codes."
            if recovery
            else "The 6 numbers your authenticator app shows for What Matters now."
        )


class PasswordCheckForm(forms.Form):
    """Asks again for the password before a change to how someone signs in."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. The password is case-sensitive.")
        return password
