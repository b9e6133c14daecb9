"""URL arguments for the learning app's routes, for the permission-matrix test (objects in team A)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.framework.factories import make_aim, make_domain


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from whatmatters.framework.models import ChangeIdea, Driver
    from whatmatters.learning.models import BuddyLogEntry, ExcellenceLink, ExcellenceReport, PdsaCycle

    team = programme.team_a
    aim = make_aim(team, make_domain(team, "I feel listened to"))
    idea = ChangeIdea.objects.create(driver=Driver.objects.create(aim=aim, text="Calls"), text="Phone people")
    cycle = PdsaCycle.objects.create(
        team=team,
        change_idea=idea,
        title="Phone 5 people",
        plan="Phone",
        prediction="Most say it helped",
        starts_on=dt.date(2024, 3, 4),
    )
    report = ExcellenceReport.objects.create(team=team, text="Kind words", status="pending")
    link = ExcellenceLink.objects.create(team=team)
    entry = BuddyLogEntry.objects.create(
        pair=programme.pair,
        team=programme.team_b,
        kind=BuddyLogEntry.Kind.WORTH_TRYING,
        text="A welcome call in the first week",
        change_idea="Welcome call in week 1",
    )
    t, b = team.slug, programme.team_b.slug
    return {
        "excellence_moderate_report": {"team": t, "pk": report.pk},
        "pdsa_detail": {"team": t, "pk": cycle.pk},
        "pdsa_edit": {"team": t, "pk": cycle.pk},
        "buddy_log": {"team": t, "buddy": b},
        "buddy_log_add": {"team": t, "buddy": b},
        "buddy_log_adopt": {"team": t, "buddy": b, "pk": entry.pk},
        "excellence_public_form": {"code": link.code},
        "excellence_public_thanks": {"code": link.code},
    }
