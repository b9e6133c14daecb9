"""Forms for the measurement plan, manual entry, annotations and imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from whatmatters.framework.measures.importing import check_note, check_numbers
from whatmatters.framework.models import (
    DEFINITION_FIELDS,
    Aim,
    Annotation,
    ChangeIdea,
    Domain,
    Driver,
    Measure,
    period_label,
    period_start,
)
from whatmatters.spc.numbers import exact

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DomainForm(forms.ModelForm):
    class Meta:
        model = Domain
        fields = ["i_statement", "description", "position"]
        error_messages = {"i_statement": {"required": "Enter what people said, as an “I” statement"}}


class AimForm(forms.ModelForm):
    class Meta:
        model = Aim
        fields = ["domain", "what", "for_whom", "how_much", "by_when"]
        widgets = {"by_when": DATE}
        labels = {"domain": "Quality domain"}
        help_texts = {
            "what": "For example: reduce the wait from referral to first help.",
            "for_whom": "For example: adults referred to the team.",
            "how_much": "For example: from 10 weeks to 4 weeks.",
        }
        error_messages = {
            "domain": {"required": "Choose the quality domain this aim is for"},
            "what": {"required": "Enter what you will improve"},
            "for_whom": {"required": "Enter who it is for"},
            "how_much": {"required": "Enter by how much"},
            "by_when": {"required": "Enter the date you aim to get there by", "invalid": "Enter a real date"},
        }

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = Domain.objects.for_team(team)
        self.fields["domain"].empty_label = "Choose a domain"


class DriverForm(forms.ModelForm):
    class Meta:
        model = Driver
        fields = ["text", "parent"]
        labels = {"text": "Driver", "parent": "Where it goes"}
        help_texts = {"text": "Something that has to be true to reach the aim."}
        error_messages = {"text": {"required": "Enter the driver"}}

    def __init__(self, *args: Any, aim: Aim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = aim.drivers.filter(parent__isnull=True)
        self.fields["parent"].empty_label = "A primary driver"
        self.fields["parent"].label_from_instance = lambda d: f"A secondary driver under: {d.text}"


class ChangeIdeaForm(forms.ModelForm):
    class Meta:
        model = ChangeIdea
        fields = ["text", "driver"]
        labels = {"text": "Change idea", "driver": "The driver it should move"}
        error_messages = {
            "text": {"required": "Enter the change idea"},
            "driver": {"required": "Choose the driver it should move"},
        }

    def __init__(self, *args: Any, aim: Aim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = aim.drivers.all()
        self.fields["driver"].empty_label = "Choose a driver"


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        # The target's name sits next to the target.
        fields = [
            "domains",
            "aim",
            *DEFINITION_FIELDS[: DEFINITION_FIELDS.index("target_date") + 1],
            "target_label",
            *DEFINITION_FIELDS[DEFINITION_FIELDS.index("target_date") + 1 :],
            "shared_with_programme",
        ]
        help_texts = {
            "target": "A target that changes over time (a trajectory) is set on the measure's page, "
            "under Change the targets over time."
        }
        widgets = {
            "domains": forms.CheckboxSelectMultiple,
            "target_date": DATE,
            "measure_type": forms.RadioSelect,
            "direction": forms.RadioSelect,
            "frequency": forms.RadioSelect,
        }
        error_messages = {
            "domains": {"required": "Choose at least one quality domain this measure traces back to"},
            "code": {
                "required": "Enter a short code, for example waiting-well",
                "invalid": "Use only lower-case letters, numbers and hyphens",
            },
            "name": {"required": "Enter the measure's name"},
            "measure_type": {"required": "Choose outcome, process or balancing"},
            "description": {"required": "Describe the measure in plain English"},
            "operational_definition": {"required": "Enter the operational definition"},
            "direction": {"required": "Choose which way is better"},
            "frequency": {"required": "Choose weekly or monthly"},
            "data_source": {"required": "Choose where the data comes from"},
            "target": {"invalid": "Enter the target as a number"},
            "multiply": {"invalid": "Enter a number, for example 100"},
        }

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["domains"].queryset = Domain.objects.for_team(team)
        self.fields["domains"].label_from_instance = lambda d: d.i_statement
        self.fields["aim"].queryset = Aim.objects.filter(team=team)
        self.fields["aim"].empty_label = "Not linked to an aim"
        for name in ("measure_type", "direction", "frequency"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        clash = Measure.objects.filter(team=self.team, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another measure in this team already uses this code")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("multiply") is not None and data["multiply"] <= 0:
            self.add_error("multiply", "Enter a number above 0")
        return data


SHARING_HINT = (
    "A shared measure's chart, icons and sentence appear on the programme dashboard, on your buddy team's "
    "view and in programme reports, read by everyone in the programme's other teams, faculty and committees. "
    "Rates and counts from fewer than 8 people are hidden there. A measure you do not share stays inside "
    "your team; only admins and faculty can open any team's own pages and values."
)


class SharingForm(forms.Form):
    """Which of a team's measures it shares with the programme, chosen for all of them at once."""

    shared = forms.ModelMultipleChoiceField(
        queryset=Measure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Measures we share with the programme",
        help_text=SHARING_HINT,
    )

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        measures = Measure.objects.for_team(team)
        self.fields["shared"].queryset = measures
        self.fields["shared"].label_from_instance = lambda m: m.name
        if not self.is_bound:
            self.initial["shared"] = [m.pk for m in measures.shared_with_programme()]


