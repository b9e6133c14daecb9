"""Forms for excellence reports, PDSA cycles and the buddy-learning log."""

from __future__ import annotations

from typing import Any

from django import forms

from whatmatters.framework.models import ChangeIdea, Domain, Measure
from whatmatters.learning.actions import MAX_REPORT_LENGTH
from whatmatters.learning.models import BuddyLogEntry, PdsaCycle
from whatmatters.teams.models import Team, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

TEXT_ERRORS = {
    "required": "Enter what went well",
    "max_length": f"Keep it under {MAX_REPORT_LENGTH} characters",
}


def _domain_field(team: Any) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=Domain.objects.for_team(team),
        required=False,
        label="Which of these does it relate to?",
        help_text="Choose one if it fits. You can leave it.",
        widget=forms.RadioSelect,
    )
    field.empty_label = None
    return field


class PublicExcellenceForm(forms.Form):
    """The public form (no account). `website` is a honeypot: hidden from people, filled in by robots."""

    text = forms.CharField(
        label="What went well?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_REPORT_LENGTH,
        error_messages=TEXT_ERRORS,
    )
    who = forms.CharField(
        label="Who did it? (optional)",
        required=False,
        max_length=200,
        help_text="A first name, a job or a team. For example: the nurse on the evening shift.",
        error_messages={"max_length": "Keep it under 200 characters"},
    )
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"] = _domain_field(team)
        self.order_fields(["text", "who", "domain"])

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class ExcellenceForm(forms.Form):
    """For people who are signed in: they may also name a colleague with an account, who gets an email."""

    text = forms.CharField(
        label="What went well?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_REPORT_LENGTH,
        error_messages=TEXT_ERRORS,
    )
    who = forms.CharField(
        label="Who did it? (optional)",
        required=False,
        max_length=200,
        help_text="A name, a job or a team, in your words.",
        error_messages={"max_length": "Keep it under 200 characters"},
    )

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["thanked_user"] = forms.ModelChoiceField(
            queryset=User.objects.filter(memberships__team=team, is_active=True).distinct(),
            required=False,
            label="Send them a thank-you email (optional)",
            help_text="Choose a colleague with an account. They get an email once the words are checked.",
        )
        self.fields["thanked_user"].empty_label = "Nobody"
        self.fields["thanked_team"] = forms.ModelChoiceField(
            queryset=Team.objects.filter(is_active=True),
            required=False,
            initial=team.pk,
            label="Which team did it?",
            help_text="Their team page shows the thank-you once it is checked.",
        )
        self.fields["thanked_team"].empty_label = "Not sure"
        self.fields["domain"] = _domain_field(team)
        self.order_fields(["text", "who", "thanked_user", "thanked_team", "domain"])


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("redact", "Redact"), ("reject", "Reject")])
    text = forms.CharField(required=False, max_length=MAX_REPORT_LENGTH)
    who = forms.CharField(required=False, max_length=200)


class PdsaForm(forms.ModelForm):
    class Meta:
        model = PdsaCycle
        fields = [
            "title",
            "change_idea",
            "measures",
            "starts_on",
            "plan",
            "prediction",
            "stage",
            "do",
            "study",
            "act",
            "decision",
        ]
        widgets = {
            "starts_on": DATE,
            "measures": forms.CheckboxSelectMultiple,
            "plan": forms.Textarea(attrs={"rows": 4}),
            "prediction": forms.Textarea(attrs={"rows": 3}),
            "do": forms.Textarea(attrs={"rows": 3}),
            "study": forms.Textarea(attrs={"rows": 3}),
            "act": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": "For example: phone 10 people on the waiting list.",
            "prediction": (
                "Say what you expect, so you can learn from the difference. "
                "For example: most people will say the call helped."
            ),
            "starts_on": "The chart of each measure below shows a marker on this date.",
        }
        error_messages = {
            "title": {"required": "Enter what you will test"},
            "change_idea": {"required": "Choose the change idea from the driver diagram"},
            "plan": {"required": "Enter the plan: what you will do, who, where and when"},
            "prediction": {"required": "Enter what you predict will happen"},
            "starts_on": {"required": "Enter the start date", "invalid": "Enter a real date"},
        }

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = ChangeIdea.objects.filter(
            driver__aim__team=team
        ).select_related("driver")
        self.fields["change_idea"].empty_label = "Choose a change idea"
        self.fields["measures"].queryset = Measure.objects.for_team(team)
        self.fields["measures"].help_text = "The measures this test should move."


class BuddyLogForm(forms.ModelForm):
    class Meta:
        model = BuddyLogEntry
        fields = ["kind", "text", "change_idea"]
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "kind": {"required": "Choose what kind of learning this is"},
            "text": {"required": "Enter what you learned"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BuddyLogEntry.Kind.choices
