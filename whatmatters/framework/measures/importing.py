"""Values from a CSV or XLSX file (long format), checked row by row and saved all or nothing.

Columns: `measure` (the measure's code), `team` (the team's short name), `period` (YYYY-MM-DD, the first day
of the week or month), and either `value` or `numerator` + `denominator`; `note` and
`new_baseline` are optional (a note becomes an event on the chart; `new_baseline` yes asks a team lead to
start new limits). The file is read
by the shared `whatmatters.imports.reading` (so it is refused in seconds if it cannot be a table) and every
problem is a `whatmatters.imports.problems.Problem`: the file, the row (as a spreadsheet numbers rows: the
header is row 1), the column and a reason. If any row has a problem, nothing is saved. Saving the same file
again changes nothing. Values are saved by `measures.values.write_values`, which keeps each value's history
(the upload, the command or the API; who) and writes every created or replaced value to the audit log.

Every number is bounded: finite, at most 15 digits, and within what its measure can hold (a percentage from
0 to 100, a count whole and at most 1,000,000,000, a number of days at most 100 years, a score within the
range its unit names, anything at most 1,000,000,000,000 either side of 0). No cell may hold an NHS number,
and a note may not hold anything that could identify a person; neither is ever repeated in a message.

The same checks serve the upload page, `whatmatters import-values`, manual entry and the API (`check_rows`
takes rows from any of them).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from whatmatters.framework.measures.values import Row as ValueRow
from whatmatters.framework.measures.values import Source, numbers_in_words, write_values
from whatmatters.framework.models import (
    Annotation,
    BaselineRequest,
    Frequency,
    Measure,
    period_label,
    period_start,
)
from whatmatters.imports import cells
from whatmatters.imports.problems import Problem, Refused
from whatmatters.imports.reading import Limits, Table, read_table
from whatmatters.imports.reading import check_header as check_columns
from whatmatters.spc.numbers import exact, shown
from whatmatters.teams.models import Team
from whatmatters.text.pii import KIND_WORDS, find_personal_data

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
REQUIRED = ("measure", "team", "period")
NUMBERS = ("value", "numerator", "denominator")
OPTIONAL = (*NUMBERS, "note", "new_baseline")
KNOWN = (*REQUIRED, *OPTIONAL)
NOTE_LENGTH = 500
EVENT_LENGTH = 200  # Annotation.text: a longer note is cut to this on the chart
LIMITS = Limits(
    max_bytes=MAX_BYTES,
    max_rows=MAX_ROWS,
    max_columns=20,
    max_cell=1_000,
    refuse_controls=frozenset({*REQUIRED, *NUMBERS}),
)

# The largest number anything can be, either side of 0, and the largest count (people, events, days).
LARGEST = 1e12
LARGEST_COUNT = 1e9
EARLIEST_PERIOD = dt.date(1990, 1, 1)
COUNT_CHARTS = frozenset({"c", "g"})  # a count of events (c) or of opportunities between them (g)
PROPORTION_CHARTS = frozenset({"p", "pp"})
RATE_CHARTS = frozenset({"u", "up"})

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_EXPONENT = re.compile(r"^[-+]?\d+(\.\d+)?[eE][-+]?\d+$")
_NOT_NUMBERS = frozenset({"nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"})
_DURATION = re.compile(r"^(days?|hours?|hrs?|minutes?|mins?|weeks?)\b", re.IGNORECASE)
_SCORE = re.compile(r"\((-?\d+(?:\.\d+)?)\s*(?:to|–)\s*(-?\d+(?:\.\d+)?)\)")
# Each duration unit, its plural and the most that makes sense: 100 years.
_LONGEST = {
    "day": ("days", 36_525),
    "hour": ("hours", 876_600),
    "hr": ("hours", 876_600),
    "minute": ("minutes", 52_596_000),
    "min": ("minutes", 52_596_000),
    "week": ("weeks", 5_218),
}

NHS_NUMBER = "This looks like an NHS number. Take it out: this file must not identify anyone."
HIDDEN_CHARACTER = (
    "This cell has a hidden character in it (such as a null, escape or text-direction character). "
    "Type the cell again."
)
MAX_SHOWN = 200  # problems listed on the page, in the command's output and in the API's answer

# The API: a JSON list of rows, each an object with these fields; problems name "The request".
REQUEST = "The request"
MAX_API_ROWS = 10_000
API_FIELDS = ("measure", "period", "value", "numerator", "denominator", "note", "team")


class JsonNumber(str):
    """A number from a JSON body, kept as the text it was sent as (so 4,000 digits are refused by their
    length before Python turns them into infinity, and NaN is named as NaN)."""


@dataclass
class CleanRow:
    row: int
    measure: Measure
    period: dt.date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    new_baseline: bool = False


MAX_LISTED = 500  # of each list in a preview: values added, replaced, kept, events and new-limits requests


@dataclass
class Report:
    file: str = ""
    problems: list[Problem] = field(default_factory=list)
    rows: list[CleanRow] = field(default_factory=list)
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    kept: int = 0  # values typed by hand the file would have replaced, kept as they were
    saved: bool = False
    # What was (or would be) done, for the preview: each a dict of measure, code, period, old and new.
    added: list[dict[str, str]] = field(default_factory=list)
    replacements: list[dict[str, str]] = field(default_factory=list)
    kept_typed: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, str]] = field(default_factory=list)  # notes that become chart events
    baselines: list[dict[str, str]] = field(default_factory=list)  # requests to start new limits

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            n = len(self.problems)
            found = f"Nothing was saved. {n:,} {'problem' if n == 1 else 'problems'} found."
            return found + (f" The first {MAX_SHOWN} are listed." if n > MAX_SHOWN else "")
        verb = "saved" if self.saved else "would be saved (trial run: nothing was saved)"
        rows = "1 row" if len(self.rows) == 1 else f"{len(self.rows):,} rows"
        kept = f", {self.kept} typed by hand kept" if self.kept else ""
        return (
            f"{rows} checked: {self.created} new, {self.replaced} replaced, "
            f"{self.unchanged} unchanged{kept}; {verb}."
        )

    def preview_summary(self) -> str:
        rows = "1 row" if len(self.rows) == 1 else f"{len(self.rows):,} rows"
        kept = f", {self.kept} typed by hand (kept unless you choose to replace them)" if self.kept else ""
        return (
            f"{rows} checked: {self.created} to add, {self.replaced} to replace, "
            f"{self.unchanged} unchanged{kept}. Nothing has been saved yet."
        )

    def lines(self) -> list[str]:
        """The lists, one line each, as the command prints them."""
        out = []
        add, replace = ("Added", "Replaced") if self.saved else ("Would add", "Would replace")
        for title, items, arrow in (
            (add, self.added, False),
            (replace, self.replacements, True),
            ("Kept (typed by hand)", self.kept_typed, True),
        ):
            for item in items:
                numbers = f"{item['old']} → {item['new']}" if arrow else item["new"]
                out.append(f"{title}: {item['measure']} ({item['code']}), {item['period']}: {numbers}")
        event = "Event added" if self.saved else "Would add event"
        for item in self.events:
            out.append(f"{event}: {item['measure']} ({item['code']}), {item['period']}: {item['text']}")
        for item in self.baselines:
            verb = "Request" if self.saved else "Would request"
            out.append(
                f"{verb} to start new limits: {item['measure']} ({item['code']}), from {item['period']} "
                "(a team lead decides)"
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "problems": [p.as_dict() for p in self.problems[:MAX_SHOWN]],
            "problem_count": len(self.problems),
            "rows": len(self.rows),
            "created": self.created,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "kept": self.kept,
            "saved": self.saved,
            "summary": self.summary(),
            "preview_summary": self.preview_summary(),
            "added": self.added[:MAX_LISTED],
            "replacements": self.replacements[:MAX_LISTED],
            "kept_typed": self.kept_typed[:MAX_LISTED],
            "events": self.events[:MAX_LISTED],
            "baselines": self.baselines[:MAX_LISTED],
        }


# --- Checking cells ------------------------------------------------------------------------------


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and math.isfinite(cell) and cell.is_integer() and abs(cell) < 1e16:
        return str(int(cell))
    return str(cell).strip()


def _quoted(text: str) -> str:
    """The cell, to repeat in a message: never anything that could identify a person."""
    text = text[:30]
    if cells.nhs_number_in(text) or find_personal_data(text):
        return "what is there"
    return f"'{text}'"


def parse_number(cell: Any) -> tuple[float | None, str]:
    """(number, "") or (None, reason); (None, "") for an empty cell. Finite, at most 15 digits, and at most
    LARGEST either side of 0; each measure narrows this in `check_numbers`."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, ""
    if isinstance(cell, bool):
        return None, "Enter a number, like 12 or 12.5, not TRUE or FALSE."
    if isinstance(cell, JsonNumber):
        if cell in ("NaN", "Infinity", "-Infinity"):
            return None, f"Enter a number, like 12 or 12.5, not {cell}."
        if len(cell) > cells.MAX_NUMBER_CHARACTERS:
            return cells.parse_bounded(cell, lowest=-LARGEST, highest=LARGEST)
        number = float(cell)
        if number == 0 and re.search(r"[1-9]", re.split(r"[eE]", cell)[0]):
            return None, "This number is too small to keep. Round it, or enter 0."
        return _bounded(number)
    if isinstance(cell, int | float):
        try:
            number = float(cell)
        except OverflowError:
            return None, "This number is too large. Enter a number of at most 15 digits."
        return _bounded(number)
    if isinstance(cell, dt.date | dt.datetime | dt.time):
        return None, "Enter a number, like 12 or 12.5, not a date."
    if not isinstance(cell, str):
        return None, "Enter a number, like 12 or 12.5."
    text = cell.strip()
    if text.lower() in _NOT_NUMBERS:
        return None, f"Enter a number, like 12 or 12.5, not '{text}'."
    if cells.looks_like_formula(text):
        return None, "Formulas are not allowed. Type the number itself."
    if len(text) > cells.MAX_NUMBER_CHARACTERS or cells.is_plain_number(text):
        number, reason = cells.parse_bounded(text, lowest=-LARGEST, highest=LARGEST)
        return (None if number is None else number + 0.0), reason  # + 0.0: -0 is 0
    if text.endswith("%"):
        return None, "Leave out the % sign: enter 85, not 85%."
    if _THOUSANDS.match(text):
        return None, "Write numbers without commas: 1234, not 1,234."
    if _EXPONENT.match(text):
        return None, "Write the number in full, like 1500, not 1.5E+3."
    return None, f"Enter a number, like 12 or 12.5, not {_quoted(text)}."


