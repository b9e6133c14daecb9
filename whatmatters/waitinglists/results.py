"""A team's flow and Plan ahead results, worked out when an extract is imported and stored.

`store(team, job)` runs when an import is saved: it loads the team's saved rows into an in-memory DuckDB
with the tables the flow core expects, runs the clock rules, analytics and forecasts (`flow.charts`,
`flow.forecast`) at the import's census date, and keeps the results as JSON in `StoredResult`, one per team
and page, replacing the last import's. A page view then reads them (`flow_result`, `plan_inputs`): no
DuckDB. Should the stored result not match (an import from before results were stored, or the team's
codes, clock rules or beds changed since), the page works it out once and stores that. Only the team's own
rows are ever read.
"""

# SQL here is built from the contract's fixed table and column names only.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import duckdb
import numpy as np

from whatmatters.flow import contract, forecast
from whatmatters.flow.charts import FlowCharts, waits_charts, ward_charts
from whatmatters.flow.clocks import compute_waits
from whatmatters.flow.database import connect
from whatmatters.waitinglists.models import (
    ClockPause,
    ClockRuleChoice,
    Contact,
    Event,
    ExtractImport,
    ExtractTeam,
    Referral,
    StoredResult,
    WardStay,
)

MAX_BIN = 52

# --- Loading a team's rows -------------------------------------------------------------------------


def _load(team: Any) -> duckdb.DuckDBPyConnection:
    """The team's saved rows in a new in-memory DuckDB, in the tables and columns of the contract."""
    con = connect()
    for spec in contract.FILES:
        cols = ", ".join(
            f"{c.name} {'DATE' if c.kind is contract.Kind.DATE else 'VARCHAR'}" for c in spec.columns
        )
        con.execute(f"CREATE TABLE {spec.name} (row BIGINT, {cols})")
    sources = {
        "referrals": (Referral.objects.filter(team=team), {"team_id": "team_code"}),
        "contacts": (Contact.objects.filter(team=team), {}),
        "ward_stays": (WardStay.objects.filter(team=team), {}),
        "clock_pauses": (ClockPause.objects.filter(team=team), {}),
        # The clock rules match events to referrals by person and date, so the team's people's events.
        "events": (
            Event.objects.filter(person_id__in=Referral.objects.filter(team=team).values("person_id")),
            {},
        ),
    }
    for name, (queryset, renamed) in sources.items():
        _insert(con, name, queryset, renamed)
    return con


def _insert(con: duckdb.DuckDBPyConnection, name: str, queryset: Any, renamed: dict[str, str]) -> None:
    spec = contract.FILES_BY_NAME[name]
    model_fields = {f.name for f in queryset.model._meta.concrete_fields}
    columns = [c.name for c in spec.columns if renamed.get(c.name, c.name) in model_fields]
    rows = list(queryset.values_list(*[renamed.get(c, c) for c in columns]))
    if not rows:
        return
    frame = {
        c: np.array(["" if v is None else str(v) for v in (r[i] for r in rows)], dtype=object)
        for i, c in enumerate(columns)
    }
    con.register("frame", frame)
    select = ", ".join(
        f"CAST(nullif({c}, '') AS DATE)" if spec.column(c).kind is contract.Kind.DATE else f"nullif({c}, '')"
        for c in columns
    )
    # row: a running number, unique in the table as the clock rules need (there is no file row here)
    con.execute(
        f"INSERT INTO {name} (row, {', '.join(columns)}) SELECT row_number() OVER () + 1, {select} FROM frame"
    )
    con.unregister("frame")


# --- Which data a result comes from ----------------------------------------------------------------


def latest_import(team: Any) -> ExtractImport | None:
    """The team's current extract: its latest saved import that is not history."""
    return (
        ExtractImport.objects.filter(teams=team, status=ExtractImport.Status.SAVED, as_history=False)
        .order_by("-extract_date", "-pk")
        .only("pk", "extract_date")
        .first()
    )


def codes_for(team: Any) -> tuple[list[ExtractTeam], list[ExtractTeam]]:
    """The team's extract codes: those whose waits are counted, and wards."""
    codes = list(ExtractTeam.objects.filter(team=team))
    return [c for c in codes if c.clock_rule != ClockRuleChoice.WARD], [
        c for c in codes if c.clock_rule == ClockRuleChoice.WARD
    ]


