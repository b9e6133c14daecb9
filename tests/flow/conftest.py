"""Helpers to write small hand-made extracts. No Django: run with -p no:django."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow import contract
from whatmatters.flow.validate import ImportResult, validate_extract

EXTRACT_DATE = date(2024, 12, 31)


def write_csv(path: Path, spec: contract.FileSpec, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c.name for c in spec.columns])
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def referral(referral_id: str, referral_date: str, **fields: str) -> dict[str, str]:
    row = {
        "referral_id": referral_id,
        "person_id": f"P-{referral_id}",
        "team_id": "T1",
        "referral_date": referral_date,
    }
    row.update(fields)
    return row


def contact(
    contact_id: str, referral_id: str, contact_date: str, attend_status: str = "5", **fields: str
) -> dict[str, str]:
    row = {
        "contact_id": contact_id,
        "referral_id": referral_id,
        "contact_date": contact_date,
        "attend_status": attend_status,
    }
    row.update(fields)
    return row


Extract = Callable[..., ImportResult]


@pytest.fixture
def extract(tmp_path: Path) -> Extract:
    """Write the given rows as an extract, validate it, and return the result."""

    def make(
        referrals: list[dict[str, str]],
        contacts: list[dict[str, str]] | None = None,
        ward_stays: list[dict[str, str]] | None = None,
        clock_pauses: list[dict[str, str]] | None = None,
    ) -> ImportResult:
        files = {
            "referrals": write_csv(tmp_path / "referrals.csv", contract.REFERRALS, referrals),
            "contacts": write_csv(tmp_path / "contacts.csv", contract.CONTACTS, contacts or []),
        }
        if ward_stays is not None:
            files["ward_stays"] = write_csv(tmp_path / "ward_stays.csv", contract.WARD_STAYS, ward_stays)
        if clock_pauses is not None:
            files["clock_pauses"] = write_csv(
                tmp_path / "clock_pauses.csv", contract.CLOCK_PAUSES, clock_pauses
            )
        return validate_extract(files, extract_date=EXTRACT_DATE)

    return make
