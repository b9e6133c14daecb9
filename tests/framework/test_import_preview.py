"""An import shows what it would change before saving, and never silently overwrites a value typed by hand.

The story from issue 17: 68 was typed for March; a file of 24 months says 66. The preview lists 68 → 66 with
the measure and period; without the tick the typed 68 stays; with it, 66, and the history shows both.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.framework.test_importing_values import csv_bytes
from whatmatters.framework.measures.importing import import_values
from whatmatters.framework.measures.values import Row, Source, write_values
from whatmatters.framework.models import Annotation, BaselineRequest, Value, ValueChange, ValueImport
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db
MARCH = dt.date(2024, 3, 1)
HEADER = "measure,team,period,value,note,new_baseline"
FILE = [
    "wait-days,team-a,2024-01-01,70,,",
    "wait-days,team-a,2024-02-01,69,,",
    "wait-days,team-a,2024-03-01,66,New adviser started,",
    "wait-days,team-a,2024-04-01,50,Daily triage started,yes",
]


def the_file() -> bytes:
    return csv_bytes(*FILE, header=HEADER)


def typed_68(plan: dict[str, Any], people: dict[str, Any]) -> None:
    write_values([Row(plan["wait"], MARCH, value=68)], source=Source.TYPED, by=people[Role.STAFF])
    write_values(
        [Row(plan["wait"], dt.date(2024, 2, 1), value=60)], source=Source.IMPORT, import_ref="upload 1"
    )


def march() -> float | None:
    return Value.objects.get(period=MARCH).value


def upload(client: Any) -> ValueImport:
    client.post(
        reverse("value_import", kwargs={"team": "team-a"}),
        {"file": SimpleUploadedFile("24-months.csv", the_file(), content_type="text/csv")},
    )
    return ValueImport.objects.get()


def detail(client: Any, record: ValueImport) -> str:
    url = reverse("value_import_detail", kwargs={"team": "team-a", "pk": record.pk})
    return client.get(url).content.decode()


def save(client: Any, record: ValueImport, **extra: Any) -> None:
    client.post(reverse("value_import_confirm", kwargs={"team": "team-a", "pk": record.pk}), extra)


def test_the_preview_lists_the_typed_68_and_the_files_66_with_the_measure_and_period(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    typed_68(plan, people)
    client = client_for(people[Role.STAFF])
    text = detail(client, upload(client))
    assert "Nothing has been saved yet" in text and "Save these values" in text
    kept = text[text.index("Values typed by hand") :]
    assert "Median wait in days" in kept and "March 2024" in kept
    assert ">68<" in kept and ">66<" in kept
    assert "Replace values typed by hand" in text
    replaced = text[text.index("Values it would replace") :]
    assert "February 2024" in replaced and ">60<" in replaced and ">69<" in replaced
    assert "1 value is the same" not in text  # no value is the same here
    assert march() == 68  # nothing saved by the preview


def test_without_the_tick_the_typed_value_stays_and_is_listed_as_kept(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    typed_68(plan, people)
    client = client_for(people[Role.STAFF])
    record = upload(client)
    save(client, record)
    record.refresh_from_db()
    assert record.status == ValueImport.Status.SAVED
    assert march() == 68
    assert Value.objects.get(period=dt.date(2024, 2, 1)).value == 69  # imported before: replaced
    assert "1 typed by hand kept" in record.report["summary"]
    assert "Values typed by hand: kept" in detail(client, record)


def test_with_the_tick_the_file_replaces_it_and_the_history_shows_both(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    typed_68(plan, people)
    client = client_for(people[Role.STAFF])
    record = upload(client)
    save(client, record, replace_typed="on")
    assert march() == 66
    history = ValueChange.objects.filter(period=MARCH).order_by("at", "pk")
    assert [(c.source, c.old_value, c.new_value) for c in history] == [
        ("typed", None, 68),
        ("import", 68, 66),
    ]
    page = client.get(reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk}))
    assert f"Upload {record.pk}, by" in page.content.decode()
    assert "Replaced: 68 → 66" in page.content.decode()


def test_a_previewed_import_is_saved_once_only(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])
    record = upload(client)
    save(client, record)
    save(client, record, replace_typed="on")
    assert ValueChange.objects.count() == 4


def test_a_viewer_cannot_save_a_previewed_import(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    record = upload(client_for(people[Role.STAFF]))
    response = client_for(people[Role.VIEWER]).post(
        reverse("value_import_confirm", kwargs={"team": "team-a", "pk": record.pk})
    )
    assert response.status_code == 403
    assert Value.objects.count() == 0


def test_the_command_dry_run_saves_nothing_and_prints_the_lists(
    plan: dict[str, Any], people: dict[str, Any], tmp_path: Path
) -> None:
    typed_68(plan, people)
    path = tmp_path / "24-months.csv"
    path.write_bytes(the_file())
    out = StringIO()
    call_command("import-values", str(path), "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "Would add: Median wait in days (wait-days), January 2024: 70" in text
    assert "Would replace: Median wait in days (wait-days), February 2024: 60 → 69" in text
    assert "Kept (typed by hand): Median wait in days (wait-days), March 2024: 68 → 66" in text
    assert "Would add event: Median wait in days (wait-days), March 2024: New adviser started" in text
    assert "Would request to start new limits: Median wait in days (wait-days), from April 2024" in text
    assert march() == 68 and Value.objects.count() == 2
    assert Annotation.objects.count() == 0 and BaselineRequest.objects.count() == 0


def test_the_command_replaces_typed_values_only_with_replace_typed(
    plan: dict[str, Any], people: dict[str, Any], tmp_path: Path
) -> None:
    typed_68(plan, people)
    path = tmp_path / "24-months.csv"
    path.write_bytes(the_file())
    call_command("import-values", str(path), stdout=StringIO(), stderr=StringIO())
    assert march() == 68
    call_command("import-values", str(path), "--replace-typed", stdout=StringIO(), stderr=StringIO())
    assert march() == 66


def test_a_note_becomes_an_event_on_the_chart_once(plan: dict[str, Any], people: dict[str, Any]) -> None:
    import_values("24-months.csv", the_file())
    import_values("24-months.csv", the_file())  # again: no second event
    events = Annotation.objects.filter(measure=plan["wait"], text="New adviser started")
    assert [(e.date, e.new_baseline) for e in events] == [(MARCH, False)]


def test_the_event_from_a_note_is_shown_with_the_chart(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    import_values("24-months.csv", the_file())
    page = client_for(people[Role.STAFF]).get(
        reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk})
    )
    assert page.content.decode().count("New adviser started") >= 2  # the value's note and the chart's event


def test_new_baseline_is_a_pending_request_not_new_limits(plan: dict[str, Any]) -> None:
    import_values("24-months.csv", the_file())
    (asked,) = BaselineRequest.objects.filter(measure=plan["wait"])
    assert (asked.start, asked.decided_at) == (dt.date(2024, 4, 1), None)
    assert not Annotation.objects.filter(new_baseline=True).exists()


def test_a_team_lead_accepts_the_request_on_the_measure_page_and_staff_cannot(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    import_values("24-months.csv", the_file())
    asked = BaselineRequest.objects.get()
    url = reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk})
    staff_page = client_for(people[Role.STAFF]).get(url).content.decode()
    assert "An imported file asks to start new limits from April 2024" in staff_page
    assert 'name="request"' not in staff_page
    lead = client_for(people[Role.TEAM_LEAD])
    lead.post(
        reverse("baseline_accept", kwargs={"team": "team-a", "pk": plan["wait"].pk}),
        {"start": "2024-04-01", "request": asked.pk, "reason": "Daily triage started"},
    )
    asked.refresh_from_db()
    assert asked.decided_at is not None
    started = Annotation.objects.get(new_baseline=True)
    assert (started.date, started.created_by) == (dt.date(2024, 4, 1), people[Role.TEAM_LEAD])


def test_a_bad_new_baseline_cell_names_its_row_and_column(plan: dict[str, Any]) -> None:
    report = import_values("values.csv", csv_bytes("wait-days,team-a,2024-01-01,70,,perhaps", header=HEADER))
    assert [(p.row, p.column) for p in report.problems] == [(2, "new_baseline")]
    assert Value.objects.count() == 0
