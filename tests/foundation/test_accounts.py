"""Accounts: signing in and out, lock-out, session limits, passwords, reset links and invitations.

ASVS 5.0 items pinned here: 6.2.1 (minimum length), 6.3.1 (brute force), 7.2.4 (new session at sign-in),
7.3.1/7.3.2 (idle and absolute timeouts), 7.4.1 (sign-out ends the server session), 7.4.2 (closing an
account ends its sessions).
"""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from whatmatters.audit.models import AuditEvent
from whatmatters.teams import middleware as teams_middleware
from whatmatters.teams.models import Membership, User
from whatmatters.teams.roles import Role

PASSWORD = "a-long-test-password-1"  # the password tests/conftest.py gives everyone
NEW_PASSWORD = "another-long-password-7"
COOKIE = settings.SESSION_COOKIE_NAME


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post("/sign-in/", {"username": email, "password": password})


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(COOKIE)
    return cookie.value if cookie is not None and cookie.value else None


def replay(cookie_value: str) -> Client:
    """A fresh browser that sends an old session cookie."""
    other = Client()
    other.cookies[COOKIE] = cookie_value
    return other


def is_sent_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/sign-in/")


def link_in(message: Any) -> str:
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def error_summary(page: str) -> list[tuple[str, str]]:
    """The (link, message) pairs in the page's error summary, in order."""
    start = page.find('class="nhsuk-error-summary"')
    if start == -1:
        return []
    block = page[start : page.find("</ul>", start)]
    return [
        (href, html.unescape(" ".join(text.split())))
        for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', block, re.S)
    ]


def typed_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def selected_option(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    chosen = re.search(r'<option value="([^"]*)"\s+selected', select.group(1))
    return chosen.group(1) if chosen else None


# --- Signing in -----------------------------------------------------------------------------------


def test_signing_in_with_email_and_password_opens_the_start_page(people: dict[str, Any]) -> None:
    client = Client()
    user = people[Role.STAFF]

    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/start/"
    assert int(client.session["_auth_user_id"]) == user.pk
    page = client.get("/start/")
    assert page.status_code == 200
    assert "Your start page" in page.content.decode()


def test_the_email_address_is_not_case_sensitive_when_signing_in(people: dict[str, Any]) -> None:
    # Addresses are stored in lower case, so "Jo.Bloggs@NHS.net" must reach the same account.
    client = Client()
    user = people[Role.STAFF]

    response = sign_in(client, "  " + user.email.upper() + " ", PASSWORD)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_wrong_password_shows_the_plain_error_and_starts_no_session(people: dict[str, Any]) -> None:
    client = Client()

    response = sign_in(client, people[Role.STAFF].email, "not-the-password-at-all")

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct email address and password." in page
    assert "_auth_user_id" not in client.session
    assert is_sent_to_sign_in(client.get("/account/"))


def test_an_unknown_email_address_gets_the_same_error_as_a_wrong_password(people: dict[str, Any]) -> None:
    wrong_password = sign_in(Client(), people[Role.STAFF].email, "not-the-password-at-all").content.decode()
    unknown = sign_in(Client(), "nobody-here@example.com", "not-the-password-at-all").content.decode()

    message = "Enter a correct email address and password."
    assert message in wrong_password
    assert message in unknown
    assert "account has been closed" not in unknown


def test_a_closed_account_cannot_sign_in(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    user.is_active = False
    user.save()
    client = Client()

    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signing_in_gives_a_new_session_key(people: dict[str, Any]) -> None:
    # ASVS 7.2.4: a session key someone planted before sign-in is useless afterwards.
    client = Client()
    before = client.session
    before["planted"] = "yes"
    before.save()
    client.cookies[COOKIE] = before.session_key
    planted = before.session_key

    sign_in(client, people[Role.STAFF].email, PASSWORD)

    assert session_key(client) not in (None, planted)
    assert not Session.objects.filter(session_key=planted).exists()
    assert is_sent_to_sign_in(replay(planted).get("/account/"))


# --- Lock-out after repeated failures -----------------------------------------------------------


def test_a_locked_out_account_cannot_sign_in_even_with_the_right_password(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    attempts = settings.AXES_FAILURE_LIMIT
    assert attempts == 5
    client = Client()
    for _ in range(attempts - 1):
        response = sign_in(client, user.email, "wrong-password-guess")
        assert response.status_code == 200
        assert "Enter a correct email address and password." in response.content.decode()

    last_try = sign_in(client, user.email, "wrong-password-guess")
    assert last_try.status_code == 429
    right_password = sign_in(Client(), user.email, PASSWORD)

    assert right_password.status_code == 429
    page = right_password.content.decode()
    assert "Your account is locked for now" in page
    assert f"try again in {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes" in page
    assert "_auth_user_id" not in Client().session


def test_a_lock_out_is_written_to_the_audit_log(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), user.email, "wrong-password-guess")

    sign_in(Client(), user.email, PASSWORD)

    # One when the fifth failure locks the account, one when the right password is refused.
    locked = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT)
    assert [event.object_repr for event in locked] == [user.email, user.email]
    assert {event.actor_label for event in locked} == {"anonymous person"}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=user).exists()
    # The refused attempt with the right password also counts as a failed sign-in.
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, object_repr=user.email)
    assert failed.count() == settings.AXES_FAILURE_LIMIT + 1


