"""The import contract: every failed rule names the file, row and column; worst inputs are handled."""

from datetime import date
from pathlib import Path

import nhs_number
from hypothesis import given, settings
from hypothesis import strategies as st

from whatmatters.flow.validate import Reject, validate_extract

from .cases import EXTRACT_DATE, Extract, contact, referral

HEADER = b"referral_id,person_id,team_id,referral_date\n"


def validate_bytes(tmp_path: Path, body: bytes, threshold: float = 0.01):
    path = tmp_path / "referrals.csv"
    path.write_bytes(body)
    return validate_extract({"referrals": path}, extract_date=EXTRACT_DATE, threshold=threshold)


def only(rejects: list[Reject], rule: str) -> list[Reject]:
    return [r for r in rejects if r.rule_code == rule]


def test_a_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    body = (
        b"\xef\xbb\xbf" + HEADER.replace(b"\n", b"\r\n") + b"R1,P1,T1,2024-01-02\r\nR2,P2,T1,2024-01-03\r\n"
    )
    result = validate_bytes(tmp_path, body)
    assert result.rejects() == []
    assert result.con.execute("SELECT referral_id, referral_date FROM referrals").fetchall() == [
        ("R1", date(2024, 1, 2)),
        ("R2", date(2024, 1, 3)),
    ]


def test_uk_dates_are_errors_never_guesses(tmp_path: Path) -> None:
    result = validate_bytes(tmp_path, HEADER + b"R1,P1,T1,03/04/2024\n")
    [reject] = result.rejects()
    assert (reject.file, reject.row, reject.column, reject.rule_code) == (
        "referrals.csv",
        2,
        "referral_date",
        "BAD_DATE",
    )
    assert "03/04/2024" in reject.message and "YYYY-MM-DD" in reject.message
    assert result.con.execute("SELECT count(*) FROM referrals").fetchone() == (0,)


def test_excel_serial_dates_are_named_as_such(tmp_path: Path) -> None:
    [reject] = validate_bytes(tmp_path, HEADER + b"R1,P1,T1,45292\n").rejects()
    assert reject.rule_code == "BAD_DATE" and "Excel" in reject.message


def test_an_impossible_date_is_an_error(tmp_path: Path) -> None:
    [reject] = validate_bytes(tmp_path, HEADER + b"R1,P1,T1,2024-02-30\n").rejects()
    assert reject.rule_code == "BAD_DATE" and "not a real date" in reject.message


def test_a_nul_character_is_rejected_with_its_row_and_column(tmp_path: Path) -> None:
    result = validate_bytes(tmp_path, HEADER + b"R1,P1,T1,2024-01-02\nR\x002,P2,T1,2024-01-02\n")
    [reject] = result.rejects()
    assert (reject.row, reject.column, reject.rule_code) == (3, "referral_id", "BAD_CHARACTER")
    assert reject.value == "R\\02"


def test_a_truncated_line_is_rejected_and_later_rows_keep_their_row_numbers(tmp_path: Path) -> None:
    body = HEADER + b"R1,P1,T1,2024-01-02\nR2,P2\nR3,P3,T1,2024-01-02\nR4,P4,T1,20240102\n"
    result = validate_bytes(tmp_path, body, threshold=1.0)
    rejects = result.rejects()
    assert [(r.row, r.rule_code) for r in rejects] == [(3, "MALFORMED_ROW"), (5, "BAD_DATE")]
    assert "fewer values" in rejects[0].message
    assert result.con.execute("SELECT row, referral_id FROM referrals").fetchall() == [(2, "R1"), (4, "R3")]
    assert result.files["referrals.csv"].rows_read == 4


def test_duplicate_headers_refuse_the_file(tmp_path: Path) -> None:
    result = validate_bytes(
        tmp_path, b"referral_id,person_id,team_id,referral_date,team_id\nR1,P1,T1,2024-01-02,T2\n"
    )
    [reject] = result.rejects()
    assert (reject.row, reject.column, reject.rule_code) == (1, "team_id", "DUPLICATE_HEADER")
    assert not result.can_save and result.files["referrals.csv"].refused


def test_a_missing_required_column_refuses_the_file(tmp_path: Path) -> None:
    result = validate_bytes(tmp_path, b"referral_id,person_id,referral_date\nR1,P1,2024-01-02\n")
    assert [(r.column, r.rule_code) for r in result.rejects()] == [("team_id", "MISSING_COLUMN")]
    assert not result.can_save


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    result = validate_bytes(tmp_path, "referral_id,person_id,team_id,référence\n".encode("latin-1"))
    assert [r.rule_code for r in result.rejects()] == ["FILE_UNREADABLE"]


def test_an_nhs_number_refuses_the_whole_file_and_is_not_copied_into_the_rejects(tmp_path: Path) -> None:
    rows = b"".join(f"R{i},P{i},T1,2024-01-02\n".encode() for i in range(500))
    result = validate_bytes(tmp_path, HEADER + rows + b"R999,943 476 5919,T1,2024-01-02\n")
    [reject] = result.rejects()
    assert (reject.row, reject.column, reject.rule_code, reject.value) == (
        502,
        "person_id",
        "IDENTIFIER_DETECTED",
        "",
    )
    assert "9434765919" not in reject.message and "943 476 5919" not in reject.message
    assert not result.can_save
    assert result.con.execute("SELECT count(*) FROM referrals").fetchone() == (0,)


def test_a_ten_digit_number_that_fails_modulus_11_is_accepted(tmp_path: Path) -> None:
    assert not nhs_number.is_valid("1234567890")
    assert validate_bytes(tmp_path, HEADER + b"R1,1234567890,T1,2024-01-02\n").rejects() == []


