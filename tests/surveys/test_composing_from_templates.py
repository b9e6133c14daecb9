"""Teams compose surveys from a library of question templates: the Friends and Family Test, CollaboRATE,
a rating for each of the team's quality domains, "What matters to you now?", the waiting-well check-in,
and their own single or multiple choice questions; each survey has a short public link and a QR code."""

from __future__ import annotations

from typing import Any

import pytest

from whatmatters.surveys import actions, library
from whatmatters.surveys.models import Kind, Survey
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

NEW = "/teams/team-a/surveys/new/"


def test_a_team_lead_makes_a_survey_from_library_blocks_in_the_order_chosen(
    client_for: Any, people: Any, domain: Any
) -> None:
    response = client_for(people[Role.TEAM_LEAD]).post(
        NEW,
        {
            "title": "After your first appointment",
            "stage": "first_appointment",
            "blocks": ["fft", "collaborate", "domains", "what_matters"],
            "domains": [domain.pk],
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/teams/team-a/surveys/{survey.pk}/"
    assert survey.team.slug == "team-a" and survey.stage == "first_appointment"
    kinds = [(q.kind, q.item) for q in survey.questions.all()]
    assert kinds == [
        ("fft", 0),
        ("fft_reason", 0),
        ("collaborate", 1),
        ("collaborate", 2),
        ("collaborate", 3),
        ("domain_rating", 0),
        ("free_text", 0),
    ]
    rating = survey.questions.get(kind=Kind.DOMAIN_RATING)
    assert rating.text == "How well did we do at: I know what is happening while I wait?"
    assert rating.domain == domain
    assert survey.questions.get(kind=Kind.FREE_TEXT).text == "What matters to you now?"


def test_the_fft_question_has_its_six_national_answers_word_for_word() -> None:
    fft = library.questions_for("fft")[0]
    assert fft["text"] == "Overall, how was your experience of our service?"
    assert [label for _, label, _ in fft["options"]] == [
        "Very good",
        "Good",
        "Neither good nor poor",
        "Poor",
        "Very poor",
        "Don't know",
    ]
    assert library.questions_for("fft")[1]["kind"] == Kind.FFT_REASON


def test_collaborate_has_three_items_scored_0_to_4() -> None:
    items = library.questions_for("collaborate")
    assert [q["item"] for q in items] == [1, 2, 3]
    assert all([v for v, _, _ in q["options"]] == ["0", "1", "2", "3", "4"] for q in items)
    assert items[1]["text"].startswith("How much effort was made to listen to the things that matter most")


def test_the_check_in_asks_how_you_are_what_changed_and_whether_to_talk_sooner() -> None:
    texts = [q["text"] for q in library.questions_for("checkin")]
    assert texts == [
        "How are you doing at the moment?",
        "Has anything changed since you were referred to us?",
        "Do you need to talk to someone sooner than your appointment?",
        "Would you like us to contact you?",
    ]


def test_choosing_no_questions_says_what_to_do_and_keeps_the_title(client_for: Any, people: Any) -> None:
    response = client_for(people[Role.TEAM_LEAD]).post(NEW, {"title": "My survey", "stage": "waiting"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least 1 set of questions" in page and 'value="My survey"' in page
    assert not Survey.objects.exists()


def test_domain_ratings_need_at_least_one_domain(client_for: Any, people: Any, domain: Any) -> None:
    response = client_for(people[Role.TEAM_LEAD]).post(
        NEW, {"title": "Ratings", "stage": "treatment", "blocks": ["domains"]}
    )
    assert response.status_code == 400
    assert "Choose the quality domains to ask about" in response.content.decode()


def test_a_missing_title_and_stage_say_what_to_do(client_for: Any, people: Any) -> None:
    page = client_for(people[Role.TEAM_LEAD]).post(NEW, {"blocks": ["fft"]}).content.decode()
    assert "Enter a title for the survey" in page
    assert "Choose the stage of the journey the survey is for" in page


def test_the_stage_is_one_of_four_radios_with_no_empty_option(client_for: Any, people: Any) -> None:
    page = client_for(people[Role.TEAM_LEAD]).get(NEW).content.decode()
    for stage in ("Waiting to be seen", "After the first appointment", "Getting care or treatment"):
        assert stage in page
    assert "Leaving the service" in page and 'name="stage" type="radio" value=""' not in page
    assert "Select an option" not in page


def test_a_programme_survey_cannot_hold_a_check_in_because_alerts_need_a_team(
    client_for: Any, people: Any
) -> None:
    response = client_for(people[Role.FACULTY]).post(
        "/programme/surveys/new/", {"title": "Everyone", "stage": "waiting", "blocks": ["checkin"]}
    )
    assert response.status_code == 400
    assert "add them to a team" in response.content.decode()
    created = client_for(people[Role.FACULTY]).post(
        "/programme/surveys/new/", {"title": "Everyone", "stage": "leaving", "blocks": ["fft"]}
    )
    survey = Survey.objects.get()
    assert survey.team is None and created["Location"] == f"/programme/surveys/{survey.pk}/"


def test_adding_blocks_later_adds_each_block_once_and_only_new_domains(
    fft_survey: Any, client_for: Any, people: Any, domain: Any, programme: Any
) -> None:
    from whatmatters.framework.models import Domain

    other = Domain.objects.create(team=programme.team_a, i_statement="I see the same worker")
    before = fft_survey.questions.count()
    client_for(people[Role.TEAM_LEAD]).post(
        f"/teams/team-a/surveys/{fft_survey.pk}/edit/",
        {
            "title": "Your experience",
            "stage": "treatment",
            "is_open": "on",
            "blocks": ["fft", "domains", "wait_help"],
            "domains": [domain.pk, other.pk],
        },
    )
    kinds = list(fft_survey.questions.values_list("kind", flat=True))
    assert len(kinds) == before + 2
    assert kinds.count("fft") == 1 and kinds.count("multiple") == 1
    assert fft_survey.questions.filter(domain=other).count() == 1


def test_a_team_adds_its_own_single_or_multiple_choice_question(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    url = f"/teams/team-a/surveys/{fft_survey.pk}/questions/new/"
    client = client_for(people[Role.TEAM_LEAD])
    client.post(url, {"text": "Which clinic do you go to?", "kind": "single", "options": "North\nSouth\n\n"})
    client.post(url, {"text": "What helped?", "kind": "multiple", "options": "Calls\nLetters\nGroups"})
    single = fft_survey.questions.get(text="Which clinic do you go to?")
    assert single.kind == Kind.SINGLE and [o[1] for o in single.options] == ["North", "South"]
    assert fft_survey.questions.get(text="What helped?").kind == Kind.MULTIPLE
    refused = client.post(url, {"text": "Only one?", "kind": "single", "options": "Yes"})
    assert refused.status_code == 400
    assert "Enter at least 2 answers, one on each line" in refused.content.decode()


def test_a_question_nobody_has_answered_can_be_taken_out_and_an_answered_one_stays(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    reason = fft_survey.questions.get(kind=Kind.FFT_REASON)
    fft = fft_survey.questions.get(kind=Kind.FFT)
    actions.submit(fft_survey, {fft.pk: "good"})
    client.post(f"/teams/team-a/surveys/{fft_survey.pk}/questions/{reason.pk}/remove/")
    assert not fft_survey.questions.filter(pk=reason.pk).exists()
    assert list(fft_survey.questions.values_list("position", flat=True)) == list(
        range(fft_survey.questions.count())
    )
    response = client.post(f"/teams/team-a/surveys/{fft_survey.pk}/questions/{fft.pk}/remove/", follow=True)
    assert "People have answered this question, so it stays" in response.content.decode()
    assert fft.answers.count() == 1


@pytest.mark.parametrize(("who", "status"), [(Role.VIEWER, 403), ("team_b_lead", 404)])
def test_viewers_and_other_teams_cannot_compose(
    fft_survey: Any, client_for: Any, people: Any, who: str, status: int
) -> None:
    client = client_for(people[who])
    assert client.post(NEW, {"title": "X", "stage": "waiting", "blocks": ["fft"]}).status_code == status
    question = fft_survey.questions.first()
    removed = client.post(f"/teams/team-a/surveys/{fft_survey.pk}/questions/{question.pk}/remove/")
    assert removed.status_code == status and fft_survey.questions.filter(pk=question.pk).exists()
    assert Survey.objects.count() == 1


def test_the_survey_page_gives_the_short_link_the_easy_read_link_and_a_qr_code(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    client = client_for(people[Role.STAFF])
    page = client.get(f"/teams/team-a/surveys/{fft_survey.pk}/").content.decode()
    assert f"http://testserver/s/{fft_survey.code}/" in page
    assert f"/s/{fft_survey.code}/easy-read/" in page
    assert len(fft_survey.code) <= 12
    qr = client.get(f"/teams/team-a/surveys/{fft_survey.pk}/qr.svg")
    svg = qr.content.decode()
    assert qr["Content-Type"] == "image/svg+xml"
    assert svg.startswith("<?xml") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert f"QR code for http://testserver/s/{fft_survey.code}/" in svg


def test_library_surveys_take_under_two_minutes_and_a_long_one_is_flagged(
    client_for: Any, people: Any, programme: Any
) -> None:
    from whatmatters.framework.models import Domain

    domains = [Domain.objects.create(team=programme.team_a, i_statement=f"Domain {n}") for n in range(3)]
    usual = actions.create_survey(
        programme.team_a, "Usual", "treatment", ["fft", "collaborate", "domains"], domains
    )
    checkin = actions.create_survey(programme.team_a, "Check-in", "waiting", ["checkin", "wait_help"])
    for survey in (usual, checkin):
        assert library.minutes_to_answer([q.kind for q in survey.questions.all()]) <= library.TARGET_MINUTES
    client = client_for(people[Role.TEAM_LEAD])
    assert "take some questions out" not in client.get(f"/teams/team-a/surveys/{usual.pk}/").content.decode()
    for n in range(4):
        actions.add_choice_question(usual, f"Extra {n}?", Kind.SINGLE, ["Yes", "No"])
    actions.add_blocks(usual, ["what_matters"])
    assert "take some questions out" in client.get(f"/teams/team-a/surveys/{usual.pk}/").content.decode()
