"""A report as an Excel workbook: a summary sheet and a sheet of every value with its limits and icons.

- "Summary": what the report is and the summary's three sentences (going well, needs attention, too early
  to tell), then one row per measure with its icons' words and its latest value (as `shown_for` gave
  them), and whether it needs a decision: the report's own summary (`ReportData.summary`).
- "Values": the rows of the CSV export (`exports.measure_rows`, cut at the report's last day and kept to its
  period), so the workbook, the CSV and the dashboard give the same numbers and hide the same counts.
- Number columns hold numbers; a hidden count stays "*". Every text cell goes through `imports.safe`, so
  text that starts like a formula never runs, and characters a workbook cannot hold are dropped.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from whatmatters.framework.measures import summary
from whatmatters.imports.safe import safe_cell
from whatmatters.jinja2_env import uk_date
from whatmatters.reports.exports import COLUMNS, measure_rows
from whatmatters.reports.presenters import ReportData
from whatmatters.spc.icons import Icon

SUMMARY_COLUMNS = (
    "Team",
    "Measure code",
    "Measure",
    "What the chart shows",
    "The target",
    "Latest value",
    "Latest period",
    "Needs a decision",
)


def text_cell(value: str) -> str:
    """Text a workbook holds as text: no formula, no control characters."""
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))


def number_cell(value: str) -> float | int | str | None:
    """A CSV number back as a number; blank stays empty and a hidden count stays "*"."""
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return text_cell(value)
    return int(number) if number.is_integer() else number


def _heading(title: str) -> str:
    return title.replace("_", " ").capitalize()


def _table(sheet: Worksheet, name: str, first_row: int, columns: int, last_row: int) -> None:
    """Mark the rows as a table with a header row (screen readers and filters use it)."""
    if last_row <= first_row:
        return
    end = sheet.cell(row=last_row, column=columns).coordinate
    table = Table(displayName=name, ref=f"A{first_row}:{end}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)


def _words(icon: Icon | None, band: str, bands: tuple[summary.Band, ...], easy: bool) -> str:
    """An icon's words, or (no icon) the words of its row or column of the summary."""
    if icon is not None:
        return icon.easy_read if easy else icon.committee
    return next(b for b in bands if b.key == band).words(easy)


def _summary(sheet: Worksheet, data: ReportData) -> None:
    easy = data.easy_read
    sheet.title = "Summary"
    sheet.append([text_cell(data.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"{uk_date(data.date_from)} to {uk_date(data.date_to)}, for: {data.audience_name}"])
    sheet.append(
        ["Counts of people are rounded to the nearest 5; * is a count from 1 to 7, hidden for privacy."]
    )
    for sentence in data.summary.sentences():
        sheet.append([text_cell(sentence)])
    sheet.append([])
    sheet.append(list(SUMMARY_COLUMNS))
    start = sheet.max_row
    for entry in data.summary.entries:
        report = entry.shown
        sheet.append(
            [
                text_cell(entry.team.name),
                text_cell(report.measure.code),
                text_cell(report.measure.name),
                _words(report.variation, entry.row, summary.ROWS, easy),
                _words(report.assurance, entry.column, summary.COLUMNS, easy),
                text_cell(report.latest),
                text_cell(report.latest_period),
                "Yes" if entry.exception else "No",
            ]
        )
    _table(sheet, "Measures", start, len(SUMMARY_COLUMNS), sheet.max_row)
    for letter, width in zip("ABCDEFGH", (24, 16, 40, 36, 36, 14, 16, 10), strict=True):
        sheet.column_dimensions[letter].width = width


def value_rows(data: ReportData) -> Iterable[dict[str, str]]:
    """The CSV export's rows for the report's teams, cut at its last day, in its period."""
    for section in data.sections:
        for row in measure_rows(section.team, programme=data.programme, as_of=data.date_to):
            if dt.date.fromisoformat(row["period"]) >= data.date_from:
                yield row


def _values(sheet: Worksheet, data: ReportData) -> None:
    sheet.append([_heading(name) for name, _ in COLUMNS])
    for row in value_rows(data):
        sheet.append(
            [number_cell(row[name]) if kind == "number" else text_cell(row[name]) for name, kind in COLUMNS]
        )
    _table(sheet, "Values", 1, len(COLUMNS), sheet.max_row)
    for index, (name, kind) in enumerate(COLUMNS, start=1):
        wide = 12 if kind == "number" else (36 if name in ("measure_name", "point") else 18)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = wide
    for cells in sheet.iter_rows(min_row=1, max_row=1):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True)


def render_xlsx(data: ReportData) -> bytes:
    """The report's summary and values as an .xlsx file."""
    book = Workbook()
    _summary(book.active, data)
    _values(book.create_sheet("Values"), data)
    book.properties.title = data.title
    book.properties.creator = "What Matters"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