def test_a_name_in_person_id_refuses_the_file(tmp_path: Path) -> None:
    [reject] = validate_bytes(tmp_path, HEADER + b"R1,Jane Smith,T1,2024-01-02\n").rejects()
    assert reject.rule_code == "IDENTIFIER_DETECTED" and "name" in reject.message


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_the_sql_modulus_11_check_agrees_with_the_nhs_number_package(tmp_path_factory, digits: str) -> None:
    folder = tmp_path_factory.mktemp("mod11")
    result = validate_bytes(folder, HEADER + f"R1,{digits},T1,2024-01-02\n".encode())
    flagged = any(r.rule_code == "IDENTIFIER_DETECTED" for r in result.rejects())
    assert flagged == nhs_number.is_valid(digits)


def test_a_duplicate_referral_keeps_the_first_row(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01"), referral("R1", "2024-01-05")]
        + [referral(f"X{i}", "2024-01-01") for i in range(200)]
    )
    [reject] = result.rejects()
    assert (reject.row, reject.rule_code) == (3, "DUP_ID") and "row 2" in reject.message
    assert result.can_save


def test_dates_out_of_order_in_the_future_or_too_early_are_errors(extract: Extract) -> None:
    result = extract(
        [
            referral("R1", "2024-01-10", closed_date="2024-01-09"),
            referral("R2", "2025-03-01"),
            referral("R3", "2015-12-31"),
        ]
    )
    assert [(r.row, r.column, r.rule_code) for r in result.rejects()] == [
        (2, "closed_date", "ORDER_VIOLATION"),
        (3, "referral_date", "FUTURE_DATE"),
        (4, "referral_date", "DATE_TOO_EARLY"),
    ]


def test_contacts_for_unknown_or_rejected_referrals_are_orphans(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01"), referral("R2", "not a date")],
        [
            contact("C1", "R1", "2024-01-02"),
            contact("C2", "R2", "2024-01-02"),
            contact("C3", "R3", "2024-01-02"),
        ],
    )
    orphans = only(result.rejects(), "ORPHAN_REF")
    assert [(r.file, r.row) for r in orphans] == [("contacts.csv", 3), ("contacts.csv", 4)]
    assert "was rejected in referrals.csv" in orphans[0].message
    assert "is not in referrals.csv" in orphans[1].message


def test_a_contact_more_than_a_day_before_the_referral_is_an_error(extract: Extract) -> None:
    result = extract([referral("R1", "2024-01-10")], [contact("C1", "R1", "2024-01-07")])
    [reject] = result.rejects()
    assert (reject.file, reject.row, reject.column, reject.rule_code) == (
        "contacts.csv",
        2,
        "contact_date",
        "ORDER_VIOLATION",
    )


def test_unknown_codes_are_errors_where_they_drive_a_calculation_and_warnings_elsewhere(
    extract: Extract,
) -> None:
    result = extract(
        [referral("R1", "2024-01-10", team_type="Q99")],
        [contact("C1", "R1", "2024-01-11", "8"), contact("C2", "R1", "2024-01-11", contact_kind="chat")],
    )
    assert [(r.file, r.column, r.severity) for r in only(result.rejects(), "UNKNOWN_CODE")] == [
        ("contacts.csv", "attend_status", "error"),
        ("contacts.csv", "contact_kind", "warning"),
        ("referrals.csv", "team_type", "warning"),
    ]


def test_the_legacy_attend_or_dna_code_header_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "referrals.csv").write_text(
        "referral_id,person_id,team_id,referral_date\nR1,P1,T1,2024-01-01\n"
    )
    (tmp_path / "contacts.csv").write_text(
        "contact_id,referral_id,contact_date,attend_or_dna_code\nC1,R1,2024-01-02,5\n"
    )
    result = validate_extract(tmp_path, extract_date=EXTRACT_DATE)
    assert result.con.execute("SELECT attend_status FROM contacts").fetchall() == [("5",)]


def test_above_the_threshold_nothing_may_be_saved(extract: Extract) -> None:
    rows = [referral(f"R{i}", "2024-01-01") for i in range(98)] + [referral("B1", "x"), referral("B2", "y")]
    result = extract(rows)
    assert not result.can_save
    assert "2 of 100 rows (2%)" in result.problems[0]


def test_rejects_csv_has_one_row_per_failed_rule(extract: Extract, tmp_path: Path) -> None:
    result = extract([referral("R1", "2024-13-01", closed_date="yesterday")])
    written = result.write_rejects_csv(tmp_path / "rejects.csv")
    lines = (tmp_path / "rejects.csv").read_text().splitlines()
    assert written == 2 and lines[0] == "file,row,column,rule_code,severity,message,value"
    assert {line.split(",")[3] for line in lines[1:]} == {"BAD_DATE"}


def test_kept_rows_come_back_as_plain_dicts_in_batches(extract: Extract) -> None:
    result = extract([referral(f"R{i}", "2024-01-01") for i in range(5)])
    batches = list(result.rows("referrals", batch_size=2))
    assert [len(b) for b in batches] == [2, 2, 1]
    assert batches[0][0]["referral_id"] == "R0" and batches[0][0]["referral_date"] == date(2024, 1, 1)


def test_an_old_optional_date_is_kept_without_a_problem(extract: Extract) -> None:
    """Dates share one quick test for their three rules; an optional date before 2016 passes that test's
    rules (only required dates have an earliest date) and the row is kept."""
    result = extract(
        [referral("R1", "2024-01-01")],
        [contact("C1", "R1", "2024-01-05", earliest_reasonable_offer_date="2015-06-01")],
    )
    assert result.rejects() == []
    assert result.con.execute("SELECT earliest_reasonable_offer_date FROM contacts").fetchone()[0] == date(
        2015, 6, 1
    )