class AdoptForm(forms.Form):
    domains = forms.ModelMultipleChoiceField(
        queryset=Domain.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Quality domains it traces back to",
        error_messages={"required": "Choose at least one quality domain"},
    )
    aim = forms.ModelChoiceField(queryset=Aim.objects.none(), required=False, label="The aim it measures")
    code = forms.SlugField(
        label="Code in your plan",
        max_length=60,
        error_messages={
            "required": "Enter a code",
            "invalid": "Use only lower-case letters, numbers and hyphens",
        },
    )

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["domains"].queryset = Domain.objects.for_team(team)
        self.fields["domains"].label_from_instance = lambda d: d.i_statement
        self.fields["aim"].queryset = Aim.objects.filter(team=team)
        self.fields["aim"].empty_label = "Not linked to an aim"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Measure.objects.filter(team=self.team, code=code).exists():
            raise forms.ValidationError("Your plan already has a measure with this code. Choose another")
        return code


class AnnotationForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = ["date", "kind", "text", "new_baseline", "reason"]
        widgets = {"date": DATE, "kind": forms.RadioSelect}
        error_messages = {
            "date": {"required": "Enter the date it happened", "invalid": "Enter a real date"},
            "text": {"required": "Describe what happened"},
        }

    def __init__(self, *args: Any, can_recalculate: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "New limits after a lasting change" is written only by accepting the measure page's suggestion.
        kind = self.fields["kind"]
        kind.choices = [c for c in kind.choices if c[0] != Annotation.Kind.BASELINE]
        if not can_recalculate:
            # Governed baselines: only the people who may accept new limits may start them from an event.
            del self.fields["new_baseline"]
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_baseline") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the baseline starts again")
        if data.get("date") and data["date"] > dt.date.today():
            self.add_error("date", "The date must be today or in the past")
        return data


class BaselineForm(forms.Form):
    """Accept the suggestion to start new limits: the start the person saw, and why (required). `request`:
    the imported file's request to start them (`BaselineRequest`) the person is deciding on, if any."""

    start = forms.DateField(widget=forms.HiddenInput)
    request = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="What changed, and why do you expect it to last?",
        help_text=(
            "For example: we started daily triage in March. People see this under the chart and in reports."
        ),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what changed, so people know why the limits start again",
            "max_length": "Keep the reason to 200 characters or fewer",
        },
    )


class BaselineDismissForm(forms.Form):
    """Keep the current limits: the start of the shift the person saw."""

    start = forms.DateField(widget=forms.HiddenInput)
    request = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (saved as 'CSV UTF-8') or an Excel workbook (.xlsx), up to 5 MB.",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty. Choose a file with a header row and values.",
        },
    )


class ConfirmImportForm(forms.Form):
    """The preview's one choice: replace values typed by hand, or keep them."""

    replace_typed = forms.BooleanField(
        required=False,
        label="Replace values typed by hand",
        help_text="Without this, values typed on the form or the data grid are kept.",
    )


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file (.json)",
        help_text="A file exported from What Matters, here or at another organisation, up to 5 MB.",
        error_messages={
            "required": "Choose a framework file",
            "empty": "The file is empty. Choose a framework file exported from What Matters.",
        },
    )


