"""Builders for small hand-made extracts, shared by the flow tests."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

from whatmatters.flow import contract
from whatmatters.flow.validate import ImportResult

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


def event(event_id: str, person_id: str, event_kind: str, event_date: str, **fields: str) -> dict[str, str]:
    row = {"event_id": event_id, "person_id": person_id, "event_kind": event_kind, "event_date": event_date}
    row.update(fields)
    return row


Extract = Callable[..., ImportResult]
