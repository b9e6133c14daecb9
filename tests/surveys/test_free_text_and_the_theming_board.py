"""Written answers ("What matters to you now?", the FFT reason) go through the personal-data check and
moderation as engagement statements; once approved they are statements on the theming board, and the
survey's results page can add each one to a theme, closing the loop back to what matters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.surveys.conftest import NHS_NUMBER, field
from whatmatters.engagement import actions as engagement
from whatmatters.engagement.models import Statement, Theme
from whatmatters.engagement.presenters import board_for
from whatmatters.surveys.models import Survey
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


def write(survey: Any, words: str, kind: str = "free_text") -> Statement:
    Client().post(
        f"/s/{survey.code}/", {field(survey, "fft"): "good", field(survey, kind): words, "website": ""}
    )
    return Statement.objects.latest("pk")


def results(client: Any, survey: Any) -> str:
    return client.get(f"/teams/team-a/surveys/{survey.pk}/results/").content.decode()


def test_written_answers_arrive_in_one_session_for_the_survey_with_its_stage(fft_survey: Any) -> None:
    first = write(fft_survey, "Knowing how long I will wait")
    second = write(fft_survey, "Staff were kind", kind="fft_reason")
    survey = Survey.objects.get(pk=fft_survey.pk)
    assert first.session_id == second.session_id == survey.session_id
    assert survey.session.team == fft_survey.team and not survey.session.is_open
    assert (first.stage, first.source) == ("treatment", "online")


def test_an_answer_with_personal_details_is_held_and_shown_nowhere_until_a_moderator_approves_it(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    words = f"Ring me, my NHS number is {NHS_NUMBER}"
    statement = write(fft_survey, words)
    assert statement.status == Statement.Status.HELD and statement.finding_kinds
    lead = client_for(people[Role.TEAM_LEAD])
    page = results(lead, fft_survey)
    assert NHS_NUMBER not in page and "1 waiting for a person to check them" in page
    assert statement not in board_for(fft_survey.team).unsorted

    moderator = client_for(people[Role.EXPERT_BY_EXPERIENCE])
    queue = moderator.get("/teams/team-a/what-matters/moderation/").content.decode()
    assert NHS_NUMBER in queue
    moderator.post(f"/teams/team-a/what-matters/moderation/{statement.pk}/", {"decision": "redact"})
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED and NHS_NUMBER not in statement.text
    page = results(lead, fft_survey)
    assert statement.text in page and NHS_NUMBER not in page
    assert [s.pk for s in board_for(fft_survey.team).unsorted] == [statement.pk]


def test_a_rejected_answer_never_reaches_the_board_or_the_results(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    statement = write(fft_survey, f"My neighbour's NHS number is {NHS_NUMBER}")
    engagement.reject(statement, people[Role.FACULTY])
    assert "NHS number" not in results(client_for(people[Role.TEAM_LEAD]), fft_survey)
    assert board_for(fft_survey.team).unsorted == []


def test_when_every_statement_waits_for_a_person_clean_answers_wait_too(
    fft_survey: Any, settings: Any, client_for: Any, people: Any
) -> None:
    settings.ENGAGEMENT_HOLD_CLEAN_STATEMENTS = True
    statement = write(fft_survey, "Being listened to")
    assert statement.status == Statement.Status.PENDING
    assert "Being listened to" not in results(client_for(people[Role.TEAM_LEAD]), fft_survey)
    assert board_for(fft_survey.team).unsorted == []


def test_an_approved_answer_is_added_to_a_theme_from_the_results_page(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    statement = write(fft_survey, "Knowing who to call while I wait")
    theme = engagement.create_theme(fft_survey.team, "Knowing what is happening while I wait")
    lead = client_for(people[Role.TEAM_LEAD])
    page = results(lead, fft_survey)
    assert "Not in a theme yet" in page and 'name="to_theme"' in page
    response = lead.post(
        "/teams/team-a/what-matters/board/move/",
        {"statement": statement.pk, "action": "copy", "to_theme": theme.pk, "session": statement.session_id},
    )
    assert response.status_code == 302
    assert list(theme.statements.all()) == [statement]
    assert board_for(fft_survey.team).cards_by_theme[theme.pk] == [statement]
    assert "In the theme: Knowing what is happening while I wait" in results(lead, fft_survey)


def test_viewers_see_approved_answers_but_cannot_add_them_to_themes(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    statement = write(fft_survey, "Being seen by the same person")
    theme = engagement.create_theme(fft_survey.team, "Seeing the same person")
    viewer = client_for(people[Role.VIEWER])
    page = results(viewer, fft_survey)
    assert "Being seen by the same person" in page and 'name="to_theme"' not in page
    refused = viewer.post(
        "/teams/team-a/what-matters/board/move/",
        {"statement": statement.pk, "action": "copy", "to_theme": theme.pk},
    )
    assert refused.status_code == 403 and not theme.statements.exists()


def test_another_teams_lead_cannot_add_this_teams_answers_to_their_themes(
    fft_survey: Any, client_for: Any, people: Any, programme: Any
) -> None:
    statement = write(fft_survey, "Being told what happens next")
    theirs = Theme.objects.create(team=programme.team_b, name="Their theme")
    response = client_for(people["team_b_lead"]).post(
        "/teams/team-b/what-matters/board/move/",
        {"statement": statement.pk, "action": "copy", "to_theme": theirs.pk},
    )
    assert response.status_code == 404 and not theirs.statements.exists()


def test_written_answers_never_reach_the_audit_log(fft_survey: Any) -> None:
    from whatmatters.audit.models import AuditEvent

    write(fft_survey, "Please call Sam Jones about the wait")
    for event in AuditEvent.objects.all():
        assert "Sam Jones" not in f"{event.changes} {event.summary} {event.object_repr}"