def test_a_lock_out_applies_to_one_account_only(people: dict[str, Any]) -> None:
    # We lock by account, not by IP address: NHS networks put a whole trust behind a few addresses.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), people[Role.STAFF].email, "wrong-password-guess")

    response = sign_in(Client(), people[Role.VIEWER].email, PASSWORD)

    assert response.status_code == 302


def test_changing_the_case_of_the_email_address_does_not_dodge_the_lock_out(people: dict[str, Any]) -> None:
    email = people[Role.STAFF].email
    for variant in [email, email.upper(), email.title(), email.capitalize(), email.swapcase()]:
        sign_in(Client(), variant, "wrong-password-guess")

    response = sign_in(Client(), email.upper(), PASSWORD)

    assert response.status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), user.email, "wrong-password-guess")
    assert sign_in(Client(), user.email, PASSWORD).status_code == 302

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), user.email, "wrong-password-guess")

    assert sign_in(Client(), user.email, PASSWORD).status_code == 302


# --- Signing out ----------------------------------------------------------------------------------


def test_opening_sign_out_asks_for_confirmation_and_keeps_you_signed_in(
    people: dict[str, Any], client_for: Any
) -> None:
    user = people[Role.STAFF]
    client = client_for(user)

    response = client.get("/sign-out/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f"You are signed in as {user.email}" in page
    assert '<form method="post">' in page
    assert client.get("/account/").status_code == 200


def test_signing_out_ends_the_session_on_the_server(people: dict[str, Any]) -> None:
    # ASVS 7.4.1: a copy of the old session cookie is refused after sign-out.
    client = Client()
    sign_in(client, people[Role.STAFF].email, PASSWORD)
    old_cookie = session_key(client)
    assert old_cookie
    assert replay(old_cookie).get("/account/").status_code == 200

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == "/signed-out/"
    assert "You have signed out" in client.get("/signed-out/").content.decode()
    assert not Session.objects.filter(session_key=old_cookie).exists()
    assert is_sent_to_sign_in(replay(old_cookie).get("/account/"))
    assert is_sent_to_sign_in(client.get("/account/"))


def test_sign_out_refuses_other_methods(people: dict[str, Any], client_for: Any) -> None:
    client = client_for(people[Role.STAFF])

    assert client.put("/sign-out/").status_code == 405
    assert client.get("/account/").status_code == 200


def test_a_cross_site_sign_out_without_the_csrf_token_is_refused(people: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people[Role.STAFF], backend="django.contrib.auth.backends.ModelBackend")

    response = client.post("/sign-out/")

    assert response.status_code == 403
    assert client.get("/account/").status_code == 200


# --- Session time limits --------------------------------------------------------------------------


def test_sessions_expire_after_thirty_idle_minutes_and_activity_extends_them(
    people: dict[str, Any], client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = client_for(people[Role.STAFF])
    start = timezone.now()

    def minutes_later(minutes: int) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=minutes))

    minutes_later(20)
    assert client.get("/account/").status_code == 200
    minutes_later(40)  # 20 minutes since the last request: still in
    assert client.get("/account/").status_code == 200
    key = session_key(client)
    expires = Session.objects.get(session_key=key).expire_date
    assert expires == start + timedelta(minutes=70)

    minutes_later(71)  # 31 idle minutes
    response = client.get("/account/")

    assert is_sent_to_sign_in(response)