def _bounded(number: float) -> tuple[float | None, str]:
    if math.isnan(number):
        return None, "Enter a number, like 12 or 12.5, not NaN."
    if math.isinf(number):
        return None, "This number is too large. Enter a number of at most 15 digits."
    found, reason = cells.bounded(number, lowest=-LARGEST, highest=LARGEST)
    return (None if found is None else found + 0.0), reason


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
    elif isinstance(cell, bool) or not isinstance(cell, str):
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return None, (
                "This is a number, not a date. Format the cell as a date, or type the date as "
                "YYYY-MM-DD, like 2024-03-04."
            )
        return None, "Write the date as text, like 2024-03-04."
    else:
        text = cell.strip()
        if cells.looks_like_formula(text):
            return None, "Formulas are not allowed. Type the date itself, like 2024-03-04."
        if _UK_DATE.match(text):
            return None, f"Write dates as YYYY-MM-DD, like 2024-03-04. '{text}' could be read two ways."
        if not _ISO_DATE.match(text):
            return None, f"Write dates as YYYY-MM-DD, like 2024-03-04, not {_quoted(text)}."
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, f"{text} is not a real date."
    if day < EARLIEST_PERIOD:
        return None, f"{day.isoformat()} is before 1990. Check the year."
    if day > timezone.localdate():
        return None, f"{day.isoformat()} is in the future."
    if frequency is not None and period_start(frequency, day) != day:
        if frequency == Frequency.WEEKLY:
            return None, f"{day.isoformat()} is not a Monday. Weekly periods start on Monday."
        return None, f"{day.isoformat()} is not the 1st of a month. Monthly periods start on the 1st."
    return day, ""


