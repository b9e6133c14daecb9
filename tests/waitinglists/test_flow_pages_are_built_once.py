"""The flow and Plan ahead pages are worked out when an extract is imported and stored (one result per team
and page, keyed to the import): a page view reads it (no waiting-list rows, no DuckDB), a new import
replaces it, and a changed clock rule or changed beds are worked out once and shown at once. No function
in the presenters is longer than 80 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.waitinglists.conftest import START, TEAM_MAP
from whatmatters.flow import forecast
from whatmatters.flow.clocks import RULES
from whatmatters.flow.synthetic import generate
from whatmatters.teams.roles import Role
from whatmatters.waitinglists import presenters, results
from whatmatters.waitinglists.models import ClockRuleChoice, ExtractImport, ExtractTeam, StoredResult

pytestmark = pytest.mark.django_db

FLOW = "/teams/team-a/flow/"
WARD = "/teams/team-b/flow/"
PLAN = "/teams/team-a/flow/plan-ahead/"
PLAN_CSV = "/teams/team-a/flow/plan-ahead.csv"
ROW_TABLES = (
    "waitinglists_referral",
    "waitinglists_contact",
    "waitinglists_wardstay",
    "waitinglists_clockpause",
    "waitinglists_event",
)
PRESENTERS = Path(presenters.__file__)
LONGEST = 80


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each time a team's rows are loaded into DuckDB after the import, the team is added to this list."""
    seen: list[Any] = []
    real = results._load

    def counted(team: Any) -> Any:
        seen.append(team)
        return real(team)

    monkeypatch.setattr(results, "_load", counted)
    return seen


@pytest.fixture
def scenarios(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each time a Plan ahead scenario (fan chart and capacity needed) is worked out, its levers."""
    seen: list[Any] = []
    real = forecast.scenario

    def counted(baseline: Any, levers: Any, **options: Any) -> Any:
        seen.append(levers)
        return real(baseline, levers, **options)

    monkeypatch.setattr(forecast, "scenario", counted)
    return seen


@pytest.fixture
def lead(imported: dict[str, Any], make_user: Any, client_for: Any) -> Any:
    return client_for(make_user(Role.TEAM_LEAD, imported["CERT"]))


@pytest.fixture
def ward_lead(imported: dict[str, Any], make_user: Any, client_for: Any) -> Any:
    return client_for(make_user(Role.TEAM_LEAD, imported["OAWARD"]))


@pytest.fixture(scope="session")
def later_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A different extract for the community team, taken on the same day (another seed): only the
    saved import tells the pages that the data changed."""
    out = tmp_path_factory.mktemp("later")
    generate(out, teams=["community-recovery"], years=0.5, seed=5, start=START)
    return out


def page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def rows_read(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in ROW_TABLES)]


def import_later(later_extract: Path) -> None:
    from tests.waitinglists.test_import_command import flow_import

    code, said = flow_import(str(later_extract), "--team-map", TEAM_MAP.split(",")[0])
    assert code == 0, said


# --- Flow ------------------------------------------------------------------------------------------


def test_an_import_stores_each_teams_flow_and_plan_ahead_results_keyed_to_it(lead: Any) -> None:
    job = ExtractImport.objects.get()
    stored = StoredResult.objects.filter(extract_import=job)
    assert sorted(stored.values_list("team__slug", "page")) == [
        ("team-a", "flow"),
        ("team-a", "plan"),
        ("team-b", "flow"),
        ("team-b", "plan"),
    ]
    assert {r.census for r in stored} == {job.extract_date}


def test_a_view_of_the_flow_page_does_no_duckdb_work_and_reads_no_rows(lead: Any, loads: list[Any]) -> None:
    with CaptureQueriesContext(connection) as queries:
        said = page(lead, FLOW)
    assert "How long people have been waiting" in said
    assert rows_read(queries) == []
    assert loads == []


def test_the_stored_flow_page_is_the_page_working_it_out_afresh_gives(lead: Any) -> None:
    stored = page(lead, FLOW)
    StoredResult.objects.all().delete()
    assert page(lead, FLOW) == stored  # worked out again (and stored) on this view
    assert StoredResult.objects.filter(page="flow", team__slug="team-a").count() == 1


def test_an_earlier_census_date_is_worked_out_once_and_kept_apart(lead: Any, loads: list[Any]) -> None:
    latest = page(lead, FLOW)
    earlier = page(lead, f"{FLOW}?census=2023-08-31")
    assert page(lead, f"{FLOW}?census=2023-08-31") == earlier
    assert page(lead, FLOW) == latest
    assert earlier != latest and "31 August 2023" in earlier
    assert len(loads) == 1


