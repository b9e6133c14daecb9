"""Results for each survey: response counts, answer distributions and charts; exact inside the team,
disclosure-controlled outside it (0 stays 0, 1 to 7 become *, the rest round to the nearest 5)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.surveys.conftest import field, question
from whatmatters.surveys import actions
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


def answer_fft(survey: Any, *choices: str, rating: str = "") -> None:
    for choice in choices:
        answers = {question(survey, "fft").pk: choice}
        if rating:
            answers[question(survey, "domain_rating").pk] = rating
        actions.submit(survey, answers)


def results(client: Any, survey: Any) -> str:
    response = client.get(f"/teams/team-a/surveys/{survey.pk}/results/")
    assert response.status_code == 200
    return response.content.decode()


def row(page: str, label: str) -> list[str]:
    """The cells of the first table row headed `label`."""
    match = re.search(
        rf'<th scope="row" class="nhsuk-table__header">{re.escape(label)}</th>(.*?)</tr>', page, re.S
    )
    assert match, label
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_the_team_sees_exact_counts_shares_and_the_fft_percent_positive(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    answer_fft(fft_survey, "very_good", "very_good", "good", "dont_know", rating="4")
    page = results(client_for(people[Role.STAFF]), fft_survey)
    assert "4 responses in all." in page
    assert row(page, "Very good") == ["2", "50%"]
    assert row(page, "Don&#39;t know") == ["1", "25%"]
    assert "75% said good or very good" in page
    assert "4 people answered. The average was 4." in page


def test_outside_the_team_small_counts_become_a_star_and_shares_are_hidden(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    answer_fft(fft_survey, "very_good", "very_good", "good", "dont_know")
    page = results(client_for(people[Role.FACULTY]), fft_survey)
    assert "* responses in all." in page
    assert row(page, "Very good") == ["*", "*"]
    assert row(page, "Poor") == ["0", "*"]  # 0 stays 0; a share of 4 people is hidden
    assert "said good or very good" not in page
    assert "counts from 1 to 7 are shown as *" in page
    assert ">4<" not in page.split("<h1>Results</h1>", 1)[1]


def test_outside_the_team_larger_counts_round_to_the_nearest_5(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    answer_fft(fft_survey, *(["good"] * 13 + ["poor"] * 10))
    page = results(client_for(people[Role.ADMIN]), fft_survey)
    assert "25 responses in all." in page
    assert row(page, "Good")[0] == "15" and row(page, "Poor")[0] == "10"
    assert "57% said good or very good" in page  # from exact counts: 13 of 23


def test_written_answers_are_shown_to_the_team_but_never_outside_it(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    words = "Knowing who to call while I wait"
    Client().post(
        f"/s/{fft_survey.code}/",
        {field(fft_survey, "fft"): "good", field(fft_survey, "free_text"): words, "website": ""},
    )
    assert words in results(client_for(people[Role.VIEWER]), fft_survey)
    assert words not in results(client_for(people[Role.FACULTY]), fft_survey)


def test_each_choice_question_has_an_accessible_chart_that_says_its_numbers(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    answer_fft(fft_survey, "good", "good", "poor")
    page = results(client_for(people[Role.TEAM_LEAD]), fft_survey)
    chart = re.search(r'<svg class="wm-bar-chart".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in chart and "aria-labelledby" in chart
    assert "Good: 2 (67%); Neither good nor poor: 0" in chart
    assert "style=" not in chart


def test_responses_are_counted_for_each_month(fft_survey: Any, client_for: Any, people: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    for month, n in ((1, 2), (2, 9)):
        for _ in range(n):
            actions.submit(
                fft_survey,
                {question(fft_survey, "fft").pk: "good"},
                now=timezone.make_aware(dt.datetime(2026, month, 10, 12)),
            )
    inside = results(client_for(people[Role.STAFF]), fft_survey)
    assert row(inside, "January 2026") == ["2"] and row(inside, "February 2026") == ["9"]
    outside = results(client_for(people[Role.FACULTY]), fft_survey)
    assert row(outside, "January 2026") == ["*"] and row(outside, "February 2026") == ["10"]


def test_results_list_only_the_measures_this_survey_feeds(
    fft_survey: Any, checkin: Any, client_for: Any, people: Any
) -> None:
    from whatmatters.surveys.measures import refresh_team

    answer_fft(fft_survey, "good", rating="5")
    actions.submit(checkin, {question(checkin, "checkin_feeling").pk: "same"})
    refresh_team(fft_survey.team)
    fft_page = results(client_for(people[Role.STAFF]), fft_survey)
    assert (
        "Friends and Family Test: % positive" in fft_page and "Rating: I know what is happening" in fft_page
    )
    assert "Waiting-well check-ins completed" not in fft_page
    checkin_page = results(client_for(people[Role.STAFF]), checkin)
    assert "Waiting-well check-ins completed" in checkin_page
    assert "Friends and Family Test: % positive" not in checkin_page


def test_the_survey_list_controls_response_counts_outside_the_team(
    fft_survey: Any, client_for: Any, people: Any
) -> None:
    answer_fft(fft_survey, "good", "good", "good")
    inside = client_for(people[Role.STAFF]).get("/teams/team-a/surveys/").content.decode()
    outside = client_for(people[Role.FACULTY]).get("/teams/team-a/surveys/").content.decode()
    assert "Responses </span>3<" in inside
    assert "Responses </span>*<" in outside


def test_the_results_page_makes_the_same_number_of_queries_for_5_or_50_responses(
    fft_survey: Any, client_for: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people[Role.STAFF])
    answer_fft(fft_survey, *["good"] * 5, rating="4")
    with django_assert_max_num_queries(30) as few:
        results(client, fft_survey)
    answer_fft(fft_survey, *["poor"] * 45, rating="2")
    with django_assert_max_num_queries(len(few.captured_queries)):
        results(client, fft_survey)
