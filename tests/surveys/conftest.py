"""Fixtures for the survey tests: an FFT survey and a waiting-list check-in in team A."""

from __future__ import annotations

from typing import Any

import pytest

NHS_NUMBER = "999 000 0018"  # a 999-range number that passes the modulus-11 check


@pytest.fixture
def domain(programme: Any) -> Any:
    from whatmatters.framework.models import Domain

    return Domain.objects.create(team=programme.team_a, i_statement="I know what is happening while I wait")


@pytest.fixture
def fft_survey(programme: Any, domain: Any) -> Any:
    from whatmatters.surveys import actions

    survey = actions.create_survey(
        programme.team_a,
        "Your experience",
        "treatment",
        ["fft", "collaborate", "domains", "what_matters"],
        [domain],
    )
    # Most tests here follow clean answers straight to the theming board; holding is tested in tests/safety.
    session = actions.survey_session(survey)
    session.hold_every_answer = False
    session.save(update_fields=["hold_every_answer"])
    return survey


@pytest.fixture
def checkin(programme: Any) -> Any:
    from whatmatters.surveys import actions

    return actions.create_survey(programme.team_a, "How are you while you wait?", "waiting", ["checkin"])


def question(survey: Any, kind: str, item: int = 0) -> Any:
    return survey.questions.get(kind=kind, **({"item": item} if item else {}))


def field(survey: Any, kind: str, item: int = 0) -> str:
    return f"q{question(survey, kind, item).pk}"


def checkin_post(
    survey: Any,
    feeling: str = "same",
    changed: str = "no",
    sooner: str = "no",
    how: str = "none",
    detail: str = "",
    name: str = "",
) -> dict[str, str]:
    return {
        field(survey, "checkin_feeling"): feeling,
        field(survey, "checkin_changed"): changed,
        field(survey, "checkin_sooner"): sooner,
        field(survey, "contact"): how,
        "contact_detail": detail,
        "contact_name": name,
        "website": "",
    }


def checkin_alert(survey: Any, answers: dict[int, Any], phone: str, now: Any = None) -> Any:
    """A check-in saved with a phone number, and the alert the public form raises for it."""
    from whatmatters.safety import alerts
    from whatmatters.surveys import actions

    outcome = actions.submit(survey, answers, now=now)
    return alerts.raise_alert(
        survey.team,
        source="checkin",
        reasons=outcome.concerns,
        risk=outcome.needs_help,
        contact=alerts.Contact("phone", phone),
        response=outcome.response,
        now=now,
    )
