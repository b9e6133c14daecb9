"""Honest moderation: the public pages say exactly who reads answers and when, and a session that holds every
answer (the default, and always for service users' surveys) keeps even clean answers for a moderator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_new_session_holds_every_answer_and_its_page_says_a_moderator_reads_them_first(
    session: Any,
) -> None:
    assert session.hold_every_answer is True
    page = Client().get(session.public_path()).content.decode()
    assert "A moderator reads every answer first" in page
    assert "team leaders get an email straight away" in page and "next working day" in page


def test_a_clean_answer_to_a_session_that_holds_every_answer_waits_for_a_moderator(session: Any) -> None:
    from whatmatters.engagement.models import Statement

    Client().post(session.public_path(), {"text": "Kind staff", "relationship": "carer"})
    assert Statement.objects.get().status == Statement.Status.PENDING


def test_a_session_that_does_not_hold_every_answer_says_answers_go_straight_to_the_team(session: Any) -> None:
    from whatmatters.engagement.models import Statement

    session.hold_every_answer = False
    session.save()
    page = Client().get(session.public_path()).content.decode()
    assert "Answers go straight to people in Team A" in page and "A moderator reads every answer" not in page
    Client().post(session.public_path(), {"text": "Kind staff", "relationship": "carer"})
    assert Statement.objects.get().status == Statement.Status.APPROVED


def test_survey_free_text_is_held_for_a_moderator_by_default(checkin: Any, programme: Any) -> None:
    from whatmatters.surveys import actions

    survey = actions.create_survey(programme.team_a, "Your experience", "treatment", ["fft"])
    assert survey.hold_every_answer is True
    assert "A moderator reads every answer first" in Client().get(survey.public_path()).content.decode()


def test_staff_only_sessions_stopped_holding_every_answer_when_the_setting_arrived() -> None:
    import importlib

    migration = importlib.import_module("whatmatters.engagement.migrations.0002_hold_every_answer")
    assert 'audience="staff"' in open(migration.__file__).read()
