"""One way to write a value (issue 14): only `whatmatters/framework/measures/` writes `Value` rows, and every
feeder's values carry their history (which feeder, who, which upload or extract, when).

The guard reads the source (ast) of every module outside the package, the migrations and the tests, and fails
on anything that creates, updates, bulk-creates or deletes values; it is shown failing on small snippets."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.framework.factories import make_domain, make_measure
from tests.surveys import conftest as survey_fixtures
from tests.surveys.test_measures import answer
from whatmatters.audit.models import AuditEvent
from whatmatters.flow.measures import MeasureValue
from whatmatters.framework import demo as framework_demo
from whatmatters.framework import tasks
from whatmatters.framework.measures.importing import import_values
from whatmatters.framework.measures.values import Row, Source, write_values
from whatmatters.framework.models import DataSource, Measure, Value, ValueImport
from whatmatters.learning import actions as learning_actions
from whatmatters.learning.models import ExcellenceReport
from whatmatters.surveys import measures as survey_measures
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.derived import WAIT_MEASURES, save_derived

domain = survey_fixtures.domain  # the survey tests' fixtures, for the survey feeder's test
fft_survey = survey_fixtures.fft_survey

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "whatmatters"
PACKAGE = APP / "framework" / "measures"

WRITES = frozenset(
    {"create", "bulk_create", "update_or_create", "get_or_create", "update", "bulk_update", "save", "delete"}
)
MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


# --- The guard ----------------------------------------------------------------------------------


def _names_value(node: ast.AST, rows: frozenset[str] = frozenset()) -> bool:
    """Does this expression stand for Value rows? `Value`, `models.Value`, `Value.objects`, a query on it
    (`Value.objects.filter(...)`), a measure's `values` manager (`measure.values`, `.values.all()`), or a
    name bound to one of those earlier in the module."""
    if isinstance(node, ast.Name):
        return node.id == "Value" or node.id in rows
    if isinstance(node, ast.Attribute):
        if node.attr == "Value":
            return True
        if node.attr == "values":  # the related manager (a dict's .values() is a call, never an attribute)
            return True
        return _names_value(node.value, rows)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute) and _names_value(node.func.value, rows)
    if isinstance(node, ast.Subscript):  # existing[key]
        return _names_value(node.value, rows)
    if isinstance(node, ast.DictComp | ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return any(_names_value(g.iter, rows) for g in node.generators)  # {v.period: v for v in Value…}
    return False


class _Finder(ast.NodeVisitor):
    """Every line that writes Value rows: `Value(...)`, and a write method (create, update, delete, save…)
    on the model, its manager, a query on it, or a name bound to a Value row or query."""

    def __init__(self) -> None:
        self.lines: list[int] = []
        self.rows: set[str] = set()

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name) and _names_value(value, frozenset(self.rows)):
            self.rows.add(target.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, node.iter)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "Value":
            self.lines.append(node.lineno)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in WRITES
            and _names_value(func.value, frozenset(self.rows))
        ):
            self.lines.append(node.lineno)
        self.generic_visit(node)


def value_writes(source: str) -> list[int]:
    """The line numbers in `source` that write Value rows."""
    finder = _Finder()
    finder.visit(ast.parse(source))
    return sorted(set(finder.lines))


def _checked_modules() -> list[Path]:
    out = []
    for path in sorted(APP.rglob("*.py")):
        if PACKAGE in path.parents or "migrations" in path.parts:
            continue
        out.append(path)
    return out


def test_no_module_outside_the_measures_package_writes_values() -> None:
    found = []
    for path in _checked_modules():
        for line in value_writes(path.read_text()):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], "Write values with framework.measures.values.write_values, not: " + ", ".join(found)


def test_the_guard_reads_every_app_module() -> None:
    names = {p.relative_to(APP).as_posix() for p in _checked_modules()}
    assert {
        "framework/actions.py",
        "surveys/measures.py",
        "waitinglists/derived.py",
        "learning/actions.py",
    } <= (names)
    assert not any(n.startswith("framework/measures/") for n in names)


@pytest.mark.parametrize(
    "snippet",
    [
        "from m import Value\nValue.objects.create(measure=m, period=p, value=1)\n",
        "from m import Value\nValue.objects.bulk_create([])\n",
        "from m import Value\nValue.objects.update_or_create(measure=m, period=p)\n",
        "from m import Value\nValue.objects.get_or_create(measure=m, period=p)\n",
        "from m import Value\nValue.objects.filter(measure=m).update(value=2)\n",
        "from m import Value\nValue.objects.filter(measure=m).delete()\n",
        "from m import Value\nv = Value(measure=m, period=p)\n",
        "from m import Value\nv = Value.objects.get(pk=1)\nv.value = 3\nv.save()\n",
        "from m import Value\nfor v in Value.objects.filter(measure=m):\n    v.delete()\n",
        "from m import models\nmodels.Value.objects.create(measure=m, period=p)\n",
        "from m import Value\nmeasure.values.create(period=p, value=1)\n",
        "from m import Value\nmeasure.values.all().delete()\n",
        "from m import Value\nhave = {v.period: v for v in Value.objects.all()}\nv = have.get(p)\nv.save()\n",
        "from m import Value\nhave = {v.period: v for v in m.values.all()}\nhave[p].delete()\n",
    ],
)
def test_the_guard_finds_a_deliberate_violation(snippet: str) -> None:
    assert value_writes(snippet) != []


@pytest.mark.parametrize(
    "snippet",
    [
        "from m import Value\nrows = list(Value.objects.filter(measure=m).order_by('period'))\n",
        "from m import Value\nn = Value.objects.filter(measure=m).count()\n",
        "d = {}\nd.update(a=1)\nfor v in d.values():\n    print(v)\n",
        "from m import Measure\nMeasure.objects.create(code='x')\nm.save()\n",
        "q = Report.objects.values('team').annotate(n=Count('pk'))\n",
    ],
)
def test_the_guard_lets_reading_values_and_other_writes_pass(snippet: str) -> None:
    assert value_writes(snippet) == []


# --- write_values ---------------------------------------------------------------------------------


@pytest.fixture
def measure(programme: Any) -> Measure:
    return make_measure(programme.team_a, make_domain(programme.team_a))


def test_write_values_creates_replaces_and_leaves_alone_and_says_which(measure: Measure) -> None:
    april = dt.date(2026, 4, 1)
    first = write_values([Row(measure, MARCH, value=40), Row(measure, april, value=41)], source=Source.TYPED)
    assert (first.created, first.replaced, first.unchanged) == (2, 0, 0)
    second = write_values([Row(measure, MARCH, value=40), Row(measure, april, value=45)], source=Source.TYPED)
    assert (second.created, second.replaced, second.unchanged) == (0, 1, 1)
    assert dict(Value.objects.values_list("period", "value")) == {MARCH: 40.0, april: 45.0}


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(measure: Measure) -> None:
    write_values([Row(measure, MARCH, value=40)], source=Source.TYPED)
    events = AuditEvent.objects.count()
    plan = write_values(
        [Row(measure, MARCH, value=41), Row(measure, dt.date(2026, 4, 1), value=1)],
        source=Source.IMPORT,
        dry_run=True,
    )
    assert (plan.dry_run, plan.created, plan.replaced) == (True, 1, 1)
    assert [(c.action, c.period) for c in plan.changes] == [
        ("replace", MARCH),
        ("create", dt.date(2026, 4, 1)),
    ]
    assert list(Value.objects.values_list("value", flat=True)) == [40.0]
    assert AuditEvent.objects.count() == events


def test_a_failure_part_way_saves_nothing(measure: Measure) -> None:
    with pytest.raises(ValueError, match="written twice"):
        write_values([Row(measure, MARCH, value=1), Row(measure, MARCH, value=2)], source=Source.TYPED)
    assert Value.objects.count() == 0


def test_a_row_without_a_note_keeps_the_note_stored(measure: Measure) -> None:
    write_values([Row(measure, MARCH, value=1, note="New form from March")], source=Source.TYPED)
    write_values([Row(measure, MARCH, value=2)], source=Source.SURVEY)
    assert Value.objects.get().note == "New form from March"


def test_demo_data_only_fills_gaps(measure: Measure) -> None:
    write_values([Row(measure, MARCH, value=1)], source=Source.TYPED)
    done = write_values(
        [Row(measure, MARCH, value=9), Row(measure, dt.date(2026, 4, 1), value=9)],
        source=Source.DEMO,
        replace=False,
    )
    assert (done.created, done.unchanged) == (1, 1)
    assert Value.objects.get(period=MARCH).source == Source.TYPED


def test_replacing_a_value_is_audited_with_the_number_it_replaced(measure: Measure) -> None:
    write_values([Row(measure, MARCH, value=40)], source=Source.TYPED)
    write_values([Row(measure, MARCH, value=30)], source=Source.IMPORT, import_ref="upload 7")
    event = AuditEvent.objects.filter(object_type="framework.value").order_by("pk").last()
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes == {"value": [40.0, 30.0]}  # the history fields are not repeated in the log


# --- Each feeder's values carry their source ------------------------------------------------------


def _age(*values: Value) -> None:
    Value.objects.filter(pk__in=[v.pk for v in values]).update(updated_at=LONG_AGO)


def test_typed_values_say_who_typed_them_and_replacing_refreshes_the_time(
    measure: Measure, people: dict[str, Any], client_for: Any
) -> None:
    lead = people[Role.TEAM_LEAD]
    url = reverse("value_entry", kwargs={"team": "team-a", "frequency": "monthly", "period": "2026-03-01"})
    assert client_for(lead).post(url, {f"m{measure.pk}_value": "40"}).status_code == 302
    value = Value.objects.get()
    assert (value.source, value.updated_by, value.import_ref) == (Source.TYPED, lead, "")
    _age(value)
    staff = people[Role.STAFF]
    assert client_for(staff).post(url, {f"m{measure.pk}_value": "41"}).status_code == 302
    value.refresh_from_db()
    assert (value.value, value.updated_by) == (41.0, staff) and value.updated_at > LONG_AGO


def test_uploaded_values_name_the_upload_and_the_person(measure: Measure, people: dict[str, Any]) -> None:
    staff = people[Role.STAFF]
    content = b"measure,team,period,value\nwait-days,team-a,2026-03-01,40\n"
    upload = ValueImport.objects.create(
        team=measure.team, uploaded_by=staff, file_name="v.csv", content=content, confirmed=True
    )
    assert tasks.run_value_import.call(upload.pk) == ValueImport.Status.SAVED
    value = Value.objects.get()
    assert (value.source, value.updated_by, value.import_ref) == (Source.IMPORT, staff, f"upload {upload.pk}")
    _age(value)
    again = ValueImport.objects.create(
        team=measure.team,
        uploaded_by=staff,
        file_name="v.csv",
        content=content.replace(b",40", b",42"),
        confirmed=True,
    )
    tasks.run_value_import.call(again.pk)
    value.refresh_from_db()
    assert value.import_ref == f"upload {again.pk}" and value.updated_at > LONG_AGO


def test_values_from_the_command_name_the_file(measure: Measure) -> None:
    import_values("march.csv", b"measure,team,period,value\nwait-days,team-a,2026-03-01,40\n")
    value = Value.objects.get()
    assert (value.source, value.updated_by, value.import_ref) == (Source.IMPORT, None, "file march.csv")


def test_values_from_the_api_say_so_and_who_sent_them(
    measure: Measure, people: dict[str, Any], client: Any
) -> None:
    from whatmatters.api.models import ApiToken

    lead = people[Role.TEAM_LEAD]
    _, secret = ApiToken.issue(lead, "warehouse")
    rows = [{"measure": "wait-days", "team": "team-a", "period": "2026-03-01", "value": 40}]
    post = client.post(
        "/api/v1/teams/team-a/values",
        json.dumps(rows),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert post.status_code == 200, post.content
    value = Value.objects.get()
    assert (value.source, value.updated_by) == (Source.API, lead)
    _age(value)
    rows[0]["value"] = 41
    client.post(
        "/api/v1/teams/team-a/values",
        json.dumps(rows),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    value.refresh_from_db()
    assert value.updated_at > LONG_AGO


def test_survey_values_say_they_came_from_the_survey_and_replacing_refreshes_the_time(
    fft_survey: Any,
) -> None:
    team = fft_survey.team
    answer(fft_survey, MARCH.replace(day=5), fft="very_good")
    survey_measures.refresh_team(team, dt.date(2026, 4, 20))
    value = Value.objects.get(measure__code=survey_measures.FFT, period=MARCH)
    assert (value.source, value.updated_by, value.import_ref) == (Source.SURVEY, None, "")
    _age(value)
    answer(fft_survey, MARCH.replace(day=6), fft="very_poor")
    survey_measures.refresh_team(team, dt.date(2026, 4, 20))
    value.refresh_from_db()
    assert value.denominator == 2 and value.updated_at > LONG_AGO


def test_waiting_list_values_name_the_extract_and_replacing_refreshes_the_time(programme: Any) -> None:
    team = programme.team_a
    week = dt.date(2026, 3, 2)

    def saved(count: int) -> Any:
        item = MeasureValue(team.slug, "referrals", "week", week, count)
        return save_derived(team, [item], standard_days=126, codes=WAIT_MEASURES, import_ref="extract 3")

    assert saved(5).values_created == 1
    value = Value.objects.get()
    assert (value.source, value.import_ref) == (Source.WAITING_LIST, "extract 3")
    assert value.measure.data_source == DataSource.WAITING_LIST
    assert AuditEvent.objects.filter(summary="1 values added from a waiting-list extract").count() == 1
    _age(value)
    assert saved(6).values_replaced == 1
    value.refresh_from_db()
    assert value.value == 6 and value.updated_at > LONG_AGO


def test_excellence_counts_say_so_and_a_changed_count_refreshes_the_time(programme: Any) -> None:
    team = programme.team_a
    today = dt.date(2026, 4, 15)

    def approved(day: dt.date) -> None:
        ExcellenceReport.objects.create(
            team=team,
            text="Kind",
            status="approved",
            created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
        )

    approved(MARCH.replace(day=4))
    learning_actions.refresh_excellence_measures(team, today=today)
    value = Value.objects.get(measure__code=learning_actions.EXCELLENCE_CODE, period=MARCH)
    assert (value.source, value.value) == (Source.EXCELLENCE, 1.0)
    _age(value)
    approved(MARCH.replace(day=9))
    learning_actions.refresh_excellence_measures(team, today=today)
    value.refresh_from_db()
    assert value.value == 2.0
    assert value.updated_at > LONG_AGO  # learning/actions.py did not refresh it before issue 14


def test_demo_values_say_they_are_demo_data(measure: Measure) -> None:
    framework_demo.save_missing_values(
        measure.team, measure, [MARCH], [{"value": 40.0, "numerator": None, "denominator": None}]
    )
    value = Value.objects.get()
    assert value.source == Source.DEMO
    assert AuditEvent.objects.filter(summary="demo data: 1 values added to wait-days").count() == 1


# --- The measure page says where each value came from ---------------------------------------------


def test_the_measure_pages_data_table_says_where_each_value_came_from(
    measure: Measure, people: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    lead = make_user(Role.TEAM_LEAD, measure.team)
    lead.full_name = "Sam Lead"
    lead.save()
    at = timezone.make_aware(dt.datetime(2026, 12, 3, 12))
    write_values([Row(measure, MARCH, value=40)], source=Source.TYPED, by=lead)
    write_values([Row(measure, APRIL, value=41)], source=Source.IMPORT, import_ref="upload 12")
    write_values(
        [Row(measure, dt.date(2026, 5, 1), value=42)], source=Source.WAITING_LIST, import_ref="extract 3"
    )
    Value.objects.update(updated_at=at)
    page = client_for(people[Role.VIEWER]).get(
        reverse("measure_detail", kwargs={"team": "team-a", "pk": measure.pk})
    )
    text = page.content.decode()
    assert ">From</th>" in text
    assert "Typed by Sam Lead, 3 December 2026" in text
    assert "Upload 12, 3 December 2026" in text
    assert "Waiting-list extract 3, 3 December 2026" in text


def test_a_value_from_before_history_was_kept_says_not_recorded(
    measure: Measure, people: dict[str, Any], client_for: Any
) -> None:
    write_values([Row(measure, MARCH, value=40)], source=Source.TYPED)
    Value.objects.update(source=Source.BEFORE_HISTORY)
    text = (
        client_for(people[Role.VIEWER])
        .get(reverse("measure_detail", kwargs={"team": "team-a", "pk": measure.pk}))
        .content.decode()
    )
    assert "Not recorded" in text


def test_the_migration_says_which_feeder_wrote_older_values_only_where_it_is_clear(programme: Any) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("whatmatters.framework.migrations.0006_value_history")
    domain = make_domain(programme.team_a)
    typed = make_measure(programme.team_a, domain, "typed-by-hand")
    derived = make_measure(programme.team_a, domain, "waits", data_source=DataSource.WAITING_LIST)
    survey = make_measure(programme.team_a, domain, "fft", data_source=DataSource.SURVEY)
    for m in (typed, derived, survey):
        write_values([Row(m, MARCH, value=1)], source=Source.TYPED)
    Value.objects.update(source=Source.BEFORE_HISTORY)
    migration.infer_sources(apps, None)
    found = dict(Value.objects.values_list("measure__code", "source"))
    assert found == {"typed-by-hand": "", "waits": Source.WAITING_LIST, "fft": Source.SURVEY}
