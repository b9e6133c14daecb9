"""Report pages: the history and the form, one report with its progress, downloads, and CSV exports.

PermissionMiddleware has already checked the permission table and set `request.team` on team routes;
team reports are found only through that team, programme reports only among reports with no team.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from whatmatters import tasks_common
from whatmatters.reports import exports, formats, rendering, tasks
from whatmatters.reports.actions import request_report
from whatmatters.reports.forms import ReportForm
from whatmatters.reports.models import Report, ReportFormat
from whatmatters.teams.models import Team
from whatmatters.teams.permissions import allows


def _team(request: HttpRequest) -> object | None:
    return getattr(request, "team", None)


def _report(request: HttpRequest, pk: int) -> Report:
    team = _team(request)
    if team is not None:
        return get_object_or_404(Report.objects.select_related("team"), team=team, pk=pk)
    return get_object_or_404(Report, team__isnull=True, pk=pk)


def _names(team: object | None) -> dict[str, str]:
    prefix = "" if team is not None else "programme_"
    return {
        k: prefix + k
        for k in (
            "report_list",
            "report_create",
            "report_detail",
            "report_pdf",
            "report_html",
            "report_pptx",
            "report_xlsx",
        )
    }


def _url_kwargs(team: object | None) -> dict[str, str]:
    return {"team": team.slug} if team is not None else {}  # type: ignore[attr-defined]


@require_http_methods(["GET"])
def report_list(request: HttpRequest, team: str | None = None) -> HttpResponse:
    the_team = _team(request)
    names = _names(the_team)
    return render(
        request,
        "reports/report_list.jinja",
        {
            "team": the_team,
            "reports": Report.objects.for_team(the_team).select_related("requested_by")[:100],
            "names": names,
            "kw": _url_kwargs(the_team),
            "can_build": allows(request.user, names["report_create"], the_team),
            "csv_name": "team_export_csv" if the_team is not None else "programme_export_csv",
            "can_download_csv": allows(
                request.user, "team_export_csv" if the_team is not None else "programme_export_csv", the_team
            ),
            "active": "programme",
        },
    )


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, team: str | None = None) -> HttpResponse:
    the_team = _team(request)
    names = _names(the_team)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = request_report(
            the_team,
            data["audience"],
            data["date_from"],
            data["date_to"],
            request.user,
            file_format=data["file_format"],
            contents=data["contents"],
        )
        return redirect(names["report_detail"], pk=report.pk, **_url_kwargs(the_team))
    return render(
        request,
        "reports/report_create.jinja",
        {"team": the_team, "form": form, "names": names, "kw": _url_kwargs(the_team), "active": "programme"},
    )


@require_http_methods(["GET"])
def report_detail(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    the_team = _team(request)
    report = _report(request, pk)
    if report.status == Report.Status.RUNNING and tasks_common.sweep(tasks.KIND, pk=report.pk):
        report.refresh_from_db()
    return render(
        request,
        "reports/report_detail.jinja",
        {
            "team": the_team,
            "report": report,
            "names": _names(the_team),
            "kw": _url_kwargs(the_team),
            "title": (f"{the_team.name}: quality report" if the_team is not None else "Programme report"),
            "active": "programme",
            "csv_name": "team_export_csv" if the_team is not None else "programme_export_csv",
            "can_download_csv": allows(
                request.user, "team_export_csv" if the_team is not None else "programme_export_csv", the_team
            ),
        },
    )


def _download(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def report_pdf(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    report = _report(request, pk)
    if report.status != Report.Status.READY or report.file_format != ReportFormat.PDF:
        raise Http404("The report is not ready, or was made in another format.")
    return _download(bytes(report.pdf), "application/pdf", f"{report.file_stem()}.pdf")


@require_http_methods(["GET"])
def report_file(request: HttpRequest, pk: int, fmt: str, team: str | None = None) -> HttpResponse:
    """The PowerPoint or Excel file of a report made in that format."""
    report = _report(request, pk)
    if report.status != Report.Status.READY or report.file_format != fmt:
        raise Http404("The report is not ready, or was made in another format.")
    return _download(bytes(report.file), formats.CONTENT_TYPES[fmt], f"{report.file_stem()}.{fmt}")


@require_http_methods(["GET"])
def report_html(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    """The report as one HTML file with its print stylesheet, to keep or send by email."""
    report = _report(request, pk)
    if report.status != Report.Status.READY:
        raise Http404("The report is not ready.")
    document = rendering.document_from_stored(report)
    return _download(document, "text/html; charset=utf-8", f"{report.file_stem()}.html")


@require_http_methods(["GET"])
def export_csv(request: HttpRequest, team: str | None = None) -> HttpResponse:
    """Measure values and SPC results as CSV: the team's, or every active team's shared measures on the
    programme route (admins and faculty only)."""
    the_team = _team(request)
    teams = [the_team] if the_team is not None else list(Team.objects.filter(is_active=True).order_by("name"))
    who = the_team.slug if the_team is not None else "programme"  # type: ignore[attr-defined]
    as_of = None
    if request.GET.get("to"):
        try:
            as_of = dt.date.fromisoformat(request.GET["to"])
        except ValueError:
            return HttpResponseBadRequest(
                "The day to show the values up to must be a date written like 2024-06-30.",
                content_type="text/plain; charset=utf-8",
            )
    day = (as_of or timezone.localdate()).isoformat()
    name = f"what-matters-{who}-measures-{'to-' if as_of else ''}{day}.csv"
    csv_text = exports.write_csv(teams, programme=the_team is None, as_of=as_of)
    return _download(csv_text, "text/csv; charset=utf-8", name)
