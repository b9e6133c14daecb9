"""Validate extracts against the import contract with DuckDB (flow.md §2.3).

`validate_extract` reads the CSV files into one DuckDB connection, records every failed rule as a
reject row (file, row, column, rule code, message, value), drops rows with errors, and returns an
`ImportResult` whose connection holds the kept, typed rows as `referrals`, `contacts`, `ward_stays` and
`clock_pauses` (views over the checked tables, or tables when malformed lines shifted the row numbers),
and `contact_referrals`, each kept contact with what the later steps need of its referral (see links).

Each file may instead be a table already in the connection (`Relation`): the MHSDS route maps its tables
into contract-shaped tables and checks them there, by the same rules, without writing and reading a file.

Row numbers are spreadsheet rows: the header is row 1 and the first data row is row 2. Nothing here
guesses: a date that is not YYYY-MM-DD is an error, never a re-interpretation.
"""

# SQL in this module is assembled only from the contract's own column names, fixed codes and Python dates;
# values read from files never become SQL text (file paths are bound parameters).
# ruff: noqa: S608

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from whatmatters.flow import contract, links
from whatmatters.flow.contract import Column, FileSpec, Kind, Rule
from whatmatters.flow.database import connect, fingerprint, object_type, sql_codes
from whatmatters.imports.cells import nhs_number_in, strip_controls
from whatmatters.imports.problems import Refused
from whatmatters.imports.reading import decode_csv
from whatmatters.spc.numbers import shown

DEFAULT_THRESHOLD = 0.01
ERROR = "error"
WARNING = "warning"
HEADER_ROW = 1
# The longest raw value copied into rejects.csv; enough to recognise it, not enough to leak a note.
MAX_VALUE_SHOWN = 60
# What cannot be an extract is refused before DuckDB reads it (see _read_header and _scan_bytes).
MAX_COLUMNS = 100  # columns in a header row: the widest file of the contract has 15
MAX_HEADER_CHARACTERS = 1 << 16  # the header row must end within this many bytes
MAX_ROW_CHARACTERS = 100_000  # one row, or one value running over several lines
# More hidden control characters than 1 in this many bytes (and at least _BINARY_FLOOR) is binary data.
_BINARY_SHARE = 1_000
_BINARY_FLOOR = 64

REJECT_COLUMNS = ("file", "row", "column", "rule_code", "severity", "message", "value")
_REJECT_SELECT = 'file, row, "column", rule_code, severity, message, value'
_REJECT_ORDER = 'file, row, "column", rule_code'


@dataclass(frozen=True)
class Reject:
    """One failed rule on one row (or on the whole file, when row is 1, the header)."""

    file: str
    row: int
    column: str
    rule_code: str
    severity: str
    message: str
    value: str = ""


@dataclass(frozen=True)
class Relation:
    """A table already in the connection, checked as if it were the contract file: its columns are named
    as the file's header would be, and its rows are numbered in the table's order (the first row is row 2).

    `name` is an identifier chosen by the calling code, never text from a file. `columns` limits what is
    read to those columns (all when None). `control` and `spaces` say whether any value may hold a control
    character (or a byte above 127) or start or end with a space; False skips that per-row work, as the
    byte scan does for a file (see _scan_bytes), so say False only when it is certain. `nhs_numbers`
    False says every value was already looked at for NHS numbers where it came from (the MHSDS route looks
    at every cell of every table as it reads it, and refuses the whole extract for one), so the scan does
    not look again. With `drop` the table is dropped once its rows are checked (they are then in
    checked_<file>)."""

    name: str
    columns: tuple[str, ...] | None = None
    control: bool = True
    spaces: bool = True
    drop: bool = False
    nhs_numbers: bool = True

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.name):
            raise ValueError(f"{self.name!r} is not a table name.")


@dataclass
class FileReport:
    """What happened to one file."""

    file: str
    rows_read: int = 0
    rows_rejected: int = 0
    rows_with_warnings: int = 0
    refused: bool = False
    refusal: str = ""
    first_date: date | None = None
    last_date: date | None = None

    @property
    def rows_kept(self) -> int:
        return self.rows_read - self.rows_rejected

    @property
    def reject_rate(self) -> float:
        return self.rows_rejected / self.rows_read if self.rows_read else 0.0


