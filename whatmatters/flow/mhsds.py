"""MHSDS tables in: a folder of Mental Health Services Data Set (v6) tables, as a trust's warehouse exports
them, checked and turned into the import contract, then validated by the same `validate_extract` as the
simple route (docs/flow.md, "MHSDS tables").

One CSV file per table, named by the official table name (MHS101Referral.csv; the name's case and the .csv
extension's case do not matter), with the official column names (v6; the v5 and v4.1 names listed in TABLES
are accepted too; case does not matter). MHS101Referral, MHS102ServiceTypeReferredTo and MHS201CareContact
are required; the others are read when they are there.

What is refused before anything is mapped names the MHSDS file, row and column: a required table or column
that is missing, a file that cannot be read, a valid NHS number in any column of any table. Rows the
validator rejects are reported against the MHSDS file and row they came from (whatmatters.flow.mhsds_map
keeps the source rows).

Person identifiers (LocalPatientId or Person_ID) are replaced on the way in by a keyed hash, HMAC-SHA256
with the secret in WHATMATTERS_PSEUDONYM_KEY (the first 32 hexadecimal characters, written "p" + 32), so the
same person gets the same pseudonym in every import with the same key and the raw value is never stored.
Only when the caller says the identifiers are already pseudonyms (`pseudonymised=True`:
`--ids-are-pseudonyms`, or "person_ids": "pseudonymised" in extract.json) are they kept as they are.
"""

# SQL in this module is built from the table and column names in TABLES (checked against the files'
# headers) and fixed codes; values read from files never become SQL text (paths are bound parameters).
# ruff: noqa: S608

from __future__ import annotations

import codecs
import csv
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from whatmatters.flow import mhsds_map, nhse_codes
from whatmatters.flow.contract import Rule
from whatmatters.flow.database import connect
from whatmatters.flow.mhsds_map import PSEUDONYM_HEX
from whatmatters.flow.validate import (
    DEFAULT_THRESHOLD,
    ERROR,
    HEADER_ROW,
    FileReport,
    ImportResult,
    TextBytes,
    nhs_number_sql,
    text_bytes,
    validate_extract,
)
from whatmatters.imports.cells import nhs_number_in

KEY_SETTING = "WHATMATTERS_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
MAX_TABLE_BYTES = 20 << 30  # a table bigger than this is refused before it is read
# A SNOMED CT UK simple reference set file (RF2) in the folder under this name is read for classify_activity.
REFSETS_FILE = "snomed_refsets.txt"


