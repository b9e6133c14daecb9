"""API routes for measures, values and SPC results (registered in whatmatters/api/api.py).

Every route names the team (`/teams/{team}/…`), so PermissionMiddleware checks the same table as the pages
and sets `request.team`; lookups below go only through that team.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from whatmatters.api.errors import BAD_PARAMETERS, ERRORS, TOO_LARGE
from whatmatters.api.schemas import MeasureCode, ProblemOut, TeamSlug
from whatmatters.audit.log import actor_for_request
from whatmatters.audit.tracking import acting_as
from whatmatters.framework.measures.importing import (
    MAX_API_ROWS,
    REQUEST,
    REQUIRED,
    check_rows,
    read_rows,
    save_rows,
)
from whatmatters.framework.measures.importing import Report as ImportReport
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import shown_for
from whatmatters.framework.measures.values import Source
from whatmatters.framework.models import Measure, Value
from whatmatters.imports.problems import Refused

router = Router(tags=["measures"])


class TargetOut(Schema):
    """One row of a measure's targets over time: from this period on, this line has this value."""

    from_: date = Field(
        alias="from",
        description=(
            "The first day of the week (a Monday) or month the value holds from, until the line's next row."
        ),
    )
    value: float
    line: str = Field(
        description="The line's name; empty for the measure's target (the one assurance is judged against)."
    )


class MeasureOut(Schema):
    code: str
    name: str
    measure_type: str
    description: str
    operational_definition: str
    numerator: str
    denominator: str
    inclusions: str
    exclusions: str
    unit: str
    chart: str
    direction: str
    uses_denominator: bool
    multiply: float
    target: float | None = Field(description="The target before the first row of `targets` for its line.")
    target_label: str = Field(description='What the target is called ("" reads "Target").')
    targets: list[TargetOut] = Field(
        description="Targets over time (a trajectory) and further named lines, by line then date."
    )
    target_date: date | None
    frequency: str
    data_source: str
    owner: str
    collection: str
    domains: list[str]
    library_source: str | None


class ValueOut(Schema):
    period: date
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str


class PointOut(Schema):
    period: date
    value: float | None
    centre: float | None
    lower: float | None
    upper: float | None
    target: float | None = Field(description="The target in force for the period (the one judged).")
    other_targets: dict[str, float | None] = Field(
        description="Each further target line's value for the period, by the line's name."
    )
    point_type: str


class SpcOut(Schema):
    measure: str
    variation: str | None
    assurance: str | None
    committee: str
    easy_read: str
    target_label: str = Field(description='What the judged target is called ("Target" when not named).')
    warnings: list[str]
    missing_periods: list[date]
    points: list[PointOut]


class ValueIn(Schema):
    """One row of values. The request body is a list of these (at most MAX_API_ROWS)."""

    measure: str = Field(description="The measure's code, as on its page.", max_length=60)
    period: str = Field(description="The first day of the week (a Monday) or month, as YYYY-MM-DD.")
    value: float | str | None = Field(None, description="For measures that take one value.")
    numerator: float | str | None = Field(None, description="For measures with a numerator and denominator.")
    denominator: float | str | None = None
    note: str | None = Field("", max_length=500, description="Must not identify anyone.")
    team: str | None = Field(None, description="Optional: if given, the team in the address.")


class PostResult(Schema):
    detail: str
    saved: bool
    created: int
    replaced: int
    unchanged: int
    problems: list[ProblemOut]


_DERIVED = ("domains", "library_source", "targets")


def _measure_out(m: Measure) -> dict[str, Any]:
    return {
        **{f: getattr(m, f) for f in MeasureOut.model_fields if f not in _DERIVED},
        "targets": [
            {"from": t.starts, "value": t.value, "line": t.label}
            for t in sorted(m.targets.all(), key=lambda t: (t.label, t.starts))
        ],
        "domains": [d.i_statement for d in m.domains.all()],
        "library_source": m.source.code if m.source else None,
    }


def _measure(request: HttpRequest, code: str) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("source").prefetch_related("domains", "targets"),
        team=request.team,
        code=code,
    )


@router.get(
    "/teams/{team}/measures",
    response={200: list[MeasureOut], **ERRORS},
    url_name="measure_list",
    by_alias=True,  # a target row's "from"
    summary="A team's measures, with every field of the measurement plan",
)
def measure_list(request: HttpRequest, team: TeamSlug) -> list[dict[str, Any]]:
    measures = (
        Measure.objects.for_team(request.team).select_related("source").prefetch_related("domains", "targets")
    )
    return [_measure_out(m) for m in measures]