@dataclass
class ImportResult:
    """Validated tables in `con`, plus what was rejected and whether it is safe to save."""

    con: duckdb.DuckDBPyConnection
    files: dict[str, FileReport]
    extract_date: date
    threshold: float = DEFAULT_THRESHOLD
    missing_files: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Plain-English reasons why nothing may be saved (empty when saving is safe)."""
        reasons = []
        for name in self.missing_files:
            reasons.append(f"{name} was not supplied.")
        for report in self.files.values():
            if report.refused:
                reasons.append(f"{report.file} was refused: {report.refusal}")
            elif report.reject_rate > self.threshold and self.threshold == 0:
                have = "rows has an error" if report.rows_rejected == 1 else "rows have errors"
                reasons.append(
                    f"{report.file}: {report.rows_rejected:,} of {report.rows_read:,} {have}. You chose "
                    "to refuse the extract if any row has an error, so nothing has been saved. Fix the "
                    "rows listed in rejects.csv and import again."
                )
            elif report.reject_rate > self.threshold:
                reasons.append(
                    f"{report.file}: {report.rows_rejected:,} of {report.rows_read:,} rows "
                    f"({shown(100 * report.reject_rate, '%')}) have errors, more than the "
                    f"{shown(100 * self.threshold, '%')} allowed. "
                    "Nothing has been saved. Fix the rows listed in rejects.csv and import again."
                )
            elif report.rows_read == 0 and report.file == contract.REFERRALS.filename:
                reasons.append(
                    f"{report.file} has a header row but no rows, so there is nothing to import. "
                    "Nothing has been saved."
                )
        return reasons

    @property
    def can_save(self) -> bool:
        return not self.problems

    def rejects(self, limit: int | None = None) -> list[Reject]:
        sql = f"SELECT {_REJECT_SELECT} FROM rejects ORDER BY {_REJECT_ORDER}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [Reject(*r) for r in self.con.execute(sql).fetchall()]

    def counts_by_rule(self) -> dict[tuple[str, str], int]:
        """Number of reject rows by (file, rule code), for the import history."""
        rows = self.con.execute("SELECT file, rule_code, count(*) FROM rejects GROUP BY ALL").fetchall()
        return {(f, r): n for f, r, n in rows}

    def write_rejects_csv(self, path: str | Path) -> int:
        """Write rejects.csv and return the number of rows written."""
        self.con.execute(
            f"COPY (SELECT {_REJECT_SELECT} FROM rejects ORDER BY {_REJECT_ORDER}) "
            "TO ? (HEADER, DELIMITER ',')",
            [str(path)],
        )
        return self.con.execute("SELECT count(*) FROM rejects").fetchone()[0]

    def rows(self, table: str, batch_size: int = 10_000) -> Iterator[list[dict[str, object]]]:
        """Kept rows of one table in batches of plain dicts, for a database layer to upsert."""
        if table not in contract.FILES_BY_NAME:
            raise ValueError(f"There is no table called {table!r}.")
        cursor = self.con.cursor()
        cursor.execute(f"SELECT * EXCLUDE (row) FROM {table} ORDER BY row")
        names = [d[0] for d in cursor.description]
        while batch := cursor.fetchmany(batch_size):
            yield [dict(zip(names, values, strict=True)) for values in batch]

    @property
    def date_range(self) -> tuple[date | None, date | None]:
        firsts = [r.first_date for r in self.files.values() if r.first_date]
        lasts = [r.last_date for r in self.files.values() if r.last_date]
        return (min(firsts) if firsts else None, max(lasts) if lasts else None)


# --------------------------------------------------------------------------------------------------
# Header


@dataclass
class _Header:
    names: list[str]  # as written, lower-cased and trimmed
    problems: list[Reject]


def _read_header(path: Path, spec: FileSpec) -> _Header:
    """Read and check the header row ourselves: DuckDB would silently rename duplicate columns.

    Only the first row is read (at most MAX_HEADER_CHARACTERS bytes), so a file that cannot be an extract
    (a workbook, UTF-16 text, binary data, one enormous line, a million commas) is refused at once, before
    anything reads the rest of it.
    """
    file = spec.filename

    def refuse(message: str, row: int = HEADER_ROW) -> _Header:
        return _Header([], [Reject(file, row, "", Rule.FILE_UNREADABLE, ERROR, message)])

    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_HEADER_CHARACTERS + 1)
    except OSError as error:
        return refuse(f"{file} could not be opened ({error.strerror or error}).")
    if not head.removeprefix(b"\xef\xbb\xbf").strip():
        return refuse(f"{file} is empty: it has no header row.")
    end = head.find(b"\n")
    if end < 0 and len(head) > MAX_HEADER_CHARACTERS:
        return refuse(
            f"{file} row 1: the first row is more than {MAX_HEADER_CHARACTERS:,} characters long, so it "
            "cannot be a header row. Check that this is a CSV file with one row on each line."
        )
    first_line = head if end < 0 else head[:end]
    try:
        # The same checks as every other importer: workbooks, PDFs, UTF-16, binary data, not UTF-8.
        text = decode_csv(file, first_line).rstrip("\r")
    except Refused as refused:
        return refuse(f"{file} row 1: {refused.problems[0].reason}")
    if "\r" in text:
        return refuse(
            f"{file} row 1: the rows of this file end with a carriage return only, as some old Mac "
            "programs write. Save it again as 'CSV UTF-8'."
        )
    if "\x00" in text:
        return refuse(f"{file} row 1: the header row has NUL characters. Save the file again as 'CSV UTF-8'.")
    columns = text.count(",") + 1  # an upper bound (a quoted name may hold a comma): cheap, and enough
    if columns > MAX_COLUMNS:
        return refuse(
            f"{file} row 1: the header row has {columns:,} columns; a file of the extract has at most "
            f"{MAX_COLUMNS}. Check that it is the right file, that it is comma-separated, and that the "
            "header row has only the names of the columns."
        )
    try:
        names = [n.strip().lower() for n in next(csv.reader([text]), [])]
    except csv.Error:
        return refuse(f"{file} row 1: the header row could not be read as CSV. Check its quotes and commas.")
    return _check_names(spec, [n.removeprefix("\ufeff") for n in names])


def _relation_columns(con: duckdb.DuckDBPyConnection, relation: Relation) -> Relation:
    """The relation with its columns named (all the table's columns when it gave none)."""
    if relation.columns is not None:
        return relation
    names = tuple(d[0] for d in con.execute(f"SELECT * FROM {relation.name} LIMIT 0").description)
    return dataclasses.replace(relation, columns=names)


def _check_names(spec: FileSpec, names: list[str]) -> _Header:
    """Duplicate, missing and unknown columns of a header (names lower-cased and trimmed)."""
    file = spec.filename
    problems: list[Reject] = []
    aliases = {alias: c.name for c in spec.columns for alias in c.aliases}
    canonical = [aliases.get(n, n) for n in names]
    for name, count in Counter(canonical).items():
        if count > 1 and name:
            shown = _shown_name(name)
            problems.append(
                _file_reject(
                    file,
                    Rule.DUPLICATE_HEADER,
                    f"{file}: the column {shown!r} appears {count} times in the header row. "
                    "Each column must appear once.",
                    column=shown,
                )
            )
    for name in spec.required:
        if name not in canonical:
            problems.append(
                _file_reject(
                    file, Rule.MISSING_COLUMN, f"{file} has no {name!r} column. It is required.", column=name
                )
            )
    known = {c.name for c in spec.columns}
    for name in canonical:
        if name not in known:
            shown = _shown_name(name)
            problems.append(
                Reject(
                    file,
                    HEADER_ROW,
                    shown,
                    Rule.UNKNOWN_COLUMN,
                    WARNING,
                    f"{file}: the column {shown!r} is not part of the import and was ignored.",
                )
            )
    return _Header(canonical, problems)


def _shown_name(name: str) -> str:
    """A header name as a message may show it: short, without hidden characters, never an NHS number."""
    if not name:
        return "(blank)"
    if nhs_number_in(name):
        return "(a name holding an NHS number)"
    shown = strip_controls(name)[:40]
    return shown if len(name) <= 40 else shown + "…"


def _file_reject(file: str, rule: Rule, message: str, column: str = "") -> Reject:
    return Reject(file, HEADER_ROW, column, rule, ERROR, message)


# --------------------------------------------------------------------------------------------------
# Reading rows


def _read_sql(spec: FileSpec, header: _Header, spaces: bool = True, relation: Relation | None = None) -> str:
    """SQL reading the file (a bound parameter) as text, one column per contract column.

    Rows DuckDB cannot split into the header's columns go to csv_rejects_<name> (see _malformed).
    `spaces` False says the file has no space at all (see _scan_bytes), so there is nothing to trim.
    """
    positional = {f"c{i}": "VARCHAR" for i in range(len(header.names))}
    known = {c.name for c in spec.columns}
    # Blank means missing; surrounding spaces are dropped (trimming only values that have them is cheaper).
    # DuckDB already reads an empty value, quoted or not, as NULL, so only spaces are left to look for.
    selected = ", ".join(
        (
            f"CASE WHEN prefix(c{i}, ' ') OR suffix(c{i}, ' ') THEN nullif(trim(c{i}), '') "
            f"ELSE c{i} END AS {name}"
            if spaces
            else f"c{i} AS {name}"
        )
        for i, name in enumerate(header.names)
        if name in known
    )
    absent = ", ".join(f"NULL::VARCHAR AS {c.name}" for c in spec.columns if c.name not in header.names)
    # Columns we do not use are read only to look for NHS numbers in them (see _nhs_cells).
    unknown = ", ".join(f"c{i} AS unknown_{i}" for i, name in enumerate(header.names) if name not in known)
    columns_sql = ", ".join(x for x in (selected, absent, unknown) if x)
    if relation is not None:
        # The table's columns in the header's order, as text, named c0, c1, ... as a file's are.
        quoted = [n.replace('"', '""') for n in relation.columns or ()]
        read = ", ".join(f'CAST("{n}" AS VARCHAR) AS c{i}' for i, n in enumerate(quoted))
        return f"SELECT {columns_sql} FROM (SELECT {read} FROM {relation.name})"
    return f"""SELECT {columns_sql}
        FROM read_csv(?, header=true, auto_detect=false, delim=',', quote='"', escape='"',
                      columns={positional!r}, store_rejects=true, strict_mode=true,
                      rejects_table='csv_rejects_{spec.name}', rejects_scan='csv_scans_{spec.name}')"""


def _drop_csv_rejects(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    con.execute(f"DROP TABLE IF EXISTS csv_rejects_{spec.name}; DROP TABLE IF EXISTS csv_scans_{spec.name}")


def _malformed(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> bool:
    """Reject the rows DuckDB could not split into the header's columns (a truncated line, an extra comma,
    bad UTF-8). If there were any, leave `skipped` for renumbering the rows after them; say so."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE bad_lines AS
        SELECT DISTINCT line, error_type, csv_line FROM csv_rejects_{spec.name}"""
    )
    _drop_csv_rejects(con, spec)
    if con.execute("SELECT count(*) FROM bad_lines").fetchone()[0] == 0:
        con.execute("DROP TABLE bad_lines")
        return False
    con.execute(
        """INSERT INTO rejects
        SELECT ?, line, '', 'MALFORMED_ROW', 'error',
            ? || ' row ' || line || ': ' || CASE
                WHEN error_type = 'MISSING COLUMNS'
                    THEN 'has fewer values than the header row (is the line cut short?)'
                WHEN error_type = 'TOO MANY COLUMNS'
                    THEN 'has more values than the header row (an unquoted comma?)'
                WHEN error_type = 'INVALID ENCODING' THEN 'is not valid UTF-8 text'
                WHEN error_type = 'UNQUOTED VALUE' THEN 'has a quote (") in the wrong place'
                ELSE 'could not be read (' || lower(error_type) || ')' END || '. The row was skipped.',
            left(replace(trim(csv_line), chr(0), '\\0'), ?)
        FROM bad_lines""",
        [spec.filename, spec.filename, MAX_VALUE_SHOWN],
    )
    _nhs_numbers_in_bad_lines(con, spec)
    # Kept record k (read as row k + 1) sits on row k + 1 + (number of skipped rows before it).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE skipped AS
        SELECT line - 1 - row_number() OVER (ORDER BY line) AS kept_before
        FROM (SELECT DISTINCT line FROM bad_lines)"""
    )
    con.execute("DROP TABLE bad_lines")
    return True


def _nhs_numbers_in_bad_lines(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    """A row that could not be split into columns is still looked at for NHS numbers: one refuses the file
    as anywhere else, and the row's text is then not shown in rejects.csv."""
    suspects = con.execute(
        f"SELECT DISTINCT line, csv_line FROM bad_lines WHERE regexp_matches(csv_line, '{_NHS_SHAPE}')"
    ).fetchall()
    holding = sorted({line for line, text in suspects if nhs_number_in(text)})
    if not holding:
        return
    file = spec.filename
    _insert(
        con,
        [
            Reject(
                file,
                line,
                "",
                Rule.IDENTIFIER_DETECTED,
                ERROR,
                f"{file} row {line:,}: this row holds a valid NHS number. {_nhs_advice(None)}",
            )
            for line in holding
        ],
    )
    con.execute(
        "UPDATE rejects SET value = '' WHERE file = ? AND rule_code = 'MALFORMED_ROW' "
        "AND list_contains(?, row)",
        [file, holding],
    )


# --------------------------------------------------------------------------------------------------
# Row rules


# Control characters other than tab, CR and LF, and the invisible characters that change how text reads
# (bidirectional overrides and isolates, as imports.cells removes): these need a byte above 127.
_CONTROL = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\u202a-\u202e\u2066-\u2069\u200e\u200f]"


def _as_date(col: str) -> str:
    """SQL: the date, if the text is a real ISO date (exactly YYYY-MM-DD); otherwise NULL.

    DuckDB's cast is lenient (it takes 2024-1-5, 2024/01/05, a time after the date, a leading zero), so a
    date is kept only when it reads back as the very same text: DuckDB writes every date from 0001 to
    9999 as YYYY-MM-DD. That is cheaper than a regular expression on every value.
    """
    return f"CASE WHEN CAST(try_cast({col} AS DATE) AS VARCHAR) = {col} THEN try_cast({col} AS DATE) END"


def _as_whole(col: str) -> str:
    """SQL: the number, if the text is a whole number written only in digits (at most 9 of them); otherwise
    NULL. "+5", "5.0", "1e2" and "-1" are not taken as numbers here: nothing is re-interpreted."""
    return f"CASE WHEN regexp_full_match({col}, '[0-9]{{1,9}}') THEN CAST({col} AS INTEGER) END"


def _date_message(file: str, col: str) -> str:
    """SQL: a plain-English message for a date that is not a real YYYY-MM-DD date, naming the likely cause."""
    where = f"'{col}: '"
    return f"""{where} || CASE
        WHEN regexp_full_match({col}, '\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{2,4}}') THEN
            '''' || {col} || ''' is not in YYYY-MM-DD form. Dates like this can mean two different days '
            || '(3 April or 4 March), so we do not guess. Export dates as YYYY-MM-DD.'
        WHEN regexp_full_match({col}, '\\d{{5}}(\\.\\d+)?') THEN
            '''' || {col} || ''' looks like an Excel date serial number, not a date. '
            || 'Format the column as YYYY-MM-DD before saving the CSV.'
        WHEN regexp_full_match({col}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') THEN
            '''' || {col} || ''' is not a real date on the calendar.'
        WHEN regexp_full_match({col}, '\\d{{4}}-\\d{{2}}-\\d{{2}}[T ].*') THEN
            '''' || {col} || ''' has a time as well as a date. Give the date only, as YYYY-MM-DD.'
        ELSE '''' || left({col}, 40) || ''' is not a date. Write dates as YYYY-MM-DD.' END"""


def _problem(column: str, rule: Rule, severity: str, message_sql: str, value_sql: str) -> str:
    """SQL: one reject as a struct (column, rule, severity, message, value shown). The message is written
    without its "<file> row <n>, " start, which is added when the reject is saved (_save_problems)."""
    value = f"left(replace(coalesce(CAST({value_sql} AS VARCHAR), ''), chr(0), '\\0'), {MAX_VALUE_SHOWN})"
    return f"{{'c': '{column}', 'r': '{rule}', 's': '{severity}', 'm': {message_sql}, 'v': {value}}}"


@dataclass
class _Checks:
    """Every rule of one file as (condition, reject) pairs, evaluated together in one scan of the rows."""

    items: list[tuple[str, str]] = field(default_factory=list)
    gates: list[str] = field(default_factory=list)

    def add(
        self,
        condition: str,
        column: str,
        rule: Rule,
        severity: str,
        message: str,
        value: str,
        gate: str | None = None,
    ) -> None:
        """`gate`, when given, is a cheaper condition true whenever `condition` is (it may be true more
        often); rules that share a gate are looked at together, so a valid row is tested once for them."""
        self.items.append((condition, _problem(column, rule, severity, message, value)))
        gate = gate or condition
        if gate not in self.gates:
            self.gates.append(gate)

    def list_sql(self) -> str:
        """The failed rules of a row as a list; NULL for the (many) rows that pass every gate (a row that
        passes a gate's test but no rule of it gets an empty list)."""
        cases = ",\n            ".join(f"CASE WHEN {cond} THEN {struct} END" for cond, struct in self.items)
        anything = " OR ".join(f"({gate})" for gate in self.gates)
        return f"CASE WHEN {anything} THEN list_filter([{cases}], lambda x: x IS NOT NULL) END"


def _column_checks(
    checks: _Checks, spec: FileSpec, col: Column, extract_date: date, control: bool = True
) -> None:
    """The rules of one column. Date rules use d_<col>: the date, or NULL if the text is not a real date.

    Control characters are looked for in each column only when the row has some (bad_characters), and
    not at all when `control` is False (the file has none: see _scan_bytes).
    """
    file, name = spec.filename, col.name
    at = f"'{name}: '"
    if col.required:
        checks.add(
            f"{name} IS NULL",
            name,
            Rule.MISSING_REQUIRED,
            ERROR,
            f"{at} || 'is empty. Every row needs a {name}.'",
            "''",
        )
    if control:
        checks.add(
            f"bad_characters AND regexp_matches({name}, '{_CONTROL}')",
            name,
            Rule.BAD_CHARACTER,
            ERROR,
            f"{at} || 'contains a hidden control character (such as NUL). Remove it and export again.'",
            name,
        )
    if col.kind is Kind.ID:
        checks.add(
            # strlen (bytes) first: cheap, and never less than the length in characters
            f"strlen({name}) > {contract.MAX_ID_LENGTH} AND length({name}) > {contract.MAX_ID_LENGTH}",
            name,
            Rule.TOO_LONG,
            ERROR,
            f"{at} || 'is ' || length({name}) || ' characters long; IDs may be at most "
            f"{contract.MAX_ID_LENGTH}.'",
            name,
        )
    elif col.kind is Kind.DATE:
        earliest = contract.EARLIEST_DATE.isoformat()
        # One test for a date's three rules: given, and not a real date between the earliest and the
        # extract date (for optional columns an early date is no problem: that row gets an empty list).
        in_range = f"DATE '{earliest}' AND DATE '{extract_date.isoformat()}'"
        date_gate = f"{name} IS NOT NULL AND NOT coalesce(d_{name} BETWEEN {in_range}, false)"
        checks.add(
            f"{name} IS NOT NULL AND d_{name} IS NULL",
            name,
            Rule.BAD_DATE,
            ERROR,
            _date_message(file, name),
            name,
            gate=date_gate,
        )
        checks.add(
            f"d_{name} > DATE '{extract_date.isoformat()}'",
            name,
            Rule.FUTURE_DATE,
            ERROR,
            f"{at} || {name} || ' is after the extract date, {extract_date.isoformat()}.'",
            name,
            gate=date_gate,
        )
        if col.required:
            checks.add(
                f"d_{name} < DATE '{earliest}'",
                name,
                Rule.DATE_TOO_EARLY,
                ERROR,
                f"{at} || {name} || ' is before {earliest}, the earliest date we accept. "
                "Is it a typing error?'",
                name,
                gate=date_gate,
            )
        if col.not_before:
            other = col.not_before
            checks.add(
                f"d_{name} < d_{other}",
                name,
                Rule.ORDER_VIOLATION,
                ERROR,
                f"{at} || {name} || ' is before {other} (' || {other} || '). It cannot come first.'",
                name,
            )
    elif col.kind is Kind.WHOLE:
        _whole_number_check(checks, col)
    elif col.kind is Kind.CODE and col.codes is not None:
        codes = sql_codes(col.codes)
        # A known code is short and no formula, so the rules for codes share one test: is it known?
        unknown = f"{name} IS NOT NULL AND {name} NOT IN ({codes})"
        shown = ", ".join(sorted(col.codes)) if len(col.codes) <= 12 else "the MHSDS code list"
        severity = ERROR if col.unknown_code_is_error else WARNING
        consequence = "" if col.unknown_code_is_error else " The row was kept."
        checks.add(
            unknown,
            name,
            Rule.UNKNOWN_CODE,
            severity,
            f"{at} || '''' || left({name}, 40) || ''' is not a known code (expected {shown}).{consequence}'",
            name,
        )
        if col.max_length:
            checks.add(
                f"strlen({name}) > {col.max_length} AND length({name}) > {col.max_length}",
                name,
                Rule.TOO_LONG,
                ERROR,
                f"{at} || 'is ' || length({name}) || ' characters long; codes in this column are at most "
                f"{col.max_length}.'",
                name,
                gate=unknown,
            )
        _formula_check(checks, name, gate=unknown)
    if col.kind is Kind.ID:
        # The gate compares whole strings (cheap): only values starting with a character below '0',
        # between '9' and 'A' or above 'z' are looked at more closely.
        _formula_check(
            checks, name, gate=f"({name} < '0' OR ({name} >= ':' AND {name} < 'A') OR {name} >= '{{')"
        )
    if col.person_identifier:
        # NHS numbers: see _check_nhs_numbers. The value is never copied into rejects.csv.
        checks.add(
            f"{_may_be_name(name)} AND regexp_full_match({name}, '{_NAME_SQL}')",
            name,
            Rule.IDENTIFIER_DETECTED,
            ERROR,
            f"'{name}: this looks like a person''s name. We only accept "
            "pseudonymised IDs, so the whole file was refused.'",
            "''",
        )


def _whole_number_check(checks: _Checks, col: Column) -> None:
    """A whole number in digits from the column's min_value to its max_value (n_<col> is NULL otherwise)."""
    name = col.name
    in_range = f"n_{name} >= {col.min_value}"
    span = f"of {col.min_value} or more"
    if col.max_value is not None:
        in_range += f" AND n_{name} <= {col.max_value}"
        span = f"from {col.min_value} to {col.max_value}"
    checks.add(
        f"{name} IS NOT NULL AND NOT coalesce({in_range}, false)",
        name,
        Rule.BAD_NUMBER,
        ERROR,
        f"'{name}: ' || '''' || left({name}, 40) || ''' is not a whole number {span}. "
        "Write it in digits only, such as 42.'",
        name,
    )


def _formula_check(checks: _Checks, name: str, gate: str) -> None:
    """Kept IDs and codes reach pages, the API and downloads: none may be a spreadsheet formula (a plain
    negative number is not one)."""
    checks.add(
        f"{name}[1] IN ('=', '+', '-', '@', '|', '%') "
        f"AND NOT regexp_full_match({name}, '-?[0-9]+([.][0-9]+)?')",
        name,
        Rule.LOOKS_LIKE_FORMULA,
        ERROR,
        f"'{name}: ' || '''' || left({name}, 40) || ''' starts with ' || {name}[1] || ', so a spreadsheet "
        "would run it as a formula. IDs and codes never start with = + - @ | or %.'",
        name,
        gate=gate,
    )


def nhs_number_sql(col: str) -> str:
    """SQL: the value (spaces and dashes removed) is 10 digits with a valid modulus-11 check digit.

    A fast filter only: the nhs-number package confirms each candidate.
    """
    d = f"regexp_replace({col}, '[ -]', '', 'g')"
    total = " + ".join(f"{11 - i} * CAST(substr({d}, {i}, 1) AS INTEGER)" for i in range(1, 10))
    # Check digit = 11 - (weighted sum mod 11); 11 means 0 and 10 means the number can never be valid.
    check = f"(11 - (({total}) % 11)) % 11"
    return (
        f"(CASE WHEN regexp_full_match({d}, '\\d{{10}}') "
        f"THEN {check} = CAST(substr({d}, 10, 1) AS INTEGER) ELSE false END)"
    )


# Two or more capitalised words ("Jane Smith"), or "SMITH, Jane": a name, not a pseudonym.
_NAME_PATTERN = r"([A-Z][a-z]+([ '-][A-Z][a-z]+)+)|([A-Z][A-Za-z'-]+, *[A-Z][a-z]+)"
_NAME_SQL = _NAME_PATTERN.replace("'", "''")


def _may_be_name(col: str) -> str:
    """SQL: a cheap test every value matching _NAME_PATTERN passes (it starts with a capital followed by a
    small letter, or starts with a capital and has a comma), so the regular expression runs on few rows."""
    return f"(({col})[1] BETWEEN 'A' AND 'Z' AND (({col})[2] BETWEEN 'a' AND 'z' OR contains({col}, ',')))"


_COMPRESSED = (".gz", ".gzip", ".zst")


@dataclass(frozen=True)
class _Bytes:
    """What one pass over a file's bytes says about every value in it, and about its shape."""

    control: bool  # some byte is a control character (other than tab, CR, LF), or above 127 (see _CONTROL)
    spaces: bool  # some byte is a space
    # The shape, or None when the file was not looked at (compressed, or unreadable): lines holding
    # something (DuckDB skips blank lines), the first line with an odd number of quotes (") and where it
    # starts, and the reason the file cannot be read as an extract, with its row if there is one.
    lines: int | None = None
    odd_quote_line: int = 0
    odd_quote_offset: int = 0
    refusal: tuple[int | None, str] | None = None


def _scan_bytes(path: Path) -> _Bytes:
    """Look once at every byte of the (uncompressed) file: is there a control character, is there a space,
    and can it be read as an extract at all?

    When there is no control character or no space, no value can hold one, so the per-row search for
    control characters and the trimming of every value can be skipped; both cost far more per row than this
    pass, and most extracts have neither. In UTF-8 these bytes never occur inside a multi-byte character, so
    the answer is exact; when in doubt (a compressed file, an unreadable one) say yes to both and check
    every row.

    The same pass refuses, in seconds and before DuckDB reads a row, what is not an extract: binary data,
    text that is not UTF-8 (the row is named), a row longer than MAX_ROW_CHARACTERS (one enormous line, a
    million commas, a file with no line breaks). It counts the lines that hold something, for the check
    that DuckDB read every one (see _lost_rows), and notes the first line with an odd number of quotes,
    where a quoted value may run on into the next lines (see _check_quotes).

    The file is read a block at a time into one buffer, and each block is counted by numpy on every core
    (numpy lets go of the interpreter while it counts): a gigabyte takes about a second, and memory
    stays at one block (mapping the whole file would count all of it as this process's memory).
    """
    if path.name.lower().endswith(_COMPRESSED):
        return _Bytes(control=True, spaces=True)
    workers = min(4, os.cpu_count() or 1)
    control = spaces = False
    shape = _Shape()
    buffer = bytearray(_PIECE)
    try:
        with path.open("rb") as handle, ThreadPoolExecutor(max_workers=workers) as pool:
            while shape.refusal is None and (size := handle.readinto(buffer)):
                block = np.frombuffer(buffer, dtype=np.uint8, count=size)
                counted = pool.map(_scan_piece, np.array_split(block, workers))
                starts = shape.lines_of(block)  # while the pool counts
                hidden = 0
                for c, s in counted:
                    hidden, spaces = hidden + c, spaces or s
                control = control or hidden > 0
                if hidden > max(_BINARY_FLOOR, size // _BINARY_SHARE):
                    # The first cause, even if this block's lines were also too long.
                    shape.refusal = (
                        None,
                        "this file holds binary data (hidden control characters), so it is not CSV "
                        "text. Check that it is the right file, and save it as 'CSV UTF-8'.",
                    )
                elif shape.refusal is None:
                    shape.check_text(buffer, block, starts)
                shape.advance(size)
                del block  # release the view before the buffer is filled again
            shape.finish()
    except OSError:
        return _Bytes(control=True, spaces=True)
    return _Bytes(
        control=control or shape.high,
        spaces=spaces,
        lines=shape.nonblank,
        odd_quote_line=shape.odd_line,
        odd_quote_offset=shape.odd_offset,
        refusal=shape.refusal,
    )


@dataclass(frozen=True)
class TextBytes:
    """What the bytes of a file allow its values to hold (see text_bytes)."""

    control: bool  # a control character (other than tab, CR and LF), or a byte above 127
    spaces: bool  # a space


def text_bytes(path: Path) -> TextBytes:
    """Whether any byte of the file is a control character (other than tab, CR and LF) or above 127, so
    that some value read from it may hold a character _CONTROL matches, and whether any is a space; both
    True when the file is compressed or cannot be read.

    The file is read a block at a time and each block counted by numpy, as in _scan_bytes."""
    if path.name.lower().endswith(_COMPRESSED):
        return TextBytes(control=True, spaces=True)
    control = spaces = False
    buffer = bytearray(_PIECE)
    try:
        with path.open("rb") as handle:
            while not (control and spaces) and (size := handle.readinto(buffer)):
                block = np.frombuffer(buffer, dtype=np.uint8, count=size)
                if not control:
                    low = np.count_nonzero(block < 0x20)
                    allowed = sum(np.count_nonzero(block == b) for b in _ALLOWED_LOW_BYTES)
                    control = bool(low > allowed or block.max() >= 0x80)
                spaces = spaces or bool(np.count_nonzero(block == 0x20))
                del block  # release the view before the buffer is filled again
    except OSError:
        return TextBytes(control=True, spaces=True)
    return TextBytes(control=control, spaces=spaces)


def may_hold_control(path: Path) -> bool:
    """Whether some value read from the file may hold a control character (see text_bytes)."""
    return text_bytes(path).control


_PIECE = 1 << 24
_ALLOWED_LOW_BYTES = (0x09, 0x0A, 0x0D)  # tab, LF, CR: the bytes below 0x20 a CSV may hold
_NOT_UTF8 = (
    "this row has characters that are not UTF-8 text (Excel's plain 'CSV' format writes them). Save the "
    "file as 'CSV UTF-8' and try again."
)
_DECODE_SLICE = 1 << 20  # decode at most this much at a time, so the text never takes much memory


def _scan_piece(piece: np.ndarray) -> tuple[int, bool]:
    """(how many control characters, has a space) for one piece of a file's bytes."""
    low = piece[piece < 0x20]
    return int(np.count_nonzero(~np.isin(low, _ALLOWED_LOW_BYTES))), bool(np.count_nonzero(piece == 0x20))


@dataclass
class _Shape:
    """Lines, quotes and UTF-8 across the blocks of one file (see _scan_bytes)."""

    base: int = 0  # where the current block starts in the file
    lines: int = 0  # lines ended so far
    nonblank: int = 0  # of those, lines holding something
    line_start: int = 0  # where the current (unfinished) line starts
    line_quotes: int = 0  # quotes in it so far
    last_byte: int = -1  # the previous block's last byte
    odd_line: int = 0
    odd_offset: int = 0
    refusal: tuple[int | None, str] | None = None
    high: bool = False  # some byte is above 127
    decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")()
    )

    def refuse(self, row: int | None, reason: str) -> None:
        if self.refusal is None:
            self.refusal = (row, reason)

    def lines_of(self, block: np.ndarray) -> np.ndarray:
        """Count the lines ending in this block and their quotes; refuse a line that is too long.
        Returns where each line ending here starts, as offsets in the file."""
        ends = np.flatnonzero(block == 0x0A)
        starts = np.empty(len(ends), dtype=np.int64)
        if len(ends):
            starts[0] = self.line_start
            starts[1:] = self.base + ends[:-1] + 1
            lengths = self.base + ends - starts
            too_long = np.flatnonzero(lengths > MAX_ROW_CHARACTERS)
            if len(too_long):
                self._too_long(self.lines + int(too_long[0]) + 1)
            # A blank line is empty, or only the carriage return of a Windows line ending.
            before = np.where(ends > 0, block[np.maximum(ends - 1, 0)].astype(np.int16), self.last_byte)
            blank = (lengths == 0) | ((lengths == 1) & (before == 0x0D))
            self.nonblank += len(ends) - int(np.count_nonzero(blank))
        quotes = np.flatnonzero(block == 0x22)
        if len(ends) and self.odd_line == 0:
            per_line = np.diff(np.searchsorted(quotes, ends), prepend=0)
            per_line[0] += self.line_quotes
            odd = np.flatnonzero(per_line % 2)
            if len(odd):
                self.odd_line, self.odd_offset = self.lines + int(odd[0]) + 1, int(starts[odd[0]])
        if len(ends):
            self.line_quotes = len(quotes) - int(np.searchsorted(quotes, ends[-1]))
            self.line_start = self.base + int(ends[-1]) + 1
        else:
            self.line_quotes += len(quotes)
        self.lines += len(ends)
        if self.base + len(block) - self.line_start > MAX_ROW_CHARACTERS:
            self._too_long(self.lines + 1)  # refused before the rest of an endless line is read
        if len(block):
            self.last_byte = int(block[-1])
        return starts

    def check_text(self, buffer: bytearray, block: np.ndarray, starts: np.ndarray) -> None:
        """Refuse text that is not UTF-8, naming the row. Only blocks with bytes above 127 (and the end
        of a character cut by the last block) need decoding; most extracts are plain ASCII."""
        pending = self.decoder.getstate()[0]
        if not pending and not np.count_nonzero(block >= 0x80):
            return
        self.high = True
        view = memoryview(buffer)[: len(block)]
        for offset in range(0, len(block), _DECODE_SLICE):
            held = len(self.decoder.getstate()[0])
            try:
                self.decoder.decode(view[offset : offset + _DECODE_SLICE])
            except UnicodeDecodeError as error:
                at = max(offset + error.start - held, 0)
                self.refuse(
                    self.lines - len(starts) + int(np.count_nonzero(block[:at] == 0x0A)) + 1, _NOT_UTF8
                )
                return

    def advance(self, size: int) -> None:
        self.base += size

    def _too_long(self, row: int) -> None:
        self.refuse(
            row,
            f"this row is longer than the {MAX_ROW_CHARACTERS:,} characters a row may have. Check that "
            'the file is comma-separated, with one row on each line, and that every quote (") is closed.',
        )

    def finish(self) -> None:
        """The last line, if the file does not end with a line break."""
        if self.refusal is not None:
            return
        try:
            self.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            self.refuse(self.lines + 1, _NOT_UTF8)
        if self.base > self.line_start:
            blank = self.base - self.line_start == 1 and self.last_byte == 0x0D
            self.nonblank += 0 if blank else 1
            if self.line_quotes % 2 and self.odd_line == 0:
                self.odd_line, self.odd_offset = self.lines + 1, self.line_start


class _RowTooLong(Exception):
    pass


@dataclass
class _Quotes:
    """What _check_quotes found: the reason to refuse the file (row, column, reason), if any, and the
    lines holding something that quoted values running over line breaks joined to the line before."""

    refusal: tuple[int, str, str] | None = None
    joined: int = 0


def _check_quotes(path: Path, header: _Header, scanned: _Bytes) -> _Quotes:
    """Read the file as CSV from the first line with an odd number of quotes, to tell a quote that is not
    closed from a value that holds a line break.

    A quote that opens a value and is not closed makes the reader join the lines after it into that value,
    and DuckDB then drops those rows without a word. So a quoted value that runs on into the next lines is
    accepted only when its row still has as many values as the header; otherwise the file is refused, with
    the row and column where the quote opened. Only files with such a line are read here (most have none),
    and reading stops at the first problem or once a row runs past MAX_ROW_CHARACTERS.
    """
    found = _Quotes()
    width = len(header.names)
    with path.open("rb") as raw:
        raw.seek(scanned.odd_quote_offset)
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        fed: list[str] = []

        def lines() -> Iterator[str]:
            size = 0
            for line in text:
                size += len(line)
                if size > MAX_ROW_CHARACTERS:
                    raise _RowTooLong
                fed.append(line)
                yield line
                if not fed:
                    size = 0  # a row ended: the next one starts afresh

        reader = csv.reader(lines())
        row = scanned.odd_quote_line
        while True:
            fed.clear()
            try:
                cells = next(reader)
            except StopIteration:
                return found
            except _RowTooLong:
                found.refusal = _unclosed(row, fed, header)
                return found
            except csv.Error:
                found.refusal = (
                    row,
                    "",
                    "this row could not be read as CSV: it has a carriage return inside a value, or a "
                    "quote in the wrong place. Save the file again as 'CSV UTF-8'.",
                )
                return found
            if len(fed) > 1 and len(cells) != width:
                found.refusal = _unclosed(row, fed, header)
                return found
            found.joined += sum(1 for line in fed[1:] if line.strip("\r\n"))
            row += len(fed)


def _unclosed(row: int, fed: list[str], header: _Header) -> tuple[int, str, str]:
    """Where a quote opened and was not closed: its row, and the column of the value it opened."""
    first = fed[0] if fed else ""
    opened = next(csv.reader([first.rstrip("\r\n")]), [""])
    index = len(opened) - 1
    column = header.names[index] if 0 <= index < len(header.names) else ""
    return (
        row,
        column,
        'a quote (") opens a value here and is not closed on this row, so the lines after it would be '
        "read into this one value. Close the quote, or remove it.",
    )


def _check_rows(
    con: duckdb.DuckDBPyConnection,
    spec: FileSpec,
    header: _Header,
    path: Path | Relation,
    extract_date: date,
    scanned: _Bytes | None = None,
) -> None:
    """Read the file and check the rules of every column of every row in the same parallel scan.

    Writes `checked_<name>` in the file's order (so its rowid gives the row: see _number_rows): typed
    columns, the raw text of date key columns (raw_<col>), the cells that may hold an NHS number
    (nhs_cells: see _nhs_cells), the failed rules (problems) and has_error. Links to referrals, duplicate keys
    and NHS numbers are checked afterwards (_finish_checks).
    """
    relation = path if isinstance(path, Relation) else None
    scanned = scanned or (
        _Bytes(control=relation.control, spaces=relation.spaces) if relation else _scan_bytes(path)
    )
    control = scanned.control
    read_sql = _read_sql(spec, header, spaces=scanned.spaces, relation=relation)
    checks = _Checks()
    for col in spec.columns:
        _column_checks(checks, spec, col, extract_date, control)
    dates = [c.name for c in spec.columns if c.kind is Kind.DATE]
    flags = "".join(f", {_as_date(c)} AS d_{c}" for c in dates)
    flags += "".join(f", {_as_whole(c.name)} AS n_{c.name}" for c in spec.columns if c.kind is Kind.WHOLE)
    every = ", ".join(c.name for c in spec.columns)
    if control:
        flags += f", regexp_matches(concat({every}), '{_CONTROL}') AS bad_characters"
    typed = ", ".join(_typed(c) for c in spec.columns)
    keep_text = "".join(f", {k} AS raw_{k}" for k in spec.key if spec.column(k).kind is Kind.DATE)
    looked_at = relation is None or relation.nhs_numbers
    nhs_cells = _nhs_cells(spec, header) if looked_at else "NULL::STRUCT(i INTEGER, v VARCHAR)[]"
    candidates = f", {nhs_cells} AS nhs_cells"
    con.execute(
        f"""CREATE OR REPLACE TABLE main.checked_{spec.name} AS
        SELECT {typed}{keep_text}{candidates}, problems, {_HAS_ERROR} AS has_error
        FROM (SELECT *, {checks.list_sql()} AS problems FROM (SELECT *{flags} FROM ({read_sql})))""",
        [] if relation else [str(path)],
    )


# Ten digits split anyhow by single spaces or dashes, standing alone: the shape whatmatters.text.pii reads
# as an NHS number before it tests the check digit. RE2 has no look-around, so the characters either side
# are matched instead: every value the pii expression finds a number in matches (and a few more), never
# fewer, so the nhs-number package (through imports.cells.nhs_number_in) has the final word on few values.
_NHS_SHAPE = r"(^|[^0-9A-Za-z_+\-])([0-9][ \-]?){9}[0-9]($|[^0-9A-Za-z_ \-]|[ \-]($|[^0-9]))"


def _nhs_cell_columns(spec: FileSpec, header: _Header) -> list[tuple[str, str, Column | None]]:
    """(SQL name, name shown, contract column or None) of every column read: NHS numbers are looked for in
    all of them, the columns we do not use included, and in dates that are not dates."""
    known = {c.name for c in spec.columns}
    columns: list[tuple[str, str, Column | None]] = [(c.name, c.name, c) for c in spec.columns]
    columns += [
        (f"unknown_{i}", _shown_name(name), None) for i, name in enumerate(header.names) if name not in known
    ]
    return columns


def _nhs_cells(spec: FileSpec, header: _Header) -> str:
    """SQL: the row's cells that may hold an NHS number, as a list of {i: column index, v: value}; NULL for
    the (many) rows with none.

    One regular expression per row, over its cells joined by commas (a comma stands alone as well as the
    start or end of a value does), picks the few rows to look at cell by cell. There, a cell that is only
    ten digits (and spaces or dashes) must also pass the modulus-11 check, so pseudonyms made of digits
    reach the nhs-number package only when they could be NHS numbers.
    """
    columns = _nhs_cell_columns(spec, header)
    joined = []
    cells = []
    for i, (name, _shown, col) in enumerate(columns):
        is_date = col is not None and col.kind is Kind.DATE
        joined.append(f"CASE WHEN d_{name} IS NULL THEN {name} END" if is_date else name)  # real dates: no
        test = f"(strlen({name}) >= 10 AND regexp_matches({name}, '{_NHS_SHAPE}'))"
        if is_date:
            test = f"(d_{name} IS NULL AND {test})"
        digits = f"regexp_replace({name}, '[ -]', '', 'g')"
        whole = f"regexp_full_match({name}, '[0-9 -]+') AND strlen({digits}) = 10"
        cells.append(
            f"CASE WHEN {test} AND (CASE WHEN {whole} THEN {nhs_number_sql(name)} ELSE true END) "
            f"THEN {{'i': {i}, 'v': {name}}} END"
        )
    gate = f"regexp_matches(concat_ws(',', {', '.join(joined)}), '{_NHS_SHAPE}')"
    return f"CASE WHEN {gate} THEN list_filter([{', '.join(cells)}], lambda x: x IS NOT NULL) END"


_HAS_ERROR = (
    f"CASE WHEN problems IS NULL THEN false "
    f"ELSE coalesce(list_bool_or(list_transform(problems, lambda x: x.s = '{ERROR}')), false) END"
)


def _number_rows(con: duckdb.DuckDBPyConnection, spec: FileSpec, shifted: bool) -> None:
    """The view rows_<name>: checked_<name> with rid (its rowid) and row (the row in the file).

    The table keeps the file's order, so kept record k (rowid k - 1) is on row k + 1, plus the number of
    lines DuckDB skipped before it (see _malformed).
    """
    row = "r.rowid + 2"
    if shifted:
        row += " + (SELECT count(*) FROM skipped s WHERE s.kept_before < r.rowid + 1)"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW rows_{spec.name} AS "
        f"SELECT r.rowid AS rid, ({row})::BIGINT AS row, r.* FROM checked_{spec.name} r"
    )