@dataclass(frozen=True)
class Field:
    """One MHSDS column: its v6 name and the older names accepted for it."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    fields: tuple[Field, ...]
    required: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


REQ = ("UniqServReqID",)  # the national derived ID; a warehouse holds ServiceRequestId
TEAM = ("UniqCareProfTeamID",)
CONTACT = ("UniqCareContID",)
ACTIVITY = ("UniqCareActID",)
PERSON_FIELDS = (Field("LocalPatientId"), Field("Person_ID", ("Der_Person_ID",)))

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("MHS001MPI", PERSON_FIELDS),
        Table(
            "MHS101Referral",
            (
                Field("ServiceRequestId", REQ, required=True),
                *PERSON_FIELDS,
                Field("ReferralRequestReceivedDate", required=True),
                Field("ClinRespPriorityType"),
                Field("PrimReasonReferralMH"),
                Field("SourceOfReferralMH"),
                Field("AgeServReferRecDate"),
                Field("ServDischDate"),
            ),
            required=True,
        ),
        Table(
            "MHS102ServiceTypeReferredTo",
            (
                Field("ServiceRequestId", REQ, required=True),
                Field("CareProfTeamLocalId", TEAM, required=True),
                Field("ServTeamTypeRefToMH"),
                Field("ReferClosureDate"),
                Field("ReferClosReason"),
                Field("ReferRejectionDate"),
                Field("ReferRejectReason"),
            ),
            required=True,
        ),
        Table(
            "MHS201CareContact",
            (
                Field("CareContactId", CONTACT, required=True),
                Field("ServiceRequestId", REQ, required=True),
                Field("CareProfTeamLocalId", TEAM),
                Field("CareContDate", required=True),
                Field("AttendStatus", ("AttendOrDNACode",), required=True),
                Field("ConsMechanismMH", ("ConsMediumUsed",)),
                Field("CareContCancelDate"),
                Field("EarliestReasonOfferDate"),
            ),
            required=True,
        ),
        Table(
            "MHS202CareActivity",
            (
                Field("CareActId", ACTIVITY, required=True),
                Field("CareContactId", CONTACT, required=True),
                Field("Procedure", ("CodeProcAndProcStatus",), required=True),
            ),
        ),
        Table(
            "MHS204IndirectActivity",
            (
                Field("ServiceRequestId", REQ, required=True),
                Field("CareProfTeamLocalId", TEAM),
                Field("IndirectActDate", required=True),
                Field("IndActProcedure", ("CodeIndActProcAndProcStatus",), required=True),
            ),
        ),
        Table(
            "MHS006MHCareCoord",
            (
                *PERSON_FIELDS,
                Field("StartDateAssCareCoord", required=True),
                Field("EndDateAssCareCoord"),
                Field("CareProfServOrTeamTypeAssoc"),
                Field("CareProfLocalId", ("UniqCareProfLocalID",)),
            ),
        ),
        Table(
            "MHS008CarePlanType",
            (
                Field("CarePlanID", ("UniqCarePlanID",), required=True),
                *PERSON_FIELDS,
                Field("CarePlanCreatDate", required=True),
                Field("CarePlanTypeMH"),
            ),
        ),
        Table(
            "MHS009CarePlanAgreement",
            (
                Field("CarePlanID", ("UniqCarePlanID",), required=True),
                Field("CarePlanContentAgreedDate", required=True),
            ),
        ),
        Table(
            "MHS501HospProvSpell",
            (
                Field("HospProvSpellID", ("UniqHospProvSpellID", "HospProvSpellNum"), required=True),
                Field("ServiceRequestId", REQ),
                *PERSON_FIELDS,
                Field("StartDateHospProvSpell", required=True),
                Field("DischDateHospProvSpell"),
                Field("MethAdmMHHospProvSpell", ("AdmMethCodeHospProvSpell",)),
                Field("DestOfDischHospProvSpell"),
            ),
        ),
        Table(
            "MHS502WardStay",
            (
                Field("HospProvSpellID", ("UniqHospProvSpellID", "HospProvSpellNum"), required=True),
                Field("WardStayId", ("UniqWardStayID",)),
                Field("WardCode", ("UniqWardCode",), required=True),
                Field("HospitalBedTypeMH"),
                Field("StartDateWardStay", required=True),
                Field("EndDateWardStay"),
            ),
        ),
        Table(
            "MHS606CodedScoreAssessmentRefer",
            (
                Field("ServiceRequestId", REQ, required=True),
                Field("CodedAssToolType", required=True),
                Field("AssToolCompTimestamp", ("AssToolCompDate",), required=True),
                Field("PersScore"),
            ),
        ),
        Table(
            "MHS607CodedScoreAssessmentAct",
            (
                Field("CareActId", ACTIVITY, required=True),
                Field("CodedAssToolType", required=True),
                Field("PersScore"),
            ),
        ),
    )
}
REQUIRED_TABLES = tuple(name for name, t in TABLES.items() if t.required)
# Tables that are read only through another one.
NEEDS = {
    "MHS009CarePlanAgreement": "MHS008CarePlanType",
    "MHS607CodedScoreAssessmentAct": "MHS202CareActivity",
    "MHS501HospProvSpell": "MHS502WardStay",
    "MHS502WardStay": "MHS501HospProvSpell",
}
PERSON_TABLES = ("MHS101Referral", "MHS006MHCareCoord", "MHS008CarePlanType")


class MhsdsRefused(Exception):
    """The MHSDS tables cannot be mapped; `reject` names the file, row and column."""

    def __init__(
        self,
        file: str,
        message: str,
        row: int = HEADER_ROW,
        column: str = "",
        rule: Rule = Rule.FILE_UNREADABLE,
    ) -> None:
        super().__init__(message)
        self.file, self.row, self.column, self.message, self.rule = file, row, column, message, rule


@dataclass
class Source:
    """The MHSDS tables found in a folder, read into DuckDB as text: table name -> header column names."""

    con: duckdb.DuckDBPyConnection
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> v6 name -> header name
    person: str = "LocalPatientId"
    # May a cell hold a control character or a byte above 127? (False: no file has one; see read_source.)
    control: bool = True

    rows: dict[str, int] = field(default_factory=dict)  # table -> rows read
    # HMAC-SHA256's outer and inner padded keys for pseudonyms; None: identifiers are kept as they are.
    pads: tuple[bytes, bytes] | None = None

    def has(self, table: str) -> bool:
        return table in self.columns

    def filled(self, *tables: str) -> bool:
        """Was any of these tables given with at least one row?"""
        return any(self.rows.get(t, 0) > 0 for t in tables)

    def col(self, table: str, name: str) -> str | None:
        """The quoted v6 name of a column in mhsds_<table> (read and matched), or None."""
        return f'"{name}"' if name in self.columns.get(table, {}) else None

    def header(self, table: str, name: str) -> str:
        return self.columns[table].get(name, name)


def find_tables(folder: str | Path) -> dict[str, Path]:
    """The MHSDS table files in a folder: official name -> path (MHS101Referral.csv, mhs101referral.CSV)."""
    wanted = {name.lower(): name for name in TABLES}
    found: dict[str, Path] = {}
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and path.suffix.lower() == ".csv" and path.stem.lower() in wanted:
            name = wanted[path.stem.lower()]
            if name in found:
                raise MhsdsRefused(
                    path.name,
                    f"{path.name} and {found[name].name} are both {name}: keep one of them.",
                )
            found[name] = path
    return found


MAX_HEADER_BYTES = 1 << 16


def _header(path: Path) -> list[str]:
    """The header row's names (UTF-8, a byte-order mark allowed), read with Python's csv module."""
    with path.open("rb") as handle:
        first = handle.readline(MAX_HEADER_BYTES + 1)
    if len(first) > MAX_HEADER_BYTES:
        raise MhsdsRefused(path.name, f"{path.name}: the header row is longer than 64 KB.")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MhsdsRefused(
            path.name, f"{path.name} is not UTF-8 text. Export it again as UTF-8 CSV."
        ) from None
    names = next(csv.reader([text.rstrip("\r\n")]), [])
    if not any(n.strip() for n in names):
        raise MhsdsRefused(path.name, f"{path.name} has no header row.")
    return [n.strip().replace('"', "") for n in names]


def _not_utf8(path: Path) -> int | None:
    """The row holding the first byte that is not UTF-8, or None (looked at only after DuckDB failed)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    row = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return row + chunk[: error.start].count(b"\n")
            row += chunk.count(b"\n")
    return None


