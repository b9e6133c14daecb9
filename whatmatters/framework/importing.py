"""Values from a CSV or XLSX file (long format), checked row by row and saved all or nothing.

Columns: `measure` (the measure's code), `team` (the team's short name), `period` (YYYY-MM-DD, the first day
of the week or month), and either `value` or `numerator` + `denominator`; `note` is optional. Every problem is
reported with its row number (as a spreadsheet numbers rows: the header is row 1), its column and a reason.
If any row has a problem, nothing is saved. Saving the same file again changes nothing. A value that
replaces another is written to the audit log (Value is an audited model).

The same checks serve the upload page, `whatmatters import-values`, manual entry and the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from whatmatters.framework.models import Frequency, Measure, Value, period_start
from whatmatters.teams.models import Team

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
REQUIRED = ("measure", "team", "period")
NUMBERS = ("value", "numerator", "denominator")
KNOWN = (*REQUIRED, *NUMBERS, "note")
NOTE_LENGTH = 500
COUNT_CHARTS = frozenset({"c", "g", "t"})
PROPORTION_CHARTS = frozenset({"p", "pp"})
FORMULA_START = ("=", "+", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    column: str
    reason: str

    def __str__(self) -> str:
        where = "The file" if self.row is None else f"Row {self.row}"
        column = f", column '{self.column}'" if self.column else ""
        return f"{where}{column}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class FileProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class CleanRow:
    row: int
    measure: Measure
    period: dt.date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    rows: list[CleanRow] = field(default_factory=list)
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            n = len(self.problems)
            return f"Nothing was saved. {n} {'problem' if n == 1 else 'problems'} found."
        verb = "saved" if self.saved else "would be saved (trial run: nothing was saved)"
        rows = "1 row" if len(self.rows) == 1 else f"{len(self.rows)} rows"
        return (
            f"{rows} checked: {self.created} new, {self.replaced} replaced, "
            f"{self.unchanged} unchanged; {verb}."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "rows": len(self.rows),
            "created": self.created,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "saved": self.saved,
            "summary": self.summary(),
        }


# --- Reading a file ------------------------------------------------------------------------------


def read_table(name: str, data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header (lower case) and the data rows with their row numbers. Raises FileProblem."""
    if not data:
        raise FileProblem(Problem(None, "", "The file is empty. Choose a file with a header row and values."))
    if len(data) > MAX_BYTES:
        raise FileProblem(Problem(None, "", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."))
    lower = name.lower()
    if lower.endswith(".xlsx"):
        cells = _read_xlsx(data)
    elif lower.endswith(".csv"):
        cells = _read_csv(data)
    else:
        raise FileProblem(Problem(None, "", "The file must be a CSV (.csv) or an Excel workbook (.xlsx)."))
    numbered = [(number, row) for number, row in cells if any(_blank(c) is False for c in row)]
    if not numbered:
        raise FileProblem(Problem(None, "", "The file is empty. Choose a file with a header row and values."))
    header_number, header_cells = numbered[0]
    header = [str(c).strip().lower() if c is not None else "" for c in header_cells]
    body = numbered[1:]
    if len(body) > MAX_ROWS:
        raise FileProblem(
            Problem(None, "", f"The file has more than {MAX_ROWS:,} rows. Split it into parts.")
        )
    return header, body


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _read_csv(data: bytes) -> list[tuple[int, list[Any]]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(
            Problem(None, "", "The file is saved as UTF-16. Save it as 'CSV UTF-8' and try again.")
        )
    if b"\x00" in data[:4096] or data.startswith((b"PK\x03\x04", b"%PDF")):
        raise FileProblem(Problem(None, "", "This is not a CSV text file. Save it as 'CSV UTF-8'."))
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark, as Excel writes: allowed, skipped
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem(
            Problem(
                line,
                "",
                "This row has characters that are not UTF-8 text. Save the file as 'CSV UTF-8'.",
            )
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise FileProblem(
            Problem(
                reader.line_num, "", f"The file could not be read as CSV here ({error}). Check the quotes."
            )
        ) from error
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list[Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise FileProblem(
            Problem(None, "", "This is not a working Excel workbook (.xlsx). Save it again from Excel.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    return rows


# --- Checking cells ------------------------------------------------------------------------------


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def parse_number(cell: Any) -> tuple[float | None, str]:
    """(number, "") or (None, reason); (None, "") for an empty cell."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, ""
    if isinstance(cell, bool):
        return None, "Enter a number, like 12 or 12.5, not TRUE or FALSE."
    if isinstance(cell, int | float):
        if not math.isfinite(cell):
            return None, "Enter a number, like 12 or 12.5."
        return float(cell), ""
    if isinstance(cell, dt.date | dt.datetime | dt.time):
        return None, "Enter a number, like 12 or 12.5, not a date."
    text = str(cell).strip()
    if text.startswith(FORMULA_START):
        return None, "Formulas are not allowed. Type the number itself."
    if _NUMBER.match(text):
        return float(text), ""
    if text.endswith("%"):
        return None, "Leave out the % sign: enter 85, not 85%."
    if re.match(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$", text):
        return None, "Write numbers without commas: 1234, not 1,234."
    return None, f"Enter a number, like 12 or 12.5, not '{text[:30]}'."


def parse_period(cell: Any, frequency: str | None) -> tuple[dt.date | None, str]:
    """(first day of the period, "") or (None, reason)."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, "Enter the first day of the period, like 2024-03-04."
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time(0, 0):
            return None, "Enter a date without a time, like 2024-03-04."
        day = cell.date()
    elif isinstance(cell, dt.date):
        day = cell
    else:
        text = str(cell).strip()
        if text.startswith(FORMULA_START):
            return None, "Formulas are not allowed. Type the date itself, like 2024-03-04."
        if _UK_DATE.match(text):
            return None, f"Write dates as YYYY-MM-DD, like 2024-03-04. '{text}' could be read two ways."
        if not _ISO_DATE.match(text):
            return None, f"Write dates as YYYY-MM-DD, like 2024-03-04, not '{text[:30]}'."
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, f"{text} is not a real date."
    if day > dt.date.today():
        return None, f"{day.isoformat()} is in the future."
    if frequency is not None and period_start(frequency, day) != day:
        if frequency == Frequency.WEEKLY:
            return None, f"{day.isoformat()} is not a Monday. Weekly periods start on Monday."
        return None, f"{day.isoformat()} is not the 1st of a month. Monthly periods start on the 1st."
    return day, ""


def check_numbers(
    measure: Measure, value: Any, numerator: Any, denominator: Any
) -> tuple[dict[str, float | None], list[tuple[str, str]]]:
    """Parsed numbers for this measure, and (column, reason) problems."""
    problems: list[tuple[str, str]] = []
    parsed: dict[str, float | None] = {}
    for column, cell in (("value", value), ("numerator", numerator), ("denominator", denominator)):
        number, reason = parse_number(cell)
        parsed[column] = number
        if reason:
            problems.append((column, reason))
    if problems:
        return parsed, problems
    if measure.needs_denominator:
        if parsed["value"] is not None:
            problems.append(("value", "This measure needs a numerator and a denominator, not a value."))
        if parsed["numerator"] is None:
            problems.append(("numerator", "Enter the numerator."))
        if parsed["denominator"] is None:
            problems.append(("denominator", "Enter the denominator."))
        num, den = parsed["numerator"], parsed["denominator"]
        if num is not None and num < 0:
            problems.append(("numerator", "The numerator cannot be below 0."))
        if den is not None and den <= 0:
            problems.append(("denominator", "The denominator must be above 0."))
        if (
            num is not None
            and den is not None
            and den > 0
            and num > den
            and (measure.chart in PROPORTION_CHARTS or measure.unit == "%")
        ):
            problems.append(
                ("numerator", f"The numerator ({num:g}) is larger than the denominator ({den:g}).")
            )
    else:
        if parsed["numerator"] is not None or parsed["denominator"] is not None:
            column = "numerator" if parsed["numerator"] is not None else "denominator"
            problems.append((column, "This measure takes one value. Leave numerator and denominator empty."))
        number = parsed["value"]
        if number is None:
            problems.append(("value", "Enter the value."))
        elif measure.chart in COUNT_CHARTS and number < 0:
            problems.append(("value", "A count cannot be below 0."))
        elif measure.chart == "c" and not number.is_integer():
            problems.append(("value", "A count must be a whole number."))
    return parsed, problems


def check_note(cell: Any) -> tuple[str, str]:
    text = _text(cell)
    if text.startswith((*FORMULA_START, "-")):
        return "", "A note cannot start with =, +, - or @ (a spreadsheet could run it as a formula)."
    if len(text) > NOTE_LENGTH:
        return "", f"Keep the note to {NOTE_LENGTH} characters or fewer."
    return text, ""


# --- Checking rows -------------------------------------------------------------------------------


def check_header(header: list[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(1, column, "This column appears twice."))
        seen.add(column)
        if column and column not in KNOWN:
            problems.append(Problem(1, column, f"Unknown column. Use only: {', '.join(KNOWN)}."))
        if not column:
            problems.append(Problem(1, "", "A column has no name in the header row."))
    for column in REQUIRED:
        if column not in seen:
            problems.append(Problem(1, column, "This column is missing from the header row."))
    if "value" not in seen and not {"numerator", "denominator"} <= seen:
        problems.append(
            Problem(1, "value", "Add a 'value' column, or 'numerator' and 'denominator' columns.")
        )
    return problems


def check_rows(
    header: list[str],
    rows: Iterable[tuple[int, list[Any]]],
    *,
    allowed_teams: set[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[CleanRow], list[Problem]]:
    """Check every row against the database. `allowed_teams`: the team slugs this person may import for."""
    problems = check_header(header)
    if problems:
        return [], problems
    rows = list(rows)
    index = {column: i for i, column in enumerate(header)}
    teams = {t.slug: t for t in Team.objects.filter(is_active=True)}
    measures = {
        (m.team.slug, m.code): m for m in Measure.objects.select_related("team").filter(team__is_active=True)
    }
    clean: list[CleanRow] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for done, (number, cells) in enumerate(rows, start=1):
        if progress is not None and done % 200 == 0:
            progress(done)
        if len(cells) > len(header) and all(_blank(c) for c in cells[len(header) :]):
            cells = cells[: len(header)]  # empty trailing cells, as spreadsheets often leave
        if len(cells) != len(header):
            problems.append(
                Problem(number, "", f"This row has {len(cells)} cells but the header has {len(header)}.")
            )
            continue

        def cell(column: str, cells: list[Any] = cells) -> Any:
            return cells[index[column]] if column in index else None

        row_problems: list[Problem] = []
        team_slug = _text(cell("team"))
        code = _text(cell("measure"))
        team = teams.get(team_slug)
        measure = None
        if not team_slug:
            row_problems.append(Problem(number, "team", "Enter the team's short name, like cert."))
        elif team is None:
            row_problems.append(Problem(number, "team", f"There is no team called '{team_slug[:40]}'."))
        elif allowed_teams is not None and team_slug not in allowed_teams:
            row_problems.append(Problem(number, "team", f"You cannot import values for '{team_slug}' here."))
        if not code:
            row_problems.append(Problem(number, "measure", "Enter the measure's code."))
        elif team is not None and not row_problems:
            measure = measures.get((team_slug, code))
            if measure is None:
                row_problems.append(
                    Problem(number, "measure", f"{team_slug} has no measure with the code '{code[:40]}'.")
                )
        period, reason = parse_period(cell("period"), measure.frequency if measure else None)
        if reason:
            row_problems.append(Problem(number, "period", reason))
        note, reason = check_note(cell("note"))
        if reason:
            row_problems.append(Problem(number, "note", reason))
        if measure is not None:
            parsed, number_problems = check_numbers(
                measure, cell("value"), cell("numerator"), cell("denominator")
            )
            row_problems += [Problem(number, column, why) for column, why in number_problems]
        if measure is not None and period is not None:
            key = (measure.pk, period)
            if key in seen:
                row_problems.append(
                    Problem(number, "", f"This repeats row {seen[key]}: the same measure, team and period.")
                )
            else:
                seen[key] = number
        if row_problems:
            problems += row_problems
            continue
        assert measure is not None and period is not None  # noqa: S101 - guarded by row_problems above
        clean.append(
            CleanRow(
                number,
                measure,
                period,
                value=parsed["value"],
                numerator=parsed["numerator"],
                denominator=parsed["denominator"],
                note=note,
            )
        )
    return clean, problems


def save_rows(rows: list[CleanRow], report: Report, *, dry_run: bool = False) -> None:
    """Create or replace each value in one transaction; unchanged values are left alone."""
    existing = {
        (v.measure_id, v.period): v
        for v in Value.objects.filter(measure__in={r.measure.pk for r in rows}).select_related(
            "measure__team"
        )
    }
    with transaction.atomic():
        for row in rows:
            current = existing.get((row.measure.pk, row.period))
            numbers = {"value": row.value, "numerator": row.numerator, "denominator": row.denominator}
            if current is None:
                report.created += 1
                if not dry_run:
                    Value.objects.create(measure=row.measure, period=row.period, note=row.note, **numbers)
                continue
            same = all(getattr(current, k) == v for k, v in numbers.items()) and current.note == row.note
            if same:
                report.unchanged += 1
                continue
            report.replaced += 1
            if not dry_run:
                for key, number in numbers.items():
                    setattr(current, key, number)
                current.note = row.note
                current.updated_at = timezone.now()
                current.save()
    report.saved = not dry_run


def import_values(
    name: str,
    data: bytes,
    *,
    allowed_teams: set[str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read, check and (unless `dry_run` or any row has a problem) save a file of values."""
    report = Report()
    try:
        header, body = read_table(name, data)
    except FileProblem as error:
        report.problems.append(error.problem)
        return report
    total = len(body)
    if progress is not None:
        progress(0, total)
    if total == 0:
        report.problems.append(Problem(None, "", "The file has a header row but no values."))
        return report
    clean, problems = check_rows(
        header,
        body,
        allowed_teams=allowed_teams,
        progress=(lambda done: progress(done, total)) if progress is not None else None,
    )
    if progress is not None:
        progress(total, total)  # every row checked, with or without problems
    report.rows = clean
    report.problems = problems
    if problems:
        return report
    save_rows(clean, report, dry_run=dry_run)
    return report