def _links_to_referrals(spec: FileSpec) -> bool:
    return spec.name != "referrals" and "referral_id" in {c.name for c in spec.columns}


def _save_problems(con: duckdb.DuckDBPyConnection, spec: FileSpec, table: str) -> None:
    """Write the problems lists of `table` (rid, row, problems) to `rejects`, each message with its row."""
    file = spec.filename
    con.execute(
        f"""INSERT INTO rejects
        SELECT '{file}', row, p.c, p.r, p.s, '{file} row ' || row || ', ' || p.m, p.v
        FROM (SELECT row, unnest(problems) AS p FROM {table} WHERE problems IS NOT NULL)"""
    )


def _contact_refs(spec: FileSpec) -> str:
    """SQL: for events, the event's contact_id, the kept contact's (k_) and a rejected one's (s_)."""
    return ", v.contact_id, kc.k_contact_id, sc.s_contact_id" if spec.name == "events" else ""


def _contact_joins(spec: FileSpec) -> str:
    if spec.name != "events":
        return ""
    return """
                LEFT JOIN (SELECT contact_id AS k_contact_id FROM contacts) kc
                          ON kc.k_contact_id = v.contact_id
                LEFT JOIN (SELECT contact_id AS s_contact_id FROM rejected_contact_ids) sc
                          ON sc.s_contact_id = v.contact_id"""


