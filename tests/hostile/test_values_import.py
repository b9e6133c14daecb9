"""The values importer holds against bad input: on the upload page (and its background task) and on the
command line (`whatmatters import-values`).

Each hostile file gets a message naming the file, the row (the header is row 1; none for the file as a
whole) and the column (empty for a whole row), and nothing is saved: the number of values and of audit
events is the same afterwards. On the page, the upload ends rejected (or failed), never running. NHS numbers
and personal data are refused without being repeated anywhere a person or the log could read them.
"""

# ruff: noqa: E501 - the table of hostile files reads best one case a line

from __future__ import annotations

import datetime as dt
import html
import importlib
import io
import json
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tests.framework.factories import make_domain, make_measure, make_ratio_measure
from whatmatters.audit.models import AuditEvent
from whatmatters.framework import tasks
from whatmatters.framework.measures.importing import MAX_SHOWN, import_values
from whatmatters.framework.models import Value, ValueImport
from whatmatters.imports.problems import Problem
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

HEADER = "measure,team,period,value,numerator,denominator,note"
GOOD = ["wait-days,team-a,2024-01-01,42,,,", "seen-in-2-weeks,team-a,2024-01-01,,12,20,"]
# Test NHS numbers from the 999 range: each passes the modulus-11 check.
NHS = "9990000018"
NHS_SPACED = "999 000 0026"
NHS_DASHED = "999-000-0034"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def measures(programme: Any) -> dict[str, Any]:
    """Team A: a monthly wait in days, a monthly proportion, a weekly count, a percentage, a score from 0 to
    10 and a change that may be negative. Team B has its own wait-days."""
    domain = make_domain(programme.team_a)
    found = {
        "wait": make_measure(programme.team_a, domain),
        "ratio": make_ratio_measure(programme.team_a, domain),
        "calls": make_measure(
            programme.team_a, domain, "calls-weekly", frequency="weekly", chart="c", unit="calls"
        ),
        "percent": make_measure(programme.team_a, domain, "satisfied", unit="%", direction="increase"),
        "score": make_measure(programme.team_a, domain, "score", unit="score (0 to 10)"),
        "change": make_measure(programme.team_a, domain, "change", unit="", direction="neutral"),
        "other_team": make_measure(programme.team_b, make_domain(programme.team_b), "wait-days"),
    }
    # One value already there, so a refused file that replaced it would show.
    Value.objects.create(measure=found["wait"], period=dt.date(2023, 12, 1), value=40)
    return found


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def with_bad(row: str) -> bytes:
    """Two good rows (rows 2 and 3), then the bad one: row 4."""
    return csv_file(*GOOD, row)


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_HEADER = HEADER.split(",")


def xlsx_with_bad(row: list[Any]) -> bytes:
    return xlsx_file([XLSX_HEADER, ["wait-days", "team-a", "2024-01-01", 42, None, None, None], row])


def zip_bomb() -> bytes:
    """A small .xlsx that unpacks to 200 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"0" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return out.getvalue()


def workbook_without_sheets() -> bytes:
    """A workbook whose list of sheets has been emptied."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([XLSX_HEADER])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = data.decode()
                start, end = text.index("<sheets>"), text.index("</sheets>") + len("</sheets>")
                data = (text[:start] + "<sheets/>" + text[end:]).encode()
            archive.writestr(info, data)
    return out.getvalue()


def next_month() -> str:
    today = timezone.localdate()
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1).isoformat()


