"""The flow and Plan ahead pages are worked out once per change of the data, not on every view: a second
view reads the kept result (no waiting-list rows, no DuckDB), and a new import, a changed clock rule or
changed beds are shown at once. No function in the presenters is longer than 80 lines."""

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
from whatmatters.waitinglists import presenters
from whatmatters.waitinglists.models import ClockRuleChoice, ExtractTeam

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
)
PRESENTERS = Path(presenters.__file__)
LONGEST = 80


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each time a page loads a team's rows into DuckDB, the team is added to this list."""
    seen: list[Any] = []
    real = presenters._load

    def counted(team: Any) -> Any:
        seen.append(team)
        return real(team)

    monkeypatch.setattr(presenters, "_load", counted)
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


def test_two_views_of_the_flow_page_load_the_rows_into_duckdb_once(lead: Any, loads: list[Any]) -> None:
    page(lead, FLOW)
    page(lead, FLOW)
    assert len(loads) == 1


def test_the_second_view_of_the_flow_page_reads_no_waiting_list_rows(lead: Any, loads: list[Any]) -> None:
    page(lead, FLOW)
    with CaptureQueriesContext(connection) as queries:
        page(lead, FLOW)
    assert rows_read(queries) == []
    assert len(loads) == 1


def test_the_kept_flow_page_is_the_same_page_as_the_first(lead: Any) -> None:
    first = page(lead, FLOW)
    assert "How long people have been waiting" in first
    assert page(lead, FLOW) == first


def test_each_census_date_is_worked_out_once_and_kept_apart(lead: Any, loads: list[Any]) -> None:
    latest = page(lead, FLOW)
    earlier = page(lead, f"{FLOW}?census=2023-08-31")
    assert page(lead, f"{FLOW}?census=2023-08-31") == earlier
    assert page(lead, FLOW) == latest
    assert earlier != latest and "31 August 2023" in earlier
    assert len(loads) == 2


def test_a_census_date_that_is_wrong_is_still_refused_with_the_kept_charts(lead: Any) -> None:
    page(lead, FLOW)
    said = page(lead, f"{FLOW}?census=2099-01-01")
    assert "the date of the latest extract" in said
    assert "How long people have been waiting" in said


def test_a_new_import_is_shown_on_the_flow_page_at_once(
    lead: Any, loads: list[Any], later_extract: Path
) -> None:
    before = page(lead, FLOW)
    import_later(later_extract)
    after = page(lead, FLOW)
    assert len(loads) == 2
    assert after != before
    cache.clear()
    assert page(lead, FLOW) == after  # what was kept is what working it out afresh gives


def test_a_changed_clock_rule_is_shown_on_the_flow_page_at_once(lead: Any, loads: list[Any]) -> None:
    code = ExtractTeam.objects.get(code="CERT")
    before = page(lead, FLOW)
    assert RULES[code.clock_rule].label in before
    code.clock_rule = ClockRuleChoice.FIRST_CONTACT
    code.save()
    after = page(lead, FLOW)
    assert RULES["first-contact"].label in after
    assert len(loads) == 2


def test_changed_beds_are_shown_on_the_ward_page_at_once(ward_lead: Any, loads: list[Any]) -> None:
    assert "20 beds" in page(ward_lead, WARD)
    ExtractTeam.objects.filter(code="OAWARD").update(beds=30)
    after = page(ward_lead, WARD)
    assert "30 beds" in after and "20 beds" not in after
    assert len(loads) == 2


def test_one_teams_kept_page_is_never_shown_for_another_team(
    lead: Any, ward_lead: Any, loads: list[Any]
) -> None:
    community, ward = page(lead, FLOW), page(ward_lead, WARD)
    assert (
        "How long people have been waiting" in community and "How long people have been waiting" not in ward
    )
    assert len(loads) == 2


# --- Plan ahead ------------------------------------------------------------------------------------


def test_the_plan_page_and_its_download_with_the_same_choices_work_it_out_once(
    lead: Any, loads: list[Any], scenarios: list[Any]
) -> None:
    first = page(lead, f"{PLAN}?referral_growth_pct=5")
    with CaptureQueriesContext(connection) as queries:
        again = page(lead, f"{PLAN}?referral_growth_pct=5")
        csv = lead.get(f"{PLAN_CSV}?referral_growth_pct=5")
    assert again == first
    assert csv.status_code == 200 and csv.content.decode().startswith("week_starting")
    assert rows_read(queries) == []
    assert len(loads) == 1 and len(scenarios) == 1


def test_new_choices_on_the_plan_page_reuse_the_data_but_work_out_a_new_scenario(
    lead: Any, loads: list[Any], scenarios: list[Any]
) -> None:
    first = page(lead, PLAN)
    other = page(lead, f"{PLAN}?capacity_change_pct=20")
    assert other != first
    assert len(loads) == 1 and len(scenarios) == 2
    assert page(lead, PLAN) == first
    assert len(scenarios) == 2


def test_a_new_import_is_shown_on_the_plan_page_at_once(
    lead: Any, loads: list[Any], scenarios: list[Any], later_extract: Path
) -> None:
    before = page(lead, PLAN)
    import_later(later_extract)
    after = page(lead, PLAN)
    assert after != before
    assert len(loads) == 2 and len(scenarios) == 2


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