def _check_links(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    """Rows that point at a referral must point at one we kept: one join of the checked rows."""
    checks = _Checks()
    _reference_checks(checks, spec)
    rejected = (
        "LEFT JOIN (SELECT referral_id AS s_referral_id FROM rejected_referral_ids) s "
        "ON s.s_referral_id = v.referral_id"
    )
    if spec.name == "contacts":
        # The one join of contacts to referrals: it is kept (links.CONTACT_LINKS) for the clock rules and
        # the measures, and the few rows it finds no kept referral for, or dated before theirs, are checked.
        links.link_contacts(con, "checked_contacts")
        source = f"""SELECT v.rid, v.row, v.referral_id, v.contact_date AS d_contact_date, v.contact_date,
                       CASE WHEN l.referral_row IS NOT NULL THEN v.referral_id END AS k_referral_id,
                       l.referral_date AS k_referral_date, s.s_referral_id
                FROM rows_contacts v
                JOIN (SELECT rid, referral_row, referral_date FROM {links.CONTACT_LINKS}
                      WHERE referral_row IS NULL OR referral_date > contact_date) l ON l.rid = v.rid
                {rejected}"""
    else:
        # Only a row that names a referral (or, for events, a contact) can fail these checks: the others
        # (most events: care plans and care coordinators belong to a person) are not joined at all.
        names = "v.referral_id IS NOT NULL" + (
            " OR v.contact_id IS NOT NULL" if spec.name == "events" else ""
        )
        source = f"""SELECT v.rid, v.row, v.referral_id, k.k_referral_id, s.s_referral_id{_contact_refs(spec)}
                FROM (SELECT * FROM rows_{spec.name} v WHERE {names}) v
                LEFT JOIN (SELECT referral_id AS k_referral_id FROM referrals) k
                          ON k.k_referral_id = v.referral_id
                {rejected}{_contact_joins(spec)}"""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE link_problems AS
        SELECT rid, row, problems, {_HAS_ERROR} AS has_error FROM (
            SELECT rid, row, {checks.list_sql()} AS problems FROM ({source}))
        WHERE problems IS NOT NULL"""
    )
    _save_problems(con, spec, "link_problems")
    con.execute(
        f"UPDATE checked_{spec.name} SET has_error = true "
        "WHERE rowid IN (SELECT rid FROM link_problems WHERE has_error)"
    )
    con.execute("DROP TABLE link_problems")


def _finish_checks(con: duckdb.DuckDBPyConnection, spec: FileSpec, header: _Header) -> None:
    """Links to referrals, NHS numbers and duplicate keys, then every failed rule into `rejects`."""
    file, checked, rows = spec.filename, f"checked_{spec.name}", f"rows_{spec.name}"
    if _links_to_referrals(spec):
        _check_links(con, spec)
    found = _check_nhs_numbers(con, spec, header)
    # Duplicate keys: the first row with a key is kept; later rows with the same key are rejected.
    keys = [f"raw_{k}" if spec.column(k).kind is Kind.DATE else k for k in spec.key]
    if _find_duplicate_keys(con, spec, keys):
        # IS NOT DISTINCT FROM: an optional key column left blank on both rows still makes a duplicate.
        same = " AND ".join(f"r.{k} IS NOT DISTINCT FROM d.{k}" for k in keys)
        shown = " + ".join(spec.key)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE dup_rows AS
            SELECT r.rid, r.row, d.first_row,
                   concat_ws(' + ', {", ".join(f"r.{k}" for k in keys)}) AS key_text, r.{keys[0]} AS value
            FROM {rows} r JOIN dup_keys d ON {same} WHERE r.row > d.first_row"""
        )
        con.execute(
            f"""INSERT INTO rejects
            SELECT '{file}', row, '{spec.key[0]}', '{Rule.DUP_ID}', '{ERROR}',
                   '{file} row ' || row || ', {shown}: ' || key_text || ' already appears on row '
                   || first_row || '. The first row was kept.',
                   left(replace(coalesce(value, ''), chr(0), '\\0'), {MAX_VALUE_SHOWN})
            FROM dup_rows"""
        )
        con.execute(f"UPDATE {checked} SET has_error = true WHERE rowid IN (SELECT rid FROM dup_rows)")
        con.execute("DROP TABLE dup_rows")
        con.execute("DROP TABLE dup_keys")
    _save_problems(con, spec, rows)
    if found:
        _remove_nhs_numbers(con, spec)


