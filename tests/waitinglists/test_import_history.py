"""The import history and an import's page: counts, problems by rule, dates covered and progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.test_import_command import flow_import
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.importing import create_import, run_import
from whatmatters.waitinglists.models import ExtractImport

pytestmark = pytest.mark.django_db


def test_the_history_lists_each_import_with_its_counts_rules_and_dates(
    teams: Any, extract: Path, faulty_extract: Path, make_user: Any, client_for: Any
) -> None:
    flow_import(str(extract), "--team-map", "CERT=team-a,OAWARD=team-b:20")
    flow_import(str(faulty_extract), "--team-map", "CERT=team-a")
    saved, rejected = ExtractImport.objects.order_by("pk")
    page = client_for(make_user(Role.FACULTY)).get("/programme/waiting-lists/imports/").content.decode()
    assert "Saved" in page and "Nothing saved: the extract has problems" in page
    assert f"{saved.first_date.day} {saved.first_date:%B %Y}" in page  # uk_date
    read = sum(c["read"] for c in rejected.counts.values())
    assert f"{read:,}" in page
    assert "DUP_ID" in page and "BAD_DATE" in page  # problems by rule
    assert "Team A" in page


def test_an_import_page_shows_rows_per_file_and_problems_by_rule(
    teams: Any, faulty_extract: Path, make_user: Any, client_for: Any
) -> None:
    flow_import(str(faulty_extract), "--team-map", "CERT=team-a")
    job = ExtractImport.objects.get()
    client = client_for(make_user(Role.ADMIN))
    page = client.get(f"/programme/waiting-lists/imports/{job.pk}/").content.decode()
    assert "Rows in each file" in page and "Problems by rule" in page
    for item in job.rejects_by_rule:
        assert item["rule"] in page
    assert "Dates covered" in page
    assert f"/programme/waiting-lists/imports/{job.pk}/rejects.csv" in page


def test_a_queued_import_shows_its_progress_and_refreshes_itself(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    files = {name: (extract / f"{name}.csv").read_bytes() for name in ("referrals", "contacts")}
    job = create_import(files, source="referrals.csv, contacts.csv", extract_date=date(2023, 10, 2))
    client = client_for(make_user(Role.FACULTY))
    page = client.get(f"/programme/waiting-lists/imports/{job.pk}/").content.decode()
    assert "Waiting to start" in page and "This page updates itself" in page
    assert '<meta http-equiv="refresh"' in page and "<progress" in page


def test_an_import_reports_its_progress_as_it_goes(teams: Any, extract: Path) -> None:
    files = {name: (extract / f"{name}.csv").read_bytes() for name in ("referrals", "contacts", "ward_stays")}
    job = create_import(
        files,
        source="test",
        extract_date=date(2023, 10, 2),
        team_map={"CERT": {"team": "team-a", "beds": None}, "OAWARD": {"team": "team-b", "beds": 20}},
    )
    seen: list[tuple[int, str, int]] = []

    def progress(percent: int, stage: str) -> None:
        stored = ExtractImport.objects.get(pk=job.pk)
        seen.append((percent, stage, stored.percent))

    run_import(job, progress)
    percents = [p for p, _, _ in seen]
    assert percents == sorted(percents) and percents[0] < 30 and percents[-1] == 100
    assert all(p == stored for p, _, stored in seen)  # a page reading the import sees the same progress
    assert any(stage.startswith("Saving rows") for _, stage, _ in seen)
    assert ExtractImport.objects.get(pk=job.pk).status == ExtractImport.Status.SAVED
