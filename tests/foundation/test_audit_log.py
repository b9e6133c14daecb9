"""The audit log: what is recorded, who by, what it never holds, and who can read it.

ASVS 5.0: 16.2.1 (who, what, when, where), 16.2.5 (no sensitive data in logs), 16.3.1/16.3.2 (sign-ins and
refused requests are logged), and the log is append-only.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from whatmatters.audit.log import record
from whatmatters.audit.models import AuditEvent, AuditLogIsAppendOnly
from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.teams.models import BuddyPair, Cohort, Membership, Team, User
from whatmatters.teams.roles import Role

PASSWORD = "a-long-test-password-1"  # the password tests/conftest.py gives everyone
Action = AuditEvent.Action


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))


def only_event(action: str, **filters: Any) -> AuditEvent:
    found = events(action, **filters)
    assert len(found) == 1, found
    return found[0]


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=since).order_by("id"))


def last_id() -> int:
    latest = AuditEvent.objects.order_by("-id").first()
    return latest.id if latest else 0


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post("/sign-in/", {"username": email, "password": password})


def every_table() -> list[tuple[str, str]]:
    """Each table in the database with all its rows as text, whatever model (if any) it belongs to."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own names
            found.append((table, repr(cursor.fetchall())))
    assert len(found) > 10
    return found


# --- Signing in and out -------------------------------------------------------------------------


def test_signing_in_is_recorded_with_who_and_where(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]

    sign_in(Client(REMOTE_ADDR="10.1.2.3"), user.email, PASSWORD)

    event = only_event(Action.SIGN_IN)
    assert event.actor == user
    assert event.actor_label == user.email
    assert (event.object_type, event.object_id) == ("teams.user", str(user.pk))
    assert event.ip_address == "10.1.2.3"
    assert abs(event.at - timezone.now()) < timedelta(minutes=1)
    assert event.at.utcoffset() == timedelta(0)  # stored in UTC


