"""Asking for a report: a Report row, then the task that builds it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from whatmatters.reports.models import Contents, Report, ReportFormat
from whatmatters.reports.tasks import run_report


def request_report(
    team: Any | None,
    audience: str,
    date_from: dt.date,
    date_to: dt.date,
    user: Any,
    *,
    file_format: str = ReportFormat.PDF,
    contents: str = Contents.EXCEPTIONS,
) -> Report:
    with transaction.atomic():
        report = Report.objects.create(
            team=team,
            audience=audience,
            date_from=date_from,
            date_to=date_to,
            requested_by=user,
            file_format=file_format,
            contents=contents,
        )
    run_report.enqueue(report.pk)
    report.refresh_from_db()
    return report
