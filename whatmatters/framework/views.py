"""Pages for the measurement plan, measures, values and the national measure library.

PermissionMiddleware has already checked the permission table and set `request.team`; every lookup here
goes through that team.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from whatmatters import tasks_common
from whatmatters.framework import actions, framework_file, grid, presenters, tasks
from whatmatters.framework.forms import (
    AdoptForm,
    AimForm,
    AnnotationForm,
    BaselineDismissForm,
    BaselineForm,
    ChangeIdeaForm,
    ConfirmImportForm,
    DomainForm,
    DriverForm,
    FrameworkImportForm,
    MeasureForm,
    SharingForm,
    TargetRowsFormSet,
    UploadForm,
    ValueEntryForm,
    target_rows_initial,
)
from whatmatters.framework.measures import baselines, importing, values
from whatmatters.framework.measures.results import last_complete_period, results_for
from whatmatters.framework.measures.shown import shown_for
from whatmatters.framework.models import (
    Aim,
    Annotation,
    BaselineRequest,
    ChangeIdea,
    DataSource,
    Domain,
    Driver,
    Frequency,
    LibraryMeasure,
    Measure,
    MeasureType,
    Value,
    ValueImport,
    period_label,
    period_start,
)
from whatmatters.framework.tasks import run_value_import
from whatmatters.imports import safe
from whatmatters.spc import numbers
from whatmatters.teams.models import Team
from whatmatters.teams.permissions import allows
from whatmatters.uploads import upload_limit


def _form_page(request: HttpRequest, form: object, title: str, button: str, back: str, **extra: object):
    return render(
        request,
        "framework/form_page.jinja",
        {"form": form, "title": title, "button": button, "back": back, "team": request.team, **extra},
    )


# --- The plan ------------------------------------------------------------------------------------


def plan(request: HttpRequest, team: str) -> HttpResponse:
    the_team = request.team
    measures = list(Measure.objects.for_team(the_team).prefetch_related("domains").select_related("source"))
    aims = list(Aim.objects.filter(team=the_team).select_related("domain"))
    by_aim: dict[int | None, list[Measure]] = {}
    for m in measures:
        by_aim.setdefault(m.aim_id, []).append(m)
    aim_rows = [
        {
            "aim": aim,
            "measures": by_aim.get(aim.pk, []),
            "warning": presenters.balancing_warning(aim, by_aim.get(aim.pk, [])),
        }
        for aim in aims
    ]
    return render(
        request,
        "framework/plan.jinja",
        {
            "team": the_team,
            "domains": Domain.objects.for_team(the_team),
            "aim_rows": aim_rows,
            "unlinked": by_aim.get(None, []),
            "can_edit": allows(request.user, "measure_create", the_team),
            "can_edit_domains": allows(request.user, "domain_create", the_team),
            "active": "programme",
        },
    )


@require_http_methods(["GET", "POST"])
def domain_create(request: HttpRequest, team: str) -> HttpResponse:
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.team = request.team
        form.save()
        messages.success(request, "The domain has been added")
        return redirect("plan", team=request.team.slug)
    return _form_page(request, form, "Add a quality domain", "Add domain", reverse("plan", args=[team]))


@require_http_methods(["GET", "POST"])
def domain_edit(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    domain = get_object_or_404(Domain, team=request.team, pk=pk)
    form = DomainForm(request.POST or None, instance=domain)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your changes have been saved")
        return redirect("plan", team=request.team.slug)
    return _form_page(request, form, "Change a quality domain", "Save", reverse("plan", args=[team]))


@require_http_methods(["GET", "POST"])
def aim_create(request: HttpRequest, team: str) -> HttpResponse:
    form = AimForm(request.POST or None, team=request.team)
    if request.method == "POST" and form.is_valid():
        form.instance.team = request.team
        aim = form.save()
        messages.success(request, "The aim has been added. Now add its drivers.")
        return redirect("aim_detail", team=request.team.slug, pk=aim.pk)
    return _form_page(request, form, "Add an aim", "Add aim", reverse("plan", args=[team]))


@require_http_methods(["GET", "POST"])
def aim_edit(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    aim = get_object_or_404(Aim, team=request.team, pk=pk)
    form = AimForm(request.POST or None, instance=aim, team=request.team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your changes have been saved")
        return redirect("aim_detail", team=request.team.slug, pk=aim.pk)
    return _form_page(request, form, "Change the aim", "Save", reverse("aim_detail", args=[team, pk]))


def aim_detail(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    aim = get_object_or_404(Aim.objects.select_related("domain"), team=request.team, pk=pk)
    tree = presenters.driver_tree(aim)
    measures = list(aim.measures.all())
    return render(
        request,
        "framework/aim_detail.jinja",
        {
            "team": request.team,
            "aim": aim,
            "tree": tree,
            "svg": presenters.driver_svg(aim, tree, id_prefix=f"drivers-{aim.pk}"),
            "measures": measures,
            "warning": presenters.balancing_warning(aim, measures),
            "can_edit": allows(request.user, "aim_edit", request.team),
            "can_add_measure": allows(request.user, "measure_create", request.team),
            "active": "programme",
        },
    )


@require_http_methods(["GET", "POST"])
def driver_add(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    aim = get_object_or_404(Aim, team=request.team, pk=pk)
    form = DriverForm(request.POST or None, aim=aim)
    if request.method == "POST" and form.is_valid():
        form.instance.aim = aim
        form.instance.position = aim.drivers.count()
        form.save()
        messages.success(request, "The driver has been added")
        return redirect("aim_detail", team=request.team.slug, pk=aim.pk)
    back = reverse("aim_detail", args=[team, pk])
    return _form_page(request, form, f"Add a driver to: {aim.what}", "Add driver", back)


@require_http_methods(["GET", "POST"])
def change_idea_add(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    aim = get_object_or_404(Aim, team=request.team, pk=pk)
    form = ChangeIdeaForm(request.POST or None, aim=aim)
    if request.method == "POST" and form.is_valid():
        form.instance.position = form.cleaned_data["driver"].change_ideas.count()
        form.save()
        messages.success(request, "The change idea has been added")
        return redirect("aim_detail", team=request.team.slug, pk=aim.pk)
    back = reverse("aim_detail", args=[team, pk])
    return _form_page(request, form, f"Add a change idea to: {aim.what}", "Add change idea", back)


@require_POST
def driver_delete(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    driver = get_object_or_404(Driver.objects.select_related("aim"), aim__team=request.team, pk=pk)
    aim = driver.aim
    driver.delete()
    messages.success(request, "The driver has been removed")
    return redirect("aim_detail", team=request.team.slug, pk=aim.pk)


@require_POST
def change_idea_delete(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    idea = get_object_or_404(
        ChangeIdea.objects.select_related("driver"), driver__aim__team=request.team, pk=pk
    )
    aim_id = idea.driver.aim_id
    idea.delete()
    messages.success(request, "The change idea has been removed")
    return redirect("aim_detail", team=request.team.slug, pk=aim_id)


# --- Measures ------------------------------------------------------------------------------------


def measure_list(request: HttpRequest, team: str) -> HttpResponse:
    rows = presenters.measure_list_rows(request.team, list(Measure.objects.for_team(request.team)))
    return render(
        request,
        "framework/measure_list.jinja",
        {
            "team": request.team,
            "rows": rows,
            "can_edit": allows(request.user, "measure_create", request.team),
            "can_share": allows(request.user, "measure_sharing", request.team),
            "can_enter": allows(request.user, "value_entry_index", request.team),
            "active": "programme",
        },
    )


@require_http_methods(["GET", "POST"])
def measure_sharing(request: HttpRequest, team: str) -> HttpResponse:
    """Which of the team's measures it shares with the programme, all chosen on one page."""
    form = SharingForm(request.POST or None, team=request.team)
    if request.method == "POST" and form.is_valid():
        result = actions.set_programme_sharing(request.team, {m.pk for m in form.cleaned_data["shared"]})
        if result.shared or result.stopped:
            messages.success(
                request,
                f"Saved: {result.shared} more shared with the programme, {result.stopped} no longer shared",
            )
        else:
            messages.success(request, "Nothing changed")
        return redirect("measure_list", team=request.team.slug)
    return render(
        request,
        "framework/measure_sharing.jinja",
        {"team": request.team, "form": form, "active": "programme"},
    )


