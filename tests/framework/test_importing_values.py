"""Importing values (CSV, XLSX): every bad row is named, any bad row saves nothing, re-import is a no-op."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from whatmatters.audit.models import AuditEvent
from whatmatters.framework.measures.importing import import_values
from whatmatters.framework.models import Value

HEADER = "measure,team,period,value,numerator,denominator,note"
GOOD = [
    "wait-days,team-a,2024-01-01,42,,,",
    "wait-days,team-a,2024-02-01,40,,,new triage",
    "seen-in-2-weeks,team-a,2024-01-01,,12,20,",
    "calls-weekly,team-a,2024-01-01,7,,,",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(name: str, data: bytes, **kwargs: Any) -> list[tuple[int | None, str, str]]:
    report = import_values(name, data, **kwargs)
    return [(p.row, p.column, p.reason) for p in report.problems]


@pytest.mark.django_db
def test_a_good_csv_saves_every_row(plan: dict[str, Any]) -> None:
    report = import_values("values.csv", csv_bytes(*GOOD))
    assert report.problems == []
    assert (report.created, report.replaced, report.unchanged, report.saved) == (4, 0, 0, True)
    ratio = Value.objects.get(measure=plan["ratio"], period=dt.date(2024, 1, 1))
    assert (ratio.numerator, ratio.denominator, ratio.value) == (12, 20, None)
    assert ratio.shown == 60.0
    assert Value.objects.get(measure=plan["wait"], period=dt.date(2024, 2, 1)).note == "new triage"


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(plan: dict[str, Any]) -> None:
    import_values("values.csv", csv_bytes(*GOOD))
    events = AuditEvent.objects.count()
    before = list(Value.objects.values_list("pk", "value", "numerator", "denominator", "note", "updated_at"))
    report = import_values("values.csv", csv_bytes(*GOOD))
    assert (report.created, report.replaced, report.unchanged) == (0, 0, 4)
    after = list(Value.objects.values_list("pk", "value", "numerator", "denominator", "note", "updated_at"))
    assert after == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_value_that_replaces_another_is_audited(plan: dict[str, Any]) -> None:
    import_values("values.csv", csv_bytes(*GOOD))
    report = import_values("values.csv", csv_bytes("wait-days,team-a,2024-01-01,44,,,"))
    assert (report.created, report.replaced) == (0, 1)
    value = Value.objects.get(measure=plan["wait"], period=dt.date(2024, 1, 1))
    event = AuditEvent.objects.filter(
        action="update", object_type="framework.value", object_id=str(value.pk)
    ).get()
    assert event.changes["value"] == [42.0, 44.0]
    assert event.team_id == plan["wait"].team_id


@pytest.mark.django_db
def test_a_dry_run_checks_but_saves_nothing(plan: dict[str, Any]) -> None:
    report = import_values("values.csv", csv_bytes(*GOOD), dry_run=True)
    assert report.problems == [] and report.created == 4 and not report.saved
    assert Value.objects.count() == 0


@pytest.mark.django_db
def test_a_good_xlsx_file_with_real_date_cells_is_saved(plan: dict[str, Any]) -> None:
    data = xlsx_bytes(
        [
            ["measure", "team", "period", "value", "numerator", "denominator"],
            ["wait-days", "team-a", dt.datetime(2024, 3, 1), 38, None, None],
            ["seen-in-2-weeks", "team-a", "2024-03-01", None, 15, 20],
        ]
    )
    report = import_values("values.xlsx", data)
    assert report.problems == []
    assert report.created == 2


@pytest.mark.django_db
def test_a_utf8_byte_order_mark_from_excel_is_accepted(plan: dict[str, Any]) -> None:
    report = import_values("values.csv", b"\xef\xbb\xbf" + csv_bytes(*GOOD))
    assert report.problems == [] and report.created == 4


@pytest.mark.django_db
def test_crlf_line_endings_and_trailing_empty_cells_are_accepted(plan: dict[str, Any]) -> None:
    data = (HEADER + "\r\n" + "wait-days,team-a,2024-01-01,42,,,,,\r\n").encode()
    report = import_values("values.csv", data)
    assert report.problems == [] and report.created == 1


# --- Bad files and rows: each is reported with row, column and reason, and nothing is saved -------

BAD_ROWS = [
    # (what is wrong, the bad row, the row number, the column, words in the reason)
    ("text in a number", "wait-days,team-a,2024-03-01,twelve,,,", 3, "value", "Enter a number"),
    ("a UK-format date", "wait-days,team-a,01/03/2024,12,,,", 3, "period", "YYYY-MM-DD"),
    ("a formula", "wait-days,team-a,2024-03-01,=1+1,,,", 3, "value", "Formulas are not allowed"),
    ("a formula in the note", 'wait-days,team-a,2024-03-01,12,,,=HYPERLINK("x")', 3, "note", "formula"),
    (
        "a numerator above its denominator",
        "seen-in-2-weeks,team-a,2024-03-01,,25,20,",
        3,
        "numerator",
        "larger",
    ),
    ("a zero denominator", "seen-in-2-weeks,team-a,2024-03-01,,0,0,", 3, "denominator", "above 0"),
    ("a negative numerator", "seen-in-2-weeks,team-a,2024-03-01,,-1,20,", 3, "numerator", "below 0"),
    ("an unknown measure", "waiting-time,team-a,2024-03-01,12,,,", 3, "measure", "no measure with the code"),
    ("an unknown team", "wait-days,team-z,2024-03-01,12,,,", 3, "team", "no team called"),
    ("an empty team", "wait-days,,2024-03-01,12,,,", 3, "team", "Enter the team"),
    ("an empty measure code", ",team-a,2024-03-01,12,,,", 3, "measure", "Enter the measure"),
    ("an empty period", "wait-days,team-a,,12,,,", 3, "period", "Enter the first day"),
    ("an impossible date", "wait-days,team-a,2024-02-30,12,,,", 3, "period", "not a real date"),
    ("a month not starting on the 1st", "wait-days,team-a,2024-03-15,12,,,", 3, "period", "not the 1st"),
    ("a week not starting on Monday", "calls-weekly,team-a,2024-01-03,5,,,", 3, "period", "not a Monday"),
    ("a future period", "wait-days,team-a,2099-01-01,12,,,", 3, "period", "in the future"),
    ("a date with a time", "wait-days,team-a,2024-03-01T00:00,12,,,", 3, "period", "YYYY-MM-DD"),
    ("a missing value", "wait-days,team-a,2024-03-01,,,,", 3, "value", "Enter the value"),
    (
        "a value where a ratio is needed",
        "seen-in-2-weeks,team-a,2024-03-01,60,,,",
        3,
        "value",
        "numerator and",
    ),
    (
        "a numerator without a denominator",
        "seen-in-2-weeks,team-a,2024-03-01,,12,,",
        3,
        "denominator",
        "Enter",
    ),
    ("a ratio for a single-value measure", "wait-days,team-a,2024-03-01,,3,4,", 3, "numerator", "one value"),
    ("a percentage sign", "wait-days,team-a,2024-03-01,85%,,,", 3, "value", "% sign"),
    ("a thousands separator", 'wait-days,team-a,2024-03-01,"1,234",,,', 3, "value", "without commas"),
    ("not a number (NaN)", "wait-days,team-a,2024-03-01,nan,,,", 3, "value", "Enter a number"),
    ("infinity", "wait-days,team-a,2024-03-01,inf,,,", 3, "value", "Enter a number"),
    ("a negative count", "calls-weekly,team-a,2024-01-01,-2,,,", 3, "value", "below 0"),
    ("a fraction of a count", "calls-weekly,team-a,2024-01-01,2.5,,,", 3, "value", "whole number"),
    ("too few cells", "wait-days,team-a,2024-03-01", 3, "", "cells but the header has"),
    ("too many cells", "wait-days,team-a,2024-03-01,12,,,note,extra", 3, "", "cells but the header has"),
    ("a note that is too long", "wait-days,team-a,2024-03-01,12,,," + "x" * 501, 3, "note", "500 characters"),
    ("a measure of another team", "seen-in-2-weeks,team-b,2024-03-01,,1,2,", 3, "measure", "no measure"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "row", "number", "column", "reason"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS]
)
def test_a_bad_row_is_reported_and_nothing_is_saved(
    plan: dict[str, Any], kind: str, row: str, number: int, column: str, reason: str
) -> None:
    found = problems("values.csv", csv_bytes(GOOD[0], row, *GOOD[1:]))
    assert any(r == number and c == column and reason in why for r, c, why in found), found
    assert Value.objects.count() == 0


BAD_FILES = [
    ("an empty file", "values.csv", b"", "The file is empty"),
    ("a header with no rows", "values.csv", csv_bytes(), "no values"),
    ("blank lines only", "values.csv", b"\n\n  \n", "The file is empty"),
    (
        "Windows-1252 text (wrong encoding)",
        "values.csv",
        csv_bytes("wait-days,team-a,2024-03-01,12,,,café").decode().encode("cp1252"),
        "not UTF-8",
    ),
    ("UTF-16 text", "values.csv", csv_bytes(*GOOD).decode().encode("utf-16"), "UTF-16"),
    ("a binary file named .csv", "values.csv", b"%PDF-1.4\x00\x01binary", "not a CSV"),
    ("a spreadsheet that is not a workbook", "values.xlsx", b"measure,team\n", "not a working Excel"),
    ("an unsupported file type", "values.txt", csv_bytes(*GOOD), "must be a CSV"),
    ("an unclosed quote", "values.csv", csv_bytes('wait-days,team-a,2024-03-01,"12,,,'), "never closed"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name", "data", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_with_a_reason(
    plan: dict[str, Any], kind: str, name: str, data: bytes, reason: str
) -> None:
    found = problems(name, data)
    assert any(reason in why for _, _, why in found), found
    assert Value.objects.count() == 0


BAD_HEADERS = [
    ("a missing measure column", "team,period,value", "measure", "missing"),
    ("a missing team column", "measure,period,value", "team", "missing"),
    ("a missing period column", "measure,team,value", "period", "missing"),
    ("no value or numerator columns", "measure,team,period,note", "value", "Add a 'value' column"),
    ("an unknown column", "measure,team,period,value,comment", "comment", "Unknown column"),
    ("a column twice", "measure,team,period,value,value", "value", "appears twice"),
    ("a header row that is data", "wait-days,team-a,2024-01-01,42", "measure", "missing"),
    ("semicolons instead of commas", "measure;team;period;value", "measure", "missing"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "header", "column", "reason"), BAD_HEADERS, ids=[b[0] for b in BAD_HEADERS])
def test_a_bad_header_is_reported_on_row_1(
    plan: dict[str, Any], kind: str, header: str, column: str, reason: str
) -> None:
    found = problems("values.csv", csv_bytes("wait-days,team-a,2024-01-01,42", header=header))
    assert any(r == 1 and c == column and reason in why for r, c, why in found), found
    assert Value.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_rows_name_the_row_they_repeat(plan: dict[str, Any]) -> None:
    found = problems("values.csv", csv_bytes(GOOD[0], GOOD[1], GOOD[0]))
    assert found == [(4, "", "This repeats row 2: the same measure, team and period.")]
    assert Value.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_just_the_first(plan: dict[str, Any]) -> None:
    found = problems(
        "values.csv",
        csv_bytes("wait-days,team-a,2024-03-01,twelve,,,", GOOD[0], "wait-days,team-a,01/04/2024,12,,,"),
    )
    assert [(r, c) for r, c, _ in found] == [(2, "value"), (4, "period")]


@pytest.mark.django_db
def test_an_xlsx_formula_cell_is_refused(plan: dict[str, Any]) -> None:
    data = xlsx_bytes([["measure", "team", "period", "value"], ["wait-days", "team-a", "2024-03-01", "=1+1"]])
    assert problems("values.xlsx", data) == [
        (2, "value", "Formulas are not allowed. Type the number itself.")
    ]


@pytest.mark.django_db
def test_an_xlsx_date_cell_with_a_time_is_refused(plan: dict[str, Any]) -> None:
    data = xlsx_bytes(
        [["measure", "team", "period", "value"], ["wait-days", "team-a", dt.datetime(2024, 3, 1, 9, 30), 4]]
    )
    assert problems("values.xlsx", data)[0][:2] == (2, "period")


@pytest.mark.django_db
def test_an_xlsx_boolean_in_a_number_is_refused(plan: dict[str, Any]) -> None:
    data = xlsx_bytes([["measure", "team", "period", "value"], ["wait-days", "team-a", "2024-03-01", True]])
    assert problems("values.xlsx", data)[0][:2] == (2, "value")


@pytest.mark.django_db
def test_a_file_too_large_is_refused(plan: dict[str, Any]) -> None:
    data = csv_bytes(*GOOD) + b"#" * (5 * 1024 * 1024)
    assert "larger than 5 MB" in problems("values.csv", data)[0][2]


@pytest.mark.django_db
def test_the_upload_page_only_takes_its_own_team(plan: dict[str, Any]) -> None:
    found = problems("values.csv", csv_bytes("wait-days,team-b,2024-03-01,12,,,"), allowed_teams={"team-a"})
    assert found == [(2, "team", "You cannot import values for 'team-b' here.")]


# --- The command -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_a_file_and_a_second_run_changes_nothing(
    plan: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes(*GOOD))
    out = StringIO()
    call_command("import-values", str(path), stdout=out, stderr=StringIO())
    assert "4 new, 0 replaced, 0 unchanged; saved" in out.getvalue()
    out = StringIO()
    call_command("import-values", str(path), stdout=out, stderr=StringIO())
    assert "0 new, 0 replaced, 4 unchanged" in out.getvalue()
    event = AuditEvent.objects.filter(object_type="framework.value").first()
    assert event.actor_label == "command line: import-values"


@pytest.mark.django_db
def test_the_command_dry_run_saves_nothing(plan: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes(*GOOD))
    out = StringIO()
    call_command("import-values", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert "trial run" in out.getvalue()
    assert Value.objects.count() == 0


@pytest.mark.django_db
def test_the_command_lists_every_problem_and_fails(plan: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes(GOOD[0], "wait-days,team-a,02/03/2024,x,,,"))
    out = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import-values", str(path), stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "values.csv row 3, column 'period'" in text
    assert "values.csv row 3, column 'value'" in text
    assert Value.objects.count() == 0


def test_the_command_is_called_import_values_on_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "whatmatters", "help", "import-values"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--dry-run" in result.stdout