def test_behind_the_proxy_the_address_recorded_is_the_persons_not_the_proxys(
    people: dict[str, Any], settings: Any
) -> None:
    """The proxy adds the address it saw last to X-Forwarded-For; anything before it the person could
    have written themselves, and REMOTE_ADDR is the proxy's own."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    user = people[Role.STAFF]
    proxied = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")

    sign_in(proxied, user.email, PASSWORD)

    assert only_event(Action.SIGN_IN).ip_address == "203.0.113.7"


def test_without_the_proxy_a_forwarded_for_header_is_not_believed(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]

    sign_in(Client(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7"), user.email, PASSWORD)

    assert only_event(Action.SIGN_IN).ip_address == "10.1.2.3"


def test_a_failed_sign_in_is_recorded_without_the_password(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    typed = "Typed-Secret-Guess-99"

    sign_in(Client(REMOTE_ADDR="10.1.2.3"), user.email, typed)

    event = only_event(Action.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.actor_label == "anonymous person"
    assert event.object_repr == user.email
    assert (event.object_type, event.object_id) == ("teams.user", str(user.pk))
    assert event.summary == "wrong email address or password"
    assert event.ip_address == "10.1.2.3"
    assert typed not in str(AuditEvent.objects.values())
    assert not events(Action.SIGN_IN)


def test_a_failed_sign_in_for_an_unknown_address_names_no_account(db: Any) -> None:
    sign_in(Client(), "nobody-here@example.com", "Typed-Secret-Guess-99")

    event = only_event(Action.SIGN_IN_FAILED)
    assert event.object_repr == "nobody-here@example.com"
    assert (event.object_type, event.object_id) == ("", "")


def test_a_typed_password_is_stored_nowhere_in_the_database(people: dict[str, Any]) -> None:
    typed = "Typed-Secret-Guess-99"
    for _ in range(6):  # through the lock-out as well
        sign_in(Client(), people[Role.STAFF].email, typed)

    for table, rows in every_table():
        assert typed not in rows, f"{table} holds the typed password"
    assert events(Action.LOCKED_OUT)


def test_the_app_logs_never_hold_a_typed_password(
    people: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="axes")
    caplog.set_level(logging.DEBUG, logger="django")
    typed = "Typed-Secret-Guess-99"
    email = people[Role.STAFF].email

    for _ in range(6):
        sign_in(Client(), email, typed)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in logged  # the sign-in machinery did log, at every level
    assert typed not in logged
    assert email not in logged  # nor the address people typed (settings: AXES_VERBOSE off)


def test_signing_out_is_recorded(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    client = Client()
    sign_in(client, user.email, PASSWORD)

    client.post("/sign-out/")

    event = only_event(Action.SIGN_OUT)
    assert event.actor == user
    assert event.actor_label == user.email
    assert event.object_id == str(user.pk)


# --- Refused requests -----------------------------------------------------------------------------


def test_a_refused_page_is_recorded_with_who_and_why(people: dict[str, Any], client_for: Any) -> None:
    staff = people[Role.STAFF]

    response = client_for(staff).get("/people/", REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 403
    event = only_event(Action.PERMISSION_REFUSED)
    assert event.actor == staff
    assert event.actor_label == staff.email
    assert event.summary == "GET /people/: role does not allow people"
    assert event.team is None
    assert event.ip_address == "10.9.8.7"


def test_a_refusal_inside_your_own_team_names_the_team(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    response = client_for(people[Role.STAFF]).post("/teams/team-a/edit/", {"name": "Renamed"})

    assert response.status_code == 403
    event = only_event(Action.PERMISSION_REFUSED)
    assert event.summary == "POST /teams/team-a/edit/: role does not allow team_edit"
    assert event.team == programme.team_a
    assert event.team_label == "Team A"
    assert Team.objects.get(pk=programme.team_a.pk).name == "Team A"


def test_opening_another_teams_page_is_a_404_and_is_recorded(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    lead_b = people["team_b_lead"]

    response = client_for(lead_b).get("/teams/team-a/")

    assert response.status_code == 404
    event = only_event(Action.PERMISSION_REFUSED)
    assert event.actor == lead_b
    assert event.summary == "GET /teams/team-a/: not a member of team-a"
    assert event.team == programme.team_a


def test_a_team_that_does_not_exist_is_a_404_with_nothing_to_record(
    people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people["team_b_lead"]).get("/teams/no-such-team/")

    assert response.status_code == 404
    assert not events(Action.PERMISSION_REFUSED)


# --- Changes to the programme's records ---------------------------------------------------------


def test_adding_changing_and_deleting_a_team_is_recorded(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    admin = people[Role.ADMIN]
    client = client_for(admin)

    client.post(
        "/teams/new/",
        {"name": "Team C", "slug": "team-c", "service_type": "crisis", "cohort": programme.phase1.pk},
    )
    team_c = Team.objects.get(slug="team-c")
    created = only_event(Action.CREATE, object_type="teams.team", object_id=str(team_c.pk))
    assert created.actor == admin
    assert created.actor_label == admin.email
    assert created.object_repr == "Team C"
    assert created.team == team_c
    assert created.changes["name"] == [None, "Team C"]
    assert created.changes["slug"] == [None, "team-c"]
    assert created.changes["service_type"] == [None, "crisis"]
    assert created.changes["cohort_id"] == [None, programme.phase1.pk]

    client.post(
        "/teams/team-c/edit/",
        {"name": "Team Crisis", "slug": "team-c", "service_type": "crisis", "cohort": programme.phase1.pk,
         "is_active": "on"},
    )  # fmt: skip
    changed = only_event(Action.UPDATE, object_type="teams.team", object_id=str(team_c.pk))
    assert changed.actor == admin
    assert changed.changes == {"name": ["Team C", "Team Crisis"]}
    assert changed.team == team_c

    with acting_as(Actor(user=None, label="command line: test")):
        Team.objects.get(pk=team_c.pk).delete()
    deleted = only_event(Action.DELETE, object_type="teams.team", object_id=str(team_c.pk))
    assert deleted.actor_label == "command line: test"
    assert deleted.object_repr == "Team Crisis"
    assert deleted.team is None  # the team is gone; its name is kept
    assert deleted.team_label == "Team Crisis"


def test_deleting_a_team_with_people_and_a_buddy_keeps_the_log_consistent(
    people: dict[str, Any], programme: Any
) -> None:
    # Every foreign key in the log must still point at a row when the delete commits.
    team_a_id = programme.team_a.pk
    programme.team_a.delete()

    connection.check_constraints()
    gone = events(Action.DELETE, team_label="Team A")
    assert {e.object_type for e in gone} == {"teams.team", "teams.membership", "teams.buddypair"}
    assert all(e.team_id is None for e in gone)
    assert not AuditEvent.objects.filter(team_id=team_a_id).exists()
    assert AuditEvent.objects.filter(team_label="Team A", action=Action.CREATE).exists()


def test_deleting_teams_in_bulk_keeps_the_log_consistent(people: dict[str, Any], programme: Any) -> None:
    Team.objects.filter(slug__in=["team-a", "team-b"]).delete()

    connection.check_constraints()
    assert len(events(Action.DELETE, object_type="teams.team")) == 2


def test_removing_a_member_keeps_the_link_to_a_team_that_still_exists(
    people: dict[str, Any], programme: Any
) -> None:
    Membership.objects.get(user=people[Role.VIEWER]).delete()

    event = only_event(Action.DELETE, object_type="teams.membership")
    assert event.team == programme.team_a


def test_adding_and_changing_a_phase_is_recorded(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    admin = people[Role.FACULTY]
    client = client_for(admin)

    client.post("/phases/new/", {"name": "Phase 3", "number": 3, "start_date": "2025-01-06"})
    phase3 = Cohort.objects.get(number=3)
    created = only_event(Action.CREATE, object_type="teams.cohort", object_id=str(phase3.pk))
    assert created.actor == admin
    assert created.object_id == str(phase3.pk)
    assert created.changes["start_date"] == [None, "2025-01-06"]
    assert created.team is None

    client.post(
        f"/phases/{phase3.pk}/edit/",
        {"name": "Phase 3", "number": 3, "start_date": "2025-01-06", "end_date": "2025-12-31"},
    )
    changed = only_event(Action.UPDATE, object_type="teams.cohort")
    assert changed.changes == {"end_date": [None, "2025-12-31"]}

    phase3_id = phase3.pk
    with acting_as(Actor(user=None, label="command line: test")):
        phase3.delete()
    deleted = only_event(Action.DELETE, object_type="teams.cohort", object_id=str(phase3_id))
    assert deleted.actor_label == "command line: test"
    assert deleted.object_repr == "Phase 3"


def test_pairing_and_unpairing_buddies_is_recorded(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    admin = people[Role.ADMIN]
    client = client_for(admin)
    team_c = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")

    client.post("/buddy-pairs/new/", {"first_team": programme.team_b.pk, "second_team": team_c.pk})
    pair = BuddyPair.objects.get(first_team=programme.team_b, second_team=team_c)
    created = only_event(Action.CREATE, object_type="teams.buddypair", object_id=str(pair.pk))
    assert created.actor == admin
    assert created.team == programme.team_b
    assert created.changes["first_team_id"] == [None, programme.team_b.pk]
    assert created.changes["second_team_id"] == [None, team_c.pk]

    client.post(f"/buddy-pairs/{pair.pk}/delete/")
    deleted = only_event(Action.DELETE, object_type="teams.buddypair", object_id=str(pair.pk))
    assert deleted.actor == admin
    assert deleted.object_repr == "Team B and Team C"
    assert deleted.team == programme.team_b


def test_giving_and_removing_a_role_in_a_team_is_recorded(
    people: dict[str, Any], programme: Any, client_for: Any, make_user: Any
) -> None:
    admin = people[Role.ADMIN]
    newcomer = make_user(None)
    client = client_for(admin)

    client.post("/teams/team-b/members/add/", {"user": newcomer.pk, "role": Role.STAFF})
    membership = Membership.objects.get(user=newcomer)
    created = only_event(Action.CREATE, object_type="teams.membership", object_id=str(membership.pk))
    assert created.actor == admin
    assert created.team == programme.team_b
    assert created.changes["role"] == [None, Role.STAFF]
    assert created.changes["user_id"] == [None, newcomer.pk]

    client.post(f"/teams/team-b/members/{membership.pk}/remove/")
    deleted = only_event(Action.DELETE, object_type="teams.membership", object_id=str(membership.pk))
    assert deleted.actor == admin
    assert deleted.team == programme.team_b
    assert "is staff in Team B" in deleted.object_repr


def test_accounts_are_recorded_without_their_password(
    people: dict[str, Any], programme: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = people[Role.ADMIN]
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/people/invite/",
            {
                "full_name": "Jo Bloggs",
                "email": "jo@example.com",
                "team": programme.team_a.pk,
                "role": Role.VIEWER,
            },
        )
    jo = User.objects.get(email="jo@example.com")
    created = only_event(Action.CREATE, object_type="teams.user", object_id=str(jo.pk))
    assert created.actor == admin
    assert created.changes["email"] == [None, "jo@example.com"]
    assert created.changes["full_name"] == [None, "Jo Bloggs"]

    client.post(f"/people/{jo.pk}/", {"full_name": "Jo Smith", "is_active": "on"})
    changed = only_event(Action.UPDATE, object_type="teams.user", object_id=str(jo.pk))
    assert changed.actor == admin
    assert changed.changes == {"full_name": ["Jo Bloggs", "Jo Smith"]}

    jo.refresh_from_db()
    before = last_id()
    jo.set_password("a-brand-new-password-3")
    jo.save()
    assert new_events(before) == []  # a password change is not a field change in the log

    with acting_as(Actor(user=None, label="command line: test")):
        User.objects.get(pk=jo.pk).delete()
    deleted = only_event(Action.DELETE, object_type="teams.user", object_id=str(jo.pk))
    assert deleted.object_repr == "Jo Smith"

    for event in AuditEvent.objects.all():
        assert "password" not in event.changes
        assert "last_login" not in event.changes


def test_granting_an_organisation_admin_role_records_the_admin_site_flags(
    people: dict[str, Any], client_for: Any
) -> None:
    faculty = people[Role.FACULTY]
    admin = client_for(people[Role.ADMIN])
    before = last_id()

    admin.post(
        f"/people/{faculty.pk}/",
        {"full_name": faculty.full_name, "is_active": "on", "organisation_roles": [Role.FACULTY, Role.ADMIN]},
    )

    written = new_events(before)
    assert [(e.action, e.object_type) for e in written] == [
        (Action.CREATE, "teams.membership"),
        (Action.UPDATE, "teams.user"),
    ]
    assert written[1].changes == {"is_staff": [False, True], "is_superuser": [False, True]}


def test_a_save_that_changes_nothing_writes_nothing(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    before = last_id()

    Team.objects.get(pk=programme.team_a.pk).save()
    User.objects.get(pk=people[Role.STAFF].pk).save()
    client_for(people[Role.ADMIN]).post(
        "/teams/team-a/edit/",
        {"name": "Team A", "slug": "team-a", "service_type": "other", "cohort": programme.phase1.pk,
         "is_active": "on"},
    )  # fmt: skip

    assert [e.action for e in new_events(before)] == [Action.SIGN_IN]  # only client_for's sign-in


def test_a_save_after_refreshing_from_the_database_records_only_real_changes(
    programme: Any, people: dict[str, Any]
) -> None:
    mine = Team.objects.get(pk=programme.team_a.pk)
    Team.objects.filter(pk=mine.pk).update(name="Renamed elsewhere")  # another process changed it
    mine.refresh_from_db()
    before = last_id()

    mine.description = "Now with a description"
    mine.save()

    assert [e.changes for e in new_events(before)] == [{"description": ["", "Now with a description"]}]


def test_changes_made_by_a_command_carry_its_label(db: Any, programme: Any) -> None:
    with acting_as(Actor(user=None, label="command line: demo")):
        Team.objects.create(organisation=programme.organisation, name="Demo team", slug="demo")
    Team.objects.create(organisation=programme.organisation, name="Background team", slug="background")

    demo = only_event(Action.CREATE, object_repr="Demo team")
    assert demo.actor is None
    assert demo.actor_label == "command line: demo"
    assert only_event(Action.CREATE, object_repr="Background team").actor_label == "system"


# --- The log cannot be changed ------------------------------------------------------------------


def test_an_audit_event_cannot_be_changed_or_deleted(people: dict[str, Any]) -> None:
    event = record(Action.INVITE, obj=people[Role.STAFF], summary="original")

    event.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.update(summary="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["summary"])

    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


def test_the_admin_site_cannot_change_or_delete_audit_events(people: dict[str, Any], client_for: Any) -> None:
    event = record(Action.INVITE, obj=people[Role.STAFF], summary="original")
    admin = client_for(people[Role.ADMIN])

    assert admin.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    admin.post(f"/admin/audit/auditevent/{event.pk}/change/", {"summary": "rewritten"})
    assert admin.post("/admin/audit/auditevent/add/", {"summary": "forged"}).status_code == 403

    assert AuditEvent.objects.get(pk=event.pk).summary == "original"
    assert not AuditEvent.objects.filter(summary="forged").exists()


def test_deleting_an_account_keeps_its_events_readable(people: dict[str, Any], client_for: Any) -> None:
    staff = people[Role.STAFF]
    client_for(staff).get("/people/")  # refused, so recorded
    email = staff.email

    staff.delete()

    event = only_event(Action.PERMISSION_REFUSED)
    assert event.actor is None
    assert event.actor_label == email


# --- The audit log page ---------------------------------------------------------------------------


def test_only_organisation_admins_can_read_the_audit_log(people: dict[str, Any], client_for: Any) -> None:
    page = client_for(people[Role.ADMIN]).get("/audit/")
    assert page.status_code == 200
    assert "<h1>Audit log</h1>" in page.content.decode()

    for role in [Role.FACULTY, Role.TEAM_LEAD, Role.STAFF, Role.VIEWER, "no_role"]:
        assert client_for(people[role]).get("/audit/").status_code == 403, role

    anonymous = Client().get("/audit/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/sign-in/?next=/audit/"


def test_a_team_admin_role_does_not_open_the_audit_log(
    programme: Any, make_user: Any, client_for: Any
) -> None:
    # Only organisation-wide admins; an admin role held in one team is not enough.
    team_admin = make_user(Role.ADMIN, programme.team_a)

    assert client_for(team_admin).get("/audit/").status_code == 403


def rows(page: str) -> list[str]:
    """The 'Which' column of each row, in order."""
    body = page[page.find('<tbody class="nhsuk-table__body">') :]
    found = []
    for row in re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', body, re.S):
        cells = re.findall(r'<td class="nhsuk-table__cell"[^>]*>(.*?)</td>', row, re.S)
        if len(cells) == 5:
            found.append(re.sub(r"<br>.*", "", cells[3], flags=re.S).strip())
    return found


def test_the_audit_log_lists_the_newest_events_first(people: dict[str, Any], client_for: Any) -> None:
    base = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    for name, minutes in [("middle", 5), ("oldest", 0), ("newest", 10)]:
        AuditEvent.objects.create(
            at=base + timedelta(minutes=minutes), actor_label="seed", action=Action.INVITE, object_repr=name
        )

    page = client_for(people[Role.ADMIN]).get("/audit/?who=seed").content.decode()

    assert rows(page) == ["newest", "middle", "oldest"]
    assert "1 January 2030 at 09:10" in page  # UK time, which is UTC in January


def test_the_audit_log_filters_by_action_team_and_who(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    admin = client_for(people[Role.ADMIN])
    record(Action.INVITE, object_repr="in team A", team=programme.team_a,
           actor=Actor(user=None, label="alice@example.com"))  # fmt: skip
    record(Action.INVITE, object_repr="in team B", team=programme.team_b,
           actor=Actor(user=None, label="bob@example.com"))  # fmt: skip
    record(Action.PASSWORD_CHANGE, object_repr="password", actor=Actor(user=None, label="alice@example.com"))

    by_action = rows(admin.get("/audit/?action=invite").content.decode())
    assert sorted(by_action) == ["in team A", "in team B"]

    by_team = admin.get("/audit/?action=invite&team=team-b").content.decode()
    assert rows(by_team) == ["in team B"]
    assert re.search(r'<option value="team-b"\s+selected', by_team)

    by_who = rows(admin.get("/audit/?who=ALICE").content.decode())
    assert by_who == ["password", "in team A"]

    nothing = admin.get("/audit/?who=nobody-at-all").content.decode()
    assert "Nothing matches." in nothing


def test_the_audit_log_ignores_an_unknown_action_filter(people: dict[str, Any], client_for: Any) -> None:
    record(Action.INVITE, object_repr="kept", actor=Actor(user=None, label="seed"))

    page = client_for(people[Role.ADMIN]).get("/audit/?action=nonsense&who=seed").content.decode()

    assert rows(page) == ["kept"]


def test_the_audit_log_shows_what_changed(people: dict[str, Any], programme: Any, client_for: Any) -> None:
    admin = client_for(people[Role.ADMIN])
    team = Team.objects.get(pk=programme.team_a.pk)
    team.description = "Community team in the north"
    team.save()

    page = admin.get("/audit/?action=update&team=team-a").content.decode()

    assert "<code>description</code>: empty → Community team in the north" in page


def test_the_audit_log_pages_fifty_events_at_a_time(people: dict[str, Any], client_for: Any) -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    for n in range(60):
        AuditEvent.objects.create(
            at=start + timedelta(minutes=n),
            actor_label="seed",
            action=Action.INVITE,
            object_repr=f"event {n}",
        )
    admin = client_for(people[Role.ADMIN])

    first = rows(admin.get("/audit/?who=seed").content.decode())
    second = rows(admin.get("/audit/?who=seed&page=2").content.decode())

    assert len(first) == 50
    assert first[0] == "event 59"
    assert second == [f"event {n}" for n in range(9, -1, -1)]


def test_dates_in_the_log_are_shown_in_uk_time(people: dict[str, Any], client_for: Any) -> None:
    AuditEvent.objects.create(
        at=datetime(2030, 7, 1, 12, 0, tzinfo=UTC),
        actor_label="seed",
        action=Action.INVITE,
        object_repr="summer",
    )

    page = client_for(people[Role.ADMIN]).get("/audit/?who=seed").content.decode()

    assert "1 July 2030 at 13:00" in page  # British Summer Time
