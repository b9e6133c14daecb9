"""Forms for sessions, the public "What matters to you?" form, quick entry, imports, theming and votes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from whatmatters.engagement.actions import MAX_STATEMENT_LENGTH, STATEMENT_LIMITS, split_lines
from whatmatters.engagement.models import (
    RELATIONSHIP_SHORT,
    DomainUpdate,
    EngagementSession,
    Relationship,
    Stage,
    Theme,
)
from whatmatters.imports.reading import megabytes
from whatmatters.safety.public_forms import HoneypotMixin

MAX_IMPORT_BYTES = STATEMENT_LIMITS.max_bytes


class SessionForm(forms.ModelForm):
    class Meta:
        model = EngagementSession
        fields = [
            "title",
            "held_on",
            "place",
            "facilitators",
            "audience",
            "hold_every_answer",
            "is_open",
            "dots_per_person",
        ]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        error_messages = {
            "title": {"required": "Enter a title for the session"},
            "held_on": {"required": "Enter the date of the session", "invalid": "Enter a real date"},
        }

    def clean_dots_per_person(self) -> int:
        dots = self.cleaned_data["dots_per_person"]
        if not 1 <= dots <= 10:
            raise forms.ValidationError("Choose between 1 and 10 dots")
        return dots


class PublicStatementForm(HoneypotMixin):
    """The public form. `website` is a honeypot: hidden from people, filled in by spam robots."""

    text = forms.CharField(
        label="What matters to you?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_STATEMENT_LENGTH,
        error_messages={
            "required": "Enter what matters to you",
            "max_length": f"Keep it under {MAX_STATEMENT_LENGTH} characters, or send it in 2 parts",
        },
    )
    relationship = forms.ChoiceField(
        label="How are you connected to the service?",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you are connected to the service"},
    )
    stage = forms.ChoiceField(
        label="Where are you with the service?",
        choices=Stage.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_to_share = forms.BooleanField(
        label="You can share my words with other people (without my name)",
        required=False,
        help_text="If you do not tick this, only the team will read your words.",
    )
    # Closing the loop: kept apart from the statement (engagement.loop). Shown only on a team's sessions.
    contact_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Enter an email address that is 254 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_email"].help_text = contact_use()

    def clean_stage(self) -> str:
        return self.cleaned_data.get("stage") or Stage.OTHER


def contact_kept_for() -> str:
    """How long a "tell me" address is kept, in words: "12 months", or days when it is not whole months."""
    days = int(settings.RETENTION_CONTACT_ROUTE_DAYS)
    months = round(days / 30.4)
    if days >= 60 and abs(months * 30.4 - days) < 3:
        return f"{months} months"
    return f"{days} days" if days != 1 else "1 day"


def contact_use() -> str:
    return (
        "We will only use it to tell you what we do about what people said. "
        "We keep it apart from your words. The people who read your words will not see it. "
        f"We delete it after {contact_kept_for()}. "
        "Every email has a link to delete it sooner."
    )


class QuickEntryForm(forms.Form):
    lines = forms.CharField(
        label="Statements, one on each line",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Type each sticky note or card on its own line. Press Tab to move on.",
        error_messages={"required": "Enter at least 1 statement"},
    )
    relationship = forms.ChoiceField(label="Who said these?", choices=Relationship.choices)
    stage = forms.ChoiceField(
        label="Where are they with the service?", choices=Stage.choices, initial=Stage.OTHER
    )
    consent = forms.BooleanField(
        label="They agreed their words can be shared (without names)", required=False
    )

    def clean_lines(self) -> list[str]:
        lines = split_lines(self.cleaned_data["lines"])
        if not lines:
            raise forms.ValidationError("Enter at least 1 statement")
        too_long = [n for n, line in enumerate(lines, start=1) if len(line) > MAX_STATEMENT_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"Line {too_long[0]} is longer than {MAX_STATEMENT_LENGTH} characters: split it up"
            )
        return lines


class ImportForm(forms.Form):
    max_rows = STATEMENT_LIMITS.max_rows  # for the page's guidance
    max_length = MAX_STATEMENT_LENGTH
    max_size = megabytes(MAX_IMPORT_BYTES)

    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"Saved as 'CSV UTF-8', up to {megabytes(MAX_IMPORT_BYTES)} and {STATEMENT_LIMITS.max_rows:,} "
            "statements. The first row names the columns: statement, relationship, stage, consent."
        ),
        error_messages={"required": "Choose a CSV file"},
        allow_empty_file=True,  # the import says the file is empty, naming it, like every other problem
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            # Refused before it is read, in the words the import uses for every other problem.
            raise forms.ValidationError(
                f"{upload.name[:100]}: The file is larger than {megabytes(MAX_IMPORT_BYTES)}. "
                "Split it into parts."
            )
        return upload


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("redact", "Redact and approve"), ("reject", "Reject")]
    )
    text = forms.CharField(required=False, max_length=MAX_STATEMENT_LENGTH, widget=forms.Textarea)


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name"]
        labels = {"name": "Name of the theme"}
        error_messages = {"name": {"required": "Enter a name for the theme, as a short sentence"}}


class MoveForm(forms.Form):
    """Move or copy a card, and park or unpark it: the board's plain-HTML controls."""

    statement = forms.IntegerField()
    to_theme = forms.IntegerField(required=False)
    from_theme = forms.IntegerField(required=False)
    action = forms.ChoiceField(
        choices=[
            ("move", "Move"),
            ("copy", "Also add"),
            ("remove", "Take out"),
            ("park", "Park"),
            ("unpark", "Unpark"),
        ]
    )


