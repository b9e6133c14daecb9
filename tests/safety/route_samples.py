"""URL arguments for the safety app's routes, for the permission-matrix test (objects in team A)."""

from __future__ import annotations

from typing import Any


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from whatmatters.safety import alerts
    from whatmatters.surveys import actions

    team = programme.team_a
    checkin = actions.create_survey(team, "Sample check-in", "waiting", ["checkin"])
    outcome = actions.submit(
        checkin, {q.pk: "worse" if q.kind == "checkin_feeling" else "" for q in checkin.questions.all()}
    )
    alert = alerts.raise_alert(
        team,
        source="checkin",
        reasons=outcome.concerns,
        risk=True,
        contact=alerts.Contact("phone", "07700 900001"),
        response=outcome.response,
    )
    return {"alert_update": {"team": team.slug, "pk": alert.pk}}
