"""Waiting-list pages. Thin: importing is in `importing`/`tasks`, chart data in `presenters`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from whatmatters import tasks_common
from whatmatters.teams.models import Team
from whatmatters.uploads import upload_limit
from whatmatters.waitinglists import presenters, tasks
from whatmatters.waitinglists.forms import (
    MAX_BYTES,
    MAX_MHSDS_FILES,
    ExtractUploadForm,
    LeversForm,
    MhsdsUploadForm,
)
from whatmatters.waitinglists.importing import cancel, create_import
from whatmatters.waitinglists.models import ExtractImport, ExtractTeam
from whatmatters.waitinglists.tasks import run_extract_import

HISTORY_FIELDS = ("rejects_csv",)


def _upload_page(
    request: HttpRequest, form: Any, template: str, source: Callable[[list[str]], str]
) -> HttpResponse:
    """One upload workflow for both routes (the contract files, the MHSDS tables): a valid form becomes an
    import job for the task worker and the person goes to its page; otherwise the form again."""
    if request.method == "POST" and form.is_valid():
        files = form.files_by_name()
        job = create_import(
            files,
            source=source(list(files)),
            extract_date=form.cleaned_data["extract_date"],
            team_map=form.cleaned_data["team_map"],
            dry_run=form.cleaned_data["dry_run"],
            threshold=form.cleaned_data["threshold"],
            user=request.user,
        )
        run_extract_import.enqueue(job.pk)
        return redirect("waiting_list_import_detail", pk=job.pk)
    codes = ExtractTeam.objects.select_related("team")
    return render(request, template, {"form": form, "codes": codes, "active": "programme"})


@upload_limit(MAX_BYTES, files=4)
def extract_upload(request: HttpRequest) -> HttpResponse:
    form = ExtractUploadForm(request.POST or None, request.FILES or None)
    return _upload_page(
        request, form, "waitinglists/upload.jinja", lambda names: ", ".join(f"{n}.csv" for n in names)
    )


@upload_limit(MAX_BYTES, files=MAX_MHSDS_FILES)
def mhsds_upload(request: HttpRequest) -> HttpResponse:
    """The MHSDS route of the upload page: the tables as a warehouse exports them."""
    form = MhsdsUploadForm(request.POST or None, request.FILES or None)
    return _upload_page(
        request,
        form,
        "waitinglists/mhsds_upload.jinja",
        lambda names: "MHSDS tables: " + ", ".join(n for n in names if n.startswith("MHS")),
    )


def import_history(request: HttpRequest) -> HttpResponse:
    jobs = (
        ExtractImport.objects.defer(*HISTORY_FIELDS)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("name", "slug")))[:50]
    )
    return render(request, "waitinglists/history.jinja", {"jobs": jobs, "active": "programme"})


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExtractImport.objects.defer(*HISTORY_FIELDS), pk=pk)
    if request.method == "POST" and job.status == ExtractImport.Status.CONFIRM:
        # An extract older than the one loaded: nothing was saved until the person chose.
        if request.POST.get("choice") == "history":
            ExtractImport.objects.filter(pk=job.pk).update(
                as_history=True, status=ExtractImport.Status.QUEUED, stage="", percent=0
            )
            run_extract_import.enqueue(job.pk)
        else:
            cancel(job)
        return redirect("waiting_list_import_detail", pk=job.pk)
    if job.status in (ExtractImport.Status.RUNNING, ExtractImport.Status.CONFIRM) and tasks_common.sweep(
        tasks.KIND, pk=job.pk
    ):
        job.refresh_from_db()
    return render(request, "waitinglists/import_detail.jinja", {"job": job, "active": "programme"})


def import_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExtractImport.objects.only("pk", "rejects_csv"), pk=pk)
    response = HttpResponse(job.rejects_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejects-{job.pk}.csv"'
    return response


def team_flow(request: HttpRequest, team: str) -> HttpResponse:
    page = presenters.flow_page(request.team, request.GET.get("census", ""))
    return render(
        request, "waitinglists/flow.jinja", {"team": request.team, "page": page, "active": "programme"}
    )


def plan_ahead(request: HttpRequest, team: str) -> HttpResponse:
    form = LeversForm(request.GET or None)
    plan = presenters.plan_ahead(request.team, form)
    return render(
        request,
        "waitinglists/plan_ahead.jinja",
        {
            "team": request.team,
            "form": form,
            "plan": plan,
            "query": request.GET.urlencode(),
            "active": "programme",
        },
    )


def plan_ahead_csv(request: HttpRequest, team: str) -> HttpResponse:
    plan = presenters.plan_ahead(request.team, LeversForm(request.GET or None))
    response = HttpResponse(presenters.plan_csv(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.team.slug}-plan-ahead.csv"'
    return response