@dataclass(frozen=True)
class Range:
    """What one number of a measure can be, and how to say so."""

    what: str  # "A percentage", "The numerator"
    lowest: float
    highest: float
    whole: bool = False

    def check(self, number: float) -> str:
        if self.whole and not number.is_integer():
            return f"{self.what} must be a whole number, not {exact(number)}."
        if number < self.lowest:
            return f"{self.what} cannot be below {shown(self.lowest)}."
        if number > self.highest:
            return f"{self.what} cannot be above {shown(self.highest)}. Check the number."
        return ""


def value_range(measure: Measure) -> Range:
    """What a single value of this measure can be: by its chart, then by its unit."""
    unit = (measure.unit or "").strip()
    if measure.chart in COUNT_CHARTS:
        return Range("A count", 0, LARGEST_COUNT, whole=True)
    if unit == "%":
        return Range("A percentage", 0, 100)
    if duration := _DURATION.match(unit):
        words, longest = _LONGEST[duration.group(1).lower().rstrip("s")]
        return Range(f"A number of {words}", 0, longest)
    if score := _SCORE.search(unit):
        low, high = sorted((float(score.group(1)), float(score.group(2))))
        return Range("A score", low, high)
    if measure.chart == "t":
        return Range("The time between events", 0, LARGEST)
    if unit.lower().startswith("per ") or unit.lower() == "people":
        return Range("This number", 0, LARGEST)
    return Range("This number", -LARGEST, LARGEST)


