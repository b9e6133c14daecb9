"""Closing the loop: a person who left an email address on the public form is told, once, when the team adds
what it is doing about a domain their statement feeds; the address is kept apart from what they wrote, shown
nowhere, deleted by a stop link or after the retention period; and the public "You said, we did" page groups
what the team is doing by domain, with dates and where each thing is up to."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.engagement.conftest import NHS_NUMBER, url
from whatmatters import retention
from whatmatters.audit.models import AuditEvent
from whatmatters.engagement import actions, loop, tasks
from whatmatters.engagement.models import (
    ContactRoute,
    DomainUpdate,
    EngagementSession,
    LoopEmail,
    Statement,
)
from whatmatters.teams.roles import Role

ADDRESS = "sam.contact-route@example.org"
ANSWER = {"text": "Knowing who to ring when things get bad", "relationship": "carer", "stage": "waiting"}


def form_url(session: Any, easy_read: bool = False) -> str:
    name = "engagement_public_easy_read" if easy_read else "engagement_public_form"
    return reverse(name, kwargs={"code": session.code})


def speak(client: Any, session: Any, text: str, email: str = ADDRESS, **extra: Any) -> Statement:
    """Send the public form as a person would; returns the statement saved."""
    before = set(Statement.objects.values_list("pk", flat=True))
    response = client.post(form_url(session), {**ANSWER, "text": text, "contact_email": email, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Statement.objects.exclude(pk__in=before).get()


def add_update(lead: Any, domain: Any, text: str, status: str, capture: Any) -> Any:
    with capture(execute=True):
        response = lead.post(url("domain_update_add", pk=domain.pk), {"text": text, "status": status})
    assert response.status_code == 302
    return DomainUpdate.objects.get(text=text)


@pytest.fixture
def lead(people: dict, client_for: Any) -> Any:
    return client_for(people[Role.TEAM_LEAD])


@pytest.fixture
def waiting_domain(programme: Any) -> Any:
    """A domain of team A fed by the theme "Knowing what is happening"."""
    theme = actions.create_theme(programme.team_a, "Knowing what is happening")
    domain = actions.promote([theme], programme.team_a, "I know what is happening while I wait", "")
    return domain


def theme_of(domain: Any) -> Any:
    return domain.themes.get()


# --- The form --------------------------------------------------------------------------------------------


def test_the_form_asks_separately_and_says_what_the_address_is_for_and_how_long_it_is_kept(
    client: Any, session: Any
) -> None:
    for easy_read in (False, True):
        text = client.get(form_url(session, easy_read)).content.decode()
        assert "Would you like us to tell you what we do about this?" in text
        assert 'type="email"' in text and 'autocomplete="email"' in text
        assert "We will only use it to tell you what we do about what people said." in text
        assert "We delete it after 12 months." in text
        assert "The people who read your words will not see it." in text
        assert "Every email has a link to delete it sooner." in text
        assert "This is not a way to ask for help" in text


@pytest.mark.parametrize(("days", "words"), [(365, "12 months"), (730, "24 months"), (45, "45 days")])
def test_the_form_says_how_long_from_the_setting(
    client: Any, session: Any, settings: Any, days: int, words: str
) -> None:
    settings.RETENTION_CONTACT_ROUTE_DAYS = days
    assert f"We delete it after {words}." in client.get(form_url(session)).content.decode()


def test_the_question_is_not_asked_on_programme_wide_sessions(client: Any, programme: Any) -> None:
    session = EngagementSession.objects.create(team=None, title="Programme day", held_on=date(2025, 6, 3))
    text = client.get(form_url(session)).content.decode()
    assert "Would you like us to tell you what we do about this?" not in text


def test_an_address_is_kept_apart_from_the_statement_and_does_not_hold_it_for_a_moderator(
    client: Any, session: Any
) -> None:
    statement = speak(client, session, "The groups on Tuesdays help me")
    assert statement.text == "The groups on Tuesdays help me"
    # The personal-data check reads the statement, not the address: the statement goes straight on.
    assert statement.status == Statement.Status.APPROVED and statement.findings == []
    contact = ContactRoute.objects.get()
    assert (contact.statement, contact.team, contact.email) == (statement, session.team, ADDRESS)
    # Never in the audit log, not even its shape.
    for event in AuditEvent.objects.all():
        assert ADDRESS not in str(event.changes) + event.summary + event.object_repr


def test_the_thanks_page_says_an_address_left_will_hear_what_the_team_does(client: Any, session: Any) -> None:
    response = client.post(
        form_url(session), {**ANSWER, "text": "Groups at the weekend", "contact_email": ADDRESS}
    )
    thanks = client.get(response["Location"]).content.decode()
    assert "If you left an email address, we will email you when the team says what it is doing" in thanks
    assert ADDRESS not in thanks


def test_leaving_the_address_out_saves_no_contact_route(client: Any, session: Any) -> None:
    speak(client, session, "The groups on Tuesdays help me", email="")
    assert ContactRoute.objects.count() == 0


def test_a_bad_address_gets_a_clear_message_and_nothing_is_saved(client: Any, session: Any) -> None:
    response = client.post(form_url(session), {**ANSWER, "contact_email": "sam at example"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in text
    assert "sam at example" in text  # what they typed stays in the box
    assert Statement.objects.count() == 0 and ContactRoute.objects.count() == 0


def test_the_address_is_on_no_board_moderation_export_or_api_page(
    client: Any, session: Any, lead: Any, people: dict, client_for: Any, waiting_domain: Any
) -> None:
    approved = speak(client, session, "Nobody told me how long the wait was")
    held = speak(client, session, f"Ring me about {NHS_NUMBER}", email="held.person@example.org")
    assert held.status == Statement.Status.HELD
    actions.move(approved, theme_of(waiting_domain))
    DomainUpdate.objects.create(domain=waiting_domain, team=session.team, text="We text the wait each month")
    faculty = client_for(people[Role.FACULTY])
    pages = [
        (lead, url("theme_board")),
        (lead, url("theme_detail", pk=theme_of(waiting_domain).pk)),
        (lead, url("session_detail", pk=session.pk)),
        (lead, url("domain_trace", pk=waiting_domain.pk)),
        (faculty, url("moderate")),
        (lead, reverse("framework_export", kwargs={"team": "team-a"})),
        (lead, reverse("team_export_csv", kwargs={"team": "team-a"})),
        (lead, "/api/v1/teams/team-a/engagement/statements"),
        (client, reverse("you_said_we_did", kwargs={"team_slug": "team-a"})),
    ]
    for who, page in pages:
        response = who.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert ADDRESS not in body and "held.person@example.org" not in body, page


# --- Telling people ---------------------------------------------------------------------------------------


def test_each_contact_is_emailed_once_per_update_and_not_again_on_a_retry(
    client: Any,
    session: Any,
    lead: Any,
    waiting_domain: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = speak(client, session, "Nobody told me how long the wait was", email="one@example.org")
    second = speak(client, session, "I did not know who to ask", email="two@example.org")
    theme = theme_of(waiting_domain)
    actions.move(first, theme)
    actions.move(second, theme)
    # The same statement in a second theme of the domain is still one email.
    other = actions.create_theme(session.team, "Who to ask", [second])
    other.domains.add(waiting_domain)

    update = add_update(
        lead, waiting_domain, "We text the wait each month", "in_progress", django_capture_on_commit_callbacks
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    assert LoopEmail.objects.filter(update=update, sent_at__isnull=False).count() == 2

    # A retry of the task, or the loop run again, sends nothing more.
    assert tasks.tell_contacts_about_update.call(update.pk) == 0
    assert loop.tell_contacts(update) == 0
    assert len(mail.outbox) == 2

    # A new update is news: each contact hears once about it too.
    add_update(
        lead, waiting_domain, "Letters now say who to ring", "done", django_capture_on_commit_callbacks
    )
    assert len(mail.outbox) == 4


def test_nobody_is_emailed_whose_statement_is_not_in_the_domains_themes(
    client: Any,
    session: Any,
    lead: Any,
    programme: Any,
    waiting_domain: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    inside = speak(client, session, "Nobody told me how long the wait was", email="inside@example.org")
    actions.move(inside, theme_of(waiting_domain))
    elsewhere = speak(client, session, "The garden is lovely", email="elsewhere@example.org")
    actions.create_theme(session.team, "The garden", [elsewhere])  # a theme in no domain
    speak(client, session, "Parking is hard", email="unsorted@example.org")  # on no theme
    rejected = speak(client, session, "Rude words", email="rejected@example.org")
    actions.move(rejected, theme_of(waiting_domain))
    actions.reject(rejected, None)
    # Team B's person, in a team B theme linked to the same domain, is not team A's to tell.
    session_b = EngagementSession.objects.create(
        team=programme.team_b, title="B day", held_on=date(2025, 6, 3), hold_every_answer=False
    )
    theirs = speak(client, session_b, "The wait was long", email="team-b@example.org")
    actions.create_theme(programme.team_b, "Waiting", [theirs]).domains.add(waiting_domain)

    add_update(
        lead, waiting_domain, "We text the wait each month", "planned", django_capture_on_commit_callbacks
    )
    assert [m.to for m in mail.outbox] == [["inside@example.org"]]


def test_the_email_is_plain_english_with_the_public_page_and_how_to_stop(
    client: Any, session: Any, lead: Any, waiting_domain: Any, django_capture_on_commit_callbacks: Any
) -> None:
    statement = speak(client, session, "Nobody told me how long the wait was")
    actions.move(statement, theme_of(waiting_domain))
    add_update(
        lead, waiting_domain, "We text the wait each month", "in_progress", django_capture_on_commit_callbacks
    )
    (email,) = mail.outbox
    contact = ContactRoute.objects.get()
    assert email.subject == "What Team A is doing about what you told us"
    assert "I know what is happening while I wait" in email.body
    assert "What we are doing (in progress): We text the wait each month" in email.body
    assert "/you-said-we-did/team-a/" in email.body
    assert loop.stop_path(contact) in email.body
    assert "To stop these emails and delete your email address" in email.body
    assert "Nobody told me how long the wait was" not in email.body  # not what they wrote
    html = email.alternatives[0][0]
    assert "We text the wait each month" in html


def test_a_failed_send_is_tried_again_next_time_and_logs_no_address(
    client: Any,
    session: Any,
    waiting_domain: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    statement = speak(client, session, "Nobody told me how long the wait was")
    actions.move(statement, theme_of(waiting_domain))
    update = DomainUpdate.objects.create(domain=waiting_domain, team=session.team, text="We text the wait")

    def broken(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError

    with monkeypatch.context() as patched:
        patched.setattr(loop.mail, "send", broken)
        assert loop.tell_contacts(update) == 0
    assert LoopEmail.objects.count() == 0
    assert "could not be sent" in caplog.text and ADDRESS not in caplog.text
    assert loop.tell_contacts(update) == 1
    assert [m.to for m in mail.outbox] == [[ADDRESS]]


def test_the_team_is_told_how_many_people_will_be_emailed(
    client: Any, session: Any, lead: Any, waiting_domain: Any, django_capture_on_commit_callbacks: Any
) -> None:
    statement = speak(client, session, "Nobody told me how long the wait was")
    actions.move(statement, theme_of(waiting_domain))
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(
            url("domain_update_add", pk=waiting_domain.pk), {"text": "We text", "status": "done"}, follow=True
        )
    text = response.content.decode()
    assert "1 person who asked to hear what we do will be emailed once." in text
    assert ADDRESS not in text
    assert "(done): We text" in text  # the domain's page shows where it is up to


# --- Stopping ---------------------------------------------------------------------------------------------


def test_the_stop_link_asks_first_then_deletes_the_address(client: Any, session: Any) -> None:
    statement = speak(client, session, "Nobody told me how long the wait was")
    contact = ContactRoute.objects.get()
    link = loop.stop_path(contact)
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop emails about what we do" in page.content.decode()
    assert ContactRoute.objects.count() == 1  # opening the link (a mail program checking it) deletes nothing
    done = client.post(link)
    assert done.status_code == 200
    assert "Your email address has been deleted" in done.content.decode()
    assert ContactRoute.objects.count() == 0
    assert Statement.objects.filter(pk=statement.pk).exists()  # what they said stays
    again = client.get(link)
    assert "We no longer hold your email address" in again.content.decode()


@pytest.mark.parametrize("token", ["not-a-token", "1:forged", "IjEi:1vQ:bad"])
def test_a_bad_stop_link_is_refused_clearly_and_deletes_nothing(
    client: Any, session: Any, token: str
) -> None:
    speak(client, session, "Nobody told me how long the wait was")
    for method in (client.get, client.post):
        response = method(reverse("contact_route_stop", kwargs={"token": token}))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert ContactRoute.objects.count() == 1


def test_a_token_for_another_purpose_is_refused(client: Any, session: Any) -> None:
    from django.core import signing

    speak(client, session, "Nobody told me how long the wait was")
    forged = signing.dumps(ContactRoute.objects.get().pk, salt="wm-public-form")
    response = client.post(reverse("contact_route_stop", kwargs={"token": forged}))
    assert response.status_code == 400
    assert ContactRoute.objects.count() == 1


# --- Retention --------------------------------------------------------------------------------------------


def test_retention_deletes_addresses_after_the_set_time_and_keeps_the_statement(
    client: Any, session: Any, settings: Any
) -> None:
    settings.RETENTION_CONTACT_ROUTE_DAYS = 30
    old = speak(client, session, "Old words", email="old@example.org")
    speak(client, session, "New words", email="new@example.org")
    ContactRoute.objects.filter(statement=old).update(created_at=timezone.now() - dt.timedelta(days=31))
    assert retention.apply_retention(dry_run=True)["contact_routes"] == 1
    assert ContactRoute.objects.count() == 2
    counts = retention.apply_retention()
    assert counts["contact_routes"] == 1
    assert list(ContactRoute.objects.values_list("email", flat=True)) == ["new@example.org"]
    assert Statement.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(summary__contains="1 email addresses left over 30 days ago").exists()


# --- The public page --------------------------------------------------------------------------------------


def test_the_public_page_groups_what_we_did_by_domain_with_dates_and_status(
    client: Any, programme: Any, waiting_domain: Any
) -> None:
    team = programme.team_a
    staff = actions.promote(
        [actions.create_theme(team, "Kind staff")], team, "Staff are kind to me", "How staff treat people."
    )
    DomainUpdate.objects.create(
        domain=waiting_domain,
        team=team,
        text="Texts each month",
        status="done",
        published_on=date(2025, 3, 3),
    )
    DomainUpdate.objects.create(
        domain=waiting_domain, team=team, text="A wait list you can see", published_on=date(2025, 4, 1)
    )
    DomainUpdate.objects.create(
        domain=staff,
        team=team,
        text="Training with experts by experience",
        status="in_progress",
        published_on=date(2025, 5, 20),
    )
    DomainUpdate.objects.create(domain=staff, team=programme.team_b, text="Team B's own work")
    response = client.get(reverse("you_said_we_did", kwargs={"team_slug": "team-a"}))
    text = response.content.decode()
    assert response.status_code == 200
    sections = text.split('<section class="wm-ysyd"')[1:]
    by_domain = {s.split("</h2>")[0].split(">")[-1]: s for s in sections}
    waiting = by_domain["“I know what is happening while I wait”"]
    assert 'Done</strong> <span class="wm-we-did__date">3 March 2025</span>: Texts each month' in waiting
    assert (
        'Planned</strong> <span class="wm-we-did__date">1 April 2025</span>: A wait list you can see'
        in waiting
    )
    assert waiting.index("1 April 2025") < waiting.index("3 March 2025")  # newest first
    kind = by_domain["“Staff are kind to me”"]
    assert 'In progress</strong> <span class="wm-we-did__date">20 May 2025</span>' in kind
    assert "Texts each month" not in kind
    assert "Team B's own work" not in text


def test_the_daily_run_sends_what_failed_but_not_to_people_who_came_later(
    client: Any, session: Any, waiting_domain: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = speak(client, session, "Nobody told me how long the wait was", email="early@example.org")
    actions.move(early, theme_of(waiting_domain))
    update = DomainUpdate.objects.create(domain=waiting_domain, team=session.team, text="We text the wait")
    with monkeypatch.context() as patched:
        patched.setattr(loop.mail, "send", lambda *args, **kwargs: (_ for _ in ()).throw(OSError()))
        assert loop.tell_contacts(update) == 0
    late = speak(client, session, "I did not know who to ask", email="late@example.org")
    actions.move(late, theme_of(waiting_domain))
    ContactRoute.objects.filter(statement=late).update(created_at=timezone.now() + dt.timedelta(days=2))
    counts = retention.apply_retention_daily.call()
    assert counts["'we did' emails caught up"] == 1
    assert [m.to for m in mail.outbox] == [["early@example.org"]]
    assert loop.catch_up() == 0  # and once only


def test_an_update_can_say_it_is_done_later_without_emailing_anyone_again(
    client: Any,
    session: Any,
    programme: Any,
    lead: Any,
    people: dict,
    client_for: Any,
    waiting_domain: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = speak(client, session, "Nobody told me how long the wait was")
    actions.move(statement, theme_of(waiting_domain))
    update = add_update(
        lead, waiting_domain, "We text the wait", "in_progress", django_capture_on_commit_callbacks
    )
    assert len(mail.outbox) == 1
    edit = url("domain_update_edit", pk=update.pk)
    assert "Nobody is emailed again" in lead.get(edit).content.decode()
    refused = lead.post(edit, {"text": "", "status": "done"})
    assert refused.status_code == 400 and "Enter what the team is doing" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(edit, {"text": "We text the wait each month", "status": "done"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.text, update.status) == ("We text the wait each month", "done")
    assert len(mail.outbox) == 1
    # Staff cannot change it (as they cannot add one), and another team's update is not found.
    assert client_for(people[Role.STAFF]).post(edit, {"text": "x", "status": "planned"}).status_code == 403
    theirs = DomainUpdate.objects.create(domain=waiting_domain, team=programme.team_b, text="Theirs")
    assert lead.get(url("domain_update_edit", pk=theirs.pk)).status_code == 404
    assert lead.post(url("domain_update_edit", pk=theirs.pk), {"text": "x"}).status_code == 404
    assert DomainUpdate.objects.get(pk=theirs.pk).text == "Theirs"


def test_one_person_who_spoke_twice_gets_one_email_and_one_stop_deletes_both(
    client: Any, session: Any, lead: Any, waiting_domain: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = speak(client, session, "Nobody told me how long the wait was", email="Sam@Example.org")
    second = speak(client, session, "I did not know who to ask", email="sam@example.org")
    other = speak(client, session, "Letters came late", email="other@example.org")
    for statement in (first, second, other):
        actions.move(statement, theme_of(waiting_domain))
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(
            url("domain_update_add", pk=waiting_domain.pk), {"text": "We text", "status": "done"}, follow=True
        )
    assert "2 people who asked to hear what we do will be emailed once." in response.content.decode()
    assert sorted(m.to[0].lower() for m in mail.outbox) == ["other@example.org", "sam@example.org"]
    update = DomainUpdate.objects.get()
    assert loop.tell_contacts(update) == 0 and len(mail.outbox) == 2
    client.post(loop.stop_path(ContactRoute.objects.get(statement=second)))
    assert list(ContactRoute.objects.values_list("email", flat=True)) == ["other@example.org"]