def setting_version(codes: list[ExtractTeam]) -> str:
    """A short name for the team's codes, clock rules and beds: a result is worked out with them."""
    setting = sorted((c.pk, c.code, c.clock_rule, c.beds) for c in codes)
    return hashlib.sha256(repr(setting).encode()).hexdigest()[:20]


# --- Working results out ---------------------------------------------------------------------------


def work_out_flow(
    team: Any, census: date, waits_codes: list[ExtractTeam], wards: list[ExtractTeam]
) -> FlowCharts:
    con = _load(team)
    try:
        found = waits_charts(con, waits_codes[0].clock_rule, census) if waits_codes else FlowCharts()
        charts = list(found.charts)
        for ward in wards:
            charts.extend(ward_charts(con, ward.code, ward.beds, census))
    finally:
        con.close()
    return FlowCharts(found.rule_label, found.rule_description, tuple(charts))


def _baseline(team: Any, rule_name: str, census: date) -> forecast.PlanBaseline | None:
    """Calibrate the forecast on the team's waits (the one part of a plan that needs DuckDB)."""
    con = _load(team)
    try:
        rule = compute_waits(con, rule_name, census)
        rows = con.execute("SELECT clock_start, clock_stop, status FROM waits").fetchall()
        [(missed, due)] = con.execute(
            "SELECT count(*) FILTER (WHERE attend_status = '3'), "
            "count(*) FILTER (WHERE attend_status IN ('3', '5', '6', '7')) FROM contacts"
        ).fetchall()
    finally:
        con.close()
    return forecast.plan_baseline(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] == "stopped" for r in rows],
        census,
        rule.standard_days,
        missed=missed,
        due=due,
        max_bin=MAX_BIN,
    )


def work_out_plan(team: Any, rule_name: str, census: date) -> dict[str, Any]:
    """What Plan ahead reads: the baseline, why there is too little to plan from (or None), and the plan
    with no what-if choices (most views ask for no more)."""
    base = _baseline(team, rule_name, census)
    shortfall = forecast.plan_shortfall(base, census)
    if base is None or shortfall is not None:
        return {"baseline": None, "shortfall": shortfall, "default": None}
    default = forecast.plan(base, forecast.Levers(dna_rate_now=base.dna_rate))
    return {"baseline": base.to_dict(), "shortfall": None, "default": default.scenario.to_dict()}


def _work_out(team: Any, page: str, census: date, codes: tuple[list[ExtractTeam], list[ExtractTeam]]) -> Any:
    waits_codes, wards = codes
    if page == StoredResult.Page.FLOW:
        return work_out_flow(team, census, waits_codes, wards).to_dict()
    if not waits_codes:
        return {"baseline": None, "shortfall": None, "default": None}
    return work_out_plan(team, waits_codes[0].clock_rule, census)


def _save(team: Any, page: str, job: ExtractImport, setting: str, data: Any) -> None:
    StoredResult.objects.update_or_create(
        team=team,
        page=page,
        defaults={
            "extract_import": job,
            "census": job.extract_date,
            "setting": setting,
            "data": data,
        },
    )


def store(team: Any, job: ExtractImport) -> None:
    """Work out and store the team's flow and Plan ahead results from its current extract. Called when an
    import is saved, in its transaction, so the stored results and the saved rows go together."""
    current = latest_import(team)
    if current is None:
        return
    codes = codes_for(team)
    setting = setting_version(codes[0] + codes[1])
    for page in StoredResult.Page.values:
        _save(team, page, current, setting, _work_out(team, page, current.extract_date, codes))


def stored(
    team: Any, page: str, job: ExtractImport, codes: tuple[list[ExtractTeam], list[ExtractTeam]]
) -> Any:
    """The stored result for the team's page from `job` (its current extract). Worked out and stored
    once if it is missing or was worked out from other data or another setting."""
    setting = setting_version(codes[0] + codes[1])
    found = (
        StoredResult.objects.filter(team=team, page=page, extract_import=job, setting=setting)
        .only("data", "census")
        .first()
    )
    if found is not None and found.census == job.extract_date:
        return found.data
    data = _work_out(team, page, job.extract_date, codes)
    _save(team, page, job, setting, data)
    return data
