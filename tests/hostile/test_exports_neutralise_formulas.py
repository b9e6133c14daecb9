"""Every CSV a person can download is safe to open in a spreadsheet: no cell runs as a formula.

Each download the app offers is fetched over HTTP after every free-text field and team name that reaches it
has been seeded with a formula. Every cell of every download is then checked against an independent rule
(a cell is dangerous if it starts with = + - @ | %, a tab, a carriage return or a new line and is not just a
number), and each payload must be found with its leading apostrophe, so the seeding really reached the file.

A walk of the URL patterns and of the source fails when a CSV or spreadsheet download appears that this file
does not cover, or when a CSV is written other than through `whatmatters.imports.safe`.
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from tests.framework.factories import make_domain, make_measure, months
from tests.helpers import ROOT, share_with_programme
from whatmatters.imports import safe
from whatmatters.imports.safe import safe_cell
from whatmatters.reports import presenters
from whatmatters.reports.formats import render_office
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    "|calc",
    "%0A=1",
    "\n=1",
]

# Text that is only a number is left alone, so negative numbers stay numbers.
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DANGEROUS_START = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n")

# Every CSV download, by URL name. A new one must be added here, with a test that seeds what reaches it.
CSV_DOWNLOADS = {
    "team_export_csv",
    "programme_export_csv",
    "waiting_list_rejects",
    "team_plan_ahead_csv",
    "value_import_example",
    "report_xlsx",
    "programme_report_xlsx",
}
# Downloads that are not spreadsheets (JSON, PDF, HTML): a spreadsheet does not open them as cells. The
# personal-data files are JSON and hold a person's data exactly as stored, so they are not changed.
OTHER_DOWNLOADS = {
    "account_data_json",
    "person_data_json",
    "framework_export",
    "programme_framework_export",
    "openapi-json",
    "report_pdf",
    "report_html",
    "programme_report_pdf",
    "programme_report_html",
}
# The modules that make spreadsheets: the one CSV writer, and the report workbook, whose every text cell
# goes through safe_cell (checked below with the same formulas as every CSV).
SHEET_WRITERS = {"whatmatters/imports/safe.py", "whatmatters/reports/formats/excel.py"}
# Modules whose views answer with text/csv. Each writes its CSV through whatmatters.imports.safe.
CSV_VIEW_MODULES = {
    "whatmatters/reports/views.py",
    "whatmatters/waitinglists/views.py",
    "whatmatters/framework/views.py",
}


def dangerous(cell: str) -> bool:
    return cell.startswith(_DANGEROUS_START) and not _PLAIN_NUMBER.fullmatch(cell)


def cells_of(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def assert_every_cell_is_safe(rows: list[list[str]], *, payloads: list[str] = PAYLOADS) -> None:
    cells = [cell for row in rows for cell in row]
    unsafe = [cell for cell in cells if dangerous(cell)]
    assert unsafe == [], f"{len(unsafe)} of {len(cells)} cells would run as a formula: {unsafe[:5]!r}"
    for payload in payloads:
        assert any(cell == "'" + payload for cell in cells), f"{payload!r} did not reach the download"


def seed_measures(team: Any, tag: str) -> list[Any]:
    """One measure per payload, with the payload as its name, unit and code, and 3 months of values."""
    from whatmatters.framework.models import Value

    domain = make_domain(team)
    measures = []
    for n, payload in enumerate(PAYLOADS):
        measure = make_measure(
            team, domain, code=payload, name=payload, unit=payload[:20], chart="run", description=tag
        )
        for period, value in zip(months(dt.date(2024, 1, 1), 3), [-5.5, 0.0, 12.25 + n], strict=True):
            Value.objects.create(measure=measure, period=period, value=value)
        measures.append(measure)
    return measures


# --- The list of downloads is complete -------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str | None, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, entry.callback


def _source(view: Any) -> str:
    try:
        return inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return ""


def downloads() -> dict[str, str]:
    """Every route that looks like a download: its name, and 'csv' for spreadsheets or 'other'."""
    found = {}
    for route, name, view in _walk(get_resolver().url_patterns):
        code = _source(view)
        is_sheet = (
            route.endswith((".csv", ".xlsx", ".csv$", ".xlsx$"))
            or (name or "").endswith(("csv", "xlsx"))
            or "text/csv" in code
            or "spreadsheetml" in code
        )
        if is_sheet:
            found[name or route] = "csv"
        elif "attachment;" in code or route.endswith((".json", ".pdf", ".html")):
            found[name or route] = "other"
    return found


def test_every_csv_download_the_app_offers_is_covered_by_this_file() -> None:
    found = downloads()
    sheets = {name for name, kind in found.items() if kind == "csv"}
    assert sheets == CSV_DOWNLOADS, (
        f"new CSV downloads to cover here: {sorted(sheets - CSV_DOWNLOADS)}; "
        f"gone: {sorted(CSV_DOWNLOADS - sheets)}"
    )
    others = {name for name, kind in found.items() if kind == "other"}
    assert others == OTHER_DOWNLOADS, (
        f"new downloads to check (is it a spreadsheet?): {sorted(others - OTHER_DOWNLOADS)}; "
        f"gone: {sorted(OTHER_DOWNLOADS - others)}"
    )


def _python_files() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "whatmatters").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in relative:
            yield relative, path.read_text(encoding="utf-8")


def test_every_csv_is_written_through_the_one_safe_writer() -> None:
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\bDictWriter\(|\bWorkbook\(|xlsxwriter")
    offenders = [
        relative
        for relative, text in _python_files()
        if writers.search(text) and relative not in SHEET_WRITERS
    ]
    assert offenders == [], f"write CSV through whatmatters.imports.safe.writer instead: {offenders}"
    answering_csv = {relative for relative, text in _python_files() if "text/csv" in text}
    assert answering_csv == CSV_VIEW_MODULES, f"CSV answers outside the known views: {answering_csv}"


# --- Each download, seeded with formulas -----------------------------------------------------------


def test_the_team_measures_csv_neutralises_every_formula(
    programme: Any, people: dict, client_for: Any
) -> None:
    team = programme.team_a
    team.name = PAYLOADS[0]
    team.save()
    seed_measures(team, "team")
    rows = cells_of(client_for(people[Role.STAFF]).get("/teams/team-a/export/measures.csv"))
    assert len(rows) > len(PAYLOADS) * 3
    assert_every_cell_is_safe(rows)
    # Negative numbers are still numbers.
    values = [row[rows[0].index("value")] for row in rows[1:]]
    assert "-5.5" in values


def test_the_programme_measures_csv_neutralises_every_formula(
    programme: Any, people: dict, client_for: Any
) -> None:
    for team, payload in ((programme.team_a, PAYLOADS[6]), (programme.team_b, PAYLOADS[3])):
        team.name = payload
        team.save()
        share_with_programme(*seed_measures(team, "programme"))
    rows = cells_of(client_for(people[Role.FACULTY]).get("/programme/export/measures.csv"))
    teams = {row[0] for row in rows[1:]}
    assert teams == {"'" + PAYLOADS[6], "'" + PAYLOADS[3]}
    assert_every_cell_is_safe(rows)


def test_the_values_example_csv_neutralises_every_formula(
    programme: Any, people: dict, client_for: Any
) -> None:
    seed_measures(programme.team_a, "example")
    rows = cells_of(client_for(people[Role.TEAM_LEAD]).get("/teams/team-a/values/import/example.csv"))
    assert rows[0] == ["measure", "team", "period", "value", "numerator", "denominator", "note"]
    assert_every_cell_is_safe(rows)


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from whatmatters.flow.synthetic import generate

    out = tmp_path_factory.mktemp("extract")
    generate(out, teams=["community-recovery"], years=0.5, seed=3, start=dt.date(2023, 4, 3))
    return out


def _poison(folder: Path, name: str, column: str, first_row: int) -> None:
    path = folder / name
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    at = rows[0].index(column)
    for n, payload in enumerate(PAYLOADS):
        rows[first_row + n][at] = payload
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_the_waiting_list_rejects_csv_neutralises_every_formula(
    programme: Any, extract: Path, tmp_path: Path, make_user: Any, client_for: Any
) -> None:
    import shutil

    from tests.waitinglists.test_import_command import flow_import
    from whatmatters.teams.models import Team
    from whatmatters.waitinglists.models import ExtractImport

    programme.team_a.service_type = Team.ServiceType.COMMUNITY
    programme.team_a.save()
    folder = tmp_path / "poisoned"
    shutil.copytree(extract, folder)
    _poison(folder, "contacts.csv", "attend_status", 2)
    _poison(folder, "contacts.csv", "contact_date", 40)
    _poison(folder, "referrals.csv", "priority", 2)
    flow_import(str(folder), "--team-map", "CERT=team-a")
    job = ExtractImport.objects.get()
    rows = cells_of(
        client_for(make_user(Role.FACULTY)).get(f"/programme/waiting-lists/imports/{job.pk}/rejects.csv")
    )
    assert rows[0] == ["file", "row", "column", "rule_code", "severity", "message", "value"]
    assert_every_cell_is_safe(rows)


def test_the_plan_ahead_csv_has_only_numbers_and_dates_and_is_safe(
    programme: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    from tests.waitinglists.test_import_command import flow_import
    from whatmatters.teams.models import Team

    programme.team_a.service_type = Team.ServiceType.COMMUNITY
    programme.team_a.name = PAYLOADS[0]
    programme.team_a.save()
    code, said = flow_import(str(extract), "--team-map", "CERT=team-a")
    assert code == 0, said
    client = client_for(make_user(Role.TEAM_LEAD, programme.team_a))
    rows = cells_of(client.get("/teams/team-a/flow/plan-ahead.csv?referral_growth_pct=-50"))
    assert len(rows) > 2
    assert_every_cell_is_safe(rows, payloads=[])
    for row in rows[1:]:
        assert dt.date.fromisoformat(row[0])
        assert all(_PLAIN_NUMBER.fullmatch(cell) for cell in row[1:]), row


# --- The one rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_cell_puts_an_apostrophe_before_every_payload(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("kept", ["-3", "-3.25", "12", "0", "Team A", "50%", "A=B", "", "'=1"])
def test_numbers_and_ordinary_text_are_left_as_they_are(kept: str) -> None:
    assert safe_cell(kept) == kept


@pytest.mark.parametrize("kept", [-3, -3.25, 0, None, dt.date(2024, 1, 1)])
def test_values_that_are_not_text_are_left_as_they_are(kept: Any) -> None:
    assert safe_cell(kept) is kept


def test_a_carriage_return_or_new_line_inside_a_cell_is_quoted_so_no_new_row_starts() -> None:
    out = io.StringIO()
    writer = safe.writer(out)
    writer.writerow(["\r=1", "a\rb", "c\nd"])
    assert out.getvalue() == '"\'\r=1","a\rb","c\nd"\r\n'
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [["'\r=1", "a\rb", "c\nd"]]


def test_a_safe_writer_will_not_end_lines_with_a_new_line_alone() -> None:
    """With a new line alone, csv leaves a lone carriage return unquoted: a spreadsheet starts a row there."""
    with pytest.raises(ValueError, match="ends its lines"):
        safe.writer(io.StringIO(), lineterminator="\n")


def test_the_report_workbook_neutralises_every_formula(programme: Any) -> None:
    team = programme.team_a
    team.name = PAYLOADS[0]
    team.save()
    seed_measures(team, "team")
    data = presenters.build(
        team, dt.date(2024, 1, 1), dt.date(2024, 12, 31), "committee", contents="everything"
    )
    book = load_workbook(io.BytesIO(render_office("xlsx", data)))
    texts = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert any(PAYLOADS[1] in text for text in texts)  # the payloads are there, as text
    assert [t for t in texts if dangerous(t)] == []
    assert not any(
        cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    )
