"""The person or team thanked gets a message once the words are approved: an email through the configured
mail backend, and the thank-you on the team's learning page and dashboard. Never before approval, never
twice, and a mail failure does not undo the approval."""

from __future__ import annotations

from typing import Any

from django.core import mail

from whatmatters.learning import actions
from whatmatters.learning.models import ExcellenceReport
from whatmatters.teams.roles import Role


def test_a_named_colleague_gets_an_email_with_the_approved_words(
    programme: Any, people: dict[str, Any]
) -> None:
    colleague = people[Role.STAFF]
    actions.arrive(programme.team_a, "Stayed late to finish the care plan with me", thanked_user=colleague)
    to_colleague = [m for m in mail.outbox if m.to == [colleague.email]]
    assert len(to_colleague) == 1
    assert "Stayed late to finish the care plan with me" in to_colleague[0].body
    assert "about something you did" in to_colleague[0].body
    assert ExcellenceReport.objects.get().thanks_sent_at is not None


def test_the_thanked_teams_leads_get_an_email_to_share_with_the_team(
    programme: Any, people: dict[str, Any]
) -> None:
    actions.arrive(programme.team_a, "Team B helped us find a bed", thanked_team=programme.team_b)
    assert [m.to for m in mail.outbox] == [[people["team_b_lead"].email]]
    assert "Please share it with the team" in mail.outbox[0].body
    assert "Team B" in mail.outbox[0].body


def test_held_words_send_nothing_until_a_moderator_approves_them(
    programme: Any, people: dict[str, Any]
) -> None:
    colleague = people[Role.STAFF]
    report = actions.arrive(programme.team_a, "Sarah rang me back the same day", thanked_user=colleague)
    assert report.status == ExcellenceReport.Status.HELD
    assert mail.outbox == []
    actions.redact_and_approve(report, people[Role.FACULTY])
    assert len(mail.outbox) == 1
    assert "Sarah" not in mail.outbox[0].body and "[name removed]" in mail.outbox[0].body


def test_rejected_words_are_never_sent(programme: Any, people: dict[str, Any]) -> None:
    report = actions.arrive(programme.team_a, "Sarah rang me", thanked_user=people[Role.STAFF])
    actions.reject(report, people[Role.FACULTY])
    assert mail.outbox == []


def test_nobody_is_thanked_twice(programme: Any, people: dict[str, Any]) -> None:
    report = actions.arrive(programme.team_a, "A calm handover", thanked_user=people[Role.STAFF])
    assert actions.send_thanks(report) == 0
    assert len(mail.outbox) == 1


def test_a_mail_failure_keeps_the_approval_and_can_be_retried(
    programme: Any, people: dict[str, Any], monkeypatch: Any
) -> None:
    import smtplib

    def broken(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(actions, "send_mail", broken)
    report = actions.arrive(programme.team_a, "A calm handover", thanked_user=people[Role.STAFF])
    assert report.status == ExcellenceReport.Status.APPROVED
    assert report.thanks_sent_at is None
    monkeypatch.undo()
    assert actions.send_thanks(report) == 1


def test_a_signed_in_person_thanks_a_colleague_through_the_form(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    colleague = people[Role.STAFF]
    response = client_for(people[Role.VIEWER]).post(
        "/teams/team-a/learning/what-went-well/new/",
        {
            "text": "Covered my shift at no notice",
            "who": "",
            "thanked_user": colleague.pk,
            "thanked_team": "",
        },
    )
    assert response.status_code == 302
    report = ExcellenceReport.objects.get()
    assert report.source == ExcellenceReport.Source.SIGNED_IN
    assert report.reported_by == people[Role.VIEWER]
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_the_thanked_team_sees_the_thank_you_on_its_own_learning_page(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    actions.arrive(programme.team_a, "Team B helped us find a bed", thanked_team=programme.team_b)
    page = client_for(people["team_b_lead"]).get("/teams/team-b/learning/").content.decode()
    assert "Team B helped us find a bed" in page and "Reported to Team A" in page
