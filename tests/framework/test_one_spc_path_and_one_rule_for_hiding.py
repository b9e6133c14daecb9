"""Issue 14: one SPC path on stored measures (`framework.measures.results.results_for`) and one rule for
what is hidden (`whatmatters.disclosure`), with guard tests that fail when a copy comes back.

The guards read the source with `ast`, so they see what the code does, not what it is called:
- SPC: outside `whatmatters/spc/` (the engine and its CSV command line) and `whatmatters/framework/measures/`,
  no module may import an analyse function of the engine (`analyse`, `analyse_many`, `analyse_array`,
  `run_batch`), import `whatmatters.spc.engine`, or call `.analyse*` on the `whatmatters.spc` package.
- Hiding: outside `whatmatters/disclosure.py`, no module may use the threshold constant (`SMALLEST_SHOWN`)
  or round to the nearest 5 itself (`5 * round(...)`, `round(... / 5)`), and no module that takes part in
  disclosure control (it imports `whatmatters.disclosure`) and no function about hiding (its name or a
  parameter says hide, small, suppress, disclos or private) may compare anything with 7 or 8.
  What this cannot see: a threshold spelt another way (a variable set to 8 elsewhere, 9 with <=). It is a
  tripwire for the copies the issue found, not a proof.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from tests.framework.factories import make_domain, make_measure, months
from tests.reports.conftest import build_world
from whatmatters.dashboards.presenters import card_for
from whatmatters.disclosure import is_small, rate_is_suppressed
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import HIDDEN_COUNT, HIDDEN_SMALL, chart_would_disclose, shown_for
from whatmatters.framework.models import Annotation, Value
from whatmatters.reports import exports
from whatmatters.reports.models import Report
from whatmatters.reports.presenters import measure_reports
from whatmatters.spc import numbers
from whatmatters.surveys.presenters import _percent
from whatmatters.teams.roles import Role

APP = Path(__file__).resolve().parents[2] / "whatmatters"


# --- One SPC path ---------------------------------------------------------------------------------


def _limits(item: Any, period: dt.date) -> tuple[str, str, str]:
    (point,) = [p for p in item.result.points() if p["date"] == period.isoformat()]
    return (
        numbers.exact(point.get("centre")),
        numbers.exact(point.get("lower")),
        numbers.exact(point.get("upper")),
    )


def _csv_limits(team: Any, code: str, period: dt.date, as_of: dt.date | None) -> tuple[str, str, str]:
    (row,) = [
        r
        for r in exports.measure_rows(team, as_of=as_of)
        if r["measure_code"] == code and r["period"] == period.isoformat()
    ]
    return row["centre"], row["lower_limit"], row["upper_limit"]


@pytest.mark.django_db
def test_a_report_for_a_past_period_and_the_csv_cut_at_its_last_day_show_the_same_limits_for_a_month(
    programme: Any,
) -> None:
    world = build_world(programme.team_a)
    team, june = world["team"], dt.date(2024, 6, 1)
    end = dt.date(2024, 6, 30)
    report = {r.measure.code: r for r in measure_reports(team, dt.date(2024, 1, 1), end, "committee")}
    in_report = _limits(report["wait-days"].item, june)
    # Where the two paths disagreed: the export of every value re-works the new baseline's limits with
    # the months after June, so June's limits there are not the ones the report for January to June shows.
    assert _csv_limits(team, "wait-days", june, None) != in_report
    assert _csv_limits(team, "wait-days", june, end) == in_report
    assert "2024-07-01" not in {r["period"] for r in exports.measure_rows(team, as_of=end)}


@pytest.mark.django_db
def test_a_ready_report_offers_the_csv_up_to_its_last_day_and_the_csv_stops_there(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    build_world(programme.team_a)
    lead = client_for(people[Role.TEAM_LEAD])
    lead.post(
        "/teams/team-a/reports/new/",
        {"audience": "committee", "date_from": "2024-01-01", "date_to": "2024-06-30"},
    )
    report = Report.objects.latest("pk")
    page = lead.get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    assert 'href="/teams/team-a/export/measures.csv?to=2024-06-30"' in page
    assert "Download the measure values and chart results up to 30 June 2024 (CSV)" in page
    response = lead.get("/teams/team-a/export/measures.csv?to=2024-06-30")
    assert response.status_code == 200
    assert 'filename="what-matters-team-a-measures-to-2024-06-30.csv"' in response["Content-Disposition"]
    periods = {r["period"] for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert max(periods) == "2024-06-01"


@pytest.mark.django_db
def test_a_csv_cut_at_a_day_that_is_not_a_date_is_refused_in_plain_words(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.TEAM_LEAD]).get("/teams/team-a/export/measures.csv?to=30/06/2024")
    assert response.status_code == 400
    assert (
        response.content.decode()
        == "The day to show the values up to must be a date written like 2024-06-30."
    )


@pytest.mark.django_db
def test_results_as_of_a_day_leave_out_later_values_and_notes_before_anything_is_analysed(
    programme: Any,
) -> None:
    team = programme.team_a
    measure = make_measure(team, make_domain(team, "I am seen quickly"))
    for period, value in zip(months(dt.date(2023, 1, 1), 24), [40] * 12 + [20] * 12, strict=True):
        Value.objects.create(measure=measure, period=period, value=value)
    Annotation.objects.create(measure=measure, date=dt.date(2024, 3, 2), text="New triage", new_baseline=True)
    (before,) = results_for(team, [measure], as_of=dt.date(2024, 2, 29))
    assert max(before.values) == dt.date(2024, 2, 1) and before.periods[-1] == dt.date(2024, 2, 1)
    assert before.annotations == []  # a new baseline after the day never changes the limits as of that day
    (now,) = results_for(team, [measure])
    assert len(now.annotations) == 1 and max(now.values) == dt.date(2024, 12, 1)


# --- One rule for what is hidden ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("latest", "hidden", "shown_as"), [(7.6, False, "10"), (7.4, True, "*")])
def test_7_6_people_is_shown_the_same_everywhere_and_7_4_is_hidden_everywhere(
    programme: Any, latest: float, hidden: bool, shown_as: str
) -> None:
    team = programme.team_a
    measure = make_measure(
        team, make_domain(team, "I get a bed"), "admissions", unit="people", chart="c", direction="decrease"
    )
    for period, value in zip(months(dt.date(2023, 1, 1), 13), [20.0] * 12 + [latest], strict=True):
        Value.objects.create(measure=measure, period=period, value=value)
    (item,) = results_for(team, [measure], as_of=dt.date(2024, 1, 31))
    assert is_small(latest) is hidden
    assert chart_would_disclose(measure, item) == (HIDDEN_SMALL if hidden else HIDDEN_COUNT)
    view = shown_for(item, outside_team=True)
    assert view.suppressed is hidden and view.latest.split()[0] == shown_as
    card = card_for(item, None, outside_team=True)
    assert card.suppressed is hidden and card.latest.split()[0] == shown_as
    (report,) = measure_reports(team, dt.date(2024, 1, 1), dt.date(2024, 1, 31), "committee")
    assert report.rows[-1].value == shown_as and report.hidden == view.hidden
    (row,) = [
        r for r in exports.measure_rows(team, as_of=dt.date(2024, 1, 31)) if r["period"] == "2024-01-01"
    ]
    assert row["value"] == shown_as


def test_survey_percentages_are_hidden_by_the_same_rule_as_every_other_rate() -> None:
    for whole in range(1, 30):
        for part in range(whole + 1):
            assert (_percent(part, whole, hide=True) == "*") is rate_is_suppressed(part, whole), (part, whole)
            assert _percent(part, whole, hide=False) != "*"


# --- Guards ---------------------------------------------------------------------------------------

ENGINE_FUNCTIONS = {"analyse", "analyse_many", "analyse_array", "run_batch"}
SPC_ALLOWED = ("spc/", "framework/measures/")


def spc_engine_calls(source: str) -> list[str]:
    """Where this module reaches the SPC engine's analyse functions (line: what)."""
    tree = ast.parse(source)
    found: list[str] = []
    spc_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module in ("whatmatters.spc", "whatmatters.spc.engine"):
                for alias in node.names:
                    if alias.name in ENGINE_FUNCTIONS or alias.name == "*":
                        found.append(f"{node.lineno}: imports {alias.name} from {node.module}")
            if node.module == "whatmatters.spc" or node.module == "whatmatters":
                for alias in node.names:
                    if alias.name in ("engine", "spc"):
                        spc_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "whatmatters.spc.engine":
                    found.append(f"{node.lineno}: imports whatmatters.spc.engine")
                elif alias.name == "whatmatters.spc":
                    spc_names.add(alias.asname or "whatmatters")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENGINE_FUNCTIONS:
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in spc_names:
                found.append(f"{node.lineno}: calls {node.attr}")
    return found


