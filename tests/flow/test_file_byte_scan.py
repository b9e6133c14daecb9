"""One pass over a file's bytes says whether any value can hold a control character or a space."""

from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow import validate
from whatmatters.flow.validate import _scan_bytes


@pytest.mark.parametrize(
    ("body", "control", "spaces"),
    [
        (b"a,b\r\nc,d\n", False, False),
        (b"a,b\n\tc,d\n", False, False),  # a tab is allowed
        (b"a,b\nc, d\n", False, True),
        (b"a,b\nc\x00,d\n", True, False),
        (b"a,b\nc\x1f,d \n", True, True),
        (b"", False, False),
    ],
)
def test_the_scan_finds_control_characters_and_spaces(tmp_path: Path, body: bytes, control, spaces) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(body)
    found = _scan_bytes(path)
    assert (found.control, found.spaces) == (control, spaces)


def test_a_byte_in_any_piece_of_a_large_file_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "_PIECE", 7)
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"x" * 50 + b"\x0b" + b"y" * 50)
    assert _scan_bytes(path).control
    path.write_bytes(b"x" * 50 + b"\n" * 30 + b"y" * 3)
    assert not _scan_bytes(path).control


def test_compressed_or_unreadable_files_are_checked_row_by_row(tmp_path: Path) -> None:
    assert _scan_bytes(tmp_path / "referrals.csv.gz").control
    assert _scan_bytes(tmp_path / "missing.csv").spaces


def test_a_value_with_spaces_is_still_trimmed_and_one_without_is_kept_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text(
        "referral_id,person_id,team_id,referral_date\n R1 ,P1,T1,2024-01-02\nR2,P2,T1, 2024-01-03\n"
    )
    result = validate.validate_extract({"referrals": path}, extract_date=date(2024, 3, 31))
    rows = result.con.execute("SELECT referral_id, referral_date FROM referrals ORDER BY row").fetchall()
    assert [r[0] for r in rows] == ["R1", "R2"]
    assert all(r[1] is not None for r in rows)
