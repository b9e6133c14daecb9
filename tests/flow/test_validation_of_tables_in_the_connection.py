"""Validation checks a table already in the DuckDB connection (a Relation) as it checks a CSV file: the same
rules, rejects, row numbers and kept rows, with no file written."""

# SQL here is built from fixed table names only.
# ruff: noqa: S608

from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow import validate
from whatmatters.flow.database import connect
from whatmatters.flow.validate import Relation, may_hold_control, validate_extract

EXTRACT_DATE = date(2024, 3, 31)
REFERRALS = (
    "referral_id,person_id,team_id,referral_date\n"
    "R1,P1,T1,2024-01-02\n"
    "R2,P2,T1,03/04/2024\n"  # not YYYY-MM-DD
    "R1,P3,T1,2024-01-05\n"  # a repeated ID
    "R4,,T2,2025-01-01\n"  # no person, and after the extract date
    "=R5,P5,T2,2024-02-01\n"  # a formula
)
CONTACTS = (
    "contact_id,referral_id,contact_date,attend_status\n"
    "C1,R1,2024-01-10,5\n"
    "C2,R9,2024-01-11,5\n"  # no such referral
    "C3,R2,2024-01-12,5\n"  # its referral was rejected
    "C4,R1,2023-12-01,9\n"  # long before the referral, and an unknown code
)


def _files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "referrals.csv").write_text(REFERRALS)
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    return {"referrals": tmp_path / "referrals.csv", "contacts": tmp_path / "contacts.csv"}


def _as_tables(con, files: dict[str, Path], **options) -> dict[str, Relation]:  # noqa: ANN001
    """Each file as a table of text columns in `con`, in the file's order."""
    tables = {}
    for name, path in files.items():
        con.execute(
            f"CREATE TABLE given_{name} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        )
        tables[name] = Relation(f"given_{name}", **options)
    return tables


def _outcome(result) -> tuple:  # noqa: ANN001
    kept = {
        table: result.con.execute(f"SELECT * FROM {table} ORDER BY row").fetchall()
        for table in ("referrals", "contacts")
    }
    reports = {name: (r.rows_read, r.rows_rejected, r.refused) for name, r in result.files.items()}
    return result.rejects(), kept, reports, result.can_save


@pytest.mark.parametrize("control", [True, False])
def test_a_table_gets_the_same_rejects_rows_and_kept_rows_as_the_same_rows_in_a_file(
    tmp_path: Path, control: bool
) -> None:
    files = _files(tmp_path)
    from_files = validate_extract(files, extract_date=EXTRACT_DATE)
    con = connect()
    from_tables = validate_extract(
        _as_tables(con, files, control=control), extract_date=EXTRACT_DATE, con=con
    )
    assert _outcome(from_tables) == _outcome(from_files)
    assert {r.rule_code for r in from_tables.rejects()} >= {"BAD_DATE", "DUP_ID", "ORPHAN_REF"}


def test_the_rows_of_a_table_are_numbered_from_2_in_its_order(tmp_path: Path) -> None:
    con = connect()
    result = validate_extract(_as_tables(con, _files(tmp_path)), extract_date=EXTRACT_DATE, con=con)
    dates = [r for r in result.rejects() if r.rule_code == "BAD_DATE"]
    assert [(r.file, r.row, r.column) for r in dates] == [("referrals.csv", 3, "referral_date")]
    assert dates[0].message.startswith("referrals.csv row 3, referral_date:")


def test_only_the_named_columns_of_a_table_are_read(tmp_path: Path) -> None:
    con = connect()
    con.execute(
        "CREATE TABLE given AS SELECT 7 AS source_row, 'R1' AS referral_id, 'P1' AS person_id, "
        "'T1' AS team_id, '2024-01-02' AS referral_date"
    )
    columns = ("referral_id", "person_id", "team_id", "referral_date")
    result = validate_extract(
        {"referrals": Relation("given", columns=columns)}, extract_date=EXTRACT_DATE, con=con
    )
    assert result.rejects() == []
    everything = validate_extract({"referrals": Relation("given")}, extract_date=EXTRACT_DATE, con=con)
    [unknown] = everything.rejects()
    assert (unknown.column, unknown.rule_code, unknown.severity) == (
        "source_row",
        "UNKNOWN_COLUMN",
        "warning",
    )


def test_a_table_handed_over_to_be_dropped_is_gone_once_checked(tmp_path: Path) -> None:
    con = connect()
    tables = _as_tables(con, _files(tmp_path), drop=True)
    result = validate_extract(tables, extract_date=EXTRACT_DATE, con=con)
    assert result.con.execute("SELECT count(*) FROM referrals").fetchone() == (1,)
    left = con.execute("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'given_%'")
    assert left.fetchall() == []


def test_a_table_with_a_missing_required_column_is_refused_as_a_file_would_be(tmp_path: Path) -> None:
    con = connect()
    con.execute("CREATE TABLE given AS SELECT 'R1' AS referral_id, 'T1' AS team_id")
    result = validate_extract({"referrals": Relation("given")}, extract_date=EXTRACT_DATE, con=con)
    assert result.files["referrals.csv"].refused
    assert {r.column for r in result.rejects() if r.rule_code == "MISSING_COLUMN"} == {
        "person_id",
        "referral_date",
    }


def test_a_relation_must_be_named_by_a_plain_table_name() -> None:
    with pytest.raises(ValueError, match="not a table name"):
        Relation("given; DROP TABLE rejects")


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b"a,b\r\nc,d\n", False),
        (b"a,b\n\tc,d\n", False),  # a tab is allowed
        (b"a,b\nc\x00,d\n", True),
        (b"a,b\nc\x1f,d\n", True),
        ("a,b\nSiân,d\n".encode(), True),  # above 127: an invisible character may be among them
        (b"", False),
    ],
)
def test_a_file_may_hold_control_characters_only_if_a_byte_says_so(
    tmp_path: Path, body: bytes, found: bool
) -> None:
    path = tmp_path / "MHS101Referral.csv"
    path.write_bytes(body)
    assert may_hold_control(path) is found