class BoardFilterForm(forms.Form):
    """Which cards the theming board shows: a GET form, so every page and filter is a link."""

    session = forms.ChoiceField(
        label="Show statements from",
        required=False,
        error_messages={"invalid_choice": "Choose a session from the list"},
    )
    theme = forms.ChoiceField(
        label="Cards",
        required=False,
        error_messages={"invalid_choice": "Choose a theme from the list"},
    )
    relationship = forms.ChoiceField(
        label="Who said it",
        required=False,
        choices=[("", "Everyone"), *[(value, short) for value, short in RELATIONSHIP_SHORT.items()]],
        error_messages={"invalid_choice": "Choose who said it from the list"},
    )
    stage = forms.ChoiceField(
        label="Part of the journey",
        required=False,
        choices=[("", "Any part"), *Stage.choices],
        error_messages={"invalid_choice": "Choose a part of the journey from the list"},
    )
    q = forms.CharField(
        label="Words on the card",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer to find words on the cards"},
    )

    def __init__(
        self, *args: Any, themes: list[Theme], sessions: list[EngagementSession], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", "All sessions"), *[(str(s.pk), s.title) for s in sessions]]
        self.fields["theme"].choices = [
            ("", "Not in a theme yet"),
            ("all", "All cards"),
            ("parked", "Parked to discuss"),
            *[(str(t.pk), t.name) for t in themes],
        ]

    def filters(self) -> dict[str, str]:
        """The filters that are valid (a wrong one is left out, and its error shown)."""
        self.is_valid()
        return {name: str(self.cleaned_data.get(name) or "").strip() for name in self.fields}


class MergeForm(forms.Form):
    target = forms.IntegerField()
    others = forms.TypedMultipleChoiceField(
        coerce=int, choices=[], error_messages={"required": "Choose themes to merge"}
    )

    def __init__(self, *args: Any, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["others"].choices = [(t.pk, t.name) for t in themes]


class SplitForm(forms.Form):
    name = forms.CharField(
        label="Name of the new theme",
        max_length=200,
        error_messages={"required": "Enter a name for the new theme"},
    )
    statements = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Cards that move to the new theme",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least 1 card to move",
            "invalid_choice": "Choose cards from this theme",
        },
    )

    def __init__(self, *args: Any, cards: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statements"].choices = [(s.pk, s.public_text()) for s in cards]


class SuggestionDecisionForm(forms.Form):
    """Accept, rename and accept, or reject one suggested theme."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("rename", "Rename and accept"), ("reject", "Reject")],
        error_messages={
            "required": "Choose to accept, rename or reject the group",
            "invalid_choice": "Choose to accept, rename or reject the group",
        },
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "rename" and not " ".join(data.get("name", "").split()):
            self.add_error("name", "Enter a new name for the theme")
        return data


class ChooseCardsForm(forms.Form):
    """Accept a suggested theme with the cards a person keeps, under the name they give it."""

    name = forms.CharField(
        label="Name of the theme (a short sentence)",
        max_length=200,
        error_messages={
            "required": "Enter a name for the theme",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    statements = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Cards that go in the theme (untick any that do not belong)",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least 1 card",
            "invalid_choice": "Choose cards from the list",
        },
    )

    def __init__(self, *args: Any, cards: list[tuple[Any, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statements"].choices = [
            (s.pk, s.public_text() + (" (also about another group)" if also else "")) for s, also in cards
        ]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter a name for the theme")
        return name


class MergeSuggestionsForm(forms.Form):
    suggestions = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=[],
        error_messages={
            "required": "Choose at least 2 groups to merge",
            "invalid_choice": "Choose groups from the list: one of them has just been decided",
        },
    )

    def __init__(self, *args: Any, allowed: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].choices = [(pk, pk) for pk in allowed]

    def clean_suggestions(self) -> list[int]:
        chosen = list(dict.fromkeys(self.cleaned_data["suggestions"]))
        if len(chosen) < 2:
            raise forms.ValidationError("Choose at least 2 groups to merge")
        return chosen


class PromoteForm(forms.Form):
    i_statement = forms.CharField(
        label="The domain, as an “I” statement in people's own words",
        max_length=200,
        help_text="For example: I know what is happening while I wait.",
        error_messages={"required": "Enter the domain as an “I” statement"},
    )
    description = forms.CharField(
        label="Plain description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    themes = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Themes it comes from",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least 1 theme"},
    )

    def __init__(self, *args: Any, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.pk, t.name) for t in themes]


class DomainUpdateForm(forms.Form):
    text = forms.CharField(
        label="What we are doing about it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Plain English: this is shown on the public “You said, we did” page.",
        error_messages={"required": "Enter what the team is doing"},
    )
    status = forms.ChoiceField(
        label="Where is it up to?",
        choices=DomainUpdate.Status.choices,
        initial=DomainUpdate.Status.PLANNED,
        widget=forms.RadioSelect,
        required=False,
        help_text="People who asked to hear what we do are emailed once when you add this.",
    )

    def clean_status(self) -> str:
        return self.cleaned_data.get("status") or DomainUpdate.Status.PLANNED


def dots_form(
    themes: list[Theme], groups: list[tuple[str, str]], max_dots: int | None = None
) -> type[forms.Form]:
    """A form with one number box per theme (and per group, for dots counted in the room)."""
    fields: dict[str, forms.Field] = {}
    for theme in themes:
        for key, label in groups:
            fields[f"dots_{theme.pk}_{key}" if key else f"dots_{theme.pk}"] = forms.IntegerField(
                label=f"{theme.name}{': ' + label if label else ''}",
                min_value=0,
                max_value=max_dots if max_dots is not None else 10_000,
                required=False,
                error_messages={
                    "min_value": "Enter 0 or more dots",
                    "max_value": f"Enter {max_dots} dots or fewer" if max_dots else "Enter a smaller number",
                    "invalid": "Enter a whole number of dots",
                },
            )
    return type("DotsForm", (forms.Form,), fields)
