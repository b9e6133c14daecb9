"""A check-in that says someone may need help emails the team's leads at once: plain text and HTML, a link
to the alerts page, and nothing of what the person wrote or how to contact them."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.surveys.conftest import checkin_post
from whatmatters.safety.models import Alert
from whatmatters.teams.roles import Role

PHONE = "07700 900123"


@pytest.fixture
def checkin(programme: Any) -> Any:
    from whatmatters.surveys import actions

    return actions.create_survey(programme.team_a, "How are you while you wait?", "waiting", ["checkin"])


@pytest.fixture
def leads(programme: Any, make_user: Any) -> list[Any]:
    make_user(Role.STAFF, programme.team_a, email="staff@example.com")
    make_user(Role.TEAM_LEAD, programme.team_b, email="other-lead@example.com")
    return [
        make_user(Role.TEAM_LEAD, programme.team_a, email="lead-one@example.com"),
        make_user(Role.TEAM_LEAD, programme.team_a, email="lead-two@example.com"),
    ]


def send_worse_check_in(checkin: Any, django_capture_on_commit_callbacks: Any) -> None:
    data = checkin_post(checkin, feeling="worse", sooner="yes", how="phone", detail=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(f"/s/{checkin.code}/", data)
    assert response.status_code == 302


def test_a_worse_check_in_emails_each_team_lead_at_once(
    checkin: Any, leads: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    send_worse_check_in(checkin, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["lead-one@example.com", "lead-two@example.com"]
    assert Alert.objects.get().leads_told_at is not None


def test_the_alert_email_has_a_plain_text_part_an_html_part_and_a_link(
    checkin: Any, leads: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    send_worse_check_in(checkin, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    link = settings.WHATMATTERS_BASE_URL.rstrip("/") + "/teams/team-a/alerts/"
    assert message.subject == "Alert for Team A: someone may need help"
    assert "Someone who used a public form for Team A may need help." in message.body
    assert link in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert f'<a href="{link}">{link}</a>' in html
    assert "<li>Feels worse than before</li>" in html


def test_the_alert_email_never_holds_the_persons_contact_details(
    checkin: Any, leads: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    send_worse_check_in(checkin, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert Alert.objects.get().contact_detail == PHONE
    assert PHONE not in message.body
    assert PHONE not in message.alternatives[0][0]