def _read(con: duckdb.DuckDBPyConnection, table: Table, path: Path) -> tuple[dict[str, str], TextBytes]:
    """Read one table into mhsds_<name> in one scan of the file: the columns TABLES names (v6 names,
    trimmed, blank as NULL), in the file's order (a row's spreadsheet row is its rowid + 2), and `nhs`, every
    cell of the (few) rows where some cell may be an NHS number. Every column is looked at for NHS numbers
    before anything is mapped (see _refuse_nhs_numbers). Returns v6 name -> header, and what one pass over
    the file's bytes found (text_bytes: may a value hold a space, or a control character?)."""
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise MhsdsRefused(path.name, f"{path.name} is larger than {MAX_TABLE_BYTES >> 30} GB.")
    header = _header(path)
    lower: dict[str, str] = {}
    for name in header:
        if name.lower() in lower:
            raise MhsdsRefused(path.name, f"{path.name}: the column {name} appears twice.", column=name)
        lower[name.lower()] = name
    matched = _match_columns(table, path.name, lower)
    columns = {f"c{i}": "VARCHAR" for i in range(len(header))}  # the names are checked, never SQL
    index = {name: i for i, name in enumerate(header)}
    kinds = text_bytes(path)
    # Trimmed, blank as NULL. DuckDB reads an empty value as NULL already, so only a value starting or
    # ending with a space needs trimming, and none can when the file has no space at all.
    kept = "".join(
        f'{_trimmed(f"c{index[h]}") if kinds.spaces else f"c{index[h]}"} AS "{v6}", '
        for v6, h in matched.items()
    )
    every = [f"c{i}" for i in range(len(header))]
    may_be = " OR ".join(_may_be_nhs_number(c) for c in every)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE mhsds_{table.name} AS "
            f"SELECT {kept}CASE WHEN {may_be} THEN [{', '.join(every)}] END AS nhs "
            "FROM read_csv(?, header = true, auto_detect = false, columns = ?, delim = ',', quote = '\"', "
            "escape = '\"', strict_mode = true, null_padding = false)",
            [str(path), columns],
        )
    except duckdb.Error as error:
        bad = _not_utf8(path)
        if bad is not None:
            raise MhsdsRefused(
                path.name,
                f"{path.name} row {bad:,} is not UTF-8 text. Export it again as UTF-8 CSV.",
                row=bad,
            ) from None
        first = str(error).strip().splitlines()[0][:300]
        raise MhsdsRefused(
            path.name,
            f"{path.name} could not be read as CSV ({first}). Every row needs the header's "
            f"{len(header)} columns, separated by commas. Export it again as UTF-8 CSV.",
        ) from None
    try:
        _refuse_nhs_numbers(con, table.name, path.name, header)
    except MhsdsRefused:
        con.execute(f"DROP TABLE mhsds_{table.name}")
        raise
    return matched, kinds


