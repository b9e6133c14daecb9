"""Forms for excellence reports, PDSA cycles and the buddy-learning log."""

from __future__ import annotations

from typing import Any

from django import forms

from whatmatters.framework.models import ChangeIdea, Domain, Driver, Measure
from whatmatters.learning.actions import MAX_REPORT_LENGTH
from whatmatters.learning.models import BuddyLogEntry, PdsaCycle
from whatmatters.safety.public_forms import HoneypotMixin
from whatmatters.safety.screening import KIND_WORDS
from whatmatters.teams.models import Team, User
from whatmatters.text.pii import find_personal_data

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


class PublicExcellenceForm(HoneypotMixin):
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

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"] = _domain_field(team)
        self.order_fields(["text", "who", "domain"])


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

    def clean(self) -> dict[str, Any]:
        """Plan, Do, Study, Act in order: a stage needs the writing of the stages before it."""
        data = super().clean()
        stage = data.get("stage") or PdsaCycle.Stage.PLAN
        order = list(PdsaCycle.Stage.values)
        at = order.index(stage) if stage in order else 0
        Stage = PdsaCycle.Stage
        if at >= order.index(Stage.STUDY) and not (data.get("do") or "").strip():
            self.add_error("do", "Write what happened when you tried it before you move on to Study")
        if at >= order.index(Stage.ACT) and not (data.get("study") or "").strip():
            self.add_error(
                "study", "Write what you learned, against the prediction, before you move on to Act"
            )
        if at >= order.index(Stage.DONE):
            if not (data.get("act") or "").strip():
                self.add_error("act", "Write what you will do next before you finish the test")
            if not data.get("decision"):
                self.add_error("decision", "Choose adopt, adapt or abandon before you finish the test")
        if data.get("decision") and at < order.index(Stage.ACT):
            self.add_error(
                "decision", "Choose adopt, adapt or abandon at the Act stage, after you study the results"
            )
        return data


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

    def clean_text(self) -> str:
        return _no_personal_data(self.cleaned_data["text"])

    def clean_change_idea(self) -> str:
        return _no_personal_data(self.cleaned_data["change_idea"])


def _no_personal_data(text: str) -> str:
    """Another team reads the log, so it must not identify anyone: the same check as statements."""
    text = text.strip()
    kinds = sorted({KIND_WORDS.get(f.kind, f.kind) for f in find_personal_data(text)})
    if kinds:
        raise forms.ValidationError(
            f"Take out anything that could identify a person. We found what looks like: {', '.join(kinds)}"
        )
    return text


class AdoptIdeaForm(forms.Form):
    """Take a change idea from the buddy log into our own driver diagram."""

    text = forms.CharField(
        label="The change idea, in our words",
        max_length=300,
        error_messages={"required": "Enter the change idea", "max_length": "Keep it under 300 characters"},
    )

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            queryset=Driver.objects.filter(aim__team=team)
            .select_related("aim")
            .order_by("aim_id", "position", "pk"),
            label="Which driver should it move?",
            help_text="It goes under this driver in the aim's driver diagram.",
            widget=forms.RadioSelect,
            error_messages={"required": "Choose the driver it should move"},
        )
        field.empty_label = None
        field.label_from_instance = lambda d: f"{d.text} (aim: {d.aim.what})"
        self.fields["driver"] = field
