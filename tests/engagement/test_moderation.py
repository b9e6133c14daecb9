"""Every statement is checked on arrival; anything flagged is held. Moderators (faculty, admins, experts by
experience) see the flagged words highlighted and approve, redact or reject. Only approved words appear
anywhere else, and the words never reach the audit log."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from tests.engagement.conftest import NHS_NUMBER, url
from whatmatters.audit.models import AuditEvent
from whatmatters.engagement import actions
from whatmatters.engagement.models import Statement
from whatmatters.teams.roles import Role

FLAGGED = f"My NHS number is {NHS_NUMBER} and nobody calls me back"


def test_a_statement_with_an_nhs_number_is_held_with_where_it_was_found(say: Any) -> None:
    statement = say(FLAGGED)
    assert statement.status == Statement.Status.HELD
    assert statement.findings == [{"kind": "nhs_number", "start": 17, "end": 29}]


def test_each_kind_of_personal_data_holds_a_statement(say: Any) -> None:
    for text in (
        "Ring me on 07700 900123",
        "email me at sam@example.com",
        "I live at LS6 2QB",
        "Dr Patel on the ward was brilliant",
        "I was born on 12/03/1985",
    ):
        assert say(text).status == Statement.Status.HELD, text
    assert say("Being told how long the wait will be").status == Statement.Status.APPROVED


def test_clean_statements_can_be_held_too_if_the_service_chooses(say: Any, settings: Any) -> None:
    settings.ENGAGEMENT_HOLD_CLEAN_STATEMENTS = True
    assert say("Being told how long the wait will be").status == Statement.Status.PENDING


def test_the_queue_highlights_the_flagged_words_for_a_moderator(
    say: Any, people: dict, client_for: Any
) -> None:
    statement = say(FLAGGED)
    response = client_for(people[Role.EXPERT_BY_EXPERIENCE]).get(url("moderate"))
    text = response.content.decode()
    assert f'<mark title="nhs_number">{NHS_NUMBER}<span' in text
    assert "[NHS number removed]" in text  # the suggested redaction
    assert f"Statement {statement.pk}" in text


def test_team_leads_staff_and_viewers_cannot_moderate(say: Any, people: dict, client_for: Any) -> None:
    statement = say(FLAGGED)
    for role in (Role.TEAM_LEAD, Role.STAFF, Role.VIEWER):
        client = client_for(people[role])
        assert client.get(url("moderate")).status_code == 403
        response = client.post(url("moderate_statement", pk=statement.pk), {"decision": "approve"})
        assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.status == Statement.Status.HELD


def test_another_teams_moderator_gets_not_found(
    say: Any, programme: Any, make_user: Any, client_for: Any
) -> None:
    statement = say(FLAGGED)
    expert_b = make_user(Role.EXPERT_BY_EXPERIENCE, programme.team_b)
    response = client_for(expert_b).post(url("moderate_statement", pk=statement.pk), {"decision": "approve"})
    assert response.status_code == 404
    other = client_for(expert_b).post(
        f"/teams/team-b/what-matters/moderation/{statement.pk}/", {"decision": "approve"}
    )
    assert other.status_code == 404  # found only through its own team
    statement.refresh_from_db()
    assert statement.status == Statement.Status.HELD


def test_approve_publishes_the_words_as_written(say: Any, people: dict, client_for: Any) -> None:
    statement = say(FLAGGED)
    client_for(people[Role.FACULTY]).post(url("moderate_statement", pk=statement.pk), {"decision": "approve"})
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED
    assert statement.moderated_by == people[Role.FACULTY]
    assert statement.public_text() == FLAGGED


def test_redact_publishes_a_redacted_copy_and_keeps_the_original_for_moderators_only(
    say: Any, people: dict, client_for: Any
) -> None:
    statement = say(FLAGGED)
    moderator = client_for(people[Role.FACULTY])
    moderator.post(url("moderate_statement", pk=statement.pk), {"decision": "redact", "text": ""})
    statement.refresh_from_db()
    assert statement.public_text() == "My NHS number is [NHS number removed] and nobody calls me back"
    assert statement.original_text == FLAGGED
    assert NHS_NUMBER in moderator.get(url("moderate")).content.decode()
    lead = client_for(people[Role.TEAM_LEAD])
    for page in (url("theme_board"), url("session_detail", pk=statement.session_id), url("engagement")):
        assert NHS_NUMBER not in lead.get(page).content.decode()
    assert "[NHS number removed]" in lead.get(url("theme_board")).content.decode()


def test_each_time_a_moderator_is_shown_original_words_the_audit_log_says_who_and_which_statements(
    say: Any, people: dict, client_for: Any
) -> None:
    statement = say(FLAGGED)
    moderator = client_for(people[Role.FACULTY])
    moderator.post(url("moderate_statement", pk=statement.pk), {"decision": "redact", "text": ""})
    moderator.get(url("moderate"))
    moderator.get(url("moderate"))
    events = AuditEvent.objects.filter(action=AuditEvent.Action.READ_ORIGINALS)
    assert events.count() == 2
    event = events.first()
    assert event.actor == people[Role.FACULTY]
    assert event.changes == {"statements": [statement.pk]}
    assert NHS_NUMBER not in event.summary + str(event.changes)


def test_a_moderator_may_edit_the_redaction(say: Any, people: dict, client_for: Any) -> None:
    statement = say(FLAGGED)
    client_for(people[Role.ADMIN]).post(
        url("moderate_statement", pk=statement.pk), {"decision": "redact", "text": "Nobody calls me back"}
    )
    statement.refresh_from_db()
    assert statement.public_text() == "Nobody calls me back"


def test_reject_keeps_it_off_every_page(say: Any, people: dict, client_for: Any) -> None:
    statement = say(FLAGGED)
    client_for(people[Role.FACULTY]).post(url("moderate_statement", pk=statement.pk), {"decision": "reject"})
    statement.refresh_from_db()
    assert statement.status == Statement.Status.REJECTED
    assert not Statement.objects.approved().filter(pk=statement.pk).exists()


def test_originals_are_purged_after_the_configured_days_by_a_command(
    say: Any, people: dict, settings: Any
) -> None:
    settings.ENGAGEMENT_ORIGINAL_TEXT_DAYS = 10
    old, recent = say(FLAGGED), say(f"Call me on 07700 900456 about {NHS_NUMBER}")
    for statement in (old, recent):
        actions.redact_and_approve(statement, people[Role.FACULTY])
    Statement.objects.filter(pk=old.pk).update(moderated_at=timezone.now() - timedelta(days=11))
    out = StringIO()
    call_command("purge-originals", stdout=out)
    assert "Deleted the original words of 1 redacted statements older than 10 days" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.original_text == "" and old.original_purged_at is not None
    assert NHS_NUMBER in recent.original_text
    assert old.public_text().startswith("My NHS number is [NHS number removed]")
    assert AuditEvent.objects.filter(
        summary__startswith="original words purged", object_id=str(old.pk)
    ).exists()


def test_statement_words_never_reach_the_audit_log(say: Any, people: dict, client_for: Any) -> None:
    statement = say(FLAGGED)
    client_for(people[Role.FACULTY]).post(url("moderate_statement", pk=statement.pk), {"decision": "redact"})
    everything = " ".join(f"{e.summary} {e.object_repr} {e.changes}" for e in AuditEvent.objects.all())
    assert NHS_NUMBER not in everything
    assert "nobody calls me back" not in everything
    assert AuditEvent.objects.filter(summary="moderation: redacted and approved").count() == 1


def test_the_moderation_overview_lists_teams_a_person_moderates(
    say: Any, people: dict, client_for: Any
) -> None:
    say(FLAGGED)
    text = client_for(people[Role.EXPERT_BY_EXPERIENCE]).get("/moderation/").content.decode()
    assert "Team A" in text and "Team B" not in text
    assert client_for(people[Role.STAFF]).get("/moderation/").status_code == 403
