from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from whatmatters.flow.mhsds_files import NotMhsds, unpack
from whatmatters.imports.reading import megabytes
from whatmatters.waitinglists.importing import TeamMapError, parse_team_map

MAX_BYTES = 50 * 1024 * 1024
MAX_TARGET_WEEKS = 104  # Plan ahead's "meet the standard by" date: at most 2 years ahead
KEEP, REFUSE = "keep", "refuse"
CONTRACT_FIELDS = ("referrals", "contacts", "ward_stays", "clock_pauses", "events")


class ExtractUploadForm(forms.Form):
    referrals = forms.FileField(label="referrals.csv", error_messages={"required": "Choose referrals.csv"})
    contacts = forms.FileField(label="contacts.csv", error_messages={"required": "Choose contacts.csv"})
    ward_stays = forms.FileField(label="ward_stays.csv (if the extract has ward stays)", required=False)
    clock_pauses = forms.FileField(label="clock_pauses.csv (optional)", required=False)
    events = forms.FileField(
        label="events.csv (optional)",
        help_text="Outcome measures, care plans, assessments and other care the 4-week waits count.",
        required=False,
    )
    extract_date = forms.DateField(
        label="The date the extract was taken",
        help_text="Write it as YYYY-MM-DD, for example 2025-03-31.",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Write the date as YYYY-MM-DD, for example 2025-03-31"},
    )
    team_map = forms.CharField(
        label="Team codes in the extract (only new ones)",
        help_text=(
            "One per line: the code in the extract, =, and the team's short name, like CERT=cert. "
            "For a ward add the number of beds: OAWARD=older-adults-ward:20."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on_errors = forms.ChoiceField(
        label="If some rows have errors",
        help_text=(
            "A row with an error (a date that is not a date, a repeated ID, a contact for a referral that "
            "is not in referrals.csv) is never saved. rejects.csv lists every such row with its reason."
        ),
        choices=[
            (KEEP, "Save the other rows, if only a few rows in each file have errors (the share below)"),
            (REFUSE, "Refuse the whole extract if any row has an error: save nothing"),
        ],
        initial=KEEP,
        required=False,
        widget=forms.RadioSelect,
    )
    threshold = forms.FloatField(
        label="Most rows with errors a file may have (%)",
        help_text=(
            "When you save the other rows: if more rows than this in any file have errors, nothing is "
            "saved. Usually 1."
        ),
        initial=1,
        min_value=0,
        max_value=50,
        required=False,
        error_messages={
            "invalid": "Enter the share of rows as a number, like 1",
            # Django fills in these messages with %, so a % of our own is written %%.
            "min_value": "Enter a share of 0%% or more",
            "max_value": "Enter a share of 50%% or less",
        },
    )
    dry_run = forms.BooleanField(required=False, label="Check the extract only: do not save anything")

    def clean_threshold(self) -> float:
        value = self.cleaned_data.get("threshold")
        return 0.01 if value is None else value / 100

    def clean_extract_date(self) -> dt.date:
        day = self.cleaned_data["extract_date"]
        if day > dt.date.today():
            raise forms.ValidationError("The extract date cannot be in the future")
        return day

    def clean_team_map(self) -> dict[str, Any]:
        try:
            return parse_team_map(self.cleaned_data["team_map"])
        except TeamMapError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("on_errors") == REFUSE:
            data["threshold"] = 0.0  # any row with an error refuses the extract
            self.errors.pop("threshold", None)  # the share is not used, so it cannot be wrong
        for name in CONTRACT_FIELDS:
            upload = data.get(name)
            if upload is not None and upload.size > MAX_BYTES:
                self.add_error(name, f"The file is larger than {megabytes(MAX_BYTES)}. Use the command line.")
        return data

    def files_by_name(self) -> dict[str, bytes]:
        return {
            name: self.cleaned_data[name].read()
            for name in CONTRACT_FIELDS
            if self.cleaned_data.get(name) is not None
        }


class LeversForm(forms.Form):
    """What-if levers for the Plan ahead page. A plain GET form: it works without JavaScript."""

    referral_growth_pct = forms.FloatField(
        label="Referral growth a year (%)", initial=0, min_value=-50, max_value=100, required=False
    )
    capacity_change_pct = forms.FloatField(
        label="Change in appointments a week (%)", initial=0, min_value=-80, max_value=200, required=False
    )
    dna_rate_change = forms.FloatField(
        label="Change in missed appointments (percentage points)",
        help_text="For example -5 for 5 fewer missed appointments in every 100.",
        initial=0,
        min_value=-50,
        max_value=50,
        required=False,
    )
    extra_sessions = forms.FloatField(
        label="Extra appointments a week for a while", initial=0, min_value=0, max_value=1000, required=False
    )
    extra_weeks = forms.IntegerField(
        label="For how many weeks", initial=0, min_value=0, max_value=104, required=False
    )
    target_date = forms.DateField(
        label="Meet the standard by",
        help_text="Write it as YYYY-MM-DD.",
        input_formats=["%Y-%m-%d"],
        required=False,
        error_messages={"invalid": "Write the date as YYYY-MM-DD, for example 2026-03-31"},
    )
    target_share = forms.FloatField(
        label="Share of people waiting within the standard (%)",
        initial=92,
        min_value=1,
        max_value=99.9,
        required=False,
    )

    def clean_target_date(self) -> dt.date | None:
        """A date to meet the standard by is after today (a plan cannot change the past) and within the
        2 years Plan ahead projects; the same rule as `flow.forecast.capacity_needed`."""
        day = self.cleaned_data.get("target_date")
        if day is None:
            return None
        today = dt.date.today()
        example = (today + dt.timedelta(weeks=26)).isoformat()
        if day <= today:
            raise forms.ValidationError(
                f"Choose a date after today, {today.day} {today:%B %Y}: for example {example}"
            )
        if day > today + dt.timedelta(weeks=MAX_TARGET_WEEKS):
            raise forms.ValidationError(f"Choose a date within 2 years from today: for example {example}")
        return day

    def value(self, name: str) -> Any:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        found = data.get(name)
        return self.fields[name].initial if found is None else found


# The MHSDS route: MHSDS v6 tables as a warehouse exports them (whatmatters.flow.mhsds).
MAX_MHSDS_FILES = 16


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Several files from one input: a list of uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data] if data else [one(None, initial)]
        return [one(data, initial)]


class MhsdsUploadForm(ExtractUploadForm):
    """The same choices as the contract upload, for MHSDS tables: a .zip of the folder or the CSV files."""

    tables = _MultipleFileField(
        label="The MHSDS tables",
        help_text=(
            "A .zip of the folder, or choose the CSV files together. Each file is named by its table: "
            "MHS101Referral.csv, MHS102ServiceTypeReferredTo.csv and MHS201CareContact.csv at least."
        ),
        error_messages={"required": "Choose the MHSDS tables: a .zip of the folder, or the CSV files"},
    )
    ids_are_pseudonyms = forms.BooleanField(
        required=False,
        label="LocalPatientId and Person_ID are already pseudonyms: keep them as they are",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CONTRACT_FIELDS:
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        uploads = [u for u in data.get("tables") or [] if u is not None]
        if len(uploads) > MAX_MHSDS_FILES:
            self.add_error(
                "tables", f"Choose at most {MAX_MHSDS_FILES} files, or upload a .zip of the folder"
            )
        elif any(u.size > MAX_BYTES for u in uploads):
            self.add_error("tables", f"A file is larger than {megabytes(MAX_BYTES)}. Use the command line.")
        elif uploads:
            try:
                data["mhsds_files"] = unpack([(u.name, u.read()) for u in uploads], MAX_BYTES)
            except NotMhsds as error:
                self.add_error("tables", str(error))
        return data

    def files_by_name(self) -> dict[str, bytes]:
        import json

        files = dict(self.cleaned_data["mhsds_files"])
        if self.cleaned_data.get("ids_are_pseudonyms"):
            info = json.loads(files.get("extract", b"{}") or b"{}")
            files["extract"] = json.dumps({**info, "person_ids": "pseudonymised"}).encode()
        return files