def test_sessions_end_after_the_absolute_limit_however_active_you_are(
    people: dict[str, Any], client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 10 * 3600
    client = client_for(people[Role.STAFF])
    signed_in_at = client.session["signed_in_at"]
    assert abs(signed_in_at - time.time()) < 60

    def hours_later(hours: float) -> None:
        clock = SimpleNamespace(time=lambda: signed_in_at + hours * 3600)
        monkeypatch.setattr(teams_middleware, "time", clock)

    hours_later(9.9)
    assert client.get("/account/").status_code == 200
    old_cookie = session_key(client)
    assert old_cookie

    hours_later(10.1)
    response = client.get("/account/")

    assert is_sent_to_sign_in(response)
    assert is_sent_to_sign_in(client.get("/account/"))
    assert is_sent_to_sign_in(replay(old_cookie).get("/account/"))


def test_the_absolute_limit_counts_from_sign_in_through_the_sign_in_page(
    people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    before = time.time()
    sign_in(client, people[Role.STAFF].email, PASSWORD)
    started = client.session["signed_in_at"]
    assert before <= started <= time.time()

    monkeypatch.setattr(teams_middleware, "time", SimpleNamespace(time=lambda: started + 10 * 3600 + 1))

    assert is_sent_to_sign_in(client.get("/programme/"))


def test_closing_an_account_ends_its_existing_sessions(people: dict[str, Any]) -> None:
    # ASVS 7.4.2
    user = people[Role.STAFF]
    client = Client()
    sign_in(client, user.email, PASSWORD)
    assert client.get("/account/").status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert is_sent_to_sign_in(client.get("/account/"))
    assert is_sent_to_sign_in(client.get("/programme/"))


def test_an_admin_closing_an_account_ends_its_sessions(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.STAFF]
    their_browser = client_for(user)
    admin = client_for(people[Role.ADMIN])

    response = admin.post(f"/people/{user.pk}/", {"full_name": user.full_name})  # "can sign in" unticked

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    assert is_sent_to_sign_in(their_browser.get("/account/"))


# --- Changing a password --------------------------------------------------------------------------


def test_changing_your_password_keeps_you_signed_in_and_signs_out_other_sessions(
    people: dict[str, Any],
) -> None:
    user = people[Role.STAFF]
    here, elsewhere = Client(), Client()
    sign_in(here, user.email, PASSWORD)
    sign_in(elsewhere, user.email, PASSWORD)
    assert elsewhere.get("/account/").status_code == 200

    response = here.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/password/changed/"
    assert here.get("/account/").status_code == 200
    assert is_sent_to_sign_in(elsewhere.get("/account/"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGE, actor=user).count() == 1


def test_changing_your_password_needs_the_current_one(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.STAFF]
    client = client_for(user)

    response = client.post(
        "/account/password/",
        {
            "old_password": "not-my-password-at-all",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("483920174652", "This password is entirely numeric."),
    ],
)
def test_weak_new_passwords_are_refused(
    people: dict[str, Any], client_for: Any, new_password: str, message: str
) -> None:
    user = people[Role.STAFF]
    client = client_for(user)

    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_password_of_twelve_characters_is_long_enough(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.STAFF]
    twelve = "tawny-owl-9x"
    assert len(twelve) == 12

    response = client_for(user).post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": twelve, "new_password2": twelve}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(twelve)


# --- Resetting a forgotten password --------------------------------------------------------------


def test_a_password_reset_link_is_emailed_and_works_once(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    client = Client()

    sent = client.post("/password-reset/", {"email": user.email.upper()})

    assert sent.status_code == 302
    assert sent["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Choose a new password for What Matters"
    link = link_in(message)
    assert link.startswith("/password-reset/")

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == "/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert sign_in(Client(), user.email, NEW_PASSWORD).status_code == 302

    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()
    assert "Choose a new password</h1>" not in again.content.decode()


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db: Any) -> None:
    response = Client().post("/password-reset/", {"email": "nobody-here@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []


def test_a_reset_link_refuses_a_short_password(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    client = Client()
    client.post("/password-reset/", {"email": user.email})
    form_page = client.get(link_in(mail.outbox[0]), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "short-1", "new_password2": "short-1"}
    )

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Invitations ----------------------------------------------------------------------------------


def invite(client: Client, capture: Any, **fields: Any) -> Any:
    with capture(execute=True):
        return client.post("/people/invite/", fields)


def test_an_admin_invites_someone_who_chooses_a_password_and_is_signed_in(
    people: dict[str, Any], programme: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_for(people[Role.ADMIN])

    response = invite(
        admin,
        django_capture_on_commit_callbacks,
        full_name="Jo Bloggs",
        email="Jo.Bloggs@Example.com",
        team=programme.team_a.pk,
        role=Role.STAFF,
    )

    assert response.status_code == 302
    assert response["Location"] == "/people/"
    person = User.objects.get(email="jo.bloggs@example.com")
    assert person.full_name == "Jo Bloggs"
    assert person.is_active
    assert not person.has_usable_password()
    assert list(Membership.objects.filter(user=person).values_list("team", "role")) == [
        (programme.team_a.pk, Role.STAFF)
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo.bloggs@example.com"]
    assert message.subject == "You are invited to What Matters"
    assert f"{people[Role.ADMIN].full_name} has invited you" in message.body
    assert "The link works once, for 7 days." in message.body
    link = link_in(message)
    assert link.startswith("/invite/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITE, object_id=str(person.pk)).count() == 1

    newcomer = Client()
    form_page = newcomer.get(link, follow=True)
    assert "Welcome to What Matters" in form_page.content.decode()
    assert "jo.bloggs@example.com" in form_page.content.decode()
    accepted = newcomer.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert accepted.status_code == 302
    assert accepted["Location"] == "/start/"
    assert int(newcomer.session["_auth_user_id"]) == person.pk
    assert newcomer.get("/teams/team-a/").status_code == 200
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)

    stranger = Client()
    reused = stranger.get(link, follow=True)
    assert "This link no longer works" in reused.content.decode()
    assert "_auth_user_id" not in stranger.session


def test_faculty_can_invite_an_organisation_wide_faculty_member(
    people: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    faculty = client_for(people[Role.FACULTY])

    response = invite(
        faculty,
        django_capture_on_commit_callbacks,
        full_name="Sam Faculty",
        email="sam@example.com",
        team="",
        role=Role.FACULTY,
    )

    assert response.status_code == 302
    person = User.objects.get(email="sam@example.com")
    assert list(Membership.objects.filter(user=person).values_list("team", "role")) == [(None, Role.FACULTY)]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STAFF, Role.VIEWER, "no_role"])
def test_only_admin_and_faculty_can_invite_people(
    people: dict[str, Any], programme: Any, client_for: Any, role: str
) -> None:
    client = client_for(people[role])

    response = client.post(
        "/people/invite/",
        {
            "full_name": "Sneaky",
            "email": "sneaky@example.com",
            "team": programme.team_a.pk,
            "role": Role.ADMIN,
        },
    )

    assert response.status_code == 403
    assert not User.objects.filter(email="sneaky@example.com").exists()
    assert mail.outbox == []


def test_an_invitation_link_refuses_a_password_shorter_than_twelve_characters(
    people: dict[str, Any], programme: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invite(
        client_for(people[Role.ADMIN]),
        django_capture_on_commit_callbacks,
        full_name="Jo Bloggs",
        email="jo@example.com",
        team=programme.team_a.pk,
        role=Role.VIEWER,
    )
    newcomer = Client()
    form_page = newcomer.get(link_in(mail.outbox[0]), follow=True)

    eleven = "tawny-owl-9"
    response = newcomer.post(
        form_page.redirect_chain[-1][0], {"new_password1": eleven, "new_password2": eleven}
    )

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    assert "_auth_user_id" not in newcomer.session
    assert not User.objects.get(email="jo@example.com").has_usable_password()


def test_the_invite_form_keeps_what_was_typed_and_says_the_address_is_taken(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    taken = people[Role.STAFF].email
    admin = client_for(people[Role.ADMIN])

    response = admin.post(
        "/people/invite/",
        {"full_name": "Jo Bloggs", "email": taken.upper(), "team": programme.team_b.pk, "role": Role.VIEWER},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Invite someone" in page
    assert error_summary(page) == [("#id_email", "Someone already has an account with this email address")]
    assert typed_value(page, "full_name") == "Jo Bloggs"
    assert typed_value(page, "email") == taken.upper()
    assert selected_option(page, "team") == str(programme.team_b.pk)
    assert selected_option(page, "role") == Role.VIEWER
    assert not User.objects.filter(full_name="Jo Bloggs").exists()
    assert mail.outbox == []


def test_the_invite_form_says_a_team_role_needs_a_team(people: dict[str, Any], client_for: Any) -> None:
    admin = client_for(people[Role.ADMIN])

    response = admin.post(
        "/people/invite/",
        {"full_name": "Jo Bloggs", "email": "jo@example.com", "team": "", "role": Role.STAFF},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert error_summary(page) == [
        (
            "#id_team",
            "Choose a team: only admin, faculty and data analyst roles can cover the whole organisation",
        )
    ]
    assert typed_value(page, "email") == "jo@example.com"
    assert selected_option(page, "role") == Role.STAFF
    assert not User.objects.filter(email="jo@example.com").exists()


def test_the_invite_form_lists_every_missing_answer(people: dict[str, Any], client_for: Any) -> None:
    response = client_for(people[Role.ADMIN]).post("/people/invite/", {"email": "not-an-address"})

    page = response.content.decode()
    assert error_summary(page) == [
        ("#id_full_name", "Enter the person's full name"),
        ("#id_email", "Enter an email address like name@nhs.net"),
        ("#id_role", "Choose a role"),
    ]
    assert typed_value(page, "email") == "not-an-address"


def test_asking_for_a_password_reset_is_audited_only_for_real_accounts(people: dict, client: Client) -> None:
    staff = people[Role.STAFF]
    client.post("/password-reset/", {"email": staff.email})
    client.post("/password-reset/", {"email": "nobody-here@example.com"})
    events = AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET)
    assert [(e.object_id, e.object_repr) for e in events] == [(str(staff.pk), str(staff))]
    assert not AuditEvent.objects.filter(object_repr__contains="nobody-here").exists()