class ValueEntryForm(forms.Form):
    """One form for every manual measure of a team in one period. Field names carry the measure's id."""

    def __init__(self, *args: Any, measures: list[Measure], existing: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measures = measures
        for measure in measures:
            current = existing.get(measure.pk)
            prefix = f"m{measure.pk}"
            if measure.needs_denominator:
                self.fields[f"{prefix}_numerator"] = forms.CharField(
                    required=False,
                    label=f"Numerator: {measure.numerator or 'what we count'}",
                    initial=exact(current.numerator) if current else "",
                )
                self.fields[f"{prefix}_denominator"] = forms.CharField(
                    required=False,
                    label=f"Denominator: {measure.denominator or 'what we divide by'}",
                    initial=exact(current.denominator) if current else "",
                )
            else:
                self.fields[f"{prefix}_value"] = forms.CharField(
                    required=False,
                    label=f"Value ({measure.unit})" if measure.unit else "Value",
                    initial=exact(current.value) if current else "",
                )
            self.fields[f"{prefix}_note"] = forms.CharField(
                required=False,
                max_length=500,
                label="Note (optional)",
                initial=current.note if current else "",
            )

    def groups(self) -> list[tuple[Measure, list[Any]]]:
        out = []
        for measure in self.measures:
            names = [n for n in self.fields if n.startswith(f"m{measure.pk}_")]
            out.append((measure, [self[n] for n in names]))
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.entries: dict[int, dict[str, Any]] = {}
        for measure in self.measures:
            prefix = f"m{measure.pk}"
            raw = {k: data.get(f"{prefix}_{k}") for k in ("value", "numerator", "denominator")}
            note, reason = check_note(data.get(f"{prefix}_note"))
            if reason:
                self.add_error(f"{prefix}_note", reason)
            if all(v in (None, "") for v in raw.values()):
                continue  # left empty: nothing to save for this measure
            parsed, problems = check_numbers(measure, raw["value"], raw["numerator"], raw["denominator"])
            for column, why in problems:
                name = f"{prefix}_{column}"
                self.add_error(name if name in self.fields else None, f"{measure.name}: {why}")
            if not problems and not reason:
                self.entries[measure.pk] = {**parsed, "note": note}
        return data


# --- Targets over time ---------------------------------------------------------------------------

TARGET_ROWS_EXTRA = 3  # empty rows offered each time, so more can be added without JavaScript


class TargetRowForm(forms.Form):
    """One row of a trajectory: from this period on, this line has this value."""

    starts = forms.DateField(
        label="From", required=False, widget=DATE, error_messages={"invalid": "Enter a real date"}
    )
    # A text box, not type=number, as the NHS and GOV.UK design systems advise for numbers.
    value = forms.FloatField(
        label="Value",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Enter the value as a number"},
    )
    label = forms.CharField(
        label="Line",
        required=False,
        max_length=60,
        help_text="Empty for the measure's target, or a name such as National standard.",
        error_messages={"max_length": "Use 60 characters or fewer for the line's name"},
    )
    remove = forms.BooleanField(label="Remove this row", required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("starts") is None and data.get("value") is None and not data.get("label")


class BaseTargetRowsFormSet(forms.BaseFormSet):
    """Every row of a measure's targets over time, checked together; errors name the row."""

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        self.measure = measure
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        """Every row is checked, so one bad row does not hide the others' problems."""
        seen: dict[tuple[str, dt.date], int] = {}
        for number, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", None)
            if data is None or data.get("remove") or form.is_blank():
                continue
            if data.get("starts") is None and "starts" not in form.errors:
                form.add_error("starts", "Enter the date this value starts from")
            if data.get("value") is None and "value" not in form.errors:
                form.add_error("value", "Enter the value as a number")
            if data.get("starts") is None or data.get("value") is None:
                continue
            data["starts"] = period_start(self.measure.frequency, data["starts"])
            key = (self.line(data.get("label", "")), data["starts"])
            if key in seen:
                line = key[0] or "The target"
                when = period_label(self.measure.frequency, data["starts"])
                form.add_error(
                    "starts", f"{line} already has a value from {when} in row {seen[key]}. Keep one of them"
                )
            seen.setdefault(key, number)

    def line(self, label: str) -> str:
        """The stored name of a row's line: "" for the measure's target, else the name as typed."""
        name = (label or "").strip()
        main = (self.measure.target_label or "").strip() or "Target"
        return "" if name.casefold() in ("", main.casefold()) else name

    def rows(self) -> list[tuple[dt.date, float, str]]:
        """The rows to keep, after `is_valid()`: (from, value, line)."""
        out = []
        for form in self.forms:
            data = form.cleaned_data
            if data.get("remove") or form.is_blank():
                continue
            out.append((data["starts"], data["value"], self.line(data.get("label", ""))))
        return out

    def error_list(self) -> list[tuple[str, str]]:
        """(message, field id) for the error summary, row by row."""
        first = self.forms[0]["starts"].auto_id if self.forms else ""
        return [(error, first) for error in self.non_form_errors()] + [
            (f"Row {number}: {error}", form[name].auto_id)
            for number, form in enumerate(self.forms, start=1)
            for name in ("starts", "value", "label")
            for error in form.errors.get(name, [])
        ]


TargetRowsFormSet = forms.formset_factory(
    TargetRowForm, formset=BaseTargetRowsFormSet, extra=TARGET_ROWS_EXTRA, max_num=200, validate_max=True
)


def target_rows_initial(measure: Measure) -> list[dict[str, Any]]:
    return [
        {"starts": row.starts, "value": exact(row.value), "label": row.label}
        for row in measure.targets.order_by("label", "starts")
    ]
