"""A busy programme: something that needs someone of every kind, in team A and team B."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.framework.factories import make_aim, make_domain, make_measure
from whatmatters.teams.roles import Role

SAID = "My nurse Jo Bloggs listened to me"  # what a member of the public wrote: never in an email


@dataclass
class Busy:
    measure_due: Any
    cycle: Any
    upload: Any
    extract: Any
    team_report: Any
    programme_report: Any


def fill(team: Any, *, code_prefix: str = "") -> dict[str, Any]:
    """One of each thing that needs someone, in this team."""
    from whatmatters.engagement.models import EngagementSession, Statement
    from whatmatters.framework.models import ChangeIdea, Driver, ValueImport
    from whatmatters.learning.models import ExcellenceReport, PdsaCycle
    from whatmatters.reports.models import Report
    from whatmatters.safety.models import Alert

    now = timezone.now()
    Alert.objects.create(team=team, reasons=["Feels worse"], contact_name="Sam Service-User")
    session = EngagementSession.objects.create(
        team=team, title=f"Day {code_prefix}", held_on=dt.date(2025, 6, 3), hold_every_answer=True
    )
    Statement.objects.create(session=session, team=team, text=SAID)
    ExcellenceReport.objects.create(team=team, text="Jo Bloggs stayed late to help")
    domain = make_domain(team, f"I am listened to {code_prefix}")
    measure = make_measure(team, domain, code=f"{code_prefix}wait-days", name=f"{code_prefix}Wait days")
    aim = make_aim(team, domain)
    idea = ChangeIdea.objects.create(
        driver=Driver.objects.create(aim=aim, text="People know what happens next"), text="Phone everyone"
    )
    cycle = PdsaCycle.objects.create(
        team=team,
        change_idea=idea,
        title="Ring Jo's patients on Mondays",
        plan="p",
        prediction="p",
        stage=PdsaCycle.Stage.DO,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    )
    upload = ValueImport.objects.create(
        team=team, file_name="jo-values.csv", content=b"", status=ValueImport.Status.REJECTED
    )
    report = Report.objects.create(
        team=team,
        audience="committee",
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2025, 12, 31),
        status=Report.Status.READY,
        finished_at=now,
    )
    return {"measure": measure, "cycle": cycle, "upload": upload, "report": report}


@pytest.fixture
def busy(programme: Any, people: dict[str, Any]) -> Busy:
    from whatmatters.reports.models import Report
    from whatmatters.waitinglists.models import ExtractImport

    a = fill(programme.team_a, code_prefix="a-")
    fill(programme.team_b, code_prefix="b-")
    extract = ExtractImport.objects.create(
        source="extracts/2026-11", digest="0" * 64, extract_date=dt.date(2026, 11, 30), status="failed"
    )
    programme_report = Report.objects.create(
        team=None,
        audience="committee",
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2025, 12, 31),
        status=Report.Status.READY,
        finished_at=timezone.now(),
    )
    return Busy(a["measure"], a["cycle"], a["upload"], extract, a["report"], programme_report)


ROLES = [
    Role.ADMIN,
    Role.FACULTY,
    Role.TEAM_LEAD,
    Role.STAFF,
    Role.VIEWER,
    Role.EXPERT_BY_EXPERIENCE,
]
