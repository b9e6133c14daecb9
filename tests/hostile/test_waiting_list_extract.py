"""The waiting-list extract importer holds against bad input: through the import the upload page's task and
`whatmatters flow import` both run, on the upload page, and on the command line.

Each hostile extract gets a message naming the file, the row (the header is row 1; none for the file as a
whole) and the column where there is one. When the extract is refused, the numbers of referrals, contacts,
ward stays and clock pauses are the same afterwards (a few rows saved before are there to be changed, and
the hostile rows have IDs of their own, so a wrongful save would show). When rows with errors are left out
under the threshold, exactly the other rows are saved. NHS numbers are never repeated in rejects.csv, a
message, the page or the log.
"""

# ruff: noqa: E501 - the tables of hostile files read best one case a line

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.flow import contract
from whatmatters.flow.validate import MAX_COLUMNS, MAX_ROW_CHARACTERS
from whatmatters.teams.roles import Role
from whatmatters.waitinglists import importing
from whatmatters.waitinglists.importing import create_import, parse_team_map, run_import
from whatmatters.waitinglists.models import ClockPause, Contact, ExtractImport, Referral, WardStay

pytestmark = pytest.mark.django_db

EXTRACT_DATE = dt.date(2024, 12, 31)
TEAM_MAP = "CERT=team-a,OAWARD=team-b:20"
ROWS = 100  # referrals and contacts: one bad row is 1%, which the default threshold lets through
START = dt.date(2024, 1, 1)
# Test NHS numbers: each passes the modulus-11 check, written three ways.
NHS = "9434765919"
NHS_SPACED = "943 476 5919"
NHS_DASHED = "943-476-5919"
NHS_FORMS = (NHS, NHS_SPACED, NHS_DASHED)
FORMULA = "=cmd|' /C calc'!A0"
UPLOAD = "/programme/waiting-lists/import/"


# --- The extract ------------------------------------------------------------------------------------


def _day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def _rows() -> dict[str, list[dict[str, str]]]:
    referrals = [
        {
            "referral_id": f"R{i:03d}",
            "person_id": f"P{i:03d}",
            "team_id": "CERT",
            "team_type": "A06",
            "referral_date": _day(i),
            "priority": "3",
            "primary_reason": "10",
            "source_of_referral": "gp",
            "age_band": "18-25",
            "closure_reason": "",
        }
        for i in range(1, ROWS + 1)
    ]
    contacts = [
        {
            "contact_id": f"C{i:03d}",
            "referral_id": f"R{i:03d}",
            "contact_date": _day(i + 10),
            "attend_status": "5",
            "consultation_mechanism": "01",
            "contact_kind": "assessment",
        }
        for i in range(1, ROWS + 1)
    ]
    ward_stays = [
        {
            "spell_id": f"S{i}",
            "person_id": f"Q{i}",
            "ward_id": "OAWARD",
            "bed_type": "older_adult",
            "admission_date": _day(30 + i),
            "discharge_date": _day(50 + i),
            "admission_method": "planned",
            "discharge_destination": "home",
            "referral_id": "",
        }
        for i in range(1, 6)
    ]
    clock_pauses = [
        {
            "referral_id": f"R{i:03d}",
            "pause_start": _day(i + 2),
            "pause_end": _day(i + 5),
            "reason": "holiday",
        }
        for i in range(1, 4)
    ]
    return {
        "referrals": referrals,
        "contacts": contacts,
        "ward_stays": ward_stays,
        "clock_pauses": clock_pauses,
    }


def _write(rows: list[dict[str, str]], spec: contract.FileSpec) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in spec.columns], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def extract(**changes: Callable[[list[dict[str, str]]], None]) -> dict[str, bytes]:
    """The good extract's four files, each after the given change to its rows."""
    rows = _rows()
    for name, change in changes.items():
        change(rows[name])
    return {name: _write(rows[name], contract.FILES_BY_NAME[name]) for name in rows}


def cell(row: int, column: str, value: str) -> Callable[[list[dict[str, str]]], None]:
    """Set one cell; `row` counts as a spreadsheet does (the header is row 1)."""

    def change(rows: list[dict[str, str]]) -> None:
        rows[row - 2][column] = value

    return change


def line(data: bytes, row: int, raw: bytes) -> bytes:
    """Replace one line of a file (the header is row 1) with raw bytes."""
    lines = data.split(b"\n")
    lines[row - 1] = raw
    return b"\n".join(lines)


def original(name: str, row: int) -> bytes:
    """One line of the good extract's file, as written (the header is row 1)."""
    return extract()[name].split(b"\n")[row - 1]


def add_column(data: bytes, name: str, values: dict[int, str]) -> bytes:
    """The file with one more column at the end: `values` by row, blank elsewhere."""
    lines = data.split(b"\n")
    for i, text in enumerate(lines):
        if text:
            lines[i] = text + b"," + (name if i == 0 else values.get(i + 1, "")).encode()
    return b"\n".join(lines)