# (kind, file name, content, row, column, words in the reason, also on the command line)
# fmt: off
CASES: list[tuple[str, str, Callable[[], bytes], int | None, str, str, bool]] = [
    # --- The faults the probe found: numbers that become infinity, or are out of all proportion --------
    ("a value of 4,000 digits", "v.csv", lambda: with_bad("change,team-a,2024-03-01," + "9" * 4000 + ",,,"), 4, "value", "4,000 characters", True),
    ("a value of 25 digits", "v.csv", lambda: with_bad("change,team-a,2024-03-01," + "1" * 25 + ",,,"), 4, "value", "25 characters long", True),
    ("a numerator of 4,000 digits", "v.csv", lambda: with_bad("seen-in-2-weeks,team-a,2024-03-01,," + "9" * 4000 + ",20,"), 4, "numerator", "4,000 characters", True),
    ("a denominator of 4,000 digits", "v.csv", lambda: with_bad("seen-in-2-weeks,team-a,2024-03-01,,1," + "9" * 4000 + ","), 4, "denominator", "4,000 characters", True),
    ("a value of 1e309", "v.csv", lambda: with_bad("change,team-a,2024-03-01,1e309,,,"), 4, "value", "in full", True),
    ("a value of 1e-400", "v.csv", lambda: with_bad("change,team-a,2024-03-01,1e-400,,,"), 4, "value", "in full", True),
    ("a value above a million million", "v.csv", lambda: with_bad("change,team-a,2024-03-01,10000000000000,,,"), 4, "value", "above 1,000,000,000,000", True),
    ("a value below minus a million million", "v.csv", lambda: with_bad("change,team-a,2024-03-01,-10000000000000,,,"), 4, "value", "below -1,000,000,000,000", True),
    ("a percentage of 250", "v.csv", lambda: with_bad("satisfied,team-a,2024-03-01,250,,,"), 4, "value", "A percentage cannot be above 100", True),
    ("a negative percentage", "v.csv", lambda: with_bad("satisfied,team-a,2024-03-01,-5,,,"), 4, "value", "A percentage cannot be below 0", True),
    ("a count above a thousand million", "v.csv", lambda: with_bad("calls-weekly,team-a,2024-01-01,10000000000,,,"), 4, "value", "cannot be above 1,000,000,000", True),
    ("a wait of 100,000 days", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,100000,,,"), 4, "value", "A number of days cannot be above 36,525", True),
    ("a negative wait in days", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,-3,,,"), 4, "value", "cannot be below 0", True),
    ("a score above its range", "v.csv", lambda: with_bad("score,team-a,2024-03-01,11,,,"), 4, "value", "A score cannot be above 10", True),
    ("a numerator above its denominator", "v.csv", lambda: with_bad("seen-in-2-weeks,team-a,2024-03-01,,25,20,"), 4, "numerator", "larger than the denominator", True),
    ("a proportion's denominator above a thousand million", "v.csv", lambda: with_bad("seen-in-2-weeks,team-a,2024-03-01,,1,20000000000,"), 4, "denominator", "cannot be above 1,000,000,000", True),
    ("a fraction of a person in a proportion", "v.csv", lambda: with_bad("seen-in-2-weeks,team-a,2024-03-01,,2.5,20,"), 4, "numerator", "whole number", True),
    # --- NHS numbers, anywhere, never repeated ---------------------------------------------------------
    ("an NHS number in the note", "v.csv", lambda: with_bad(f"wait-days,team-a,2024-03-01,12,,,seen {NHS} today"), 4, "note", "NHS number", True),
    ("an NHS number with spaces in the note", "v.csv", lambda: with_bad(f"wait-days,team-a,2024-03-01,12,,,{NHS_SPACED}"), 4, "note", "NHS number", True),
    ("an NHS number with dashes in the team", "v.csv", lambda: with_bad(f"wait-days,{NHS_DASHED},2024-03-01,12,,,"), 4, "team", "NHS number", True),
    ("an NHS number as the measure", "v.csv", lambda: with_bad(f"{NHS},team-a,2024-03-01,12,,,"), 4, "measure", "NHS number", True),
    ("an NHS number as the value", "v.csv", lambda: with_bad(f"change,team-a,2024-03-01,{NHS},,,"), 4, "value", "NHS number", True),
    ("an NHS number in the period", "v.csv", lambda: with_bad(f"wait-days,team-a,{NHS_SPACED},12,,,"), 4, "period", "NHS number", True),
    ("an NHS number as a column name", "v.csv", lambda: csv_file(GOOD[0] + ",x", header=HEADER + f",{NHS}"), 1, "", "column 8 looks like an NHS number", True),
    ("an NHS number in an XLSX number cell", "v.xlsx", lambda: xlsx_with_bad(["change", "team-a", "2024-03-01", int(NHS), None, None, None]), 3, "value", "NHS number", True),
    # --- Personal data in notes -------------------------------------------------------------------------
    ("an email address in the note", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,,ask jo.bloggs@example.com"), 4, "note", "an email", True),
    ("a phone number in the note", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,,rang 07700 900123 back"), 4, "note", "phone number", True),
    ("a person's name in the note", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,,Spoke to John Smith"), 4, "note", "a name", True),
    # --- Encodings ----------------------------------------------------------------------------------------
    ("UTF-16 text", "v.csv", lambda: csv_file(*GOOD).decode().encode("utf-16"), None, "", "UTF-16", True),
    ("Windows-1252 text", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,,café").decode().encode("cp1252"), 4, "", "not UTF-8", True),
    ("a binary file named .csv", "v.csv", lambda: b"\x00\x01\x02\x03" * 2000, None, "", "not a CSV", True),
    ("a PNG picture named .csv", "v.csv", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" * 100, None, "", "not a CSV", True),
    ("a PDF named .csv", "v.csv", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", None, "", "PDF", True),
    ("a byte-order mark and then nothing", "v.csv", lambda: b"\xef\xbb\xbf", None, "", "empty", True),
    # --- Shapes -------------------------------------------------------------------------------------------
    ("an empty file", "v.csv", lambda: b"", None, "", "empty", True),
    ("no header row", "v.csv", lambda: "\n".join(GOOD).encode(), 1, "measure", "missing from the header", True),
    ("only a header row", "v.csv", lambda: csv_file(), None, "", "no values", True),
    ("a row with an extra cell", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,,note,extra"), 4, "", "8 cells but the header has 7", True),
    ("a row with cells missing", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01"), 4, "", "3 cells but the header has 7", True),
    ("a header of 1,000,000 commas", "v.csv", lambda: ("," * 1_000_000 + "measure\n" + GOOD[0] + "\n").encode(), 1, "", "1,000,001 columns", True),
    ("a row of 1,000,000 commas", "v.csv", lambda: with_bad("wait-days,team-a" + "," * 1_000_000 + "2024-03-01,12"), 4, "", "1,000,003 cells", True),
    ("10,000 columns", "v.csv", lambda: csv_file(GOOD[0], header=",".join(f"c{i}" for i in range(10_000))), 1, "", "10,000 columns", True),
    ("60,000 rows", "v.csv", lambda: csv_file(*(["wait-days,team-a,2024-01-01,42,,,"] * 60_000)), None, "", "more than 50,000 rows", True),
    ("blank lines before a bad row keep its number", "v.csv", lambda: with_bad("\n\nwait-days,team-a,2024-03-01,twelve,,,"), 6, "value", "Enter a number", True),
    ("a quote that is never closed", "v.csv", lambda: with_bad('wait-days,team-a,2024-03-01,"12,,,'), 4, "", "never closed", True),
    ("a quote in the middle of a quoted cell", "v.csv", lambda: with_bad('wait-days,team-a,2024-03-01,"12"3",,,'), 4, "", "in the middle", True),
    ("a quote in the middle of a number", "v.csv", lambda: with_bad('wait-days,team-a,2024-03-01,1"2,,,'), 4, "value", "Enter a number", True),
    ("semicolons for commas", "v.csv", lambda: csv_file("wait-days;team-a;2024-03-01;12", header="measure;team;period;value"), 1, "measure", "missing", True),
    ("a note of 20,000 characters", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,," + "x" * 20_000), 4, "note", "20,000 characters", True),
    ("a note of 501 characters", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,," + "x" * 501), 4, "note", "500 characters", True),
    ("a column twice", "v.csv", lambda: csv_file("wait-days,team-a,2024-03-01,1,2", header="measure,team,period,value,value"), 1, "value", "appears twice", True),
    ("the same period twice", "v.csv", lambda: with_bad(GOOD[0]), 4, "", "repeats row 2", True),
    # --- Numbers ------------------------------------------------------------------------------------------
    ("a thousands separator", "v.csv", lambda: with_bad('change,team-a,2024-03-01,"1,234",,,'), 4, "value", "without commas", True),
    ("a percentage sign", "v.csv", lambda: with_bad("satisfied,team-a,2024-03-01,85%,,,"), 4, "value", "% sign", True),
    ("a hexadecimal number", "v.csv", lambda: with_bad("change,team-a,2024-03-01,0x1A,,,"), 4, "value", "not '0x1A'", True),
    ("NaN", "v.csv", lambda: with_bad("change,team-a,2024-03-01,NaN,,,"), 4, "value", "not 'NaN'", True),
    ("inf", "v.csv", lambda: with_bad("change,team-a,2024-03-01,inf,,,"), 4, "value", "not 'inf'", True),
    ("minus Infinity", "v.csv", lambda: with_bad("change,team-a,2024-03-01,-Infinity,,,"), 4, "value", "not '-Infinity'", True),
    ("a negative count", "v.csv", lambda: with_bad("calls-weekly,team-a,2024-01-01,-2,,,"), 4, "value", "A count cannot be below 0", True),
    ("a fraction of a count", "v.csv", lambda: with_bad("calls-weekly,team-a,2024-01-01,2.5,,,"), 4, "value", "whole number, not 2.5", True),
    ("a denominator of 0", "v.csv", lambda: with_bad("seen-in-2-weeks,team-a,2024-03-01,,0,0,"), 4, "denominator", "above 0", True),
    ("a number with words after it", "v.csv", lambda: with_bad("change,team-a,2024-03-01,12 people,,,"), 4, "value", "Enter a number", True),
    # --- Dates --------------------------------------------------------------------------------------------
    ("29 February in a year that is not a leap year", "v.csv", lambda: with_bad("wait-days,team-a,2023-02-29,12,,,"), 4, "period", "not a real date", True),
    ("the year 1", "v.csv", lambda: with_bad("wait-days,team-a,0001-01-01,12,,,"), 4, "period", "before 1990", True),
    ("the last day of 9999", "v.csv", lambda: with_bad("wait-days,team-a,9999-12-31,12,,,"), 4, "period", "in the future", True),
    ("next month", "v.csv", lambda: with_bad(f"wait-days,team-a,{next_month()},12,,,"), 4, "period", "in the future", True),
    ("a week that does not start on Monday", "v.csv", lambda: with_bad("calls-weekly,team-a,2024-01-03,5,,,"), 4, "period", "not a Monday", True),
    ("a date with a time", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01 00:00,12,,,"), 4, "period", "YYYY-MM-DD", True),
    ("a UK date", "v.csv", lambda: with_bad("wait-days,team-a,01/03/2024,12,,,"), 4, "period", "could be read two ways", True),
    ("an Excel date number", "v.csv", lambda: with_bad("wait-days,team-a,45352,12,,,"), 4, "period", "YYYY-MM-DD", True),
    ("month 13", "v.csv", lambda: with_bad("wait-days,team-a,2024-13-01,12,,,"), 4, "period", "not a real date", True),
    # --- Identifiers ----------------------------------------------------------------------------------------
    ("a team that does not exist", "v.csv", lambda: with_bad("wait-days,team-z,2024-03-01,12,,,"), 4, "team", "no team called 'team-z'", True),
    ("a measure code with a NUL", "v.csv", lambda: with_bad("wait\x00-days,team-a,2024-03-01,12,,,"), 4, "measure", "hidden character", True),
    ("a measure code with an escape", "v.csv", lambda: with_bad("wait\x1b[31m-days,team-a,2024-03-01,12,,,"), 4, "measure", "hidden character", True),
    ("a measure code with a right-to-left override", "v.csv", lambda: with_bad("wait\u202e-days,team-a,2024-03-01,12,,,"), 4, "measure", "hidden character", True),
    ("a team with a zero-width space", "v.csv", lambda: with_bad("wait-days,team\u200b-a,2024-03-01,12,,,"), 4, "team", "hidden character", True),
    ("a measure code with spaces in it", "v.csv", lambda: with_bad("wait days,team-a,2024-03-01,12,,,"), 4, "measure", "only letters, numbers", True),
    ("a measure code of 200 characters", "v.csv", lambda: with_bad("w" * 200 + ",team-a,2024-03-01,12,,,"), 4, "measure", "at most 60", True),
    # --- Formulas -------------------------------------------------------------------------------------------
    ("a command formula in the note", "v.csv", lambda: with_bad(f'wait-days,team-a,2024-03-01,12,,,"{FORMULA}"'), 4, "note", "formula", True),
    ("a command formula as the measure", "v.csv", lambda: with_bad(f'"{FORMULA}",team-a,2024-03-01,12,,,'), 4, "measure", "formula", True),
    ("a command formula as the team", "v.csv", lambda: with_bad(f'wait-days,"{FORMULA}",2024-03-01,12,,,'), 4, "team", "formula", True),
    ("@SUM(1) as the value", "v.csv", lambda: with_bad("change,team-a,2024-03-01,@SUM(1),,,"), 4, "value", "Formulas are not allowed", True),
    ("a tab before a formula in the note", "v.csv", lambda: with_bad("wait-days,team-a,2024-03-01,12,,,\t=1+1"), 4, "note", "formula", True),
    ("a formula as the period", "v.csv", lambda: with_bad("wait-days,team-a,=TODAY(),12,,,"), 4, "period", "Formulas are not allowed", True),
    # --- Control characters in numbers and dates --------------------------------------------------------
    ("a NUL inside a number", "v.csv", lambda: with_bad("change,team-a,2024-03-01,1\x002,,,"), 4, "value", "hidden character", True),
    ("an escape inside a date", "v.csv", lambda: with_bad("wait-days,team-a,2024-03\x1b-01,12,,,"), 4, "period", "hidden character", True),
    # --- Workbooks --------------------------------------------------------------------------------------------
    ("a zip bomb", "v.xlsx", zip_bomb, None, "", "unpacks to 200 MB", True),
    ("an old .xls file", "v.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, None, "", "must be a CSV (.csv) or an Excel workbook (.xlsx)", True),
    ("a workbook with a password", "v.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, None, "", "with a password", True),
    ("a CSV file renamed .xlsx", "v.xlsx", lambda: csv_file(*GOOD), None, "", "not a working Excel workbook", True),
    ("a workbook with no sheets", "v.xlsx", workbook_without_sheets, None, "", "not a working Excel workbook", True),
    ("a formula cell as the value", "v.xlsx", lambda: xlsx_with_bad(["change", "team-a", "2024-03-01", "=1+1", None, None, None]), 3, "value", "Formulas are not allowed", True),
    ("a formula cell as the note", "v.xlsx", lambda: xlsx_with_bad(["change", "team-a", "2024-03-01", 4, None, None, '=HYPERLINK("http://x")']), 3, "note", "formula", True),
    ("an Excel date with a time", "v.xlsx", lambda: xlsx_with_bad(["change", "team-a", dt.datetime(2024, 3, 1, 9, 30), 4, None, None, None]), 3, "period", "without a time", True),
    ("a period that is a number cell", "v.xlsx", lambda: xlsx_with_bad(["change", "team-a", 45352, 4, None, None, None]), 3, "period", "a number, not a date", True),
    ("TRUE as a value", "v.xlsx", lambda: xlsx_with_bad(["change", "team-a", "2024-03-01", True, None, None, None]), 3, "value", "TRUE or FALSE", True),
    ("a huge number cell", "v.xlsx", lambda: xlsx_with_bad(["change", "team-a", "2024-03-01", 1e300, None, None, None]), 3, "value", "above", True),
    ("a workbook of 10,000 columns", "v.xlsx", lambda: xlsx_file([[f"c{i}" for i in range(10_000)], list(range(10_000))]), 1, "", "columns", True),
    # --- Team scoping: the page takes only its own team (the command line is for any team) -----------------
    ("a row for another team", "v.csv", lambda: with_bad("wait-days,team-b,2024-03-01,12,,,"), 4, "team", "cannot import values for 'team-b' here", False),
]
# fmt: on
IDS = [case[0] for case in CASES]
SECRETS = (NHS, NHS_SPACED, NHS_DASHED, "0026", "0034", "jo.bloggs", "07700 900123", "John Smith")


def counts() -> tuple[int, int]:
    return Value.objects.count(), AuditEvent.objects.count()


def named(problems: list[dict[str, Any]], file: str, row: int | None, column: str, words: str) -> bool:
    return any(
        p["file"] == file and p["row"] == row and p["column"] == column and words in p["reason"]
        for p in problems
    )


def upload(client: Any, name: str, data: bytes) -> Any:
    return client.post(
        reverse("value_import", kwargs={"team": "team-a"}),
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
        follow=True,
    )


@pytest.mark.parametrize(("kind", "name", "content", "row", "column", "words", "cli"), CASES, ids=IDS)
def test_a_hostile_file_is_refused_on_the_upload_page_naming_file_row_and_column(
    measures: dict[str, Any],
    people: dict[str, Any],
    client_for: Any,
    kind: str,
    name: str,
    content: Callable[[], bytes],
    row: int | None,
    column: str,
    words: str,
    cli: bool,
) -> None:
    client = client_for(people[Role.STAFF])
    before = counts()
    name = f"team-a {name}"
    data = content()
    response = upload(client, name, data)
    if not data:  # the form refuses an empty file before any upload is recorded
        assert "The file is empty" in response.content.decode()
        assert not ValueImport.objects.exists() and counts() == before
        return
    record = ValueImport.objects.get()
    assert record.status == ValueImport.Status.REJECTED, record.report
    assert named(record.report["problems"], name, row, column, words), record.report["problems"]
    assert counts() == before
    page = html.unescape(response.content.decode())
    assert "Nothing was saved" in page
    assert name in page
    assert any(words in p["reason"] and p["reason"] in page for p in record.report["problems"])
    if row is not None:
        assert f">{row:,}</td>" in response.content.decode()
    stored = json.dumps(record.report)
    for secret in SECRETS:
        assert secret not in stored and secret not in page


@pytest.mark.parametrize(
    ("kind", "name", "content", "row", "column", "words", "cli"),
    [c for c in CASES if c[6]],
    ids=[c[0] for c in CASES if c[6]],
)
def test_a_hostile_file_is_refused_by_the_command_in_one_line_per_problem(
    measures: dict[str, Any],
    tmp_path: Path,
    kind: str,
    name: str,
    content: Callable[[], bytes],
    row: int | None,
    column: str,
    words: str,
    cli: bool,
) -> None:
    before = counts()
    path = tmp_path / name
    path.write_bytes(content())
    out = io.StringIO()
    with pytest.raises(CommandError, match=rf"found in {name}.*: nothing was saved"):
        call_command("import-values", str(path), stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    where = Problem(name, row, column, "").where()
    assert any(line.startswith(f"{where}: ") and words in line for line in lines), lines
    assert counts() == before
    for secret in SECRETS:
        assert secret not in out.getvalue()


# --- The numbers that are fine ------------------------------------------------------------------------------


def test_minus_0_spaces_around_a_number_and_a_plain_decimal_are_saved(measures: dict[str, Any]) -> None:
    report = import_values(
        "v.csv",
        csv_file(
            "change,team-a,2024-03-01,-0,,,",
            "satisfied,team-a,2024-03-01, 85.5 ,,,",
            "score,team-a,2024-03-01,0,,,",
        ),
    )
    assert report.problems == []
    assert str(Value.objects.get(measure=measures["change"]).value) == "0.0"  # not -0.0
    assert Value.objects.get(measure=measures["percent"]).value == 85.5


def test_hidden_characters_are_taken_out_of_a_note_and_the_note_is_saved(measures: dict[str, Any]) -> None:
    report = import_values(
        "v.csv", csv_file("wait-days,team-a,2024-03-01,12,,,new\x00 tri\x1bage\u202e rota")
    )
    assert report.problems == []
    assert Value.objects.get(period=dt.date(2024, 3, 1)).note == "new triage rota"


def test_a_negative_change_is_fine_where_the_measure_allows_it(measures: dict[str, Any]) -> None:
    assert import_values("v.csv", csv_file("change,team-a,2024-03-01,-12.5,,,")).problems == []


def test_more_than_200_problems_are_counted_and_the_first_200_listed(
    measures: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    rows = [f"wait-days,team-a,2024-01-01,x{i},,," for i in range(250)]
    response = upload(client_for(people[Role.STAFF]), "many.csv", csv_file(*rows))
    record = ValueImport.objects.get()
    assert record.report["problem_count"] == 250 + 249  # each bad number, and each repeat of row 2
    assert len(record.report["problems"]) == MAX_SHOWN
    assert "We found 499 problems. The first 200 are listed" in response.content.decode()


# --- The upload task never stays running ---------------------------------------------------------------------


def test_an_unexpected_error_ends_the_upload_as_failed_with_a_plain_message_and_a_log_without_values(
    measures: dict[str, Any],
    people: dict[str, Any],
    client_for: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(rows: list[Any], *args: Any, **kwargs: Any) -> None:
        raise KeyError(rows[0].note)  # an error whose message quotes the file

    monkeypatch.setattr(tasks, "save_rows", broken)
    client = client_for(people[Role.STAFF])
    before = counts()
    with caplog.at_level(logging.ERROR, logger="whatmatters.framework.tasks"):
        response = upload(
            client,
            "v.csv",
            csv_file("wait-days,team-a,2024-03-01,12,,,triage-rota-marker"),
        )
    record = ValueImport.objects.get()
    assert record.status == ValueImport.Status.FAILED
    assert record.finished
    page = html.unescape(response.content.decode())
    assert "Nothing saved: something went wrong" in page
    assert f"the number of this upload: {record.pk}" in page
    assert 'http-equiv="refresh"' not in page
    assert counts() == before
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"Value import {record.pk} failed: KeyError" in logged
    assert "tasks.py" in logged  # the frames are there
    assert "triage-rota-marker" not in logged and "v.csv" not in logged


def test_the_values_and_the_uploads_status_are_saved_in_one_transaction(
    measures: dict[str, Any], people: dict[str, Any], client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the values were written (here: writing the final status) leaves none of them."""
    real_update = QuerySet.update

    def update(self: QuerySet, **fields: Any) -> int:
        if fields.get("status") == ValueImport.Status.SAVED:
            raise RuntimeError("the database went away")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", update)
    client = client_for(people[Role.STAFF])
    before = counts()
    upload(client, "v.csv", csv_file(*GOOD))
    record = ValueImport.objects.get()
    client.post(reverse("value_import_confirm", kwargs={"team": "team-a", "pk": record.pk}))
    assert ValueImport.objects.get().status == ValueImport.Status.FAILED
    assert counts() == before


def test_an_upload_ends_as_failed_when_the_worker_is_stopped_half_way(
    measures: dict[str, Any], programme: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stopped(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tasks, "save_rows", stopped)
    record = ValueImport.objects.create(team=programme.team_a, file_name="v.csv", content=csv_file(*GOOD))
    before = counts()
    with pytest.raises(KeyboardInterrupt):
        tasks.run_value_import.call(record.pk)
    record.refresh_from_db()
    assert record.status == ValueImport.Status.FAILED
    assert counts() == before


def test_a_retried_upload_that_was_left_running_finishes(measures: dict[str, Any], programme: Any) -> None:
    record = ValueImport.objects.create(
        team=programme.team_a,
        file_name="v.csv",
        content=csv_file(*GOOD),
        status=ValueImport.Status.RUNNING,
        confirmed=True,  # "Save these values" was pressed on its preview
    )
    assert tasks.run_value_import.call(record.pk) == ValueImport.Status.SAVED
    record.refresh_from_db()
    assert record.status == ValueImport.Status.SAVED and Value.objects.count() == 3


# --- The command never ends in a traceback ----------------------------------------------------------------


def test_the_command_reports_an_unexpected_error_in_one_line(
    measures: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = importlib.import_module("whatmatters.framework.management.commands.import-values")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(command, "import_values", broken)
    path = tmp_path / "v.csv"
    path.write_bytes(csv_file(*GOOD))
    with pytest.raises(CommandError) as raised:
        call_command("import-values", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(raised.value)
    assert message == (
        "Something went wrong while importing v.csv (ZeroDivisionError): nothing was saved. "
        "Run it again with --traceback to see where."
    )
    assert "\n" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_the_command_refuses_a_file_over_5_mb_before_reading_it(
    measures: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(csv_file(*GOOD) + b"x" * (5 * 1024 * 1024))
    with pytest.raises(CommandError, match="big.csv is larger than 5 MB"):
        call_command("import-values", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_the_command_says_when_a_file_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "import-values", str(tmp_path / "missing.csv"), stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_an_upload_a_killed_worker_left_running_says_it_stopped_and_nothing_was_saved(
    measures: dict[str, Any], programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    """A worker killed outright (out of memory, kill -9) runs no code that could end the upload; its page and
    the daily run say so an hour after the upload came, and nothing was saved (one transaction)."""
    from whatmatters import tasks_common
    from whatmatters.framework.tasks import KIND

    before = Value.objects.count()
    record = ValueImport.objects.create(
        team=programme.team_a,
        uploaded_by=people[Role.STAFF],
        file_name="values.csv",
        content=b"measure,team,period,value\n",
        status=ValueImport.Status.RUNNING,
        created_at=timezone.now() - dt.timedelta(minutes=30),
    )
    assert tasks_common.sweep(KIND) == 0  # half an hour may still be a big file
    page = client_for(people[Role.STAFF]).get(f"/teams/team-a/values/import/{record.pk}/").content.decode()
    assert "Checking the file" in page
    ValueImport.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    page = client_for(people[Role.STAFF]).get(f"/teams/team-a/values/import/{record.pk}/").content.decode()
    record.refresh_from_db()
    assert record.status == ValueImport.Status.FAILED
    assert "stopped part way" in page and "Upload the file again" in page
    assert Value.objects.count() == before