def ratio_ranges(measure: Measure) -> tuple[Range, Range]:
    """What the numerator and the denominator of this measure can be."""
    if measure.chart in PROPORTION_CHARTS:
        return (
            Range("The numerator", 0, LARGEST_COUNT, whole=True),
            Range("The denominator", 0, LARGEST_COUNT, whole=True),
        )
    if measure.chart in RATE_CHARTS:
        return Range("The numerator", 0, LARGEST_COUNT, whole=True), Range("The denominator", 0, LARGEST)
    return Range("The numerator", 0, LARGEST), Range("The denominator", 0, LARGEST)


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
        num, den = parsed["numerator"], parsed["denominator"]
        num_range, den_range = ratio_ranges(measure)
        if num is None:
            problems.append(("numerator", "Enter the numerator."))
        elif reason := num_range.check(num):
            problems.append(("numerator", reason))
        if den is None:
            problems.append(("denominator", "Enter the denominator."))
        elif den <= 0:
            problems.append(("denominator", "The denominator must be above 0."))
        elif reason := den_range.check(den):
            problems.append(("denominator", reason))
        if (
            not problems
            and num is not None
            and den is not None
            and num > den
            and (measure.chart in PROPORTION_CHARTS or measure.unit == "%")
        ):
            problems.append(
                (
                    "numerator",
                    f"The numerator ({exact(num)}) is larger than the denominator ({exact(den)}).",
                )
            )
    else:
        if parsed["numerator"] is not None or parsed["denominator"] is not None:
            column = "numerator" if parsed["numerator"] is not None else "denominator"
            problems.append((column, "This measure takes one value. Leave numerator and denominator empty."))
        number = parsed["value"]
        if number is None:
            problems.append(("value", "Enter the value."))
        elif reason := value_range(measure).check(number):
            problems.append(("value", reason))
    return parsed, problems


def personal_data_reason(text: str, what: str = "This note") -> str:
    """The reason to refuse text that could identify someone, naming only the kinds found (never the text)."""
    kinds = sorted({KIND_WORDS.get(f.kind, f.kind) for f in find_personal_data(text)})
    if not kinds:
        return ""
    found = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    article = "an" if found[0] in "aeiouAEIOU" else "a"
    if found.startswith("NHS"):
        article = "an"
    return (
        f"{what} has what looks like {article} {found}. Take it out: notes are shown with the chart and "
        "must not identify anyone."
    )