def test_a_control_byte_in_any_block_of_a_large_file_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "_PIECE", 7)
    path = tmp_path / "MHS201CareContact.csv"
    path.write_bytes(b"x" * 50 + b"\n" * 20 + b"\x0b" + b"y" * 5)
    assert may_hold_control(path)
    assert may_hold_control(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("body", "control", "spaces"),
    [
        (b"a,b\nc,d\n", False, False),
        (b"a,b\nc, d\n", False, True),
        (b"a,b\nc\x00, d\n", True, True),
    ],
)
def test_the_bytes_of_a_file_say_whether_a_value_may_hold_a_space_or_a_control_character(
    tmp_path: Path, body: bytes, control: bool, spaces: bool
) -> None:
    path = tmp_path / "MHS102ServiceTypeReferredTo.csv"
    path.write_bytes(body)
    assert validate.text_bytes(path) == validate.TextBytes(control=control, spaces=spaces)
    assert validate.text_bytes(tmp_path / "missing.csv") == validate.TextBytes(control=True, spaces=True)


def test_mhsds_values_are_trimmed_and_blank_ones_missing_whether_or_not_the_file_has_spaces(
    tmp_path: Path,
) -> None:
    from whatmatters.flow import mhsds

    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "MHS101Referral.csv").write_text(
        "ServiceRequestId,LocalPatientId,ReferralRequestReceivedDate,ClinRespPriorityType\n"
        "SR1,LP1,2024-04-01,\n"
    )
    (folder / "MHS102ServiceTypeReferredTo.csv").write_text(
        "ServiceRequestId,CareProfTeamLocalId,ServTeamTypeRefToMH\n SR1 ,T1,  \n"
    )
    (folder / "MHS201CareContact.csv").write_text(
        "CareContactId,ServiceRequestId,CareProfTeamLocalId,CareContDate,AttendStatus\n"
        "C1,SR1,T1,2024-04-10,5\n"
    )
    result = mhsds.validate_mhsds(
        folder, extract_date=date(2024, 12, 31), key=b"a test secret of more than sixteen characters"
    )
    assert result.can_save
    assert result.con.execute("SELECT referral_id, team_type, priority FROM referrals").fetchall() == [
        ("SR1/T1", None, None)
    ]
    assert result.con.execute("SELECT referral_id FROM contacts").fetchall() == [("SR1/T1",)]
