"""Validate extracts against the import contract with DuckDB (flow.md §2.3).

`validate_extract` reads the CSV files into one DuckDB connection, records every failed rule as a
reject row (file, row, column, rule code, message, value), drops rows with errors, and returns an
`ImportResult` whose connection holds the kept, typed rows as `referrals`, `contacts`, `ward_stays` and
`clock_pauses` (views over the checked tables, or tables when malformed lines shifted the row numbers),
and `contact_referrals`, each kept contact with what the later steps need of its referral (see links).

Row numbers are spreadsheet rows: the header is row 1 and the first data row is row 2. Nothing here
guesses: a date that is not YYYY-MM-DD is an error, never a re-interpretation.
"""

# SQL in this module is assembled only from the contract's own column names, fixed codes and Python dates;
# values read from files never become SQL text (file paths are bound parameters).
# ruff: noqa: S608

from __future__ import annotations

import csv
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
import nhs_number
import numpy as np

from whatmatters.flow import contract, links
from whatmatters.flow.contract import Column, FileSpec, Kind, Rule
from whatmatters.flow.database import connect, fingerprint, object_type, sql_codes

DEFAULT_THRESHOLD = 0.01
ERROR = "error"
WARNING = "warning"
HEADER_ROW = 1
# The longest raw value copied into rejects.csv; enough to recognise it, not enough to leak a note.
MAX_VALUE_SHOWN = 60
_HEADER_BYTES = 1 << 20

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
            elif report.reject_rate > self.threshold:
                reasons.append(
                    f"{report.file}: {report.rows_rejected:,} of {report.rows_read:,} rows "
                    f"({report.reject_rate:.1%}) have errors, more than the {self.threshold:.1%} allowed. "
                    "Nothing has been saved. Fix the rows listed in rejects.csv and import again."
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
    """Read and check the header row ourselves: DuckDB would silently rename duplicate columns."""
    file = spec.filename
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEADER_BYTES)
    except OSError as error:
        return _Header(
            [], [_file_reject(file, Rule.FILE_UNREADABLE, f"{file} could not be opened ({error}).")]
        )
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]  # a UTF-8 byte-order mark, as Excel writes: harmless
    if not head.strip():
        return _Header(
            [], [_file_reject(file, Rule.FILE_UNREADABLE, f"{file} is empty: it has no header row.")]
        )
    first_line = head.split(b"\n", 1)[0].rstrip(b"\r")
    if b"\x00" in first_line:
        return _Header(
            [],
            [
                _file_reject(
                    file,
                    Rule.FILE_UNREADABLE,
                    f"{file} has NUL characters in its header row. "
                    "Save it again as CSV (UTF-8) from the source system.",
                )
            ],
        )
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        return _Header(
            [],
            [_file_reject(file, Rule.FILE_UNREADABLE, f"{file} is not UTF-8 text. Save it as CSV (UTF-8).")],
        )
    names = [n.strip().lower() for n in next(csv.reader(io.StringIO(text)))]
    problems: list[Reject] = []
    aliases = {alias: c.name for c in spec.columns for alias in c.aliases}
    canonical = [aliases.get(n, n) for n in names]
    for name, count in Counter(canonical).items():
        if count > 1 and name:
            problems.append(
                _file_reject(
                    file,
                    Rule.DUPLICATE_HEADER,
                    f"{file}: the column {name!r} appears {count} times in the header row. "
                    "Each column must appear once.",
                    column=name,
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
            shown = name or "(blank)"
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


def _file_reject(file: str, rule: Rule, message: str, column: str = "") -> Reject:
    return Reject(file, HEADER_ROW, column, rule, ERROR, message)


# --------------------------------------------------------------------------------------------------
# Reading rows


def _read_sql(spec: FileSpec, header: _Header, spaces: bool = True) -> str:
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
    columns_sql = ", ".join(x for x in (selected, absent) if x)
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
                WHEN error_type = 'UNQUOTED VALUE' THEN 'has a quote mark in the wrong place'
                ELSE 'could not be read (' || lower(error_type) || ')' END || '. The row was skipped.',
            left(replace(trim(csv_line), chr(0), '\\0'), ?)
        FROM bad_lines""",
        [spec.filename, spec.filename, MAX_VALUE_SHOWN],
    )
    # Kept record k (read as row k + 1) sits on row k + 1 + (number of skipped rows before it).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE skipped AS
        SELECT line - 1 - row_number() OVER (ORDER BY line) AS kept_before
        FROM (SELECT DISTINCT line FROM bad_lines)"""
    )
    con.execute("DROP TABLE bad_lines")
    return True


# --------------------------------------------------------------------------------------------------
# Row rules


_CONTROL = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]"  # control characters other than tab, CR and LF