def check_note(cell: Any) -> tuple[str, str]:
    """The note without hidden characters, or ("", the reason it cannot be saved)."""
    if cell is not None and (not isinstance(cell, str) or isinstance(cell, JsonNumber)):
        return "", "Write the note as text."
    text = cells.strip_controls(cell or "").strip()
    if not text:
        return "", ""
    if cells.looks_like_formula(text):
        return "", (
            "A note cannot start with = + - @ | or % (a spreadsheet could run it as a formula). "
            "Start it with a word."
        )
    if len(text) > NOTE_LENGTH:
        return "", f"Keep the note to {NOTE_LENGTH} characters or fewer (this one has {len(text):,})."
    if reason := personal_data_reason(text):
        return "", reason
    return text, ""


_YES = frozenset({"true", "yes", "y", "1"})
_NO = frozenset({"", "false", "no", "n", "0"})


def parse_yes_no(cell: Any) -> tuple[bool, str]:
    """A `new_baseline` cell: true, yes or 1 asks to start new limits; empty, false, no or 0 does not."""
    if isinstance(cell, bool):
        return cell, ""
    text = _text(cell).lower()
    if text in _YES:
        return True, ""
    if text in _NO:
        return False, ""
    return False, "Write yes to ask for new limits from this period, or leave it empty."


def _check_code(text: str, what: str, example: str) -> str:
    """Why a team's short name or a measure's code cannot be right, without repeating what was typed."""
    if cells.looks_like_formula(text):
        return f"This looks like a spreadsheet formula. Type {what}, like {example}."
    what = what[0].upper() + what[1:]
    if not _SLUG.match(text):
        return f"{what} uses only letters, numbers, hyphens (-) and underscores (_), like {example}."
    if len(text) > 60:
        return f"{what} is at most 60 characters long."
    return ""


# --- Checking rows -------------------------------------------------------------------------------


def check_header(file: str, header: list[str]) -> list[Problem]:
    """The header's problems, each on row 1. A column named with an NHS number is named by its place."""
    nhs = [
        Problem(
            file, 1, "", f"The name of column {i} looks like an NHS number. Take it out of the header row."
        )
        for i, column in enumerate(header, start=1)
        if cells.nhs_number_in(column)
    ]
    if nhs:
        return nhs
    problems = check_columns(Table(file, header), required=REQUIRED, optional=OPTIONAL)
    if "value" not in header and not {"numerator", "denominator"} <= set(header):
        problems.append(
            Problem(file, 1, "value", "Add a 'value' column, or 'numerator' and 'denominator' columns.")
        )
    return problems


