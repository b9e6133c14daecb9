"""Public forms work on phones that block cookies.

A probe found public forms refusing a post without a CSRF cookie with "This form has expired", so a person
whose phone blocks cookies could never send an answer. Public form pages now carry a signed, dated form token
in place of the cookie (safety.public_forms.cookieless); the rate limit and the honeypot still apply, and
staff pages keep Django's CSRF check.
"""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from whatmatters.engagement.models import EngagementSession, Statement, Theme
from whatmatters.learning.models import ExcellenceLink, ExcellenceReport
from whatmatters.safety import public_forms
from whatmatters.safety.models import Alert
from whatmatters.surveys import actions as survey_actions
from whatmatters.surveys.models import Response

pytestmark = pytest.mark.django_db

ANSWER = {"text": "Knowing who to ring when things get bad", "relationship": "carer", "stage": "waiting"}


@pytest.fixture
def session(programme: Any) -> EngagementSession:
    return EngagementSession.objects.create(
        team=programme.team_a, title="Day", held_on=date(2025, 6, 3), hold_every_answer=False
    )


def cookieless() -> Client:
    """A phone that blocks cookies: Django's CSRF check is on, and no cookie is ever sent back."""
    return Client(enforce_csrf_checks=True)


def token_on(page: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "the page has no form token"
    return match.group(1)


def fetch_token(url: str) -> str:
    return token_on(cookieless().get(url).content.decode())


def test_a_phone_that_blocks_cookies_can_send_a_statement(session: EngagementSession) -> None:
    url = reverse("engagement_public_form", kwargs={"code": session.code})
    response = cookieless().post(url, {**ANSWER, "form_token": fetch_token(url)})
    assert response.status_code == 302  # before: 403 "This form has expired"
    assert Statement.objects.get().text == ANSWER["text"]


def test_a_phone_that_blocks_cookies_can_vote(session: EngagementSession, programme: Any) -> None:
    theme = Theme.objects.create(team=programme.team_a, name="Waiting")
    url = reverse("engagement_public_vote", kwargs={"code": session.code})
    response = cookieless().post(
        url, {"relationship": "carer", f"dots_{theme.pk}": "2", "form_token": fetch_token(url)}
    )
    assert response.status_code == 302
    assert session.votes.count() == 1


def test_a_phone_that_blocks_cookies_can_send_a_report_of_what_went_well(programme: Any) -> None:
    link = ExcellenceLink.objects.create(team=programme.team_a)
    url = reverse("excellence_public_form", kwargs={"code": link.code})
    page = cookieless().get(url).content.decode()
    response = cookieless().post(
        url,
        {
            "text": "The nurse rang me back the same day and explained the plan",
            "who": "the duty nurse",
            "form_token": token_on(page),
        },
    )
    assert response.status_code == 302
    assert ExcellenceReport.objects.count() == 1


def test_a_phone_that_blocks_cookies_can_answer_a_survey(programme: Any) -> None:
    survey = survey_actions.create_survey(programme.team_a, "Your experience", "treatment", ["fft"])
    url = reverse("survey_public", kwargs={"code": survey.code})
    page = cookieless().get(url).content.decode()
    fft = survey.questions.get(kind="fft")
    response = cookieless().post(url, {f"q{fft.pk}": "very_good", "form_token": token_on(page)})
    assert response.status_code == 302
    assert Response.objects.count() == 1


def test_a_post_without_the_token_keeps_what_was_typed_and_asks_to_send_again(
    session: EngagementSession,
) -> None:
    url = reverse("engagement_public_form", kwargs={"code": session.code})
    response = cookieless().post(url, {**ANSWER, "form_token": "made-up"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "send it again" in page and ANSWER["text"] in page  # what they typed is still in the form
    assert token_on(page) != "made-up"  # a fresh token to send it with
    assert Statement.objects.count() == 0


def test_a_page_open_for_more_than_a_week_asks_again_but_still_shows_help_and_raises_the_alert(
    session: EngagementSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = reverse("engagement_public_form", kwargs={"code": session.code})
    now = time.time()
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: now - (public_forms.FORM_TOKEN_DAYS + 1) * 86400)
        old = fetch_token(url)
    words = {**ANSWER, "text": "I want to end my life, nobody has called me back"}
    response = cookieless().post(url, {**words, "form_token": old})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.index("If you need help now") < page.index("send it again")
    assert Alert.objects.count() == 1  # the team is told at once, as for any form sent back
    assert Statement.objects.count() == 0
    resent = cookieless().post(url, {**words, "form_token": token_on(page), "alert_ref": _alert_ref(page)})
    assert resent.status_code == 302
    assert Alert.objects.get().statement == Statement.objects.get()  # the same alert, now with the answer


def _alert_ref(page: str) -> str:
    match = re.search(r'name="alert_ref" value="([^"]+)"', page)
    return match.group(1) if match else ""


def test_staff_pages_still_refuse_a_post_without_the_csrf_cookie(
    session: EngagementSession, people: dict
) -> None:
    from whatmatters.teams.roles import Role

    client = Client(enforce_csrf_checks=True)
    user = people[Role.TEAM_LEAD]
    client.force_login(user)
    response = client.post(
        reverse("statement_quick_entry", kwargs={"team": "team-a", "pk": session.pk}),
        {"lines": "Being listened to", "relationship": "carer", "stage": "waiting"},
    )
    assert response.status_code == 403