def test_a_census_date_that_is_wrong_is_still_refused_with_the_stored_charts(lead: Any) -> None:
    said = page(lead, f"{FLOW}?census=2099-01-01")
    assert "the date of the latest extract" in said
    assert "How long people have been waiting" in said


def test_a_new_import_replaces_the_stored_result_and_is_shown_at_once(
    lead: Any, loads: list[Any], later_extract: Path
) -> None:
    before = page(lead, FLOW)
    first = StoredResult.objects.get(team__slug="team-a", page="flow")
    import_later(later_extract)
    now = StoredResult.objects.get(team__slug="team-a", page="flow")
    latest = ExtractImport.objects.order_by("-pk").first()
    assert now.extract_import_id == latest.pk != first.extract_import_id
    assert now.data != first.data
    loads.clear()
    after = page(lead, FLOW)
    assert after != before
    assert loads == []


def test_a_changed_clock_rule_is_worked_out_once_and_shown_at_once(lead: Any, loads: list[Any]) -> None:
    code = ExtractTeam.objects.get(code="CERT")
    before = page(lead, FLOW)
    assert RULES[code.clock_rule].label in before
    code.clock_rule = ClockRuleChoice.FIRST_CONTACT
    code.save()
    after = page(lead, FLOW)
    assert RULES["first-contact"].label in after
    assert page(lead, FLOW) == after
    assert len(loads) == 1


def test_changed_beds_are_shown_on_the_ward_page_at_once(ward_lead: Any, loads: list[Any]) -> None:
    assert "20 beds" in page(ward_lead, WARD)
    ExtractTeam.objects.filter(code="OAWARD").update(beds=30)
    after = page(ward_lead, WARD)
    assert "30 beds" in after and "20 beds" not in after
    assert len(loads) == 1


def test_one_teams_stored_page_is_never_shown_for_another_team(
    lead: Any, ward_lead: Any, loads: list[Any]
) -> None:
    community, ward = page(lead, FLOW), page(ward_lead, WARD)
    assert (
        "How long people have been waiting" in community and "How long people have been waiting" not in ward
    )
    assert loads == []


# --- Plan ahead ------------------------------------------------------------------------------------


def test_a_view_of_the_plan_page_and_its_download_does_no_duckdb_and_no_forecast(
    lead: Any, loads: list[Any], scenarios: list[Any]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        first = page(lead, PLAN)
        csv = lead.get(PLAN_CSV)
    assert "The answer people ask for" in first
    assert csv.status_code == 200 and csv.content.decode().startswith("week_starting")
    assert rows_read(queries) == []
    assert loads == [] and scenarios == []


def test_what_if_choices_are_worked_out_once_from_the_stored_baseline_without_duckdb(
    lead: Any, loads: list[Any], scenarios: list[Any]
) -> None:
    first = page(lead, PLAN)
    other = page(lead, f"{PLAN}?capacity_change_pct=20")
    again = page(lead, f"{PLAN}?capacity_change_pct=20")
    csv = lead.get(f"{PLAN_CSV}?capacity_change_pct=20")
    assert other != first and again == other and csv.status_code == 200
    assert loads == [] and len(scenarios) == 1
    assert page(lead, PLAN) == first
    assert len(scenarios) == 1


def test_a_new_import_is_shown_on_the_plan_page_at_once(
    lead: Any, loads: list[Any], scenarios: list[Any], later_extract: Path
) -> None:
    before = page(lead, PLAN)
    import_later(later_extract)
    loads.clear()
    after = page(lead, PLAN)
    assert after != before
    assert loads == []


# --- No long functions -----------------------------------------------------------------------------


def long_functions(source: str, longest: int = LONGEST) -> list[str]:
    """Each function (or method) in the source longer than `longest` lines, with its length."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            lines = node.end_lineno - first + 1
            if lines > longest:
                found.append(f"{node.name} ({lines} lines)")
    return found


def test_no_function_in_the_waiting_list_presenters_is_longer_than_80_lines() -> None:
    assert long_functions(PRESENTERS.read_text(encoding="utf-8")) == []


def test_the_length_check_finds_a_function_of_81_lines_and_passes_one_of_80() -> None:
    body = "    x = 1\n"
    too_long = "def too_long():\n" + body * 80
    just_right = "class Holder:\n    def just_right(self):\n" + body.replace("    ", "        ") * 79
    assert long_functions(too_long + "\n" + just_right) == ["too_long (81 lines)"]
    assert long_functions(PRESENTERS.read_text(encoding="utf-8") + "\n" + too_long) == ["too_long (81 lines)"]
