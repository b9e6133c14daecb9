"""The form to ask for a report: an audience, a period (ISO dates only) and a format."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from whatmatters.reports.models import Audience, Contents, ReportFormat

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ISO = ["%Y-%m-%d"]


def parse_iso_date(text: str) -> dt.date:
    """YYYY-MM-DD and nothing else (DESIGN.md: dates are never guessed)."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{text!r} is not a real date written as YYYY-MM-DD") from None


def check_period(date_from: dt.date, date_to: dt.date) -> str:
    """A plain-English problem with the period, or ""."""
    if date_to < date_from:
        return "The end of the period must be the same as or after its start"
    if date_to - date_from > dt.timedelta(days=366 * 5):
        return "A report can cover 5 years at most"
    return ""


class ReportForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who is it for?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the report is for"},
    )
    date_from = forms.DateField(
        label="From",
        input_formats=ISO,
        widget=DATE,
        help_text="For example, 2025-04-01.",
        error_messages={"required": "Enter the first day of the period", "invalid": "Enter a real date"},
    )
    date_to = forms.DateField(
        label="To",
        input_formats=ISO,
        widget=DATE,
        help_text="For example, 2026-03-31.",
        error_messages={"required": "Enter the last day of the period", "invalid": "Enter a real date"},
    )
    contents = forms.TypedChoiceField(
        label="What should it hold?",
        choices=Contents.choices,
        widget=forms.RadioSelect,
        initial=Contents.EXCEPTIONS,
        required=False,  # a form sent without it gets the exceptions only, the default
        empty_value=Contents.EXCEPTIONS,
        help_text="Every report starts with a summary of every measure.",
    )
    file_format = forms.TypedChoiceField(
        label="Which format?",
        choices=ReportFormat.choices,
        widget=forms.RadioSelect,
        initial=ReportFormat.PDF,
        required=False,  # a form sent without it gets the PDF, as before there was a choice
        empty_value=ReportFormat.PDF,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and (problem := check_period(start, end)):
            self.add_error("date_to", problem)
        return data
