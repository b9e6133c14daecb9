"""Duplicate IDs are found by grouping a fingerprint of the key first, and the answer is still exact."""

# SQL here is built from this module's own fixed text.
# ruff: noqa: S608

from datetime import date

import duckdb
import pytest

from whatmatters.flow import clocks, validate
from whatmatters.flow.clocks import compute_waits, fetch_waits
from whatmatters.flow.database import fingerprint

from .cases import Extract, contact, referral

# Two IDs that DuckDB's hash() alone gives the same value (seen in a synthetic extract of 15M contacts).
SAME_HASH = ("CERT-00000-C1003", "CERT-00900-C1008")


def test_ids_that_share_a_duckdb_hash_have_different_fingerprints() -> None:
    con = duckdb.connect()
    a, b = SAME_HASH
    assert con.execute("SELECT hash(?) = hash(?)", [a, b]).fetchone()[0]
    assert not con.execute(f"SELECT {fingerprint('?')} = {fingerprint('?')}", [a, a, b, b]).fetchone()[0]


def test_ids_that_share_a_duckdb_hash_are_not_taken_for_duplicates(extract: Extract) -> None:
    a, b = SAME_HASH
    result = extract(
        [referral("R1", "2024-01-01")], [contact(a, "R1", "2024-01-05"), contact(b, "R1", "2024-01-06")]
    )
    assert result.rejects() == []


def test_only_real_duplicates_are_rejected_even_when_every_fingerprint_is_the_same(
    extract: Extract, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "fingerprint", lambda *columns: "0")
    result = extract(
        [referral("R1", "2024-01-01"), referral("R2", "2024-01-02"), referral("R1", "2024-01-03")],
        [
            contact("C1", "R1", "2024-01-05"),
            contact("C2", "R2", "2024-01-06"),
            contact("C1", "R2", "2024-01-07"),
        ],
    )
    assert sorted((r.file, r.row, r.rule_code) for r in result.rejects()) == [
        ("contacts.csv", 4, "DUP_ID"),
        ("referrals.csv", 4, "DUP_ID"),
    ]


def test_people_who_share_a_fingerprint_get_the_same_waits(
    extract: Extract, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared fingerprint only sends people down the spell path, which gives a lone referral's own wait."""
    rows = [
        referral("R1", "2024-01-01", person_id="P1"),
        referral("R2", "2024-01-03", person_id="P2"),
        referral("R3", "2024-01-20", person_id="P2", team_id="T2"),
    ]
    seen = [contact("C1", "R1", "2024-01-10", contact_kind="assessment")]
    census = date(2024, 3, 31)
    result = extract(rows, seen)
    compute_waits(result.con, "cmh4", census)
    apart = fetch_waits(result.con)
    monkeypatch.setattr(clocks, "fingerprint", lambda *columns: "0")
    compute_waits(result.con, "cmh4", census)
    assert fetch_waits(result.con) == apart
    assert [w.referral_id for w in apart] == ["R1", "R3"]  # P2's two referrals are one spell
