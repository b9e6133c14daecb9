"""Importing the same extract again changes nothing: no new rows, values or audit events."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.conftest import TEAM_MAP, upload
from tests.waitinglists.test_import_command import flow_import
from whatmatters.audit.models import AuditEvent
from whatmatters.framework.models import Measure, Value
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import Contact, ExtractImport, Referral, WardStay


def snapshot() -> tuple[int, ...]:
    return (
        Referral.objects.count(),
        Contact.objects.count(),
        WardStay.objects.count(),
        Measure.objects.count(),
        Value.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_the_same_extract_uploaded_twice_changes_nothing_the_second_time(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    upload(client, extract, team_map="CERT=team-a\nOAWARD=team-b:20")
    before = snapshot()
    values = dict(Value.objects.values_list("pk", "numerator"))
    upload(client, extract)  # the team codes are remembered
    second = ExtractImport.objects.order_by("-pk").first()
    assert second.status == ExtractImport.Status.SAVED
    assert second.counts["saved"]["referrals"] == 0 and second.counts["saved"]["values_created"] == 0
    assert second.counts["saved"]["values_replaced"] == 0
    assert snapshot() == before
    assert dict(Value.objects.values_list("pk", "numerator")) == values


@pytest.mark.django_db
def test_a_command_import_after_an_upload_of_the_same_files_changes_nothing(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    upload(client_for(make_user(Role.ADMIN)), extract, team_map="CERT=team-a\nOAWARD=team-b:20")
    before = snapshot()
    code, said = flow_import(str(extract))
    assert code == 0, said
    assert snapshot() == before


@pytest.mark.django_db
def test_a_later_extract_updates_rows_and_values_in_place(teams: Any, extract: Path, tmp_path: Path) -> None:
    flow_import(str(extract), "--team-map", TEAM_MAP)
    referrals = Referral.objects.count()
    folder = tmp_path / "later"
    shutil.copytree(extract, folder)
    lines = (folder / "referrals.csv").read_text().splitlines()
    header = lines[0].split(",")
    removals = [header.index(c) for c in ("rejected_date", "closed_date", "discharge_date")]
    waiting = next(i for i, line in enumerate(lines[1:], 1) if not any(line.split(",")[c] for c in removals))
    row = lines[waiting].split(",")
    row[header.index("closed_date")] = row[header.index("referral_date")]
    lines[waiting] = ",".join(row)
    (folder / "referrals.csv").write_text("\n".join(lines) + "\n")
    code, said = flow_import(str(folder))
    assert code == 0, said
    assert Referral.objects.count() == referrals  # upserted on referral_id, not added
    changed = Referral.objects.get(referral_id=row[header.index("referral_id")])
    assert changed.closed_date == changed.referral_date