# --- Running an import ------------------------------------------------------------------------------


@pytest.fixture
def teams(programme: Any) -> dict[str, Any]:
    """Team A is the community team (CERT), team B the ward (OAWARD), each with a few rows saved before."""
    from whatmatters.teams.models import Team

    programme.team_a.service_type = Team.ServiceType.COMMUNITY
    programme.team_a.save()
    programme.team_b.service_type = Team.ServiceType.INPATIENT
    programme.team_b.save()
    a, b = programme.team_a, programme.team_b
    Referral.objects.create(
        team=a, referral_id="OLD-1", person_id="OLD-P1", team_code="CERT", referral_date=START
    )
    Contact.objects.create(
        team=a, contact_id="OLD-C1", referral_id="OLD-1", contact_date=START, attend_status="5"
    )
    WardStay.objects.create(
        team=b,
        spell_id="OLD-S1",
        ward_id="OAWARD",
        ward_start=START,
        person_id="OLD-Q1",
        admission_date=START,
    )
    ClockPause.objects.create(team=a, referral_id="OLD-1", pause_start=START)
    return {"CERT": a, "OAWARD": b}


def counts() -> tuple[int, int, int, int]:
    return (
        Referral.objects.count(),
        Contact.objects.count(),
        WardStay.objects.count(),
        ClockPause.objects.count(),
    )


BEFORE = (1, 1, 1, 1)


def run(files: dict[str, bytes], *, threshold: float = 0.01, team_map: str = TEAM_MAP) -> ExtractImport:
    """Record and run an import as `whatmatters flow import` does (the upload page's task runs the same)."""
    job = create_import(
        files,
        source="hostile",
        extract_date=EXTRACT_DATE,
        team_map=parse_team_map(team_map),
        threshold=threshold,
    )
    with acting_as(Actor(user=None, label="test: hostile extract")):
        return run_import(job)


def rejects(job: ExtractImport) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(job.rejects_csv)))


def said(job: ExtractImport) -> str:
    """Everything a person reads about the import: its problems and its rejects.csv."""
    return "\n".join(job.problems) + "\n" + job.rejects_csv


def assert_refused(job: ExtractImport, file: str, row: int | None, column: str, *words: str) -> None:
    """Nothing saved, and a message naming the file, the row and the column (and saying `words`)."""
    assert job.status == ExtractImport.Status.REJECTED, (job.status, job.problems)
    assert counts() == BEFORE
    assert not job.files.exists()
    where = file + (f" row {row:,}" if row is not None else "") + (f", {column}" if column else "")
    found = [r for r in rejects(job) if r["file"] == file and r["message"].startswith(where)]
    assert found or any(where in p for p in job.problems), (where, job.problems, job.rejects_csv)
    if row is not None:
        assert any(r["row"] == str(row) and r["column"] == column for r in rejects(job)), job.rejects_csv
    for word in words:
        assert word in said(job), (word, said(job))


def assert_row_left_out(job: ExtractImport, file: str, row: int, column: str, rule: str) -> dict[str, str]:
    """The row is in rejects.csv with its file, row, column and rule; the import was saved without it."""
    [found] = [r for r in rejects(job) if (r["file"], r["row"], r["rule_code"]) == (file, str(row), rule)]
    assert found["column"] == column and found["message"].startswith(f"{file} row {row:,}, {column}")
    return found


def saved_ids(model: Any, field: str) -> set[str]:
    return set(model.objects.exclude(**{f"{field}__startswith": "OLD"}).values_list(field, flat=True))


ALL_REFERRALS = {f"R{i:03d}" for i in range(1, ROWS + 1)}
ALL_CONTACTS = {f"C{i:03d}" for i in range(1, ROWS + 1)}


def test_the_good_extract_is_saved(teams: Any) -> None:
    job = run(extract())
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert saved_ids(Referral, "referral_id") == ALL_REFERRALS
    assert saved_ids(Contact, "contact_id") == ALL_CONTACTS
    # The rows saved before are still open and not in this newer extract of their teams, so they are
    # removed with what hangs on them (importing.py _remove_missing): left, they would wait for ever.
    assert not Referral.objects.filter(referral_id="OLD-1").exists()
    assert WardStay.objects.count() == 5 and ClockPause.objects.count() == 3
    assert job.counts["saved"]["referrals_removed"] == 1 and job.counts["saved"]["ward_stays_removed"] == 1


# --- Fault 1: an NHS number in any column refuses the file and is never repeated -----------------------

NHS_CELLS = (
    [
        ("referrals", column.name)
        for column in contract.REFERRALS.columns
        if column.kind is not contract.Kind.DATE
    ]
    + [
        ("contacts", column.name)
        for column in contract.CONTACTS.columns
        if column.kind is not contract.Kind.DATE
    ]
    + [
        ("ward_stays", column.name)
        for column in contract.WARD_STAYS.columns
        if column.kind is not contract.Kind.DATE
    ]
    + [
        ("clock_pauses", column.name)
        for column in contract.CLOCK_PAUSES.columns
        if column.kind is not contract.Kind.DATE
    ]
)