@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, team: str) -> HttpResponse:
    initial: dict[str, object] = {
        "frequency": Frequency.MONTHLY,
        "data_source": DataSource.MANUAL,
        "chart": "xmr",
    }
    start = _measure_starting_point(request)
    initial.update(start.initial)
    form = MeasureForm(request.POST or None, team=request.team, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.team = request.team
        form.instance.position = Measure.objects.for_team(request.team).count()
        measure = form.save()
        messages.success(request, f"{measure.name} has been added to the plan")
        return redirect("measure_detail", team=request.team.slug, pk=measure.pk)
    back = start.back or reverse("plan", args=[team])
    return _form_page(request, form, "Add a measure", "Add measure", back, lead=start.lead)


@dataclass(frozen=True)
class _StartingPoint:
    initial: dict[str, object]
    lead: str = ""
    back: str = ""


def _measure_starting_point(request: HttpRequest) -> _StartingPoint:
    """Where "Add a measure" was followed from (`?domain=`, `?aim=`, `?driver=` or `?change_idea=`, ids in
    this team): the new measure starts linked to what the model can hold, the aim and its quality domain (a
    driver or change idea belongs to an aim; what moves a driver is usually a process measure). Anything else,
    another team's id included, is ignored."""
    team = request.team
    query = request.GET

    def number(name: str) -> int | None:
        text = query.get(name, "")
        return int(text) if text.isdigit() and len(text) < 19 else None

    if (pk := number("change_idea")) is not None:
        idea = ChangeIdea.objects.select_related("driver__aim").filter(driver__aim__team=team, pk=pk).first()
        if idea is not None:
            aim = idea.driver.aim
            return _StartingPoint(
                {"aim": aim.pk, "domains": [aim.domain_id], "measure_type": MeasureType.PROCESS},
                f"For the change idea “{idea.text}”, under the aim “{aim.what}”.",
                reverse("aim_detail", args=[team.slug, aim.pk]),
            )
    if (pk := number("driver")) is not None:
        driver = Driver.objects.select_related("aim").filter(aim__team=team, pk=pk).first()
        if driver is not None:
            aim = driver.aim
            return _StartingPoint(
                {"aim": aim.pk, "domains": [aim.domain_id], "measure_type": MeasureType.PROCESS},
                f"For the driver “{driver.text}”, under the aim “{aim.what}”.",
                reverse("aim_detail", args=[team.slug, aim.pk]),
            )
    if (pk := number("aim")) is not None:
        aim = Aim.objects.filter(team=team, pk=pk).first()
        if aim is not None:
            return _StartingPoint(
                {"aim": aim.pk, "domains": [aim.domain_id]},
                f"For the aim “{aim.what}”.",
                reverse("aim_detail", args=[team.slug, aim.pk]),
            )
    if (pk := number("domain")) is not None:
        domain = Domain.objects.for_team(team).filter(pk=pk).first()
        if domain is not None:
            return _StartingPoint({"domains": [domain.pk]}, f"For the quality domain “{domain.i_statement}”.")
    return _StartingPoint({})


@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure, team=request.team, pk=pk)
    form = MeasureForm(request.POST or None, instance=measure, team=request.team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your changes have been saved")
        return redirect("measure_detail", team=request.team.slug, pk=measure.pk)
    back = reverse("measure_detail", args=[team, pk])
    return _form_page(request, form, f"Change {measure.name}", "Save", back)


def _team_measure(request: HttpRequest, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("aim", "source").prefetch_related("domains"), team=request.team, pk=pk
    )


def measure_detail(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    return _measure_page(request, _team_measure(request, pk))


def _measure_page(
    request: HttpRequest, measure: Measure, baseline_form: BaselineForm | None = None
) -> HttpResponse:
    (item,) = results_for(request.team, [measure])
    suggestion = baselines.suggestion_for(item)
    can_decide = allows(request.user, "baseline_accept", request.team)
    if suggestion is not None and can_decide and baseline_form is None:
        baseline_form = BaselineForm(initial={"start": suggestion.start})
    # The team's own page: nothing is hidden from the team (outside_team=False).
    view = shown_for(
        item,
        outside_team=False,
        id_prefix=f"measure-{measure.pk}",
        highlight=suggestion.highlight if suggestion else None,
    )
    domains = list(measure.domains.all())
    return render(
        request,
        "framework/measure_detail.jinja",
        {
            "team": request.team,
            "measure": measure,
            "item": item,
            "result": item.result,
            "svg": view.svg,
            "committee": " ".join(view.committee),
            "easy_read": " ".join(view.easy_read),
            "domains": domains,
            "behind": presenters.themes_behind(domains, request.team),
            "number": numbers.shown,
            "period_label": period_label,
            "where_from": values.where_from(measure),
            "history": values.history(measure),
            "can_edit": allows(request.user, "measure_edit", request.team),
            "can_enter": allows(request.user, "annotation_add", request.team),
            "suggestion": suggestion,
            "baseline_form": baseline_form,
            "can_decide": can_decide,
            "recalculations_shown": view.recalculations,
            "requests": list(BaselineRequest.objects.filter(measure=measure, decided_at__isnull=True)),
            "request_form": BaselineForm() if can_decide else None,
            "active": "programme",
        },
    )


def _suggestion_still_stands(request: HttpRequest, measure: Measure, start: dt.date | None) -> bool:
    """Is the suggestion the person decided on still the one the chart makes? (New data may have come.)"""
    if start is not None:
        (item,) = results_for(request.team, [measure])
        suggestion = baselines.suggestion_for(item)
        if suggestion is not None and suggestion.start == start:
            return True
    messages.error(request, "The chart has changed since you opened the page, so nothing was saved.")
    return False


@require_POST
def baseline_accept(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    """Start new limits from the first point of the lasting shift, with a reason (never automatic)."""
    measure = _team_measure(request, pk)
    form = BaselineForm(request.POST)
    if not form.is_valid() and "start" not in form.errors:
        return _measure_page(request, measure, baseline_form=form)  # the message is at the field
    start = form.cleaned_data.get("start")
    asked = _pending_request(measure, form.cleaned_data.get("request"), start)
    if asked is not None or (_suggestion_still_stands(request, measure, start) and start is not None):
        actions.accept_baseline(measure, start, form.cleaned_data["reason"], by=request.user)
        if asked is not None:
            BaselineRequest.objects.filter(pk=asked.pk).update(decided_at=timezone.now())
        messages.success(request, f"New limits start from {period_label(measure.frequency, start)}")
    return redirect("measure_detail", team=request.team.slug, pk=measure.pk)


def _pending_request(measure: Measure, pk: int | None, start: dt.date | None) -> BaselineRequest | None:
    """The imported file's request to start new limits the person decided on, if it is still waiting."""
    if pk is None or start is None:
        return None
    return BaselineRequest.objects.filter(
        measure=measure, pk=pk, start=start, decided_at__isnull=True
    ).first()


@require_POST
def baseline_dismiss(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    """Keep the current limits; the page does not suggest new ones again until a new shift starts."""
    measure = _team_measure(request, pk)
    form = BaselineDismissForm(request.POST)
    start = form.cleaned_data["start"] if form.is_valid() else None
    asked = _pending_request(measure, form.cleaned_data.get("request") if start else None, start)
    if asked is not None:
        BaselineRequest.objects.filter(pk=asked.pk).update(decided_at=timezone.now())
        messages.success(request, "The limits stay as they are.")
    elif _suggestion_still_stands(request, measure, start) and start is not None:
        actions.dismiss_baseline(measure, start)
        messages.success(request, "The limits stay as they are. We will ask again if a new shift starts.")
    return redirect("measure_detail", team=request.team.slug, pk=measure.pk)


@require_http_methods(["GET", "POST"])
def annotation_add(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure, team=request.team, pk=pk)
    can_recalculate = allows(request.user, "baseline_accept", request.team)
    form = AnnotationForm(request.POST or None, can_recalculate=can_recalculate)
    if request.method == "POST" and form.is_valid():
        form.instance.measure = measure
        form.instance.created_by = request.user
        form.save()
        messages.success(request, "The event has been added to the chart")
        return redirect("measure_detail", team=request.team.slug, pk=measure.pk)
    back = reverse("measure_detail", args=[team, pk])
    return _form_page(request, form, f"Add an event to {measure.name}", "Add event", back)


@require_POST
def annotation_delete(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    annotation = get_object_or_404(Annotation, measure__team=request.team, pk=pk)
    if annotation.new_baseline and not allows(request.user, "baseline_accept", request.team):
        # Removing a new baseline puts the old limits back: governed like starting one.
        raise PermissionDenied
    measure_id = annotation.measure_id
    annotation.delete()
    messages.success(request, "The event has been removed")
    return redirect("measure_detail", team=request.team.slug, pk=measure_id)


# --- Values --------------------------------------------------------------------------------------


def _manual(team: object, frequency: str) -> list[Measure]:
    return list(Measure.objects.for_team(team).filter(data_source=DataSource.MANUAL, frequency=frequency))


def value_entry_index(request: HttpRequest, team: str) -> HttpResponse:
    sections = []
    for frequency, label in Frequency.choices:
        measures = _manual(request.team, frequency)
        if not measures:
            continue
        periods = []
        current = last_complete_period(frequency)
        for _ in range(12):
            periods.append(current)
            current = period_start(frequency, current - dt.timedelta(days=1))
        counts = dict(
            Value.objects.filter(measure__in=measures, period__in=periods)
            .values_list("period")
            .annotate(n=Count("pk"))
        )
        sections.append(
            {
                "frequency": frequency,
                "label": label,
                "measures": measures,
                "rows": [(p, period_label(frequency, p), counts.get(p, 0)) for p in periods],
            }
        )
    return render(
        request,
        "framework/value_entry_index.jinja",
        {"team": request.team, "sections": sections, "active": "programme"},
    )


@require_http_methods(["GET", "POST"])
def value_entry(request: HttpRequest, team: str, frequency: str, period: str) -> HttpResponse:
    if frequency not in Frequency.values:
        raise Http404
    try:
        start = dt.date.fromisoformat(period)
    except ValueError as error:
        raise Http404 from error
    if period_start(frequency, start) != start or start > dt.date.today():
        raise Http404
    measures = _manual(request.team, frequency)
    existing = {v.measure_id: v for v in Value.objects.filter(measure__in=measures, period=start)}
    form = ValueEntryForm(request.POST or None, measures=measures, existing=existing)
    if request.method == "POST" and form.is_valid():
        result = actions.save_period_values(measures, start, form.entries, by=request.user)
        messages.success(
            request,
            f"Saved for {period_label(frequency, start)}: {result.created} new, {result.replaced} changed",
        )
        return redirect("value_entry_index", team=request.team.slug)
    return render(
        request,
        "framework/value_entry.jinja",
        {
            "team": request.team,
            "form": form,
            "label": period_label(frequency, start),
            "active": "programme",
        },
    )


@require_http_methods(["GET", "POST"])
def value_grid(request: HttpRequest, team: str) -> HttpResponse:
    """Every typed-in measure as a row, a range of periods as columns, saved in one submit (see `grid`)."""
    grid_range = grid.range_from(request.GET, grid.frequencies_with_measures(request.team))
    measures = grid.typed_measures(request.team, grid_range.frequency)
    if request.method == "POST":
        the_grid = grid.build(grid_range, measures, request.POST)
        if not the_grid.errors:
            written = grid.save(the_grid, by=request.user)
            messages.success(
                request,
                f"Saved: {written.created} new, {written.replaced} changed, {written.unchanged} unchanged",
            )
            return redirect(f"{reverse('value_grid', args=[team])}?{grid_range.query()}")
    else:
        the_grid = grid.build(grid_range, measures)
    return render(
        request,
        "framework/value_grid.jinja",
        {
            "team": request.team,
            "grid": the_grid,
            "frequency_labels": dict(Frequency.choices),
            "active": "programme",
        },
    )


@require_http_methods(["GET", "POST"])
@upload_limit(importing.MAX_BYTES)
def value_import(request: HttpRequest, team: str) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = ValueImport.objects.create(
            team=request.team,
            uploaded_by=request.user,
            file_name=upload.name[:200],
            content=upload.read(),
        )
        run_value_import.enqueue(record.pk)
        return redirect("value_import_detail", team=request.team.slug, pk=record.pk)
    recent = ValueImport.objects.filter(team=request.team).defer("content")[:10]
    return render(
        request,
        "framework/value_import.jinja",
        {"team": request.team, "form": form, "recent": recent, "active": "programme"},
    )


def value_import_detail(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    record = get_object_or_404(ValueImport.objects.defer("content"), team=request.team, pk=pk)
    if record.status == ValueImport.Status.RUNNING and tasks_common.sweep(tasks.KIND, pk=record.pk):
        record.refresh_from_db()
    return render(
        request,
        "framework/value_import_detail.jinja",
        {"team": request.team, "upload": record, "confirm_form": ConfirmImportForm(), "active": "programme"},
    )


@require_POST
def value_import_confirm(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    """Save a previewed upload: the file kept with the upload is checked again and saved (nothing the page
    sent back is trusted but the tick). Values typed by hand are kept unless the person ticked to replace
    them."""
    form = ConfirmImportForm(request.POST)
    form.is_valid()
    replace_typed = bool(form.cleaned_data.get("replace_typed"))
    started = ValueImport.objects.filter(
        team=request.team, pk=pk, status=ValueImport.Status.PREVIEW, confirmed=False
    ).update(
        status=ValueImport.Status.QUEUED, confirmed=True, replace_typed=replace_typed, rows_done=0, report={}
    )
    if not started:
        get_object_or_404(ValueImport.objects.defer("content"), team=request.team, pk=pk)
        messages.error(request, "This import has already been saved or cannot be saved.")
    else:
        run_value_import.enqueue(pk)
    return redirect("value_import_detail", team=request.team.slug, pk=pk)


def value_import_example(request: HttpRequest, team: str) -> HttpResponse:
    """An example file with this team's measures, for the last complete period (cells made safe to open)."""
    out = io.StringIO()
    writer = safe.writer(out)
    writer.writerow(["measure", "team", "period", "value", "numerator", "denominator", "note"])
    for m in Measure.objects.for_team(request.team):
        period = last_complete_period(m.frequency).isoformat()
        if m.needs_denominator:
            writer.writerow([m.code, request.team.slug, period, "", 12, 20, ""])
        else:
            writer.writerow([m.code, request.team.slug, period, 14, "", "", ""])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.team.slug}-values-example.csv"'
    return response


# --- The national measure library ----------------------------------------------------------------


def library(request: HttpRequest) -> HttpResponse:
    measures = LibraryMeasure.objects.prefetch_related(
        Prefetch("adoptions", queryset=Measure.objects.select_related("team"))
    )
    teams = [t for t in Team.objects.visible_to(request.user).filter(is_active=True)]
    adopt_teams = [t for t in teams if allows(request.user, "library_adopt", t)]
    return render(
        request,
        "framework/library.jinja",
        {"measures": measures, "adopt_teams": adopt_teams, "active": "library"},
    )


def library_measure(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(LibraryMeasure, pk=pk)
    teams = [t for t in Team.objects.visible_to(request.user).filter(is_active=True)]
    return render(
        request,
        "framework/library_measure.jinja",
        {
            "measure": measure,
            "adopt_teams": [t for t in teams if allows(request.user, "library_adopt", t)],
            "active": "library",
        },
    )


@require_http_methods(["GET", "POST"])
def library_adopt(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    source = get_object_or_404(LibraryMeasure, pk=pk)
    form = AdoptForm(request.POST or None, team=request.team, initial={"code": source.code})
    if request.method == "POST" and form.is_valid():
        measure = actions.adopt_library_measure(
            request.team,
            source,
            code=form.cleaned_data["code"],
            domains=list(form.cleaned_data["domains"]),
            aim=form.cleaned_data["aim"],
        )
        messages.success(request, f"{measure.name} has been added to your plan. You can change it to fit.")
        return redirect("measure_detail", team=request.team.slug, pk=measure.pk)
    back = reverse("library_measure", args=[pk])
    return _form_page(
        request, form, f"Add “{source.name}” to the plan of {request.team.name}", "Add to our plan", back
    )


# --- Framework export and import -----------------------------------------------------------------


def _json_download(document: dict, name: str) -> HttpResponse:
    response = HttpResponse(actions.dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def framework_export(request: HttpRequest, team: str) -> HttpResponse:
    return _json_download(actions.export_team(request.team), f"{request.team.slug}-framework.json")


@require_http_methods(["GET", "POST"])
@upload_limit(framework_file.MAX_BYTES)
def framework_import(request: HttpRequest, team: str) -> HttpResponse:
    return _framework_import(
        request, lambda data, file: actions.import_team(request.team, data, file=file), team=request.team
    )


def programme_framework_export(request: HttpRequest) -> HttpResponse:
    return _json_download(actions.export_programme(), "programme-framework.json")


@require_http_methods(["GET", "POST"])
@upload_limit(framework_file.MAX_BYTES)
def programme_framework_import(request: HttpRequest) -> HttpResponse:
    return _framework_import(request, lambda data, file: actions.import_programme(data, file=file), team=None)


def _framework_import(request: HttpRequest, run: object, team: object) -> HttpResponse:
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    report = None
    problems: list = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte more than the limit is enough to know a file is too large.
            report = run(upload.read(actions.MAX_BYTES + 1), upload.name)  # type: ignore[operator]
        except actions.FrameworkError as error:
            problems = error.problems
            form.add_error("file", actions.summary(problems))
    return render(
        request,
        "framework/framework_import.jinja",
        {
            "form": form,
            "report": report,
            "problems": problems,
            "team": team,
            "active": "programme" if team else "library",
        },
    )


# --- Targets over time ---------------------------------------------------------------------------


def measure_targets(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    """The measure's targets over time: rows of from, value and line, all saved or none."""
    measure = get_object_or_404(Measure, team=request.team, pk=pk)
    if request.method == "POST":
        formset = TargetRowsFormSet(request.POST, measure=measure, prefix="row")
        if formset.is_valid():
            kept = actions.set_target_rows(measure, formset.rows())
            noun = "row" if kept == 1 else "rows"
            messages.success(request, f"The targets over time have been saved ({kept} {noun})")
            return redirect("measure_detail", team=request.team.slug, pk=measure.pk)
    else:
        formset = TargetRowsFormSet(initial=target_rows_initial(measure), measure=measure, prefix="row")
    return render(
        request,
        "framework/measure_targets.jinja",
        {
            "measure": measure,
            "formset": formset,
            "errors": formset.error_list() if formset.is_bound else [],
            "team": request.team,
            "back": reverse("measure_detail", args=[team, pk]),
            "main_label": measure.target_label.strip() or "Target",
            "number": numbers.shown,
        },
    )
