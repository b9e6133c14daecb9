from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from whatmatters.flow.synthetic import generate

START = date(2023, 4, 3)


@pytest.fixture(scope="session")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic extract: community team (CERT) and the ward (OAWARD), half a year, fixed seed."""
    out = tmp_path_factory.mktemp("extract")
    generate(out, teams=["community-recovery", "older-adults-ward"], years=0.5, seed=3, start=START)
    return out


@pytest.fixture(scope="session")
def faulty_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("faulty")
    generate(out, teams=["community-recovery"], years=0.5, seed=4, start=START, faults=0.02)
    return out


@pytest.fixture
def teams(programme: Any) -> dict[str, Any]:
    """team_a is the community team, team_b the ward (their service types choose the clock rules)."""
    from whatmatters.teams.models import Team

    programme.team_a.service_type = Team.ServiceType.COMMUNITY
    programme.team_a.save()
    programme.team_b.service_type = Team.ServiceType.INPATIENT
    programme.team_b.save()
    return {"CERT": programme.team_a, "OAWARD": programme.team_b}


TEAM_MAP = "CERT=team-a,OAWARD=team-b:20"


@pytest.fixture
def imported(teams: dict[str, Any], extract: Path) -> dict[str, Any]:
    """The small extract imported with `whatmatters flow import` for team A (CERT) and team B (OAWARD)."""
    from tests.waitinglists.test_import_command import flow_import

    code, said = flow_import(str(extract), "--team-map", TEAM_MAP)
    assert code == 0, said
    return teams


def upload(client: Any, folder: Path, **fields: str) -> Any:
    """Post an extract's files to the upload page, as a person would."""
    data: dict[str, Any] = {"extract_date": "2023-10-02", **fields}
    handles = []
    for name in ("referrals", "contacts", "ward_stays", "clock_pauses"):
        path = folder / f"{name}.csv"
        if path.is_file():
            handle = path.open("rb")
            handles.append(handle)
            data[name] = handle
    try:
        return client.post("/programme/waiting-lists/import/", data)
    finally:
        for handle in handles:
            handle.close()