SMALL_WORDS = ("hide", "hidden", "small", "suppress", "disclos", "private")


def _compares_with_7_or_8(node: ast.AST) -> bool:
    return isinstance(node, ast.Compare) and any(
        isinstance(side, ast.Constant) and type(side.value) is int and side.value in (7, 8)
        for side in [node.left, *node.comparators]
    )


def _rounds_to_5(node: ast.AST) -> bool:
    def is_round(n: ast.AST) -> bool:
        return isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "round"

    def is_5(n: ast.AST) -> bool:
        return isinstance(n, ast.Constant) and n.value == 5

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return (is_5(node.left) and is_round(node.right)) or (is_round(node.left) and is_5(node.right))
    if is_round(node) and node.args:  # type: ignore[attr-defined]
        arg = node.args[0]  # type: ignore[attr-defined]
        return isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Div) and is_5(arg.right)
    return False


def small_number_decisions(source: str) -> list[str]:
    """Where this module decides on small numbers itself (line: what)."""
    tree = ast.parse(source)
    found: list[str] = []
    controls = any(
        isinstance(n, ast.ImportFrom) and n.module == "whatmatters.disclosure" for n in ast.walk(tree)
    ) or any(
        isinstance(n, ast.Import) and any(a.name == "whatmatters.disclosure" for a in n.names)
        for n in ast.walk(tree)
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "SMALLEST_SHOWN":
            found.append(f"{node.lineno}: uses SMALLEST_SHOWN")
        elif isinstance(node, ast.alias) and node.name == "SMALLEST_SHOWN":
            found.append("imports SMALLEST_SHOWN")
        elif isinstance(node, ast.Attribute) and node.attr == "SMALLEST_SHOWN":
            found.append(f"{node.lineno}: uses SMALLEST_SHOWN")
        elif _rounds_to_5(node):
            found.append(f"{node.lineno}: rounds to the nearest 5")
        elif controls and _compares_with_7_or_8(node):
            found.append(f"{node.lineno}: compares with 7 or 8")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [node.name, *(a.arg for a in [*node.args.args, *node.args.kwonlyargs])]
            if any(word in name.lower() for name in names for word in SMALL_WORDS):
                for inner in ast.walk(node):
                    if _compares_with_7_or_8(inner) and not controls:
                        found.append(f"{inner.lineno}: compares with 7 or 8 in {node.name}")
    return found


def _app_modules() -> list[tuple[str, str]]:
    return [(str(p.relative_to(APP)), p.read_text(encoding="utf-8")) for p in sorted(APP.rglob("*.py"))]


def test_nothing_outside_the_measures_package_runs_the_spc_engine_on_stored_measures() -> None:
    found = {
        name: where
        for name, source in _app_modules()
        if not name.startswith(SPC_ALLOWED) and (where := spc_engine_calls(source))
    }
    assert found == {}


def test_the_spc_guard_fails_on_each_way_of_reaching_the_engine() -> None:
    for snippet in (
        "from whatmatters.spc import analyse_many\n",
        "from whatmatters.spc import Series, analyse as run\n",
        "from whatmatters.spc.engine import run_batch\n",
        "from whatmatters.spc import *\n",
        "import whatmatters.spc.engine\n",
        "import whatmatters.spc as spc\nspc.analyse(x)\n",
        "import whatmatters.spc\nwhatmatters.spc.analyse_many([x])\n",
        "from whatmatters import spc\nspc.engine.analyse_array(a)\n",
    ):
        assert spc_engine_calls(snippet), snippet
    for snippet in (
        "from whatmatters.spc.narrative import narrate\n",
        "from whatmatters.spc.svg import render_svg\n",
        "from whatmatters.flow import analyse\nanalyse(x)\n",
    ):
        assert spc_engine_calls(snippet) == [], snippet


SHOWN_FUNCTIONS = {"narrate", "render_svg"}


def sentence_or_chart_imports(source: str) -> list[str]:
    """Where this module takes the sentences or the chart of an SPC result from the spc package itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whatmatters.spc"):
            names = [a.name for a in node.names if a.name in SHOWN_FUNCTIONS | {"*"}]
            found += [f"{node.lineno}: imports {name}" for name in names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("whatmatters.spc.")]
            found += [f"{node.lineno}: imports {name}" for name in names]
    return found


def test_the_sentences_and_chart_of_a_measure_come_only_from_shown_for() -> None:
    found = {
        name: where
        for name, source in _app_modules()
        if not name.startswith(SPC_ALLOWED) and (where := sentence_or_chart_imports(source))
    }
    assert found == {}


def test_the_sentence_and_chart_guard_fails_on_a_page_that_draws_its_own() -> None:
    for snippet in (
        "from whatmatters.spc.narrative import narrate\n",
        "from whatmatters.spc.svg import POINT_WORDS, render_svg\n",
        "import whatmatters.spc.svg\n",
    ):
        assert sentence_or_chart_imports(snippet), snippet
    assert sentence_or_chart_imports("from whatmatters.spc.svg import POINT_WORDS\n") == []


def test_nothing_outside_disclosure_decides_on_small_numbers() -> None:
    found = {
        name: where
        for name, source in _app_modules()
        if name != "disclosure.py" and (where := small_number_decisions(source))
    }
    assert found == {}


def test_the_hiding_guard_fails_on_each_kind_of_copy() -> None:
    for snippet in (
        "from whatmatters.disclosure import SMALLEST_SHOWN\nif n < SMALLEST_SHOWN: pass\n",
        "from whatmatters import disclosure\nsmall = n < disclosure.SMALLEST_SHOWN\n",
        "from whatmatters.disclosure import suppress\nif 0 < n < 8: x = '*'\n",
        "from whatmatters.disclosure import suppress\nif n <= 7: x = '*'\n",
        "def _small(count):\n    return count is not None and 0 < count < 8\n",
        "def percent(part, whole, hide):\n    return '*' if hide and whole < 8 else ''\n",
        "def shown(n):\n    return 5 * round(n / 5)\n",
    ):
        assert small_number_decisions(snippet), snippet
    for snippet in (
        "def valid(key):\n    return 8 <= len(key) <= 40\n",
        "from whatmatters.disclosure import is_small\nhidden = is_small(n)\n",
        "x = round(n / 4)\n",
    ):
        assert small_number_decisions(snippet) == [], snippet


# --- The exports hide what the page hides ---------------------------------------------------------


@pytest.mark.django_db
def test_where_the_page_leaves_a_chart_out_the_csv_and_the_workbook_give_none_of_its_numbers(
    programme: Any,
) -> None:
    """A count of people with no small month (23, 24, 26 … people): the page leaves the chart out (it
    counts people), so its exact centre line and limits, which the chart would draw, must not be in the
    CSV or the Excel workbook either; the counts themselves are there, rounded as on the page."""
    from whatmatters.reports.formats.excel import value_rows
    from whatmatters.reports.presenters import build

    world = build_world(programme.team_a)
    team = world["team"]
    beds = make_measure(team, world["domain"], "bed-nights", name="People in a bed", unit="people", chart="c")
    counts = [23, 24, 26, 22, 25, 27, 23, 21, 24, 26, 25, 22] * 2
    for period, value in zip(months(dt.date(2023, 1, 1), 24), counts, strict=True):
        Value.objects.create(measure=beds, period=period, value=value)
    end = dt.date(2024, 12, 31)
    items = {i.measure.code: i for i in results_for(team, as_of=end)}
    assert shown_for(items["bed-nights"], outside_team=True).hidden == HIDDEN_COUNT
    data = build(team, dt.date(2024, 1, 1), end, "committee")
    exported = {
        "csv": list(exports.measure_rows(team, as_of=end)),
        "xlsx": list(value_rows(data)),
    }
    spc = ("centre", "lower_limit", "upper_limit", "point", "variation", "assurance")
    for name, rows in exported.items():
        for code, item in items.items():
            page_hides = bool(shown_for(item, outside_team=True).hidden)
            mine = [r for r in rows if r["measure_code"] == code]
            assert mine, (name, code)
            gives_spc = any(r[column] for r in mine for column in spc)
            assert gives_spc is not page_hides, (name, code)
        beds_rows = [r for r in rows if r["measure_code"] == "bed-nights"]
        assert {r["value"] for r in beds_rows} <= {"20", "25"}  # rounded to the nearest 5, as on the page


@pytest.mark.django_db
def test_the_csv_gives_each_periods_target_from_the_targets_over_time(programme: Any) -> None:
    from whatmatters.framework.models import MeasureTarget

    team = programme.team_a
    measure = make_measure(team, make_domain(team, "I am seen quickly"), target=30.0)
    for period, value in zip(months(dt.date(2024, 1, 1), 6), [31, 29, 30, 28, 27, 26], strict=True):
        Value.objects.create(measure=measure, period=period, value=value)
    MeasureTarget.objects.create(measure=measure, starts=dt.date(2024, 4, 1), value=25.0)
    MeasureTarget.objects.create(measure=measure, starts=dt.date(2024, 1, 1), value=20, label="Standard")
    targets = [r["target"] for r in exports.measure_rows(team, as_of=dt.date(2024, 6, 30))]
    assert targets == ["30", "30", "30", "25", "25", "25"]  # the judged line, period by period