def _trimmed(col: str) -> str:
    """SQL: the value without the spaces around it, NULL if nothing is left (trimming only what has them)."""
    return f"CASE WHEN prefix({col}, ' ') OR suffix({col}, ' ') THEN nullif(trim({col}), '') ELSE {col} END"


def _match_columns(table: Table, file: str, lower: dict[str, str]) -> dict[str, str]:
    matched: dict[str, str] = {}
    for f in table.fields:
        for candidate in (f.name, *f.aliases):
            if candidate.lower() in lower:
                matched[f.name] = lower[candidate.lower()]
                break
        else:
            if f.required:
                also = f" (or {' or '.join(f.aliases)})" if f.aliases else ""
                raise MhsdsRefused(
                    file,
                    f"{file} has no {f.name} column{also}. Every {table.name} row needs one; add it to the "
                    "export and try again.",
                    column=f.name,
                    rule=Rule.MISSING_COLUMN,
                )
    return matched


def _may_be_nhs_number(col: str) -> str:
    """SQL: the value may be an NHS number (the validator's modulus-11 filter). A date or a warehouse
    datetime (2024-04-01, 2024-04-01 00:00:00) never is one, so it is passed over cheaply first."""
    date_like = f"({col}[5] = '-' AND {col}[8] = '-' AND regexp_full_match({col}, '{_DATE_LIKE}'))"
    only_digits = f"regexp_full_match({col}, '[0-9 -]{{10,16}}')"
    return (
        f"(length({col}) BETWEEN 10 AND 16 AND {only_digits} AND NOT {date_like} AND {nhs_number_sql(col)})"
    )


_DATE_LIKE = "[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9:.,+Z -]*)?"


def _refuse_nhs_numbers(con: duckdb.DuckDBPyConnection, name: str, file: str, header: list[str]) -> None:
    """Refuse the whole extract if any cell of the table just read (every column, mapped or not) is an NHS
    number. The scan that read it kept every cell of the rows that may hold one (`nhs`);
    imports.cells.nhs_number_in decides."""
    candidates = con.execute(
        f"SELECT rowid + 2 AS row, nhs FROM mhsds_{name} WHERE nhs IS NOT NULL ORDER BY row"
    ).fetchall()
    for row, values in candidates:
        found = [i for i, v in enumerate(values) if v is not None and nhs_number_in(v)]
        if found:
            column = header[found[0]]
            raise MhsdsRefused(
                file,
                f"{file} row {row:,}, {column}: this is an NHS number. We never keep NHS numbers, "
                "so nothing has been imported. Leave this column out of the export (the person is "
                "identified by LocalPatientId or Person_ID, which are pseudonymised on the way in).",
                row=row,
                column=column,
                rule=Rule.IDENTIFIER_DETECTED,
            )


def _choose_person(source: Source) -> str:
    """One identifier for the whole extract: LocalPatientId if every table naming a person has it, else
    Person_ID if every one has that."""
    tables = [t for t in PERSON_TABLES if source.has(t)]
    for name in ("LocalPatientId", "Person_ID"):
        if all(name in source.columns[t] for t in tables):
            return name
    lacking = next(t for t in tables if "LocalPatientId" not in source.columns[t])
    raise MhsdsRefused(
        f"{lacking}.csv",
        f"{lacking}.csv has no LocalPatientId column, and not every table has Person_ID. Give every table "
        "the same person identifier (LocalPatientId or Person_ID).",
        column="LocalPatientId",
    )


def pseudonym_key() -> bytes | None:
    """The secret for pseudonyms, from the WHATMATTERS_PSEUDONYM_KEY environment variable."""
    value = os.environ.get(KEY_SETTING, "")
    return value.encode() if value else None


