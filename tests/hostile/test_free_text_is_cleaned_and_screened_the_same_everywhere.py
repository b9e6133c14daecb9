"""Free text is cleaned and screened the same way whichever way it arrives (public form, quick entry, CSV
import, "what went well"): invisible characters cannot hide an NHS number from the check, words a spreadsheet
would run as a formula wait for a person, and a list's bullets are not mistaken for formulas."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from whatmatters.engagement.models import EngagementSession, Statement
from whatmatters.learning.models import ExcellenceLink, ExcellenceReport
from whatmatters.safety.screening import FORMULA, clean_words, screen
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

NHS_NUMBER = "999 000 0018"  # a 999-range number that passes the modulus-11 check
HIDDEN = "My number is 999\u200b000\u200b0018 please ring"  # zero-width spaces between the digits


@pytest.fixture
def session(programme: Any) -> EngagementSession:
    return EngagementSession.objects.create(
        team=programme.team_a, title="Day", held_on=date(2025, 6, 3), hold_every_answer=False
    )


def send(client: Any, session: EngagementSession, text: str) -> Statement:
    response = client.post(
        reverse("engagement_public_form", kwargs={"code": session.code}),
        {"text": text, "relationship": "carer", "stage": "waiting"},
    )
    assert response.status_code == 302
    return Statement.objects.latest("pk")


def test_an_nhs_number_split_by_invisible_characters_is_found_and_the_statement_held(
    client: Any, session: EngagementSession
) -> None:
    statement = send(client, session, HIDDEN)
    assert statement.status == Statement.Status.HELD
    assert statement.text == "My number is 9990000018 please ring"  # kept without the invisible characters
    assert statement.text[statement.findings[0]["start"] : statement.findings[0]["end"]] == "9990000018"


def test_findings_point_at_the_words_as_kept_even_after_leading_spaces(
    client: Any, session: EngagementSession
) -> None:
    statement = send(client, session, f"   \u202e  Ring me on {NHS_NUMBER}")
    start, end = statement.findings[0]["start"], statement.findings[0]["end"]
    assert statement.text[start:end] == NHS_NUMBER


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","click")', "@SUM(A1)", "-1+1", "+cmd|' /C calc'!A0", "\t=1"]
)
def test_words_a_spreadsheet_would_run_wait_for_a_person(
    client: Any, session: EngagementSession, text: str
) -> None:
    statement = send(client, session, text)
    assert statement.status == Statement.Status.HELD
    assert FORMULA in statement.finding_kinds


@pytest.mark.parametrize("text", ["- being listened to", "+ a plan I can read", "-3"])
def test_a_bullet_or_a_plain_number_at_the_start_is_not_a_formula(
    client: Any, session: EngagementSession, text: str
) -> None:
    assert send(client, session, text).status == Statement.Status.APPROVED


def test_quick_entry_leaves_off_a_lists_bullets_and_numbers(
    session: EngagementSession, people: dict, client_for: Any
) -> None:
    lines = "- Being believed\n• Knowing the plan\n3. Clear letters\n* Kind staff\n-1+1"
    response = client_for(people[Role.STAFF]).post(
        reverse("statement_quick_entry", kwargs={"team": "team-a", "pk": session.pk}),
        {"lines": lines, "relationship": "carer", "stage": "treatment"},
    )
    assert response.status_code == 302
    statements = list(Statement.objects.order_by("pk"))
    assert [s.text for s in statements] == [
        "Being believed",
        "Knowing the plan",
        "Clear letters",
        "Kind staff",
        "-1+1",
    ]
    assert [s.status for s in statements] == ["approved"] * 4 + ["held"]


def test_a_what_went_well_report_that_starts_like_a_formula_is_held_and_can_be_moderated(
    client: Any, programme: Any, people: dict, client_for: Any
) -> None:
    link = ExcellenceLink.objects.create(team=programme.team_a)
    response = client.post(
        reverse("excellence_public_form", kwargs={"code": link.code}),
        {"text": '=HYPERLINK("http://x") the nurse was kind', "who": "the nurse"},
    )
    assert response.status_code == 302
    report = ExcellenceReport.objects.get()
    assert report.status == ExcellenceReport.Status.HELD
    page = client_for(people[Role.ADMIN]).get(reverse("excellence_moderate", kwargs={"team": "team-a"}))
    assert page.status_code == 200
    assert "a spreadsheet formula" in page.content.decode()


def test_cleaning_keeps_emoji_welsh_and_urdu_and_new_lines() -> None:
    text = "Diolch 🙏🏽\nشکریہ\u200c بہت\n👨\u200d👩\u200d👧"
    assert clean_words(text) == text
    assert not screen(text).flagged