@router.get(
    "/teams/{team}/measures/{code}",
    response={200: MeasureOut, **ERRORS, **BAD_PARAMETERS},
    url_name="measure_detail",
    by_alias=True,  # a target row's "from"
    summary="One measure",
)
def measure_detail(request: HttpRequest, team: TeamSlug, code: MeasureCode) -> dict[str, Any]:
    return _measure_out(_measure(request, code))


@router.get(
    "/teams/{team}/measures/{code}/values",
    response={200: list[ValueOut], **ERRORS, **BAD_PARAMETERS},
    url_name="value_list",
    summary="A measure's values, oldest first",
)
def value_list(request: HttpRequest, team: TeamSlug, code: MeasureCode) -> Any:
    measure = _measure(request, code)
    return Value.objects.filter(measure=measure, measure__team=request.team).order_by("period")


@router.get(
    "/teams/{team}/measures/{code}/spc",
    response={200: SpcOut, **ERRORS, **BAD_PARAMETERS},
    url_name="measure_spc",
    summary="SPC results for a measure: icons, sentences, warnings and every point",
)
def measure_spc(request: HttpRequest, team: TeamSlug, code: MeasureCode) -> dict[str, Any]:
    measure = _measure(request, code)
    (item,) = results_for(request.team, [measure])
    result = item.result
    out: dict[str, Any] = {
        "measure": measure.code,
        "variation": None,
        "assurance": None,
        "committee": "",
        "easy_read": "",
        "target_label": measure.target_label.strip() or "Target",
        "warnings": [],
        "missing_periods": item.missing_periods,
        "points": [],
    }
    if result is None:
        return out
    # The API is read by the team's own tokens: nothing is hidden from the team.
    view = shown_for(item, outside_team=False, chart=False)
    others = [(line, values) for line, values in result.target_lines if line != result.target_label]
    out.update(
        variation=result.variation.committee if result.variation else None,
        assurance=result.assurance.committee if result.assurance else None,
        committee=" ".join(view.committee),
        easy_read=" ".join(view.easy_read),
        warnings=[w.message for w in result.warnings],
        points=[
            {
                "period": p["date"],
                "value": _finite(p["value"]),
                "centre": _finite(p["centre"]),
                "lower": _finite(p["lower"]),
                "upper": _finite(p["upper"]),
                "target": _finite(p["target"]),
                "other_targets": {line: _finite(values[i]) for line, values in others},
                "point_type": str(p["point_type"]),
            }
            for i, p in enumerate(result.points())
        ],
    )
    return out


_ROWS_SCHEMA = {
    "type": "array",
    "maxItems": MAX_API_ROWS,
    "items": {**ValueIn.model_json_schema(), "additionalProperties": False},
}


@router.post(
    "/teams/{team}/values",
    response={200: PostResult, 400: PostResult, **ERRORS, **TOO_LARGE},
    url_name="value_post",
    summary="Post values for a team's measures (all or nothing; the same values again change nothing)",
    description=(
        f"A JSON list of at most {MAX_API_ROWS:,} rows. Every problem is listed with its row (the row's "
        "place in the list, from 1) and column (the field), and nothing is saved. The checks are those of "
        "an imported file (docs/importing.md)."
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ROWS_SCHEMA}}}
    },
)
def value_post(request: HttpRequest, team: str) -> Any:
    # The body is read here, not by django-ninja, so that NaN, Infinity, 4,000-digit numbers and deep
    # nesting are each refused with a row and column (a body over the size limit: a 413, from api.errors).
    header = [*REQUIRED, "value", "numerator", "denominator", "note"]
    try:
        rows = read_rows(request.body, team=request.team.slug)
    except Refused as refused:
        return Status(400, _result(ImportReport(file=REQUEST, problems=refused.problems)))
    if not rows:
        nothing = _result(ImportReport(file=REQUEST))
        return Status(200, {**nothing, "detail": "No rows were sent: nothing changed."})
    clean, problems = check_rows(header, rows, file=REQUEST, allowed_teams={request.team.slug})
    report = ImportReport(file=REQUEST, problems=problems, rows=clean)
    if not problems:
        with acting_as(actor_for_request(request)):
            save_rows(clean, report, source=Source.API, by=request.user)
    return Status(400 if problems else 200, _result(report))


def _result(report: ImportReport) -> dict[str, Any]:
    """The answer to a post: a one-line `detail`, the counts, and the first MAX_SHOWN problems."""
    out = report.as_dict()
    return {
        "detail": out["summary"],
        **{k: out[k] for k in ("saved", "created", "replaced", "unchanged", "problems")},
    }


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None