@pytest.mark.parametrize(("name", "column"), NHS_CELLS)
def test_an_nhs_number_in_any_identifier_or_text_column_refuses_the_file_without_repeating_it(
    teams: Any, name: str, column: str, caplog: pytest.LogCaptureFixture
) -> None:
    nhs = NHS_FORMS[len(column) % 3]  # each column gets one of the three ways of writing it
    caplog.set_level(logging.DEBUG)
    job = run(extract(**{name: cell(3, column, nhs)}))
    assert_refused(job, f"{name}.csv", 3, column, "valid NHS number", "pseudonymised")
    assert any(r["rule_code"] == "IDENTIFIER_DETECTED" for r in rejects(job))
    for form in NHS_FORMS:
        assert form not in said(job) and form not in caplog.text


@pytest.mark.parametrize("nhs", NHS_FORMS)
@pytest.mark.parametrize("column", ["referral_id", "team_id", "primary_reason"])
def test_an_nhs_number_written_with_spaces_or_dashes_is_found_in_every_kind_of_column(
    teams: Any, nhs: str, column: str
) -> None:
    value = f"seen {nhs} today" if column == "primary_reason" else nhs
    job = run(extract(referrals=cell(7, column, value)))
    assert_refused(job, "referrals.csv", 7, column, "valid NHS number")
    assert nhs not in said(job) and NHS not in said(job)


def test_an_nhs_number_in_a_date_column_or_a_column_we_do_not_use_refuses_the_file(teams: Any) -> None:
    job = run(extract(contacts=cell(4, "cancelled_date", NHS_SPACED)))
    assert_refused(job, "contacts.csv", 4, "cancelled_date", "valid NHS number")
    assert NHS_SPACED not in said(job)  # not even in the BAD_DATE message for the same cell
    files = extract()
    files["referrals"] = add_column(files["referrals"], "nhs_no", {6: NHS})
    job = run(files)
    assert_refused(job, "referrals.csv", 6, "nhs_no", "valid NHS number")
    assert NHS not in said(job)


def test_an_nhs_number_in_a_row_that_cannot_be_split_into_columns_refuses_the_file(teams: Any) -> None:
    files = extract()
    files["contacts"] = line(files["contacts"], 9, original("contacts", 9) + f",{NHS},extra".encode())
    job = run(files)
    assert_refused(job, "contacts.csv", 9, "", "valid NHS number")
    assert NHS not in said(job)


def test_a_ten_digit_pseudonym_that_fails_modulus_11_and_an_eleven_digit_one_are_saved(teams: Any) -> None:
    job = run(
        extract(referrals=cell(2, "person_id", "1234567890"), contacts=cell(2, "contact_id", "94347659190"))
    )
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert Referral.objects.filter(person_id="1234567890").exists()
    assert Contact.objects.filter(contact_id="94347659190").exists()


def test_a_name_in_person_id_refuses_the_file(teams: Any) -> None:
    job = run(extract(ward_stays=cell(3, "person_id", "Jane Smith")))
    assert_refused(job, "ward_stays.csv", 3, "person_id", "name")
    assert "Jane Smith" not in said(job)


# --- Fault 2: shapes that cannot be an extract are refused in seconds, before DuckDB reads them ----------


def with_referrals(data: bytes) -> dict[str, bytes]:
    files = extract()
    files["referrals"] = data
    return files


REFERRALS = extract()["referrals"]
HEADER = REFERRALS.split(b"\n", 1)[0]


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("referrals.csv", REFERRALS)
    return out.getvalue()


