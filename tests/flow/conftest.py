"""Fixtures for the flow tests. No Django: run with `pytest tests/flow -p no:django`."""

from __future__ import annotations

from pathlib import Path

import pytest

from whatmatters.flow import contract
from whatmatters.flow.validate import ImportResult, validate_extract

from .cases import EXTRACT_DATE, Extract, write_csv


@pytest.fixture
def extract(tmp_path: Path) -> Extract:
    """Write the given rows as an extract, validate it, and return the result."""

    def make(
        referrals: list[dict[str, str]],
        contacts: list[dict[str, str]] | None = None,
        ward_stays: list[dict[str, str]] | None = None,
        clock_pauses: list[dict[str, str]] | None = None,
        events: list[dict[str, str]] | None = None,
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
        if events is not None:
            files["events"] = write_csv(tmp_path / "events.csv", contract.EVENTS, events)
        return validate_extract(files, extract_date=EXTRACT_DATE)

    return make
