"""An anonymous person answers a survey through its public link: no account, no JavaScript, spam protection
as for statements, an easy-read version, and free text through the personal-data check."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

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


def test_an_answer_that_is_not_one_of_the_choices_says_what_to_do(fft_survey: Any) -> None:
    response = Client().post(f"/s/{fft_survey.code}/", {field(fft_survey, "fft"): "excellent", "website": ""})
    assert response.status_code == 400
    assert "Choose 1 of the answers shown" in response.content.decode()
    assert not Response.objects.exists()


def test_a_rating_outside_the_scale_is_refused(fft_survey: Any) -> None:
    response = Client().post(
        f"/s/{fft_survey.code}/", fft_post(fft_survey, **{field(fft_survey, "domain_rating"): "9"})
    )
    assert response.status_code == 400 and not Response.objects.exists()


def test_a_very_long_written_answer_says_how_long_it_can_be_and_keeps_the_words(fft_survey: Any) -> None:
    words = "a" * 2001
    response = Client().post(
        f"/s/{fft_survey.code}/", fft_post(fft_survey, **{field(fft_survey, "free_text"): words})
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Keep it under 2000 characters" in page
    assert words in page


def test_fields_that_are_not_in_the_survey_are_ignored(fft_survey: Any, checkin: Any) -> None:
    other = field(checkin, "checkin_feeling")
    response = Client().post(
        f"/s/{fft_survey.code}/", fft_post(fft_survey, **{other: "worse", "q999999": "x"})
    )
    assert response.status_code == 302
    assert list(Answer.objects.values_list("question__kind", flat=True)) == ["fft"]


def test_single_and_multiple_choice_answers_are_saved(fft_survey: Any) -> None:
    from whatmatters.surveys import actions

    actions.add_blocks(fft_survey, ["who", "wait_help"])
    data = fft_post(fft_survey, **{field(fft_survey, "single"): "carer"})
    data[field(fft_survey, "multiple")] = ["call", "groups"]
    assert Client().post(f"/s/{fft_survey.code}/", data).status_code == 302
    assert Answer.objects.get(question__kind="single").value == "carer"
    assert Answer.objects.get(question__kind="multiple").values == ["call", "groups"]
    bad = fft_post(fft_survey)
    bad[field(fft_survey, "multiple")] = ["call", "a_pony"]
    response = Client().post(f"/s/{fft_survey.code}/", bad)
    assert response.status_code == 400 and "Choose from the answers shown" in response.content.decode()


def test_written_answers_from_carers_are_filed_as_carers_words(fft_survey: Any) -> None:
    from whatmatters.surveys import actions

    actions.add_blocks(fft_survey, ["who"])
    data = fft_post(
        fft_survey,
        **{field(fft_survey, "single"): "carer", field(fft_survey, "free_text"): "Being kept informed"},
    )
    Client().post(f"/s/{fft_survey.code}/", data)
    assert Statement.objects.get().relationship == "carer"


def test_the_honeypot_is_hidden_from_people_and_screen_readers(fft_survey: Any) -> None:
    page = Client().get(f"/s/{fft_survey.code}/").content.decode()
    assert '<div class="wm-honeypot" aria-hidden="true">' in page
    assert 'name="website" type="text" tabindex="-1"' in page


def test_a_robot_that_fills_the_hidden_box_on_a_check_in_raises_no_alert(checkin: Any) -> None:
    from tests.surveys.conftest import checkin_post
    from whatmatters.safety.models import Alert

    data = checkin_post(checkin, feeling="worse", how="phone", detail="07700 900333")
    data["website"] = "http://spam.example"
    Client().post(f"/s/{checkin.code}/", data)
    assert not Alert.objects.exists() and not Response.objects.exists()


def test_the_rate_limit_is_per_address(fft_survey: Any, settings: Any) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 1
    first = Client(REMOTE_ADDR="192.0.2.1")
    assert first.post(f"/s/{fft_survey.code}/", fft_post(fft_survey)).status_code == 302
    assert first.post(f"/s/{fft_survey.code}/", fft_post(fft_survey)).status_code == 429
    second = Client(REMOTE_ADDR="192.0.2.2")
    assert second.post(f"/s/{fft_survey.code}/", fft_post(fft_survey)).status_code == 302
    assert Response.objects.count() == 2


def test_a_survey_of_a_team_that_has_closed_is_not_found(fft_survey: Any) -> None:
    fft_survey.team.is_active = False
    fft_survey.team.save()
    assert Client().get(f"/s/{fft_survey.code}/").status_code == 404


def test_nothing_about_the_person_is_stored_with_the_response(fft_survey: Any) -> None:
    Client(REMOTE_ADDR="192.0.2.7").post(f"/s/{fft_survey.code}/", fft_post(fft_survey))
    from whatmatters.audit.models import AuditEvent

    event = AuditEvent.objects.get(object_type="surveys.response")
    assert event.ip_address is None and "192.0.2.7" not in str(event.changes)


def test_behind_the_proxy_each_person_has_their_own_limit_not_one_shared_by_everyone(
    fft_survey: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 2
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(REMOTE_ADDR="10.0.0.5")  # every request arrives from the proxy

    def send(forwarded_for: str) -> int:
        return client.post(
            f"/s/{fft_survey.code}/", fft_post(fft_survey), HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    assert [send("198.51.100.1"), send("198.51.100.1"), send("198.51.100.1")] == [302, 302, 429]
    assert send("198.51.100.2") == 302  # someone else, through the same proxy
    assert send("203.0.113.9, 198.51.100.1") == 429  # a made-up first address does not help


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}


def survey_with_domains(team: Any, count: int) -> Any:
    from whatmatters.framework.models import Domain
    from whatmatters.surveys import actions

    domains = [
        Domain.objects.create(team=team, i_statement=f"I know what happens next ({count}, {i})")
        for i in range(count)
    ]
    return actions.create_survey(
        team, f"Your experience {count}", "treatment", ["fft", "domains", "what_matters"], domains
    )


def every_answer(survey: Any) -> dict[str, str]:
    """A choice for every question, and words for the written one."""
    data = {"website": ""}
    for question in survey.questions.all():
        choices = question.choices(False)
        data[f"q{question.pk}"] = str(choices[0][0]) if choices else "Being listened to"
    return data


def queries_to_open_and_answer(survey: Any) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(f"/s/{survey.code}/")  # the first page of a process reads content types and so on once
    data = every_answer(survey)
    client.post(f"/s/{survey.code}/", data)  # the first written answer makes the survey's session
    with CaptureQueriesContext(connection) as opened:
        assert client.get(f"/s/{survey.code}/").status_code == 200
    with CaptureQueriesContext(connection) as answered:
        assert client.post(f"/s/{survey.code}/", data).status_code == 302
    return len(opened), len(answered)


@override_settings(TASKS=DATABASE_TASKS)  # the measure refresh is queued, as on the service, not run here
def test_opening_and_answering_a_survey_take_the_same_few_queries_however_many_questions(
    programme: Any,
) -> None:
    # Each team's first answer queues its measure refresh (tests/surveys/test_one_refresh_waits_per_team.py).
    few = survey_with_domains(programme.team_a, 1)
    many = survey_with_domains(programme.team_b, 6)
    assert many.questions.count() >= few.questions.count() + 5
    small, large = queries_to_open_and_answer(few), queries_to_open_and_answer(many)
    assert small == large
    opened, answered = large
    assert opened <= 2  # the survey with its team and session, then its questions
    # The survey, its questions, the address's answers this hour; then in one transaction the address's count,
    # the response and its audit event, each written answer and its audit event, every answer in one insert;
    # then whether the team's measure refresh is already waiting (it is: the first answer queued it).
    assert answered <= 14
    assert Answer.objects.filter(response__survey=many).count() == 2 * many.questions.count()