def pseudonym(key: bytes, value: str) -> str:
    """The pseudonym of one identifier (the same as mhsds_map.PSEUDONYM_SQL computes)."""
    return "p" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def _people(source: Source, key: bytes | None, pseudonymised: bool) -> None:
    """Check the secret for pseudonyms and keep the HMAC's padded keys in the source (source.pads), for
    mhsds_map.build_views to pseudonymise each table's identifiers as a column of the same scan (no list
    of people to make and join back). With `pseudonymised` the identifiers are kept as they are."""
    if pseudonymised:
        source.pads = None
        return
    if key is None or len(key) < MIN_KEY_LENGTH:
        raise MhsdsRefused(
            "",
            f"Person identifiers are pseudonymised on the way in, with the secret in {KEY_SETTING}, and it "
            f"is {'not set' if key is None else 'too short'}. Set it to a secret of at least "
            f"{MIN_KEY_LENGTH} characters, kept the same for every import (or say that LocalPatientId and "
            "Person_ID are already pseudonyms).",
        )
    block = key if len(key) <= 64 else hashlib.sha256(key).digest()
    block = block.ljust(64, b"\0")
    source.pads = (bytes(b ^ 0x5C for b in block), bytes(b ^ 0x36 for b in block))


def read_source(
    folder: str | Path,
    con: duckdb.DuckDBPyConnection,
    *,
    key: bytes | None,
    pseudonymised: bool,
) -> Source:
    """Find, read and check the tables; raise MhsdsRefused naming the file, row and column."""
    files = find_tables(folder)
    for name in REQUIRED_TABLES:
        if name not in files:
            raise MhsdsRefused(
                f"{name}.csv",
                f"{name}.csv was not supplied. The MHSDS route needs {', '.join(REQUIRED_TABLES)} at least.",
            )
    for name, other in NEEDS.items():
        if name in files and other not in files:
            raise MhsdsRefused(f"{other}.csv", f"{name}.csv was given without {other}.csv, which it needs.")
    source = Source(con=con)
    control = False
    for name, path in files.items():
        source.columns[name], kinds = _read(con, TABLES[name], path)
        source.rows[name] = con.execute(f"SELECT count(*) FROM mhsds_{name}").fetchone()[0]
        control = control or kinds.control
    source.control = control
    source.person = _choose_person(source)
    _people(source, key, pseudonymised)
    return source


def _manifest_says_pseudonymised(folder: Path) -> bool:
    manifest = folder / "extract.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text()).get("person_ids") == "pseudonymised"
    except (ValueError, AttributeError):
        return False


def validate_mhsds(
    folder: str | Path,
    *,
    extract_date: date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    key: bytes | None = None,
    pseudonymised: bool | None = None,
    reference_sets: Mapping[str, str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportResult:
    """Read, map and validate a folder of MHSDS tables. The result is the same as validate_extract's, with
    rejects naming the MHSDS file and row each contract row came from."""
    folder = Path(folder)
    con = con or connect()
    if pseudonymised is None:
        pseudonymised = _manifest_says_pseudonymised(folder)
    if reference_sets is None and (folder / REFSETS_FILE).is_file():
        reference_sets = nhse_codes.read_reference_sets(folder / REFSETS_FILE)
    try:
        source = read_source(
            folder, con, key=key if key is not None else pseudonym_key(), pseudonymised=pseudonymised
        )
    except MhsdsRefused as refused:
        return _refused(con, refused, extract_date, threshold)
    # The contract tables are made in this connection and checked where they are.
    relations = mhsds_map.map_contract(source, TABLES, reference_sets)
    try:
        result = validate_extract(
            relations,
            extract_date=extract_date,
            threshold=threshold,
            required_files=("referrals", "contacts"),
            con=con,
        )
    finally:
        mhsds_map.drop_contract(con)
    mhsds_map.name_sources(con)
    return result


def _refused(
    con: duckdb.DuckDBPyConnection, refused: MhsdsRefused, extract_date: date | None, threshold: float
) -> ImportResult:
    result = validate_extract({}, extract_date=extract_date, threshold=threshold, con=con)
    file = refused.file or "MHSDS tables"
    con.execute(
        "INSERT INTO rejects VALUES (?, ?, ?, ?, ?, ?, '')",
        [file, refused.row, refused.column, str(refused.rule), ERROR, refused.message],
    )
    result.files[file] = FileReport(file=file, refused=True, refusal=refused.message)
    return result