def _find_duplicate_keys(con: duckdb.DuckDBPyConnection, spec: FileSpec, keys: list[str]) -> bool:
    """Write dup_keys (the key columns and the first row of each key that appears more than once) and
    say whether there are any.

    The keys are grouped by their fingerprint first (database.fingerprint: much cheaper than grouping
    millions of text keys); only rows whose fingerprint repeats are grouped by the keys themselves and
    numbered, so the answer is exact.
    """
    checked, rows = f"checked_{spec.name}", f"rows_{spec.name}"
    print_sql = fingerprint(*keys)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_prints AS
        SELECT {print_sql} AS h FROM {checked} WHERE {keys[0]} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"""
    )
    if con.execute("SELECT count(*) FROM dup_prints").fetchone()[0] == 0:
        con.execute("DROP TABLE dup_prints")
        return False
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_keys AS
        SELECT {", ".join(keys)}, min(row) AS first_row FROM {rows}
        WHERE {keys[0]} IS NOT NULL AND {print_sql} IN (SELECT h FROM dup_prints)
        GROUP BY ALL HAVING count(*) > 1"""
    )
    con.execute("DROP TABLE dup_prints")
    if con.execute("SELECT count(*) FROM dup_keys").fetchone()[0]:
        return True
    con.execute("DROP TABLE dup_keys")
    return False