SHAPES = [
    # (what, the file, row, words)
    (
        "a header and 1,000,000 commas",
        HEADER + b"," * 1_000_000 + b"\n" + REFERRALS.split(b"\n", 1)[1],
        1,
        "cannot be a header row",
    ),
    ("a header of 1,001 columns", HEADER + b",x" * 1_000 + b"\n", 1, f"at most {MAX_COLUMNS}"),
    (
        "a row with 1,000,000 commas",
        line(REFERRALS, 5, b"R004,P004,CERT" + b"," * 1_000_000),
        5,
        f"longer than the {MAX_ROW_CHARACTERS:,} characters",
    ),
    (
        "one line of 50 MB",
        line(REFERRALS, 3, b"R002,P002,CERT,A06," + b"x" * 50_000_000),
        3,
        "longer than the",
    ),
    ("a file of 50 MB with no line break", b"referral_id" + b"a" * 50_000_000, 1, "cannot be a header row"),
    ("binary data after the header", HEADER + b"\n" + bytes(range(256)) * 40_000, None, "binary data"),
    (
        "UTF-16 with a byte-order mark",
        "\ufeff".encode("utf-16-le") + REFERRALS.decode().encode("utf-16-le"),
        1,
        "UTF-16",
    ),
    ("UTF-16 without a byte-order mark", REFERRALS.decode().encode("utf-16-le"), 1, "not a CSV text file"),
    ("a zip file", _zip(), 1, "zip file"),
    ("an old Excel file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, 1, "old Excel file"),
    ("a PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", 1, "PDF"),
    (
        "a quote in a value, then one never closed",
        line(REFERRALS, 4, original("referrals", 4).replace(b",P003,CERT,", b',P"003,"CERT,')),
        4,
        "rows after it ran together",
    ),
    (
        "Windows-1252 text",
        line(REFERRALS, 6, original("referrals", 6).replace(b",gp,", ",café,".encode("cp1252"))),
        6,
        "not UTF-8",
    ),
    (
        "Latin-1 in the header",
        HEADER.replace(b"age_band", "âge_band".encode("latin-1")) + b"\n",
        1,
        "not UTF-8",
    ),
    ("carriage returns only, as old Macs write", REFERRALS.replace(b"\n", b"\r"), 1, "carriage return only"),
    ("an empty file", b"", None, "empty"),
    ("only spaces and line breaks", b"  \n\n \r\n", None, "empty"),
]


@pytest.mark.parametrize(("what", "data", "row", "words"), SHAPES, ids=[s[0] for s in SHAPES])
def test_a_file_that_cannot_be_an_extract_is_refused_whole_with_its_row(
    teams: Any, what: str, data: bytes, row: int | None, words: str
) -> None:
    job = run(with_referrals(data))
    assert_refused(job, "referrals.csv", row, "", words)
    assert job.counts["referrals.csv"]["refused"]


def test_a_quote_never_closed_is_refused_with_the_row_and_column_it_opened_in(teams: Any) -> None:
    job = run(with_referrals(line(REFERRALS, 4, original("referrals", 4).replace(b",P003,", b',"P003,'))))
    assert_refused(job, "referrals.csv", 4, "person_id", 'a quote (") opens a value here and is not closed')
    files = extract()
    files["contacts"] = line(files["contacts"], 6, original("contacts", 6).replace(b",01,", b',"01,'))
    job = run(files)
    assert_refused(job, "contacts.csv", 6, "consultation_mechanism", "Close the quote")


def test_a_quoted_value_holding_a_line_break_is_read_as_one_value(teams: Any) -> None:
    files = extract()
    files["referrals"] = line(
        files["referrals"], 4, original("referrals", 4).replace(b",gp,", b',"gp\nletter",')
    )
    job = run(files)
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert saved_ids(Referral, "referral_id") == ALL_REFERRALS


def test_blank_lines_windows_line_endings_and_a_byte_order_mark_are_accepted(teams: Any) -> None:
    files = extract()
    files["referrals"] = b"\xef\xbb\xbf" + files["referrals"].replace(b"\n", b"\r\n").replace(
        b"\r\nR050", b"\r\n\r\n\r\nR050"
    )
    job = run(files)
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert saved_ids(Referral, "referral_id") == ALL_REFERRALS


def test_a_referrals_file_with_a_header_and_no_rows_saves_nothing(teams: Any) -> None:
    job = run(with_referrals(HEADER + b"\n"))
    assert job.status == ExtractImport.Status.REJECTED
    assert counts() == BEFORE
    assert any(p.startswith("referrals.csv has a header row but no rows") for p in job.problems)


HEADERS = [
    ("a required column missing", HEADER.replace(b"person_id,", b""), 1, "person_id", "is required"),
    ("a column twice", HEADER + b",team_id", 1, "team_id", "appears 2 times"),
    ("a column renamed", HEADER.replace(b"referral_id", b"Referral ID"), 1, "referral_id", "is required"),
]


@pytest.mark.parametrize(("what", "header", "row", "column", "words"), HEADERS, ids=[h[0] for h in HEADERS])
def test_a_header_with_a_missing_repeated_or_renamed_column_refuses_the_file(
    teams: Any, what: str, header: bytes, row: int, column: str, words: str
) -> None:
    body = REFERRALS.split(b"\n", 1)[1]
    if b"person_id" not in header:
        body = b"\n".join(b",".join(x.split(b",")[:1] + x.split(b",")[2:]) for x in body.split(b"\n"))
    job = run(with_referrals(header + b"\n" + body))
    assert job.status == ExtractImport.Status.REJECTED and counts() == BEFORE
    [found] = [
        r
        for r in rejects(job)
        if r["file"] == "referrals.csv" and r["column"] == column and r["severity"] == "error"
    ]
    assert (
        found["row"] == str(row)
        and words in found["message"]
        and found["message"].startswith("referrals.csv")
    )


def test_a_column_we_do_not_use_is_a_warning_and_the_legacy_attendance_header_is_read(teams: Any) -> None:
    files = extract()
    files["contacts"] = files["contacts"].replace(b"attend_status", b"attend_or_dna_code", 1)
    files["ward_stays"] = add_column(files["ward_stays"], "notes", dict.fromkeys(range(2, 7), "fine"))
    job = run(files)
    assert job.status == ExtractImport.Status.SAVED, job.problems
    [warning] = [r for r in rejects(job) if r["rule_code"] == "UNKNOWN_COLUMN"]
    assert (warning["file"], warning["row"], warning["column"], warning["severity"]) == (
        "ward_stays.csv",
        "1",
        "notes",
        "warning",
    )


def test_rows_with_too_few_or_too_many_values_are_left_out_with_their_row(teams: Any) -> None:
    files = extract()
    files["referrals"] = line(files["referrals"], 21, b"R020,P020")
    files["referrals"] = line(files["referrals"], 31, original("referrals", 31) + b",x,y")
    job = run(files, threshold=0.05)
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert {(r["row"], r["rule_code"]) for r in rejects(job) if r["file"] == "referrals.csv"} == {
        ("21", "MALFORMED_ROW"),
        ("31", "MALFORMED_ROW"),
    }
    assert saved_ids(Referral, "referral_id") == ALL_REFERRALS - {"R020", "R030"}


# --- Fault 3: 0% refuses an extract with one bad row; otherwise exactly the good rows are saved ----------


def test_with_a_threshold_of_0_one_bad_row_refuses_the_extract_and_nothing_is_saved(teams: Any) -> None:
    job = run(extract(referrals=cell(12, "referral_date", "2024-02-31")), threshold=0)
    assert_refused(
        job, "referrals.csv", 12, "referral_date", "1 of 100 rows has an error", "You chose to refuse"
    )
    assert job.threshold == 0


def test_under_the_default_threshold_a_bad_row_is_left_out_and_the_rest_saved_and_the_page_says_so(
    teams: Any, make_user: Any, client_for: Any
) -> None:
    job = run(extract(referrals=cell(12, "referral_date", "2024-02-31")))
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert_row_left_out(job, "referrals.csv", 12, "referral_date", "BAD_DATE")
    # R011 is on row 12; its contact (C011) points at a referral that was left out, so it is left out too.
    assert saved_ids(Referral, "referral_id") == ALL_REFERRALS - {"R011"}
    assert saved_ids(Contact, "contact_id") == ALL_CONTACTS - {"C011"}
    assert_row_left_out(job, "contacts.csv", 12, "referral_id", "ORPHAN_REF")
    page = (
        client_for(make_user(Role.FACULTY))
        .get(f"/programme/waiting-lists/imports/{job.pk}/")
        .content.decode()
    )
    assert "2 rows with errors were left out and not saved" in page and "rejects.csv lists each one" in page


def test_the_command_line_refuses_the_whole_extract_with_strict(teams: Any, tmp_path: Path) -> None:
    from whatmatters.flow.cli import main
    from whatmatters.waitinglists.cli import import_command

    for name, data in extract(contacts=cell(30, "attend_status", "9")).items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    out = io.StringIO()
    code = main(
        ["import", str(tmp_path), "--team-map", TEAM_MAP, "--extract-date", "2024-12-31", "--strict"],
        out,
        importer=import_command,
    )
    assert code == 1 and counts() == BEFORE
    assert "1 of 100 rows has an error" in out.getvalue() and "You chose to refuse" in out.getvalue()
    assert ExtractImport.objects.get().threshold == 0
    out = io.StringIO()
    assert (
        main(["import", str(tmp_path), "--strict", "--threshold", "0.1"], out, importer=import_command) == 2
    )
    assert "not allowed with" in out.getvalue()


@pytest.mark.parametrize("given", ["nan", "inf", "-0.01", "1", "0.6", "one"])
def test_a_threshold_that_is_not_a_share_from_0_to_half_is_refused_on_the_command_line(given: str) -> None:
    from whatmatters.flow.cli import main

    out = io.StringIO()
    assert (
        main(
            [
                "waits",
                "--referrals",
                "r.csv",
                "--contacts",
                "c.csv",
                "--rule",
                "eip",
                "--output",
                "w.csv",
                "--threshold",
                given,
            ],
            out,
        )
        == 2
    )
    assert "--threshold" in out.getvalue() and "0.01 means 1%" in out.getvalue()


def test_the_upload_page_offers_to_refuse_the_whole_extract(
    teams: Any, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    page = client.get(UPLOAD).content.decode()
    assert "Refuse the whole extract if any row has an error" in page and "lists every row left out" in page
    files = extract(referrals=cell(40, "priority", "7"))
    data: dict[str, Any] = {
        "extract_date": "2024-12-31",
        "team_map": TEAM_MAP,
        "on_errors": "refuse",
        "threshold": "not used",
    }
    for name, content in files.items():
        data[name] = io.BytesIO(content)
        data[name].name = f"{name}.csv"
    response = client.post(UPLOAD, data)
    job = ExtractImport.objects.get()
    assert response.status_code == 302 and job.threshold == 0
    assert job.status == ExtractImport.Status.REJECTED and counts() == BEFORE
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was saved" in page and "You chose to refuse the extract if any row has an error" in page


@pytest.mark.parametrize("given", ["nan", "-5", "51", "1e400"])
def test_a_share_on_the_upload_page_that_is_not_a_number_from_0_to_50_is_an_error_on_the_form(
    teams: Any, make_user: Any, client_for: Any, given: str
) -> None:
    data: dict[str, Any] = {"extract_date": "2024-12-31", "threshold": given}
    for name, content in extract().items():
        data[name] = io.BytesIO(content)
        data[name].name = f"{name}.csv"
    response = client_for(make_user(Role.FACULTY)).post(UPLOAD, data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not ExtractImport.objects.exists()


# --- Fault 4: anything unexpected ends the import as failed, never "Checking the files" for ever --------


@pytest.mark.parametrize("where", ["validate_extract", "_save_rows", "_refresh_measures"])
def test_an_unexpected_failure_ends_the_import_as_failed_with_a_plain_message_and_saves_nothing(
    teams: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError(f"out of memory reading {NHS}")

    monkeypatch.setattr(importing, where, broken)
    from whatmatters.waitinglists.tasks import run_extract_import

    job = create_import(
        extract(), source="upload", extract_date=EXTRACT_DATE, team_map=parse_team_map(TEAM_MAP)
    )
    caplog.set_level(logging.ERROR)
    run_extract_import.enqueue(job.pk)  # the immediate backend runs it now, as the worker would
    job.refresh_from_db()
    assert job.status == ExtractImport.Status.FAILED and job.finished and job.percent == 100
    assert job.stage == "Nothing saved: something went wrong"
    assert job.problems == [importing.FAILED.format(pk=job.pk)] and "Try again later" in job.problems[0]
    assert counts() == BEFORE and not job.files.exists()
    assert f"waiting-list import {job.pk} failed: MemoryError" in caplog.text and NHS not in caplog.text


def test_an_unexpected_failure_on_the_command_line_says_so_and_exits_with_1(
    teams: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from whatmatters.flow.cli import main
    from whatmatters.waitinglists.cli import import_command

    monkeypatch.setattr(importing, "_save_rows", lambda *a, **k: 1 / 0)
    for name, data in extract().items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    out = io.StringIO()
    code = main(
        ["import", str(tmp_path), "--team-map", TEAM_MAP, "--extract-date", "2024-12-31"],
        out,
        importer=import_command,
    )
    assert code == 1 and counts() == BEFORE
    assert "Something went wrong on our side" in out.getvalue()
    assert ExtractImport.objects.get().status == ExtractImport.Status.FAILED


# --- Rows: dates, identifiers, codes and numbers --------------------------------------------------------

ROW_ERRORS = [
    # (what, file, row, column, value, rule, words in the message)
    ("31 February", "referrals", 5, "referral_date", "2024-02-31", "BAD_DATE", "not a real date"),
    ("year 0001", "referrals", 5, "referral_date", "0001-01-01", "DATE_TOO_EARLY", "before 2016-01-01"),
    ("year 9999", "contacts", 5, "contact_date", "9999-12-31", "FUTURE_DATE", "after the extract date"),
    (
        "a UK date where ISO is required",
        "referrals",
        5,
        "referral_date",
        "02/03/2024",
        "BAD_DATE",
        "we do not guess",
    ),
    (
        "a date with a time and a zone",
        "contacts",
        5,
        "contact_date",
        "2024-01-15T10:00:00+01:00",
        "BAD_DATE",
        "has a time as well as a date",
    ),
    (
        "an Excel serial number",
        "ward_stays",
        3,
        "admission_date",
        "45292",
        "BAD_DATE",
        "Excel date serial number",
    ),
    ("a date that is words", "clock_pauses", 3, "pause_start", "next Tuesday", "BAD_DATE", "is not a date"),
    (
        "a date without leading zeros",
        "referrals",
        5,
        "referral_date",
        "2024-1-5",
        "BAD_DATE",
        "is not a date",
    ),
    (
        "a referral discharged before it was made",
        "referrals",
        5,
        "discharge_date",
        "2023-12-01",
        "ORDER_VIOLATION",
        "is before referral_date",
    ),
    (
        "a ward stay ending before it started",
        "ward_stays",
        3,
        "discharge_date",
        "2024-01-01",
        "ORDER_VIOLATION",
        "is before admission_date",
    ),
    (
        "a clock pause ending before it started",
        "clock_pauses",
        3,
        "pause_end",
        "2024-01-01",
        "ORDER_VIOLATION",
        "is before pause_start",
    ),
    (
        "a contact weeks before its referral",
        "contacts",
        5,
        "contact_date",
        "2024-01-01",
        "ORDER_VIOLATION",
        "more than 1 day before",
    ),
    ("an empty required date", "referrals", 5, "referral_date", "", "MISSING_REQUIRED", "is empty"),
    ("an empty referral_id", "contacts", 5, "referral_id", "", "MISSING_REQUIRED", "is empty"),
    ("an ID of 65 characters", "referrals", 5, "person_id", "P" * 65, "TOO_LONG", "65 characters long"),
    (
        "an ID of 20,000 characters",
        "contacts",
        5,
        "contact_id",
        "C" * 20_000,
        "TOO_LONG",
        "20000 characters long",
    ),
    (
        "an ID with a control character",
        "referrals",
        5,
        "person_id",
        "P\x07004",
        "BAD_CHARACTER",
        "hidden control character",
    ),
    (
        "an ID with a NUL",
        "contacts",
        5,
        "contact_id",
        "C\x00004",
        "BAD_CHARACTER",
        "hidden control character",
    ),
    (
        "an ID with a right-to-left override",
        "referrals",
        5,
        "person_id",
        "P\u202e400",
        "BAD_CHARACTER",
        "hidden control character",
    ),
    (
        "an ID that is a formula",
        "contacts",
        5,
        "contact_id",
        FORMULA,
        "LOOKS_LIKE_FORMULA",
        "would run it as a formula",
    ),
    (
        "a team code that is a formula",
        "referrals",
        5,
        "team_id",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "LOOKS_LIKE_FORMULA",
        "starts with @",
    ),
    (
        "a code that is a formula",
        "contacts",
        5,
        "contact_kind",
        "+1+1",
        "LOOKS_LIKE_FORMULA",
        "starts with +",
    ),
    (
        "a contact for an unknown referral",
        "contacts",
        5,
        "referral_id",
        "R999",
        "ORPHAN_REF",
        "is not in referrals.csv",
    ),
    (
        "a clock pause for an unknown referral",
        "clock_pauses",
        3,
        "referral_id",
        "R999",
        "ORPHAN_REF",
        "is not in referrals.csv",
    ),
    (
        "an unknown attendance code",
        "contacts",
        5,
        "attend_status",
        "9",
        "UNKNOWN_CODE",
        "is not a known code",
    ),
    ("NaN as a priority", "referrals", 5, "priority", "NaN", "UNKNOWN_CODE", "is not a known code"),
    (
        "a negative attendance code",
        "contacts",
        5,
        "attend_status",
        "-5",
        "UNKNOWN_CODE",
        "is not a known code",
    ),
    (
        "a huge number as a priority",
        "referrals",
        5,
        "priority",
        "9" * 4_000,
        "TOO_LONG",
        "4000 characters long",
    ),
    ("1e308 as an attendance code", "contacts", 5, "attend_status", "1e308", "TOO_LONG", "at most 4"),
    ("a team type too long to keep", "referrals", 5, "team_type", "A06-COMMUNITY", "TOO_LONG", "at most 10"),
]


@pytest.mark.parametrize(
    ("what", "name", "row", "column", "value", "rule", "words"), ROW_ERRORS, ids=[r[0] for r in ROW_ERRORS]
)
def test_a_row_with_an_error_is_named_and_with_a_threshold_of_0_refuses_the_extract(
    teams: Any, what: str, name: str, row: int, column: str, value: str, rule: str, words: str
) -> None:
    job = run(extract(**{name: cell(row, column, value)}), threshold=0)
    assert_refused(job, f"{name}.csv", row, column, "You chose to refuse")
    found = assert_row_left_out(job, f"{name}.csv", row, column, rule)
    assert words in found["message"], found
    assert len(found["value"]) <= 61  # a long value is cut short in rejects.csv (a leading ' may be added)
    assert not found["value"].startswith(("=", "+", "-", "@")) or found["value"][1:].lstrip("-").isdigit()


def test_a_duplicate_referral_keeps_the_first_row_and_leaves_out_the_second(teams: Any) -> None:
    job = run(extract(referrals=cell(20, "referral_id", "R010")))
    assert job.status == ExtractImport.Status.SAVED, job.problems
    found = assert_row_left_out(job, "referrals.csv", 20, "referral_id", "DUP_ID")
    assert "already appears on row 11" in found["message"]
    assert Referral.objects.get(referral_id="R010").person_id == "P010"  # the first row's
    assert saved_ids(Referral, "referral_id") == ALL_REFERRALS - {"R019"}


def test_a_duplicate_contact_is_left_out_and_with_0_refuses_the_extract(teams: Any) -> None:
    job = run(extract(contacts=cell(8, "contact_id", "C003")), threshold=0)
    assert_refused(job, "contacts.csv", 8, "contact_id", "already appears on row 4")


def test_a_ward_stay_for_an_unknown_referral_is_a_warning_and_is_kept(teams: Any) -> None:
    job = run(extract(ward_stays=cell(2, "referral_id", "R999")), threshold=0)
    assert job.status == ExtractImport.Status.SAVED, job.problems
    [warning] = [r for r in rejects(job) if r["file"] == "ward_stays.csv"]
    assert (warning["row"], warning["column"], warning["severity"]) == ("2", "referral_id", "warning")
    assert WardStay.objects.filter(spell_id="S1", referral_id="R999").exists()


def test_a_contact_the_day_before_its_referral_is_kept_with_a_warning(teams: Any) -> None:
    job = run(extract(contacts=cell(5, "contact_date", _day(3))), threshold=0)
    assert job.status == ExtractImport.Status.SAVED, job.problems
    [warning] = [r for r in rejects(job) if r["rule_code"] == "CONTACT_BEFORE_REFERRAL"]
    assert (warning["file"], warning["row"], warning["column"]) == ("contacts.csv", "5", "contact_date")
    assert saved_ids(Contact, "contact_id") == ALL_CONTACTS


def test_values_with_spaces_around_them_are_trimmed_and_saved(teams: Any) -> None:
    job = run(
        extract(referrals=cell(5, "referral_date", f"  {_day(4)} "), contacts=cell(5, "contact_id", " C004 "))
    )
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert not rejects(job)
    assert Referral.objects.get(referral_id="R004").referral_date == START + dt.timedelta(days=4)
    assert Contact.objects.filter(contact_id="C004").exists()


def test_a_formula_in_a_code_column_is_refused_and_never_runs_in_rejects_csv(teams: Any) -> None:
    job = run(extract(referrals=cell(5, "priority", FORMULA)), threshold=0)
    [found] = [r for r in rejects(job) if r["rule_code"] == "UNKNOWN_CODE"]
    assert found["value"] == "'" + FORMULA  # neutralised for spreadsheets


# --- Team codes and the team map -------------------------------------------------------------------------


def test_an_unmatched_team_code_saves_nothing_and_says_which(teams: Any) -> None:
    job = run(extract(referrals=cell(5, "team_id", "NEWTEAM")))
    assert job.status == ExtractImport.Status.REJECTED and counts() == BEFORE
    assert any("not matched to a team: NEWTEAM (1 rows)" in p for p in job.problems)


def test_a_hundred_unmatched_team_codes_are_named_ten_at_most(teams: Any) -> None:
    def many(rows: list[dict[str, str]]) -> None:
        for i, row in enumerate(rows):
            row["team_id"] = f"T{i:03d}"

    job = run(extract(referrals=many))
    assert job.status == ExtractImport.Status.REJECTED and counts() == BEFORE
    [problem] = job.problems
    assert "T009 (1 rows), and 90 more" in problem and "T010" not in problem


@pytest.mark.parametrize(
    ("team_map", "words"),
    [
        ("OAWARD=team-b:99999", "from 1 to 2,000"),
        ("OAWARD=team-b:0", "from 1 to 2,000"),
        ("OAWARD=team-b:-3", "from 1 to 2,000"),
        ("OAWARD=team-b:NaN", "from 1 to 2,000"),
        ("OAWARD=team-b:²", "from 1 to 2,000"),
        ("C" * 65 + "=team-a", "at most 64 characters"),
        ("CERT team-a", "is not CODE=team"),
    ],
)
def test_a_team_map_that_cannot_be_read_is_refused_with_the_reason(
    teams: Any, tmp_path: Path, team_map: str, words: str
) -> None:
    from whatmatters.flow.cli import main
    from whatmatters.waitinglists.cli import import_command

    for name, data in extract().items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    out = io.StringIO()
    assert main(["import", str(tmp_path), "--team-map", team_map], out, importer=import_command) == 2
    assert words in out.getvalue()
    assert not ExtractImport.objects.exists() and counts() == BEFORE


def test_a_team_map_naming_no_team_saves_nothing(teams: Any) -> None:
    job = run(extract(), team_map="CERT=nowhere,OAWARD=team-b:20")
    assert job.status == ExtractImport.Status.REJECTED and counts() == BEFORE
    assert any("no active team with that short name" in p for p in job.problems)


def test_an_import_a_killed_worker_left_running_says_it_stopped_and_nothing_was_saved(
    teams: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    """A worker killed outright (out of memory, kill -9) runs no code that could end the import; its page and the
    daily run say so hours after the import came, and its uploaded files are removed."""
    from django.utils import timezone

    from whatmatters import tasks_common
    from whatmatters.waitinglists.tasks import KIND

    before = Referral.objects.count()
    job = create_import(
        {"referrals": b"referral_id\n", "contacts": b"contact_id\n"},
        source="referrals.csv, contacts.csv",
        extract_date=dt.date(2023, 10, 2),
    )
    ExtractImport.objects.filter(pk=job.pk).update(
        status=ExtractImport.Status.RUNNING, created_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert tasks_common.sweep(KIND) == 0  # an hour may still be a very large extract
    ExtractImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=7))
    page = client_for(make_user(Role.FACULTY)).get(f"/programme/waiting-lists/imports/{job.pk}/")
    job.refresh_from_db()
    assert job.status == ExtractImport.Status.FAILED and not job.files.exists()
    assert "stopped part way" in page.content.decode()
    assert Referral.objects.count() == before