def check_rows(
    header: list[str],
    rows: Iterable[tuple[int, list[Any]]],
    *,
    file: str = "",
    allowed_teams: set[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[CleanRow], list[Problem]]:
    """Check every row against the database. `allowed_teams`: the team slugs this person may import for.
    Rows have as many cells as the header (the reader and the API make sure of it)."""
    problems = check_header(file, header)
    if problems:
        return [], problems
    index = {column: i for i, column in enumerate(header)}
    teams = {t.slug: t for t in Team.objects.filter(is_active=True)}
    measures = {
        (m.team.slug, m.code): m for m in Measure.objects.select_related("team").filter(team__is_active=True)
    }
    order = {column: i for i, column in enumerate(header)}  # each row's problems in the order of its cells
    clean: list[CleanRow] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for done, (number, row) in enumerate(rows, start=1):
        if progress is not None and done % 200 == 0:
            progress(done)
        row_problems: list[Problem] = []

        def problem(
            column: str, reason: str, number: int = number, found: list[Problem] = row_problems
        ) -> None:
            found.append(Problem(file, number, column, reason))

        # An NHS number anywhere refuses the row, and that cell is not read any further (nor repeated).
        cell_of: dict[str, Any] = {}
        for column, i in index.items():
            cell = row[i] if i < len(row) else None
            if not isinstance(cell, dict | list) and cells.nhs_number_in(_text(cell)):
                problem(column, NHS_NUMBER)
                cell_of[column] = None
                continue
            cell_of[column] = cell
        hidden = {p.column for p in row_problems}

        team_slug = _text(cell_of.get("team"))
        code = _text(cell_of.get("measure"))
        team = measure = None
        if "team" in hidden:
            pass
        elif not team_slug:
            problem("team", "Enter the team's short name, like cert.")
        elif reason := _check_code(team_slug, "the team's short name", "cert"):
            problem("team", reason)
        elif (team := teams.get(team_slug)) is None:
            problem("team", f"There is no team called '{team_slug}'.")
        elif allowed_teams is not None and team_slug not in allowed_teams:
            problem("team", f"You cannot import values for '{team_slug}' here.")
            team = None
        if "measure" in hidden:
            pass
        elif not code:
            problem("measure", "Enter the measure's code.")
        elif reason := _check_code(code, "the measure's code", "wait-days"):
            problem("measure", reason)
        elif team is not None:
            measure = measures.get((team_slug, code))
            if measure is None:
                problem("measure", f"{team_slug} has no measure with the code '{code}'.")
        period = None
        if "period" not in hidden:
            period, reason = parse_period(cell_of.get("period"), measure.frequency if measure else None)
            if reason:
                problem("period", reason)
        note = ""
        if "note" not in hidden:
            note, reason = check_note(cell_of.get("note"))
            if reason:
                problem("note", reason)
        new_baseline = False
        if "new_baseline" not in hidden:
            new_baseline, reason = parse_yes_no(cell_of.get("new_baseline"))
            if reason:
                problem("new_baseline", reason)
        parsed: dict[str, float | None] = {}
        if measure is not None and not hidden & set(NUMBERS):
            parsed, number_problems = check_numbers(
                measure, cell_of.get("value"), cell_of.get("numerator"), cell_of.get("denominator")
            )
            for column, why in number_problems:
                problem(column, why)
        if measure is not None and period is not None:
            key = (measure.pk, period)
            if key in seen:
                problem("", f"This repeats row {seen[key]:,}: the same measure, team and period.")
            else:
                seen[key] = number
        if row_problems:
            problems += sorted(row_problems, key=lambda p: order.get(p.column, len(order)))
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
                new_baseline=new_baseline,
            )
        )
    return clean, problems


def save_rows(
    rows: list[CleanRow],
    report: Report,
    *,
    dry_run: bool = False,
    source: Source = Source.IMPORT,
    by: Any = None,
    import_ref: str = "",
    keep_typed: bool = False,
) -> None:
    """Create or replace each value in one transaction; unchanged values are left alone. With `keep_typed`
    values typed by hand are kept (and listed as kept). A row's note also becomes an event on the measure's
    chart at its period, and `new_baseline` a request to start new limits from it, which a person with the
    right role decides on (never new limits by itself). The report lists all of it, for the preview."""
    with transaction.atomic():
        written = write_values(
            (
                ValueRow(
                    r.measure,
                    r.period,
                    value=r.value,
                    numerator=r.numerator,
                    denominator=r.denominator,
                    note=r.note,
                )
                for r in rows
            ),
            source=source,
            by=by,
            import_ref=import_ref,
            dry_run=dry_run,
            keep_typed=keep_typed,
        )
        report.created += written.created
        report.replaced += written.replaced
        report.unchanged += written.unchanged
        report.kept += written.kept
        frequency = {r.measure.code: r.measure.frequency for r in rows}
        lists = {"create": report.added, "replace": report.replacements, "keep": report.kept_typed}
        for change in written.changes:
            if change.action in lists:
                lists[change.action].append(
                    {
                        "measure": change.name,
                        "code": change.measure,
                        "period": _when(frequency.get(change.measure, ""), change.period),
                        "old": numbers_in_words(change.old),
                        "new": numbers_in_words(change.new),
                    }
                )
        _events_and_requests(rows, report, dry_run=dry_run, by=by, import_ref=import_ref)
    report.saved = not dry_run