def _check_nhs_numbers(con: duckdb.DuckDBPyConnection, spec: FileSpec, header: _Header) -> bool:
    """Reject every cell holding a valid NHS number, in any column, and say whether there were any.

    DuckDB listed the cells that may hold one as it read the rows (nhs_cells); the nhs-number package,
    through imports.cells.nhs_number_in (as every importer does), has the final word, because it also
    knows, for example, that a Scottish CHI number must start with a real date of birth. The number itself
    is never copied into rejects.csv: the rows it was found on keep it out of every message (see
    _remove_nhs_numbers). Leaves nhs_rows, the rows holding one.
    """
    rows, file = f"rows_{spec.name}", spec.filename
    cells = f"(SELECT row, unnest(nhs_cells) AS p FROM {rows} WHERE nhs_cells IS NOT NULL)"
    candidates = con.execute(f"SELECT DISTINCT p.v FROM {cells}").fetchall()
    confirmed = [value for (value,) in candidates if nhs_number_in(value)]
    if not confirmed:
        return False
    con.execute("CREATE OR REPLACE TEMP TABLE nhs_found (v VARCHAR)")
    con.executemany("INSERT INTO nhs_found VALUES (?)", [(v,) for v in confirmed])
    con.execute("CREATE OR REPLACE TEMP TABLE nhs_columns (i INTEGER, name VARCHAR, advice VARCHAR)")
    con.executemany(
        "INSERT INTO nhs_columns VALUES (?, ?, ?)",
        [
            (i, shown, _nhs_advice(col))
            for i, (_name, shown, col) in enumerate(_nhs_cell_columns(spec, header))
        ],
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE nhs_rows AS
        SELECT DISTINCT c.row, c.p.i AS i FROM {cells} c WHERE c.p.v IN (SELECT v FROM nhs_found)"""
    )
    con.execute(
        f"""INSERT INTO rejects
        SELECT '{file}', r.row, n.name, '{Rule.IDENTIFIER_DETECTED}', '{ERROR}',
               '{file} row ' || r.row || ', ' || n.name || ': this holds a valid NHS number. ' || n.advice, ''
        FROM nhs_rows r JOIN nhs_columns n USING (i)"""
    )
    con.execute("DROP TABLE nhs_found")
    con.execute("DROP TABLE nhs_columns")
    return True


def _nhs_advice(col: Column | None) -> str:
    if col is not None and col.kind is Kind.ID:
        return (
            "We only accept pseudonymised IDs, so the whole file was refused. Replace NHS numbers with the "
            "pseudonyms from your extract."
        )
    return (
        "We only accept pseudonymised data, so the whole file was refused. Take the NHS number out of "
        "this column and export the file again."
    )


_ANY_TEN_DIGITS = "([0-9][ -]?){9}[0-9]"


def _remove_nhs_numbers(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    """On the rows holding an NHS number, no other reject may repeat it: its value is left out and every
    run of ten digits in its message is replaced."""
    con.execute(
        f"""UPDATE rejects SET value = '',
               message = regexp_replace(message, '{_ANY_TEN_DIGITS}', '[NHS number removed]', 'g')
        WHERE file = ? AND row IN (SELECT row FROM nhs_rows)""",
        [spec.filename],
    )
    con.execute("DROP TABLE nhs_rows")


def _reference_checks(checks: _Checks, spec: FileSpec) -> None:
    """Rows that point at a referral must point at one we kept (joined as k_referral_id, k_referral_date)."""
    # A ward stay may come from a different system than the referrals; an unknown link is only a warning.
    severity = WARNING if spec.name == "ward_stays" else ERROR
    kept = " The row was kept." if severity == WARNING else ""
    # Say whether the referral is absent or was itself rejected, because the fixes differ.
    checks.add(
        "referral_id IS NOT NULL AND k_referral_id IS NULL",
        "referral_id",
        Rule.ORPHAN_REF,
        severity,
        "'referral_id: ' || referral_id || CASE WHEN s_referral_id IS NULL "
        f"THEN ' is not in referrals.csv.' ELSE ' was rejected in referrals.csv (see its row there).' END "
        f"|| '{kept}'",
        "referral_id",
    )
    if spec.name == "events":
        # An event may point at a contact (MHS202 and MHS607 rows belong to one); it must be one we kept.
        checks.add(
            "contact_id IS NOT NULL AND k_contact_id IS NULL",
            "contact_id",
            Rule.ORPHAN_REF,
            ERROR,
            "'contact_id: ' || contact_id || CASE WHEN s_contact_id IS NULL "
            "THEN ' is not in contacts.csv.' ELSE ' was rejected in contacts.csv (see its row there).' END",
            "contact_id",
        )
    if spec.name == "contacts":
        # Contacts dated before the referral: a day early is a recording quirk we keep (flagged);
        # more than a day early cannot belong to this referral.
        checks.add(
            "k_referral_date - d_contact_date = 1",
            "contact_date",
            Rule.CONTACT_BEFORE_REFERRAL,
            WARNING,
            "'contact_date: ' || contact_date || ' is the day before the "
            "referral date. The row was kept, but the contact does not stop the clock.'",
            "contact_date",
        )
        checks.add(
            "k_referral_date - d_contact_date > 1",
            "contact_date",
            Rule.ORDER_VIOLATION,
            ERROR,
            "'contact_date: ' || contact_date || ' is more than 1 day before "
            "the referral date (' || k_referral_date || '), so it cannot belong to this referral.'",
            "contact_date",
        )


# --------------------------------------------------------------------------------------------------
# Typed tables


def _sql_type(col: Column) -> str:
    return {Kind.DATE: "DATE", Kind.WHOLE: "INTEGER"}.get(col.kind, "VARCHAR")


def _typed(col: Column) -> str:
    """SQL: the checked value of a column (d_<col> and n_<col> are NULL where the text is not one)."""
    prefix = {Kind.DATE: "d_", Kind.WHOLE: "n_"}.get(col.kind)
    return f"{prefix}{col.name} AS {col.name}" if prefix else col.name


def _drop_table_or_view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop `name` from the main schema, whether a table or a view (DuckDB wants the right kind named)."""
    kind = object_type(con, name)
    if kind is not None:
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} main.{name}")


