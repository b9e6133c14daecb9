"""Read an uploaded CSV or XLSX file into a header and numbered rows, or refuse it with every reason.

Every importer reads its files here, so the same file gets the same answer everywhere. What cannot be a
table is refused in seconds, before any row is checked against the database: an empty or binary file,
UTF-16 or Windows-1252 text, a zip bomb, more columns, rows or characters than the importer allows, a quote
that is never closed (which would swallow the next lines into one cell), a row with more or fewer cells than
the header. Control characters are removed from every text cell (new lines only survive in the columns an
importer names as `multiline`). Row numbers count as a spreadsheet does: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from whatmatters.imports.cells import has_controls, strip_controls
from whatmatters.imports.problems import Problem, Refused

MAX_PROBLEMS = 200  # after this many, a file is refused without reading further: the person has enough to fix
_UNPACKED_RATIO = 20  # an XLSX file may unpack to at most this many times its limit (zip bombs stop here)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int = 50
    max_cell: int = 10_000  # characters in one cell
    multiline: frozenset[str] = frozenset()  # columns whose cells may hold several lines
    # columns where a hidden control character is refused rather than removed (codes, dates, numbers:
    # removing it could turn a cell that was typed wrong into one that looks right)
    refuse_controls: frozenset[str] = frozenset()


@dataclass
class Table:
    file: str
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, cells)

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


HeaderCheck = Callable[["Table"], list[Problem]]


def read_table(
    file: str,
    data: bytes,
    limits: Limits,
    *,
    allow_xlsx: bool = True,
    header_check: HeaderCheck | None = None,
) -> Table:
    """The header (lower case, trimmed) and the non-blank rows. Raises Refused with every problem found.

    `header_check`, when given, sees the header before any row is read; its problems refuse the file at
    once (a wrong header explains every row after it)."""
    if not data:
        raise _whole(file, "The file is empty. Choose a file with a header row and rows.")
    if len(data) > limits.max_bytes:
        raise _whole(file, f"The file is larger than {megabytes(limits.max_bytes)}. Split it into parts.")
    lower = file.lower()
    if lower.endswith(".xlsx") and allow_xlsx:
        rows: Iterable[tuple[int, list[Any]]] = _xlsx_rows(file, data, limits)
    elif lower.endswith(".csv") or not allow_xlsx:
        rows = _csv_rows(file, data, limits)
    else:
        raise _whole(file, "The file must be a CSV (.csv) or an Excel workbook (.xlsx).")
    return _table(file, rows, limits, header_check)


def check_header(table: Table, *, required: Iterable[str], optional: Iterable[str] = ()) -> list[Problem]:
    """Unknown, repeated, unnamed and missing columns, each named."""
    required = tuple(required)
    known = (*required, *optional)
    problems = []
    seen: set[str] = set()
    for column in table.header:
        if not column:
            problems.append(Problem(table.file, 1, "", "A column has no name in the header row."))
        elif column in seen:
            problems.append(Problem(table.file, 1, column, "This column appears twice."))
        elif column not in known:
            problems.append(
                Problem(table.file, 1, column[:40], f"Unknown column. Use only: {', '.join(known)}.")
            )
        seen.add(column)
    for column in required:
        if column not in seen:
            problems.append(Problem(table.file, 1, column, "This column is missing from the header row."))
    return problems


def _whole(file: str, reason: str) -> Refused:
    return Refused(Problem(file, None, "", reason))


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _table(
    file: str, rows: Iterable[tuple[int, list[Any]]], limits: Limits, header_check: HeaderCheck | None = None
) -> Table:
    iterator = iter(rows)
    header_cells: list[Any] | None = None
    for _number, cells in iterator:
        if not all(_blank(c) for c in cells):
            header_cells = cells
            break
    if header_cells is None:
        raise _whole(file, "The file is empty. Choose a file with a header row and rows.")
    header = [str(c).strip().lower().lstrip("\ufeff") if c is not None else "" for c in header_cells]
    while header and not header[-1]:
        header.pop()  # empty cells after the last column, as spreadsheets often leave
    if len(header) > limits.max_columns:
        raise Refused(
            Problem(
                file,
                1,
                "",
                f"The header row has {len(header_cells):,} columns; this file has at most "
                f"{limits.max_columns}. Check the file is the right one and is comma-separated.",
            )
        )
    table = Table(file, header)
    if header_check is not None and (header_problems := header_check(table)):
        raise Refused(header_problems)
    problems: list[Problem] = []
    width = len(header)
    for number, cells in iterator:
        if all(_blank(c) for c in cells):
            continue
        if len(table.rows) >= limits.max_rows:
            raise _whole(file, f"The file has more than {limits.max_rows:,} rows. Split it into parts.")
        if len(cells) > width and all(_blank(c) for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            problems.append(
                Problem(
                    file,
                    number,
                    "",
                    f"This row has {len(cells):,} {'cell' if len(cells) == 1 else 'cells'} but the header "
                    f"has {width}.",
                )
            )
        else:
            for i, cell in enumerate(cells):
                if isinstance(cell, str):
                    if len(cell) > limits.max_cell:
                        problems.append(
                            Problem(
                                file,
                                number,
                                header[i],
                                f"This cell has {len(cell):,} characters; the most is {limits.max_cell:,}.",
                            )
                        )
                    elif header[i] in limits.refuse_controls and has_controls(cell):
                        problems.append(
                            Problem(
                                file,
                                number,
                                header[i],
                                "This cell has a hidden character in it (such as a null, escape or "
                                "text-direction character). Type the cell again.",
                            )
                        )
                    elif "\n" in cell.strip() and header[i] not in limits.multiline:
                        problems.append(
                            Problem(
                                file,
                                number,
                                header[i],
                                'This cell runs over more than one line, usually because a quote (") is '
                                "not closed, so the next line was read into it. Close the quote, or keep "
                                "the cell on one line.",
                            )
                        )
                    cells[i] = strip_controls(cell, keep_newlines=header[i] in limits.multiline).strip()
            table.rows.append((number, cells))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise Refused(problems)
    return table


# --- CSV -----------------------------------------------------------------------------------------------


def decode_csv(file: str, data: bytes) -> str:
    """The text of a CSV file, or Refused with the reason (a byte-order mark, as Excel writes, is fine)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _whole(file, "The file is saved as UTF-16. Save it as 'CSV UTF-8' and try again.")
    if data.startswith(b"PK\x03\x04"):
        raise _whole(file, "This is an Excel workbook or a zip file, not a CSV file. Save it as 'CSV UTF-8'.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _whole(file, "This is an old Excel file (.xls), not a CSV file. Save it as 'CSV UTF-8'.")
    if data.startswith(b"%PDF"):
        raise _whole(file, "This is a PDF, not a CSV file. Save the data as 'CSV UTF-8'.")
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 10:
        raise _whole(file, "This is not a CSV text file. Save it as 'CSV UTF-8'.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise Refused(
            Problem(
                file,
                row,
                "",
                "This row has characters that are not UTF-8 text (Excel's plain 'CSV' format writes them). "
                "Save the file as 'CSV UTF-8' and try again.",
            )
        ) from error


def _csv_rows(file: str, data: bytes, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    text = decode_csv(file, data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    record = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise Refused(Problem(file, record + 1, "", _csv_error(str(error), limits))) from error
        record += 1
        yield record, row


def _csv_error(error: str, limits: Limits) -> str:
    if "field larger than field limit" in error:
        return (
            f'A cell here is longer than {limits.max_cell:,} characters, usually because a quote (") is not '
            "closed. Close the quote or shorten the cell."
        )
    if "unexpected end of data" in error:
        return 'A quote (") opened on this row is never closed. Close it, or remove it.'
    if "expected after" in error:
        return (
            'A quote (") in the middle of a quoted cell. Double the quote inside the cell (""), or remove it.'
        )
    if "new-line character seen in unquoted field" in error:
        return "This row has a lone carriage return. Save the file again as 'CSV UTF-8'."
    return "This row could not be read as CSV. Check its quotes and commas."


# --- XLSX ----------------------------------------------------------------------------------------------


def _xlsx_rows(file: str, data: bytes, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl  # only XLSX uploads need it
    from openpyxl.utils.exceptions import InvalidFileException

    not_workbook = Problem(
        file, None, "", "This is not a working Excel workbook (.xlsx). Save it again from Excel."
    )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            Problem(
                file,
                None,
                "",
                "This is an old Excel file (.xls) or a workbook with a password. Save it as an Excel "
                "workbook (.xlsx) without a password.",
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Refused(not_workbook) from error
    if unpacked > limits.max_bytes * _UNPACKED_RATIO:
        raise Refused(
            Problem(
                file,
                None,
                "",
                f"The workbook unpacks to {megabytes(unpacked)}, more than we read. Keep only the "
                "values sheet and save it again.",
            )
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
        raise Refused(not_workbook) from error
    try:
        if not workbook.worksheets:
            raise Refused(not_workbook)
        sheet = workbook.worksheets[0]
        try:
            for number, row in enumerate(
                sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1), start=1
            ):
                yield number, list(row)
        except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
            raise Refused(not_workbook) from error
    finally:
        workbook.close()