def _when(frequency: str, period: dt.date) -> str:
    words = period_label(frequency, period)
    return words[:1].upper() + words[1:]


def _events_and_requests(
    rows: list[CleanRow], report: Report, *, dry_run: bool, by: Any, import_ref: str
) -> None:
    """Notes become chart events; `new_baseline` rows become pending requests. Saving the file again adds
    neither twice."""
    noted = [r for r in rows if r.note]
    asked = [r for r in rows if r.new_baseline]
    if not noted and not asked:
        return
    measure_ids = {r.measure.pk for r in noted + asked}
    events = set(
        Annotation.objects.filter(measure_id__in=measure_ids).values_list("measure_id", "date", "text")
    )
    started = set(
        Annotation.objects.filter(measure_id__in=measure_ids, new_baseline=True).values_list(
            "measure_id", "date"
        )
    )
    pending = set(
        BaselineRequest.objects.filter(measure_id__in=measure_ids, decided_at__isnull=True).values_list(
            "measure_id", "start"
        )
    )
    person = by if getattr(by, "pk", None) else None
    for r in noted:
        text = r.note[:EVENT_LENGTH]
        if (r.measure.pk, r.period, text) in events:
            continue
        events.add((r.measure.pk, r.period, text))
        report.events.append(
            {
                "measure": r.measure.name,
                "code": r.measure.code,
                "period": _when(r.measure.frequency, r.period),
                "text": text,
            }
        )
        if not dry_run:
            Annotation.objects.create(
                measure=r.measure, date=r.period, kind=Annotation.Kind.OTHER, text=text, created_by=person
            )
    for r in asked:
        key = (r.measure.pk, r.period)
        if key in started or key in pending:
            continue
        pending.add(key)
        report.baselines.append(
            {
                "measure": r.measure.name,
                "code": r.measure.code,
                "period": _when(r.measure.frequency, r.period),
            }
        )
        if not dry_run:
            BaselineRequest.objects.create(
                measure=r.measure,
                start=r.period,
                reason=r.note[:200],
                requested_by=person,
                import_ref=import_ref[:40],
            )


