"""A team with too little data for a forecast (3 weeks of data, nobody helped, nobody referred, an Early
Intervention team with a few referrals) gets a plain sentence saying so and when there will be enough, on
Plan ahead; its flow page still works. Nothing divides by zero."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.test_import_command import flow_import
from whatmatters.teams.models import Team
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

CENSUS = date(2026, 11, 29)  # a Sunday
PLAN = "/teams/team-a/flow/plan-ahead/"
FLOW = "/teams/team-a/flow/"


def write_extract(folder: Path, referrals: list[tuple[str, date]], contacts: list[tuple[str, date]]) -> Path:
    """An Early Intervention extract of the team code EIP: referrals (id, date), each with a care
    coordinator the day it came, and attended contacts (referral id, date)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["referral_id,person_id,team_id,referral_date,care_coord_date"]
    lines += [f"{r},P-{r},EIP,{d.isoformat()},{d.isoformat()}" for r, d in referrals]
    (folder / "referrals.csv").write_text("\n".join(lines) + "\n")
    lines = ["contact_id,referral_id,contact_date,attend_status"]
    lines += [f"C{i},{r},{d.isoformat()},5" for i, (r, d) in enumerate(contacts)]
    (folder / "contacts.csv").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def eip_team(programme: Any) -> Any:
    programme.team_a.service_type = Team.ServiceType.EARLY_INTERVENTION
    programme.team_a.save()
    return programme.team_a


@pytest.fixture
def lead(eip_team: Any, make_user: Any, client_for: Any) -> Any:
    return client_for(make_user(Role.TEAM_LEAD, eip_team))


def load(folder: Path) -> None:
    code, said = flow_import(str(folder), "--team-map", "EIP=team-a", "--extract-date", CENSUS.isoformat())
    assert code == 0, said


def text(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_three_weeks_of_data_say_when_there_will_be_enough(lead: Any, tmp_path: Path) -> None:
    days = [date(2026, 11, 9) + timedelta(days=k) for k in range(0, 21)]  # from Monday 9 November
    load(write_extract(tmp_path, [(f"R{k}", d) for k, d in enumerate(days)], [("R0", date(2026, 11, 12))]))
    page = text(lead, PLAN)
    assert "Plan ahead needs 12 full weeks of data" in page
    assert "data start on 9 November 2026, 20 days before the extract of 29 November 2026" in page
    # 12 full weeks from Monday 9 November: an extract taken on or after Monday 1 February 2027
    assert "There will be enough in an extract taken on or after 1 February 2027." in page
    assert "How long people have been waiting" in text(lead, FLOW)


def test_an_early_intervention_team_with_a_few_referrals_and_nobody_helped_is_told_so(
    lead: Any, tmp_path: Path
) -> None:
    """Before: ZeroDivisionError in flow.forecast.queue_load (referrals, but nobody helped)."""
    referrals = [(f"R{k}", date(2026, 6, 1) + timedelta(weeks=k)) for k in range(26)]
    load(write_extract(tmp_path, referrals, []))
    page = text(lead, PLAN)
    assert "In the 12 weeks to 22 November 2026, 12 people were referred and 0 got help: too few to plan" in (
        page
    )
    assert "at least 12 referrals and 12 people who got help" in page
    assert "Where things stand" not in page
    flow = text(lead, FLOW)
    assert "How long people have been waiting" in flow


def test_a_few_referrals_a_quarter_are_too_few_to_plan_from(lead: Any, tmp_path: Path) -> None:
    referrals = [(f"R{k}", date(2026, 5, 4) + timedelta(weeks=3 * k)) for k in range(10)]
    contacts = [(r, d + timedelta(days=3)) for r, d in referrals]
    load(write_extract(tmp_path, referrals, contacts))
    page = text(lead, PLAN)
    assert "4 people were referred and 4 got help: too few to plan from" in page


def test_nobody_referred_in_the_last_half_year_is_told_so(lead: Any, tmp_path: Path) -> None:
    referrals = [(f"R{k}", date(2025, 1, 6) + timedelta(days=k)) for k in range(30)]
    load(write_extract(tmp_path, referrals, [(r, d + timedelta(days=2)) for r, d in referrals]))
    page = text(lead, PLAN)
    assert "Nobody was referred in the 26 weeks to 29 November 2026, so there is nothing to plan from" in page
