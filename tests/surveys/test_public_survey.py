"""An anonymous person answers a survey through its public link: no account, no JavaScript, spam protection
as for statements, an easy-read version, and free text through the personal-data check."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.surveys.conftest import NHS_NUMBER, field
from whatmatters.engagement.models import Statement
from whatmatters.surveys.models import Answer, Response

pytestmark = pytest.mark.django_db


def fft_post(survey: Any, **extra: str) -> dict[str, str]:
    return {field(survey, "fft"): "very_good", "website": "", **extra}


def test_the_public_page_asks_the_fft_question_and_gives_crisis_contacts(fft_survey: Any) -> None:
    page = Client().get(f"/s/{fft_survey.code}/").content.decode()
    assert "Overall, how was your experience of our service?" in page
    for answer in ("Very good", "Neither good nor poor", "Don&#39;t know"):
        assert answer in page
    assert "NHS 111" in page and "999" in page and "116 123" in page
    assert "It takes about 2 minutes" in page
    assert "Easy read version" in page


def test_an_anonymous_person_completes_a_survey_and_it_is_saved(fft_survey: Any) -> None:
    data = fft_post(
        fft_survey, **{field(fft_survey, "collaborate", 1): "4", field(fft_survey, "domain_rating"): "5"}
    )
    response = Client().post(f"/s/{fft_survey.code}/", data)
    assert response.status_code == 302 and response["Location"] == f"/s/{fft_survey.code}/thanks/"
    saved = Response.objects.get(survey=fft_survey)
    values = dict(Answer.objects.filter(response=saved).values_list("question__kind", "value"))
    assert values == {"fft": "very_good", "collaborate": "4", "domain_rating": "5"}
    assert saved.period.day == 1 and saved.team == fft_survey.team
    assert "Thank you" in Client().get(response["Location"]).content.decode()


def test_a_missing_required_answer_says_what_to_do_and_keeps_other_answers(fft_survey: Any) -> None:
    response = Client().post(
        f"/s/{fft_survey.code}/", {field(fft_survey, "collaborate", 2): "3", "website": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose how your experience of our service was" in page
    assert 'value="3" checked' in page
    assert not Response.objects.exists()


def test_the_easy_read_version_uses_easy_words(fft_survey: Any) -> None:
    page = Client().get(f"/s/{fft_survey.code}/easy-read/").content.decode()
    assert "How was our service?" in page and "Standard version of this page" in page
    Client().post(f"/s/{fft_survey.code}/easy-read/", fft_post(fft_survey))
    assert Response.objects.get().easy_read is True


def test_a_robot_that_fills_the_hidden_box_is_thanked_and_nothing_is_kept(fft_survey: Any) -> None:
    response = Client().post(f"/s/{fft_survey.code}/", fft_post(fft_survey, website="http://spam.example"))
    assert response.status_code == 302
    assert not Response.objects.exists()


def test_too_many_answers_from_one_address_are_refused_with_crisis_contacts(
    fft_survey: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 2
    client = Client()
    for _ in range(2):
        assert client.post(f"/s/{fft_survey.code}/", fft_post(fft_survey)).status_code == 302
    refused = client.post(f"/s/{fft_survey.code}/", fft_post(fft_survey))
    assert refused.status_code == 429 and "116 123" in refused.content.decode()
    assert Response.objects.count() == 2


def test_free_text_with_an_nhs_number_is_held_for_a_moderator_and_not_shown(fft_survey: Any) -> None:
    text = f"My number is {NHS_NUMBER} and I want a call"
    Client().post(f"/s/{fft_survey.code}/", fft_post(fft_survey, **{field(fft_survey, "free_text"): text}))
    statement = Statement.objects.get()
    assert statement.status == Statement.Status.HELD and statement.team == fft_survey.team
    assert statement.session_id == fft_survey.__class__.objects.get(pk=fft_survey.pk).session_id
    assert statement.stage == "treatment"
    answer = Answer.objects.get(statement__isnull=False)
    assert answer.value == "" and answer.statement == statement


def test_clean_free_text_is_approved_and_reaches_the_theming_board(fft_survey: Any) -> None:
    from whatmatters.engagement.presenters import board_for

    text = "Being told how long the wait is"
    Client().post(f"/s/{fft_survey.code}/", fft_post(fft_survey, **{field(fft_survey, "free_text"): text}))
    board = board_for(fft_survey.team)
    assert [s.public_text() for s in board.unsorted] == [text]


def test_a_closed_survey_takes_no_answers(fft_survey: Any) -> None:
    fft_survey.is_open = False
    fft_survey.save()
    response = Client().post(f"/s/{fft_survey.code}/", fft_post(fft_survey))
    assert "This survey is closed" in response.content.decode()
    assert not Response.objects.exists()


def test_an_unknown_code_is_not_found() -> None:
    assert Client().get("/s/nothing/").status_code == 404


def test_the_public_page_has_no_inline_styles_or_scripts(fft_survey: Any) -> None:
    page = Client().get(f"/s/{fft_survey.code}/").content.decode()
    assert "style=" not in page
    assert "<script>" not in page