def _as_date(col: str) -> str:
    """SQL: the date, if the text is a real ISO date (exactly YYYY-MM-DD); otherwise NULL.

    DuckDB's cast is lenient (it takes 2024-1-5, 2024/01/05, a time after the date, a leading zero), so a
    date is kept only when it reads back as the very same text: DuckDB writes every date from 0001 to
    9999 as YYYY-MM-DD. That is cheaper than a regular expression on every value.
    """
    return f"CASE WHEN CAST(try_cast({col} AS DATE) AS VARCHAR) = {col} THEN try_cast({col} AS DATE) END"


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
    elif col.kind is Kind.CODE and col.codes is not None:
        codes = sql_codes(col.codes)
        shown = ", ".join(sorted(col.codes)) if len(col.codes) <= 12 else "the MHSDS code list"
        severity = ERROR if col.unknown_code_is_error else WARNING
        consequence = "" if col.unknown_code_is_error else " The row was kept."
        checks.add(
            f"{name} IS NOT NULL AND {name} NOT IN ({codes})",
            name,
            Rule.UNKNOWN_CODE,
            severity,
            f"{at} || '''' || left({name}, 40) || ''' is not a known code (expected {shown}).{consequence}'",
            name,
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


def _nhs_number_sql(col: str) -> str:
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
    """What one pass over a file's bytes says about every value in it."""

    control: bool  # some byte is a control character (other than tab, CR, LF)
    spaces: bool  # some byte is a space


def _scan_bytes(path: Path) -> _Bytes:
    """Look once at every byte of the (uncompressed) file: is there a control character, is there a space?

    When there is none, no value can hold one, so the per-row search for control characters and the
    trimming of every value can be skipped; both cost far more per row than this pass, and most extracts
    have neither. In UTF-8 these bytes never occur inside a multi-byte character, so the answer is exact;
    when in doubt (a compressed file, an unreadable one) say yes to both and check every row.

    The file is read a block at a time into one buffer, and each block is counted by numpy on every core
    (numpy lets go of the interpreter while it counts): a gigabyte takes about half a second, and memory
    stays at one block (mapping the whole file would count all of it as this process's memory).
    """
    if path.name.lower().endswith(_COMPRESSED):
        return _Bytes(control=True, spaces=True)
    workers = min(4, os.cpu_count() or 1)
    control = spaces = False
    buffer = bytearray(_PIECE)
    try:
        with path.open("rb") as handle, ThreadPoolExecutor(max_workers=workers) as pool:
            while size := handle.readinto(buffer):
                block = np.frombuffer(buffer, dtype=np.uint8, count=size)
                for c, s in pool.map(_scan_piece, np.array_split(block, workers)):
                    control, spaces = control or c, spaces or s
                del block  # release the view before the buffer is filled again
    except OSError:
        return _Bytes(control=True, spaces=True)
    return _Bytes(control=control, spaces=spaces)


_PIECE = 1 << 24
_ALLOWED_LOW_BYTES = (0x09, 0x0A, 0x0D)  # tab, LF, CR: the bytes below 0x20 a CSV may hold


def _scan_piece(piece: np.ndarray) -> tuple[bool, bool]:
    """(has a control character, has a space) for one piece of a file's bytes."""
    low = piece[piece < 0x20]
    control = bool(np.count_nonzero(~np.isin(low, _ALLOWED_LOW_BYTES)))
    return control, bool(np.count_nonzero(piece == 0x20))


def _check_rows(
    con: duckdb.DuckDBPyConnection, spec: FileSpec, header: _Header, path: Path, extract_date: date
) -> None:
    """Read the file and check the rules of every column of every row in the same parallel scan.

    Writes `checked_<name>` in the file's order (so its rowid gives the row: see _number_rows): typed
    columns, the raw text of date key columns (raw_<col>), a flag for possible NHS numbers
    (nhs_candidate_<col>), the failed rules (problems) and has_error. Links to referrals, duplicate keys
    and NHS numbers are checked afterwards (_finish_checks).
    """
    scanned = _scan_bytes(path)
    control = scanned.control
    read_sql = _read_sql(spec, header, spaces=scanned.spaces)
    checks = _Checks()
    for col in spec.columns:
        _column_checks(checks, spec, col, extract_date, control)
    dates = [c.name for c in spec.columns if c.kind is Kind.DATE]
    flags = "".join(f", {_as_date(c)} AS d_{c}" for c in dates)
    every = ", ".join(c.name for c in spec.columns)
    if control:
        flags += f", regexp_matches(concat({every}), '{_CONTROL}') AS bad_characters"
    typed = ", ".join(f"d_{c.name} AS {c.name}" if c.kind is Kind.DATE else c.name for c in spec.columns)
    keep_text = "".join(f", {k} AS raw_{k}" for k in spec.key if spec.column(k).kind is Kind.DATE)
    candidates = "".join(
        f", CASE WHEN strlen({c.name}) BETWEEN 10 AND 20 AND regexp_full_match({c.name}, '[0-9 -]{{10,20}}') "
        f"THEN {_nhs_number_sql(c.name)} END "
        f"AS nhs_candidate_{c.name}"
        for c in spec.columns
        if c.person_identifier
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE main.checked_{spec.name} AS
        SELECT {typed}{keep_text}{candidates}, problems, {_HAS_ERROR} AS has_error
        FROM (SELECT *, {checks.list_sql()} AS problems FROM (SELECT *{flags} FROM ({read_sql})))""",
        [str(path)],
    )


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
        source = f"""SELECT v.rid, v.row, v.referral_id, k.k_referral_id, s.s_referral_id
                FROM rows_{spec.name} v
                LEFT JOIN (SELECT referral_id AS k_referral_id FROM referrals) k
                          ON k.k_referral_id = v.referral_id
                {rejected}"""
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


def _finish_checks(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    """Links to referrals, NHS numbers and duplicate keys, then every failed rule into `rejects`."""
    file, checked, rows = spec.filename, f"checked_{spec.name}", f"rows_{spec.name}"
    if _links_to_referrals(spec):
        _check_links(con, spec)
    for col in spec.columns:
        if col.person_identifier:
            _check_nhs_numbers(con, spec, col.name)
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


def _check_nhs_numbers(con: duckdb.DuckDBPyConnection, spec: FileSpec, name: str) -> None:
    """Reject valid NHS numbers. DuckDB flagged modulus-11 candidates as it read the rows; the nhs-number
    package has the final word, because it also knows, for example, that a Scottish CHI number must
    start with a real date of birth. The value itself is never copied into rejects.csv."""
    rows, file = f"rows_{spec.name}", spec.filename
    normal = f"regexp_replace({name}, '[ -]', '', 'g')"
    candidates = con.execute(f"SELECT DISTINCT {normal} FROM {rows} WHERE nhs_candidate_{name}").fetchall()
    confirmed = [digits for (digits,) in candidates if nhs_number.is_valid(digits)]
    if not confirmed:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE nhs_numbers_found (digits VARCHAR)")
    con.executemany("INSERT INTO nhs_numbers_found VALUES (?)", [(d,) for d in confirmed])
    con.execute(
        f"""INSERT INTO rejects
        SELECT '{file}', row, '{name}', '{Rule.IDENTIFIER_DETECTED}', '{ERROR}',
               '{file} row ' || row || ', {name}: this is a valid NHS number. We only accept pseudonymised '
               || 'IDs, so the whole file was refused. Replace NHS numbers with the pseudonyms from your '
               || 'extract.', ''
        FROM {rows} WHERE nhs_candidate_{name} AND {normal} IN (SELECT digits FROM nhs_numbers_found)"""
    )
    con.execute("DROP TABLE nhs_numbers_found")


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
    return "DATE" if col.kind is Kind.DATE else "VARCHAR"


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


def _resolve(paths: Mapping[str, str | Path] | str | Path) -> dict[str, Path]:
    """Accept a directory (files named as in the contract) or a mapping of table name to path."""
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
        resolved[name] = Path(path)
    return resolved


def validate_extract(
    paths: Mapping[str, str | Path] | str | Path,
    *,
    extract_date: date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    required_files: tuple[str, ...] = (),
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportResult:
    """Validate an extract. Missing optional files give empty tables; nothing is written to disk."""
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
    links.drop(con)
    # Referrals first: the other files are checked against the referrals that were kept.
    for spec in contract.FILES:
        _create_empty(con, spec)
        if spec.name in files:
            result.files[spec.filename] = _validate_file(con, spec, files[spec.name], extract_date)
    return result


def _validate_file(
    con: duckdb.DuckDBPyConnection, spec: FileSpec, path: Path, extract_date: date
) -> FileReport:
    header = _read_header(path, spec)
    _insert(con, header.problems)
    if any(p.severity == ERROR for p in header.problems):
        return FileReport(
            file=spec.filename,
            refused=True,
            refusal=" ".join(p.message for p in header.problems if p.severity == ERROR),
        )
    try:
        # Read and check in one parallel scan into a table that keeps the file's order.
        _check_rows(con, spec, header, path, extract_date)
    except duckdb.Error as error:
        _drop_csv_rejects(con, spec)
        message = f"{spec.filename} could not be read as CSV: {_first_line(str(error))}"
        _insert(con, [_file_reject(spec.filename, Rule.FILE_UNREADABLE, message)])
        return FileReport(file=spec.filename, refused=True, refusal=message)
    shifted = _malformed(con, spec)
    _number_rows(con, spec, shifted=shifted)
    _finish_checks(con, spec)
    report = _refusal(con, spec)
    if spec.name == "referrals":
        # Referral IDs that appear only on rejected rows, so an orphan's message can say which it is.
        everything = "true" if report is not None else "has_error"
        con.execute(
            "INSERT INTO rejected_referral_ids SELECT DISTINCT referral_id FROM checked_referrals "
            f"WHERE {everything} AND referral_id IS NOT NULL"
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


def _refusal(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> FileReport | None:
    """A file carrying person identifiers is refused whole: no row of it is kept."""
    found = con.execute(
        "SELECT count(*) FROM rejects WHERE file = ? AND rule_code = 'IDENTIFIER_DETECTED'", [spec.filename]
    ).fetchone()[0]
    if not found:
        return None
    rows = con.execute(f"SELECT count(*) FROM checked_{spec.name}").fetchone()[0]
    noun = "row has" if found == 1 else "rows have"
    return FileReport(
        file=spec.filename,
        rows_read=rows,
        rows_rejected=rows,
        refused=True,
        refusal=(
            f"{found:,} {noun} a person identifier (an NHS number or a name) in person_id. "
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