def _create_empty(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    cols = ", ".join(f"{c.name} {_sql_type(c)}" for c in spec.columns)
    _drop_table_or_view(con, spec.name)
    con.execute(f"DROP TABLE IF EXISTS main.checked_{spec.name}")
    con.execute(f"CREATE TABLE main.{spec.name} (row BIGINT, {cols})")


def _create_typed(con: duckdb.DuckDBPyConnection, spec: FileSpec, shifted: bool) -> None:
    """Keep rows with no errors, with each column typed (checked_<name> already holds the types).

    The kept rows are a view over checked_<name>, not a copy: at ten million rows the copy cost as much
    as the checks. The view's row is the table's rowid + 2 (see _number_rows), unless DuckDB skipped
    malformed lines; then rows after them shift, and the kept rows are copied with their numbers worked
    out once.
    """
    cols = ", ".join(c.name for c in spec.columns)
    _drop_table_or_view(con, spec.name)
    if shifted:
        con.execute(
            f"CREATE TABLE main.{spec.name} AS SELECT row, {cols} FROM rows_{spec.name} WHERE NOT has_error"
        )
    else:
        con.execute(
            f"CREATE VIEW main.{spec.name} AS SELECT rowid + 2 AS row, {cols} "
            f"FROM checked_{spec.name} WHERE NOT has_error"
        )


def _report(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> FileReport:
    file = spec.filename
    kept = con.execute(f"SELECT count(*) FROM checked_{spec.name}").fetchone()[0]
    malformed, rejected, warned = con.execute(
        f"""SELECT count(DISTINCT row) FILTER (WHERE rule_code = 'MALFORMED_ROW'),
                   count(DISTINCT row) FILTER (WHERE severity = 'error' AND row > {HEADER_ROW}),
                   count(DISTINCT row) FILTER (WHERE severity = 'warning' AND row > {HEADER_ROW})
            FROM rejects WHERE file = ?""",
        [file],
    ).fetchone()
    report = FileReport(
        file=file, rows_read=kept + malformed, rows_rejected=rejected, rows_with_warnings=warned
    )
    dates = [c.name for c in spec.columns if c.kind is Kind.DATE]
    first, last = con.execute(
        f"SELECT min(least({', '.join(dates)})), max(greatest({', '.join(dates)})) FROM {spec.name}"
    ).fetchone()
    report.first_date, report.last_date = first, last
    return report


# --------------------------------------------------------------------------------------------------
# Entry point


def _resolve(
    paths: Mapping[str, str | Path | Relation] | str | Path,
) -> dict[str, Path | Relation]:
    """Accept a directory (files named as in the contract) or a mapping of table name to path, or to a
    table already in the connection (Relation)."""
    if isinstance(paths, (str, Path)):
        folder = Path(paths)
        return {
            spec.name: folder / spec.filename for spec in contract.FILES if (folder / spec.filename).exists()
        }
    resolved = {}
    for name, path in paths.items():
        if name not in contract.FILES_BY_NAME:
            raise ValueError(
                f"{name!r} is not one of the import files ({', '.join(contract.FILES_BY_NAME)})."
            )
        resolved[name] = path if isinstance(path, Relation) else Path(path)
    return resolved


def validate_extract(
    paths: Mapping[str, str | Path | Relation] | str | Path,
    *,
    extract_date: date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    required_files: tuple[str, ...] = (),
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportResult:
    """Validate an extract. Missing optional files give empty tables; nothing is written to disk.

    `paths` is a folder, or file name -> path, or file name -> Relation (a table in `con` checked in place
    of the file, by the same rules, with the same rejects and row numbers)."""
    files = _resolve(paths)
    extract_date = extract_date or date.today()
    con = con or connect()
    con.execute(
        'CREATE OR REPLACE TABLE rejects (file VARCHAR, row BIGINT, "column" VARCHAR, rule_code VARCHAR, '
        "severity VARCHAR, message VARCHAR, value VARCHAR)"
    )
    result = ImportResult(
        con=con,
        files={},
        extract_date=extract_date,
        threshold=threshold,
        missing_files=[f"{n}.csv" for n in required_files if n not in files],
    )
    con.execute("CREATE OR REPLACE TEMP TABLE rejected_referral_ids (referral_id VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE rejected_contact_ids (contact_id VARCHAR)")
    links.drop(con)
    # Referrals first: the other files are checked against the referrals that were kept.
    for spec in contract.FILES:
        _create_empty(con, spec)
        if spec.name in files:
            result.files[spec.filename] = _validate_file(con, spec, files[spec.name], extract_date)
    return result


def _validate_file(
    con: duckdb.DuckDBPyConnection, spec: FileSpec, path: Path | Relation, extract_date: date
) -> FileReport:
    if isinstance(path, Relation):
        try:
            return _validate_relation(con, spec, _relation_columns(con, path), extract_date)
        finally:
            if path.drop:
                con.execute(f"DROP TABLE IF EXISTS {path.name}")
    header = _read_header(path, spec)
    _insert(con, header.problems)
    if any(p.severity == ERROR for p in header.problems):
        return FileReport(
            file=spec.filename,
            refused=True,
            refusal=" ".join(p.message for p in header.problems if p.severity == ERROR),
        )
    # The shape first, cheaply: what DuckDB cannot read as rows is refused before it tries.
    scanned = _scan_bytes(path)
    if scanned.refusal is not None:
        return _refuse_file(con, spec, scanned.refusal[0], "", scanned.refusal[1])
    quotes = _check_quotes(path, header, scanned) if scanned.odd_quote_line else _Quotes()
    if quotes.refusal is not None:
        return _refuse_file(con, spec, *quotes.refusal)
    try:
        # Read and check in one parallel scan into a table that keeps the file's order.
        _check_rows(con, spec, header, path, extract_date, scanned)
    except duckdb.Error as error:
        _drop_csv_rejects(con, spec)
        return _refuse_file(con, spec, None, "", f"it could not be read as CSV ({_first_line(str(error))}).")
    shifted = _malformed(con, spec)
    lost = _lost_rows(con, spec, scanned, quotes)
    if lost is not None:
        con.execute(f"DROP TABLE checked_{spec.name}")
        con.execute("DROP TABLE IF EXISTS skipped")
        return lost
    return _checked(con, spec, header, shifted)


def _validate_relation(
    con: duckdb.DuckDBPyConnection, spec: FileSpec, relation: Relation, extract_date: date
) -> FileReport:
    """The checks of _validate_file on a table: its rows are already split into columns, so there is no
    byte scan, quote check or malformed line."""
    header = _check_names(spec, [n.strip().lower() for n in relation.columns or ()])
    _insert(con, header.problems)
    if any(p.severity == ERROR for p in header.problems):
        return FileReport(
            file=spec.filename,
            refused=True,
            refusal=" ".join(p.message for p in header.problems if p.severity == ERROR),
        )
    try:
        _check_rows(con, spec, header, relation, extract_date)
    except duckdb.Error as error:
        return _refuse_file(con, spec, None, "", f"it could not be read ({_first_line(str(error))}).")
    return _checked(con, spec, header, shifted=False)


def _checked(con: duckdb.DuckDBPyConnection, spec: FileSpec, header: _Header, shifted: bool) -> FileReport:
    """Number the checked rows, finish the checks and keep the rows without errors."""
    _number_rows(con, spec, shifted=shifted)
    _finish_checks(con, spec, header)
    report = _refusal(con, spec)
    if spec.name in ("referrals", "contacts"):
        # IDs that appear only on rejected rows, so an orphan's message can say which it is.
        everything = "true" if report is not None else "has_error"
        key = spec.key[0]
        con.execute(
            f"INSERT INTO rejected_{key}s SELECT DISTINCT {key} FROM checked_{spec.name} "
            f"WHERE {everything} AND {key} IS NOT NULL"
        )
    if report is None:
        _create_typed(con, spec, shifted)  # keeps checked_<name> under the view, unless shifted
        report = _report(con, spec)
    con.execute(f"DROP VIEW rows_{spec.name}")
    if report.refused or shifted:
        con.execute(f"DROP TABLE checked_{spec.name}")
        if spec.name == "contacts":
            links.drop(con)
    elif spec.name == "contacts":
        links.create_view(con, "checked_contacts")
    con.execute("DROP TABLE IF EXISTS skipped")
    return report


def _refuse_file(
    con: duckdb.DuckDBPyConnection, spec: FileSpec, row: int | None, column: str, reason: str
) -> FileReport:
    """Refuse the whole file: one reject naming the row (the header's, for the file as a whole) and the
    column where there is one."""
    file = spec.filename
    where = f"{file} row {row:,}" if row is not None else file
    if column:
        where += f", {column}"
    message = f"{where}: {reason}"
    _insert(con, [Reject(file, row or HEADER_ROW, column, Rule.FILE_UNREADABLE, ERROR, message)])
    return FileReport(file=file, refused=True, refusal=message)


def _lost_rows(
    con: duckdb.DuckDBPyConnection, spec: FileSpec, scanned: _Bytes, quotes: _Quotes
) -> FileReport | None:
    """Refuse the file if DuckDB read fewer (or more) rows than the file has lines holding something.

    A quote opening a value that is never closed, in a place _check_quotes did not look (its line has an
    even number of quotes), makes DuckDB join the rows after it into one and drop them without a word.
    Every line is a row, a reject, or part of a value holding a line break, so the counts must agree.
    """
    if scanned.lines is None:
        return None
    expected = scanned.lines - 1 - quotes.joined
    read, first = con.execute(
        f"""SELECT (SELECT count(*) FROM checked_{spec.name}) + count(DISTINCT row), min(row)
            FROM rejects WHERE file = ? AND rule_code = '{Rule.MALFORMED_ROW}'""",
        [spec.filename],
    ).fetchone()
    if read == expected:
        return None
    row = first or scanned.odd_quote_line or None
    look = f" It is probably on row {row:,}." if row else ""
    return _refuse_file(
        con,
        spec,
        row,
        "",
        f'the file has {max(expected, 0):,} rows but only {read:,} could be read, because a quote (") that '
        f"opens a value is not closed, so the rows after it ran together.{look} Close the quote, or "
        "remove it, and import the file again.",
    )


def _refusal(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> FileReport | None:
    """A file carrying person identifiers is refused whole: no row of it is kept."""
    found, columns = con.execute(
        """SELECT count(DISTINCT row), list_sort(list(DISTINCT "column"))
           FROM rejects WHERE file = ? AND rule_code = 'IDENTIFIER_DETECTED'""",
        [spec.filename],
    ).fetchone()
    if not found:
        return None
    rows = con.execute(f"SELECT count(*) FROM checked_{spec.name}").fetchone()[0]
    noun = "row has" if found == 1 else "rows have"
    named = [c or "a row that could not be read" for c in columns]
    where = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    malformed = con.execute(
        "SELECT count(DISTINCT row) FROM rejects WHERE file = ? AND rule_code = 'MALFORMED_ROW'",
        [spec.filename],
    ).fetchone()[0]
    return FileReport(
        file=spec.filename,
        rows_read=rows + malformed,
        rows_rejected=rows + malformed,
        refused=True,
        refusal=(
            f"{found:,} {noun} a person identifier (an NHS number or a name) in {where}. "
            "We only accept pseudonymised data, so no row of this file was kept."
        ),
    )


def _insert(con: duckdb.DuckDBPyConnection, rejects: list[Reject]) -> None:
    if rejects:
        con.executemany(
            "INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.file, r.row, r.column, str(r.rule_code), r.severity, r.message, r.value) for r in rejects],
        )


def _first_line(text: str) -> str:
    return re.split(r"\n", text.strip(), maxsplit=1)[0]
