"""Forms: composing a survey from the library, a team's own question, the public survey, alert updates."""

from __future__ import annotations

from typing import Any

from django import forms

from whatmatters.engagement.actions import MAX_STATEMENT_LENGTH
from whatmatters.safety.alerts import Contact
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import HoneypotMixin
from whatmatters.surveys import library
from whatmatters.surveys.library import CONCERNS
from whatmatters.surveys.models import TEXT_KINDS, Kind, Question, Stage, Survey


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "stage", "is_open"]
        error_messages = {
            "title": {"required": "Enter a title for the survey"},
            "stage": {"required": "Choose the stage of the journey the survey is for"},
        }
        widgets = {"stage": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = Stage.choices  # radios: no empty "choose" option


class BlocksForm(forms.Form):
    """Which sets of questions from the library to add, and which quality domains to rate."""

    blocks = forms.MultipleChoiceField(
        label="Questions from the library",
        choices=[(b.key, f"{b.name}. {b.description}") for b in library.BLOCKS.values()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    domains = forms.ModelMultipleChoiceField(
        label="Quality domains to rate",
        queryset=None,  # set per team
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only used if you chose the ratings for quality domains.",
    )

    def __init__(self, *args: Any, domains: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = domains
        self.fields["domains"].label_from_instance = lambda d: d.i_statement


class SurveyCreateForm(SurveyForm):
    """Title, stage, and the library blocks, in one page."""

    class Meta(SurveyForm.Meta):
        fields = ["title", "stage"]


class ChoiceQuestionForm(forms.Form):
    text = forms.CharField(
        label="Question", max_length=300, error_messages={"required": "Enter the question"}
    )
    kind = forms.ChoiceField(
        label="How do people answer?",
        choices=[
            (Kind.SINGLE, "They choose 1 answer"),
            (Kind.MULTIPLE, "They choose any answers that apply"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how people answer"},
    )
    options = forms.CharField(
        label="Answers, one on each line",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter at least 2 answers, one on each line"},
    )
    hint = forms.CharField(label="Hint (optional)", max_length=300, required=False)

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        if len(lines) < 2:
            raise forms.ValidationError("Enter at least 2 answers, one on each line")
        if len(lines) > 12:
            raise forms.ValidationError("Use 12 answers or fewer, so the survey stays quick")
        if any(len(line) > 150 for line in lines):
            raise forms.ValidationError("Keep each answer under 150 characters")
        return lines


CHOOSE = {
    Kind.FFT: "Choose how your experience of our service was",
    Kind.CHECKIN_FEELING: "Choose how you are doing at the moment",
    Kind.CHECKIN_CHANGED: "Choose whether anything has changed",
    Kind.CHECKIN_SOONER: "Choose whether you need to talk to someone sooner",
}


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class PublicSurveyForm(HoneypotMixin):
    """The public survey, built from its questions. `website` is a honeypot for spam robots."""

    def __init__(self, questions: list[Question], easy_read: bool, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.contact_question: Question | None = None
        for question in questions:
            label = question.words(easy_read)
            hint = question.hint if not easy_read else ""
            if question.required and question.kind not in TEXT_KINDS and question.kind != Kind.MULTIPLE:
                needed = "You need to answer this." if not easy_read else "Please answer this."
                hint = f"{needed} {hint}".strip()
            name = field_name(question)
            if question.kind in TEXT_KINDS:
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=hint,
                    required=False,
                    max_length=MAX_STATEMENT_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"max_length": f"Keep it under {MAX_STATEMENT_LENGTH} characters"},
                )
            elif question.kind == Kind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    help_text=hint,
                    required=False,
                    choices=question.choices(easy_read),
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"invalid_choice": "Choose from the answers shown"},
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    help_text=hint,
                    required=question.required,
                    choices=question.choices(easy_read),
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": CHOOSE.get(question.kind, "Choose an answer"),
                        "invalid_choice": "Choose 1 of the answers shown",
                    },
                )
            if question.kind == Kind.CONTACT:
                self.contact_question = question
                self.fields["contact_detail"] = forms.CharField(
                    label="Your phone number or email address"
                    if not easy_read
                    else "Your phone number or email",
                    required=False,
                    max_length=200,
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                    help_text="" if easy_read else "We only use this to contact you about this check-in.",
                )
                self.fields["contact_name"] = forms.CharField(
                    label="Your name (optional)",
                    required=False,
                    max_length=100,
                    help_text="" if easy_read else "So we know who to ask for.",
                )
        # The honeypot goes last, after the questions.
        self.fields["website"] = self.fields.pop("website")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.contact_question is not None:
            name = field_name(self.contact_question)
            how, detail = data.get(name) or "", (data.get("contact_detail") or "").strip()
            if how in ("phone", "text", "email") and not detail:
                self.add_error(
                    "contact_detail",
                    "Enter a phone number or email address so we can contact you, "
                    "or choose Do not contact me",
                )
            if how == "email" and detail and "@" not in detail:
                self.add_error("contact_detail", "Enter an email address, like name@example.com")
        return data

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def contact(self) -> Contact | None:
        if self.contact_question is None:
            return None
        how = self.cleaned_data.get(field_name(self.contact_question)) or ""
        detail = (self.cleaned_data.get("contact_detail") or "").strip()
        return _contact(how, detail, self.cleaned_data.get("contact_name") or "")

    # What the person typed and chose, read before the form is validated: a form that comes back with an
    # error must still show crisis contacts and raise the alert (safety.public_forms).

    def _raw(self, name: str) -> str:
        value = self.data.get(name, "") if self.is_bound else ""
        return value if isinstance(value, str) else ""

    def texts_as_typed(self) -> list[str]:
        return [self._raw(field_name(q)) for q in self.questions if q.kind in TEXT_KINDS]

    def concerns_as_typed(self) -> list[str]:
        found = []
        for question in self.questions:
            words = CONCERNS.get((question.kind, self._raw(field_name(question))))
            if words:
                found.append(words)
        return found

    def contact_as_typed(self) -> Contact | None:
        if self.contact_question is None:
            return None
        how = self._raw(field_name(self.contact_question))
        detail = self._raw("contact_detail").strip()[:200]
        return _contact(how, detail, self._raw("contact_name").strip()[:100])


def _contact(how: str, detail: str, name: str) -> Contact | None:
    if how == "none" or not detail:
        return None  # the person chose not to be contacted: nothing about them is kept
    if how not in Alert.How.values:
        how = Alert.How.EMAIL if "@" in detail else Alert.How.PHONE
    return Contact(how=how, detail=detail, name=name)
