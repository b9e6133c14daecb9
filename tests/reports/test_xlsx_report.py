"""Excel reports: a summary sheet and a sheet of every value with its centre, limits, point type and icons,
the same numbers as the CSV export; numbers as numbers, small counts hidden, formulas never run."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from openpyxl import load_workbook

from tests.framework.factories import make_measure, months
from tests.reports.conftest import FROM, TO
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import shown_for
from whatmatters.framework.models import Value
from whatmatters.reports import presenters
from whatmatters.reports.exports import COLUMNS, write_csv
from whatmatters.reports.formats import render_office
from whatmatters.teams.roles import Role

FORM = {"audience": "committee", "date_from": "2024-01-01", "date_to": "2024-12-31"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(team: Any, audience: str = "committee") -> Any:
    data = presenters.build(team, FROM, TO, audience)
    return load_workbook(io.BytesIO(render_office("xlsx", data)))


def sheet_rows(sheet: Any) -> list[dict[str, Any]]:
    """The rows of the sheet's table, by its header's words."""
    cells = list(sheet.iter_rows())
    header_row = next(i for i, row in enumerate(cells) if row[0].value == "Team")
    cells = cells[header_row:]
    header = [c.value for c in cells[0]]
    return [dict(zip(header, row, strict=True)) for row in cells[1:]]


def heading(name: str) -> str:
    return name.replace("_", " ").capitalize()


def test_the_values_sheet_has_the_numbers_of_the_csv_export_for_the_same_period(
    report_world: dict[str, Any],
) -> None:
    team = report_world["team"]
    exported = [
        r
        for r in csv.DictReader(io.StringIO(write_csv([team], as_of=TO)))
        if dt.date.fromisoformat(r["period"]) >= FROM
    ]
    values = sheet_rows(workbook(team)["Values"])
    assert len(values) == len(exported) == 4 * 12
    for sheet_row, csv_row in zip(values, exported, strict=True):
        for name, kind in COLUMNS:
            cell, text = sheet_row[heading(name)], csv_row[name]
            if kind == "number" and text not in ("", "*"):
                assert cell.data_type == "n", (name, cell.value)
                assert cell.value == float(text), (name, cell.value, text)
            else:
                assert (cell.value or "") == text, (name, cell.value, text)


def test_the_values_sheet_has_centre_limits_point_type_and_icons(report_world: dict[str, Any]) -> None:
    values = sheet_rows(workbook(report_world["team"])["Values"])
    last = next(
        r for r in values if r["Measure code"].value == "wait-days" and r["Period"].value == "2024-12-01"
    )
    assert last["Value"].value == 19
    assert last["Target"].value == 30
    assert last["Lower limit"].value < last["Centre"].value < last["Upper limit"].value
    assert last["Variation"].value == "Improving: a change unlikely to be chance"
    assert last["Assurance"].value is None  # early days: 12 points since the new limits, 13 are needed
    assert last["Point"].value in {"No significant change", "Improving: a change unlikely to be chance"}


def test_small_counts_stay_hidden(report_world: dict[str, Any]) -> None:
    values = sheet_rows(workbook(report_world["team"])["Values"])
    admissions = [r["Value"].value for r in values if r["Measure code"].value == "admissions"]
    # 2024: 17 0 12 23 4 17 0 12 9 11 13 6, rounded to 5 with 1 to 7 hidden.
    assert admissions == [15, 0, 10, 25, "*", 15, 0, 10, 10, 10, 15, "*"]
    small = next(
        r for r in values if r["Measure code"].value == "carers-offered" and r["Period"].value == "2024-09-01"
    )
    assert (small["Numerator"].value, small["Denominator"].value, small["Value"].value) == ("*", "*", "*")
    assert small["Centre"].value is None and small["Upper limit"].value is None
    people = [r for r in values if r["Measure code"].value in ("admissions", "carers-offered")]
    for row in people:
        for column in ("Numerator", "Denominator", "Value"):
            assert row[column].value not in range(1, 8), (row["Period"].value, column)


def test_the_summary_sheet_has_the_icons_and_latest_value_the_dashboard_shows(
    report_world: dict[str, Any],
) -> None:
    team = report_world["team"]
    summary = workbook(team)["Summary"]
    assert summary["A1"].value == "Team A: quality report"
    assert summary["A2"].value == "1 January 2024 to 31 December 2024, for: Committee"
    sentences = [summary.cell(row=r, column=1).value for r in (4, 5, 6)]
    assert sentences == presenters.build(team, FROM, TO, "committee").summary.sentences()
    rows = {r["Measure code"].value: r for r in sheet_rows(summary)}
    assert set(rows) == {"wait-days", "seen-in-2-weeks", "carers-offered", "admissions"}
    for item in results_for(team, list(team.measures.all()), as_of=TO):
        shown = shown_for(item, outside_team=True)
        row = rows[item.measure.code]
        assert row["What the chart shows"].value == shown.variation.committee
        if shown.assurance:
            assert row["The target"].value == shown.assurance.committee
        else:  # the wait has a target but too few points since its new limits; the others have none
            early = item.measure.code == "wait-days"
            assert row["The target"].value == ("Too early to judge" if early else "No target")
        assert row["Latest value"].value == shown.latest
    assert rows["wait-days"]["Latest value"].value == "19 days"
    assert rows["admissions"]["Latest value"].value == "*"  # 6 people in December 2024
    assert [rows[c]["Needs a decision"].value for c in ("wait-days", "admissions")] == ["Yes", "No"]


def test_a_measure_name_that_starts_like_a_formula_is_only_text(report_world: dict[str, Any]) -> None:
    team = report_world["team"]
    evil = make_measure(team, report_world["domain"], "evil", name='=HYPERLINK("http://127.0.0.1/","x")')
    for period in months(dt.date(2024, 1, 1), 12):
        Value.objects.create(measure=evil, period=period, value=-3)
    book = workbook(team)
    for sheet in ("Values", "Summary"):
        names = [r for r in sheet_rows(book[sheet]) if r["Measure code"].value == "evil"]
        cell = names[0]["Measure name" if sheet == "Values" else "Measure"]
        assert cell.data_type == "s"
        assert cell.value == "'" + evil.name
    values = [r["Value"] for r in sheet_rows(book["Values"]) if r["Measure code"].value == "evil"]
    assert [(c.value, c.data_type) for c in values] == [(-3, "n")] * 12  # a negative number stays a number


def test_the_command_writes_an_excel_file(report_world: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "team-a.xlsx"
    call_command(
        "report",
        *("--team", "team-a", "--from", "2024-01-01", "--to", "2024-12-31", "--audience", "committee"),
        *("--format", "xlsx", "--output", str(out)),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert load_workbook(out).sheetnames == ["Summary", "Values"]


def test_the_report_page_makes_and_offers_an_excel_file(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.reports.models import Report

    lead = client_for(people[Role.TEAM_LEAD])
    assert lead.post("/teams/team-a/reports/new/", {**FORM, "file_format": "xlsx"}).status_code == 302
    report = Report.objects.latest("pk")
    assert (report.status, report.file_format) == ("ready", "xlsx")
    page = lead.get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    assert f'href="/teams/team-a/reports/{report.pk}/report.xlsx">Download the Excel file' in page
    download = lead.get(f"/teams/team-a/reports/{report.pk}/report.xlsx")
    assert download["Content-Type"] == XLSX
    name = "what-matters-team-a-committee-2024-01-01-to-2024-12-31.xlsx"
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    assert load_workbook(io.BytesIO(download.content)).sheetnames == ["Summary", "Values"]
    assert lead.get(f"/teams/team-a/reports/{report.pk}/report.pptx").status_code == 404


def test_a_form_sent_without_a_format_makes_a_pdf_as_before(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.reports.models import Report

    lead = client_for(people[Role.TEAM_LEAD])
    assert lead.post("/teams/team-a/reports/new/", FORM).status_code == 302
    report = Report.objects.latest("pk")
    assert report.file_format == "pdf" and bytes(report.pdf).startswith(b"%PDF") and bytes(report.file) == b""
    form = lead.post("/teams/team-a/reports/new/", {**FORM, "file_format": "docx"})
    assert form.status_code == 200
    assert "Select a valid choice" in form.content.decode()