def check_file(
    name: str,
    data: bytes,
    *,
    allowed_teams: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read and check a file of values; `report.rows` holds the rows to save when there is no problem."""
    report = Report(file=name)
    try:
        table = read_table(name, data, LIMITS, header_check=lambda t: check_header(name, t.header))
    except Refused as refused:
        report.problems = refused.problems
        return report
    total = len(table.rows)
    if progress is not None:
        progress(0, total)
    if total == 0:
        report.problems.append(Problem(name, None, "", "The file has a header row but no values."))
        return report
    clean, problems = check_rows(
        table.header,
        table.rows,
        file=name,
        allowed_teams=allowed_teams,
        progress=(lambda done: progress(done, total)) if progress is not None else None,
    )
    if progress is not None:
        progress(total, total)  # every row checked, with or without problems
    report.rows = clean
    report.problems = problems
    return report


def import_values(
    name: str,
    data: bytes,
    *,
    allowed_teams: set[str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    by: Any = None,
    import_ref: str = "",
    keep_typed: bool = False,
) -> Report:
    """Read, check and (unless `dry_run` or any row has a problem) save a file of values. `by` and
    `import_ref` are kept with each value written (who, and which upload or file); with `keep_typed` values
    typed by hand are kept."""
    report = check_file(name, data, allowed_teams=allowed_teams, progress=progress)
    if not report.problems:
        save_rows(
            report.rows,
            report,
            dry_run=dry_run,
            by=by,
            import_ref=import_ref or f"file {name}",
            keep_typed=keep_typed,
        )
    return report


# --- Rows from the API ---------------------------------------------------------------------------

_JSON_TYPES = {dict: "an object", list: "a list", str: "text", JsonNumber: "a number", bool: "true or false"}


def _is_text(item: Any) -> bool:
    return isinstance(item, str) and not isinstance(item, JsonNumber)


def _json_type(item: Any) -> str:
    return "null" if item is None else _JSON_TYPES.get(type(item), "something else")


def read_rows(body: bytes, *, team: str) -> list[tuple[int, list[Any]]]:
    """The rows of a JSON body, numbered from 1 and in the order of `check_rows`'s header (measure, team,
    period, value, numerator, denominator, note). Raises Refused with every problem: a body that is not JSON,
    nests too deeply, is not a list, has too many rows, or rows that are not objects, have unknown fields,
    text where a code belongs, hidden characters in codes, numbers or dates, or cells too long."""
    example = 'like [{"measure": "wait-days", "period": "2024-03-01", "value": 12}]'
    if body.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark, as some tools write: allowed, skipped
        body = body[3:]
    if not body.strip():
        raise Refused(
            Problem(REQUEST, None, "", f"The request is empty. Send a JSON list of rows, {example}.")
        )
    try:
        data = json.loads(body, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=JsonNumber)
    except RecursionError as error:
        raise Refused(
            Problem(
                REQUEST,
                None,
                "",
                f"The request nests lists or objects too deeply. Send a list of rows, {example}.",
            )
        ) from error
    except json.JSONDecodeError as error:
        raise Refused(
            Problem(
                REQUEST,
                None,
                "",
                f"The request is not JSON (line {error.lineno:,}, character {error.colno:,}). "
                f"Send a list of rows, {example}.",
            )
        ) from error
    except ValueError as error:  # not UTF-8, UTF-16 or UTF-32 text
        raise Refused(
            Problem(REQUEST, None, "", f"The request is not JSON text. Send a list of rows, {example}.")
        ) from error
    if not isinstance(data, list):
        raise Refused(Problem(REQUEST, None, "", f"Send a list of rows, {example}, not {_json_type(data)}."))
    if len(data) > MAX_API_ROWS:
        raise Refused(
            Problem(
                REQUEST,
                None,
                "",
                f"The request has {len(data):,} rows. Send at most {MAX_API_ROWS:,} at a time.",
            )
        )
    problems: list[Problem] = []
    rows: list[tuple[int, list[Any]]] = []
    for number, item in enumerate(data, start=1):
        if len(problems) >= MAX_SHOWN:
            break
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    REQUEST,
                    number,
                    "",
                    f"Each row must be an object, not {_json_type(item)}. Write it like {example[6:-1]}.",
                )
            )
            continue
        row_problems = []
        for key in item:
            if key not in API_FIELDS:
                name = "" if cells.nhs_number_in(key) or len(key) > 40 else cells.strip_controls(key)
                row_problems.append(
                    Problem(REQUEST, number, name, f"Unknown field. Use only: {', '.join(API_FIELDS)}.")
                )
        for key in ("measure", "period", "team"):
            cell = item.get(key)
            if cell is not None and not _is_text(cell):
                row_problems.append(
                    Problem(REQUEST, number, key, f"Send this as text, not {_json_type(cell)}.")
                )
        for key, cell in item.items():
            if key in API_FIELDS and _is_text(cell):
                if len(cell) > LIMITS.max_cell:
                    row_problems.append(
                        Problem(
                            REQUEST,
                            number,
                            key,
                            f"This has {len(cell):,} characters; the most is {LIMITS.max_cell:,}.",
                        )
                    )
                elif key != "note" and cells.has_controls(cell):
                    row_problems.append(Problem(REQUEST, number, key, HIDDEN_CHARACTER))
        sent_team = item.get("team")
        if _is_text(sent_team) and sent_team.strip() and sent_team.strip() != team:
            row_problems.append(
                Problem(
                    REQUEST,
                    number,
                    "team",
                    f"This address takes values for {team} only. Leave 'team' out, or post to the other "
                    "team's address.",
                )
            )
        if row_problems:
            problems += row_problems
            continue
        text = {k: cells.strip_controls(v).strip() if _is_text(v) else v for k, v in item.items()}
        rows.append(
            (
                number,
                [
                    text.get("measure"),
                    team,
                    text.get("period"),
                    text.get("value"),
                    text.get("numerator"),
                    text.get("denominator"),
                    text.get("note"),
                ],
            )
        )
    if problems:
        raise Refused(problems)
    return rows
