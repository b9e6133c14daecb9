"""A person's own data: what the app holds about them (UK GDPR Art 15), and erasing them (Art 17).

The export covers every foreign key to people (a test walks the models); only the person, and admins from
the person's page, see it. Erasure keeps the shape of the records and the audit trail but removes the person.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.framework.factories import make_domain, make_measure
from whatmatters.api.models import ApiToken
from whatmatters.audit.models import AuditEvent, replace_person_in_log
from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.learning.models import BuddyLogEntry, ExcellenceReport
from whatmatters.reports.models import Report
from whatmatters.teams import personal_data
from whatmatters.teams.models import Membership, User
from whatmatters.teams.roles import Role

PASSWORD = "a-long-test-password-1"
Action = AuditEvent.Action


@pytest.fixture
def jo(programme: Any, make_user: Any) -> User:
    """A staff member in team A who has done a little of everything."""
    person = make_user(Role.STAFF, programme.team_a, email="jo.bloggs@example.com", full_name="Jo Bloggs")
    with acting_as(Actor(user=person, label="")):
        ApiToken.issue(person, "weekly import")
        Report.objects.create(
            team=programme.team_a,
            audience="committee",
            date_from=dt.date(2024, 1, 1),
            date_to=dt.date(2024, 3, 31),
            requested_by=person,
        )
        BuddyLogEntry.objects.create(
            pair=programme.pair, team=programme.team_a, author=person, kind="worked", text="Huddles helped"
        )
        ExcellenceReport.objects.create(
            team=programme.team_a, text="Stayed late to help", who="Jo Bloggs", thanked_user=person
        )
        ExcellenceReport.objects.create(team=programme.team_a, text="Calm on a busy day", who="jo bloggs")
        make_measure(programme.team_a, make_domain(programme.team_a), owner="Jo Bloggs")
    return person


def _user_foreign_keys() -> set[str]:
    found = set()
    User = get_user_model()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model is User:
                found.add(f"{model._meta.label}.{field.name}")
    return found


# --- What is covered --------------------------------------------------------------------------------------


def test_it_covers_every_foreign_key_to_a_person_in_every_model() -> None:
    covered = {link.key for link in personal_data.LINKS}
    found = _user_foreign_keys()
    assert found - covered == set(), f"Add these to personal_data.LINKS (and the erasure): {found - covered}"
    assert covered - found == set(), f"These links no longer exist: {covered - found}"
    assert len(found) >= 14


def test_the_coverage_check_fails_when_a_link_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        personal_data, "LINKS", tuple(link for link in personal_data.LINKS if link.model != "reports.Report")
    )
    with pytest.raises(AssertionError, match="reports.Report.requested_by"):
        test_it_covers_every_foreign_key_to_a_person_in_every_model()


# --- The export -------------------------------------------------------------------------------------------


def test_the_export_lists_what_the_person_did_and_what_names_them(jo: User, programme: Any) -> None:
    data = personal_data.export(jo)
    records = {group["key"]: group["items"] for group in data["records"]}
    assert data["account"]["email"] == "jo.bloggs@example.com"
    assert data["roles"] == [{"role": "Staff", "where": "Team A", "since": data["roles"][0]["since"]}]
    assert [t["name"] for t in data["api_tokens"]] == ["weekly import"]
    assert len(records["reports.Report.requested_by"]) == 1
    assert len(records["learning.BuddyLogEntry.author"]) == 1
    assert len(records["learning.ExcellenceReport.thanked_user"]) == 1
    assert len(records["learning.ExcellenceReport.who"]) == 2  # the link, and the name typed by someone else
    assert [m["record"] for m in records["framework.Measure.owner"]] != []
    assert data["audit_events"]["total"] >= 5  # what they made above, done as them
    assert data["audit_events"]["by_kind"]["Created"] >= 5
    assert set(records) >= {link.key for link in personal_data.LINKS} - personal_data.SECTIONS


def test_the_export_never_holds_a_token_or_a_password(jo: User) -> None:
    token, secret = ApiToken.issue(jo, "another script")
    text = json.dumps(personal_data.export(jo))
    assert "another script" in text
    assert secret not in text and secret[10:] not in text
    assert token.token_hash not in text
    assert jo.password not in text


def test_a_person_sees_what_we_hold_about_them_and_can_download_it(jo: User, client_for: Any) -> None:
    client = client_for(jo)
    page = client.get(reverse("account_data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "What we hold about you" in html
    assert "weekly import" in html and "Reports you asked for" in html
    assert reverse("account_data_json") in html
    download = client.get(reverse("account_data_json"))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert download.json()["account"]["full_name"] == "Jo Bloggs"
    assert reverse("account_data") in client.get(reverse("account")).content.decode()


def test_another_person_sees_only_their_own_data(jo: User, people: dict[str, Any], client_for: Any) -> None:
    lead = client_for(people[Role.TEAM_LEAD])
    assert lead.get(reverse("account_data_json")).json()["account"]["email"] != jo.email
    assert lead.get(reverse("person_data_json", kwargs={"pk": jo.pk})).status_code == 403
    faculty = client_for(people[Role.FACULTY])
    assert faculty.get(reverse("person_data_json", kwargs={"pk": jo.pk})).status_code == 403


def test_an_admin_downloads_a_persons_data_from_their_page(
    jo: User, people: dict[str, Any], client_for: Any
) -> None:
    admin = client_for(people[Role.ADMIN])
    page = admin.get(reverse("person_detail", kwargs={"pk": jo.pk})).content.decode()
    assert reverse("person_data_json", kwargs={"pk": jo.pk}) in page
    assert reverse("person_erase", kwargs={"pk": jo.pk}) in page
    assert admin.get(reverse("person_data_json", kwargs={"pk": jo.pk})).json()["account"]["id"] == jo.pk
    faculty_page = client_for(people[Role.FACULTY]).get(reverse("person_detail", kwargs={"pk": jo.pk}))
    assert reverse("person_erase", kwargs={"pk": jo.pk}) not in faculty_page.content.decode()


# --- Erasure ----------------------------------------------------------------------------------------------


def _signed_in_session(client: Any, person: User) -> None:
    assert client.post("/sign-in/", {"username": person.email, "password": PASSWORD}).status_code == 302


def test_an_admin_erases_a_person_keeping_the_shape_of_what_they_did(
    jo: User, people: dict[str, Any], client_for: Any, client: Any, programme: Any
) -> None:
    _signed_in_session(client, jo)
    assert Session.objects.count() >= 1
    events_before = AuditEvent.objects.count()
    admin = client_for(people[Role.ADMIN])
    confirm = admin.get(reverse("person_erase", kwargs={"pk": jo.pk}))
    assert "Erasing cannot be undone" in confirm.content.decode()
    response = admin.post(reverse("person_erase", kwargs={"pk": jo.pk}))
    assert response.status_code == 302
    page = admin.get(response["Location"]).content.decode()
    assert "details were erased" in page and "Send the invitation again" not in page

    jo.refresh_from_db()
    assert jo.full_name == f"Erased person {jo.pk}"
    assert jo.email == f"erased-{jo.pk}@invalid"
    assert not jo.is_active and not jo.has_usable_password()
    assert not ApiToken.objects.filter(user=jo).exists()
    assert not Membership.objects.filter(user=jo).exists()
    assert client.get(reverse("account")).status_code == 302  # their session has ended
    assert all(s.get_decoded().get("_auth_user_id") != str(jo.pk) for s in Session.objects.all())
    # Links stay, pointing at the anonymous account; names typed as text are gone.
    assert Report.objects.filter(requested_by=jo).count() == 1
    assert BuddyLogEntry.objects.filter(author=jo).count() == 1
    assert ExcellenceReport.objects.filter(thanked_user=jo).count() == 1
    assert set(ExcellenceReport.objects.values_list("who", flat=True)) == {""}
    assert apps.get_model("framework.Measure").objects.get().owner == ""
    # The audit trail keeps its shape, records the erasure, and no longer names the person.
    assert AuditEvent.objects.count() > events_before
    assert AuditEvent.objects.filter(object_id=str(jo.pk), summary__startswith="personal details erased")
    for event in AuditEvent.objects.all():
        text = json.dumps([event.actor_label, event.object_repr, event.summary, event.changes]).lower()
        assert "jo bloggs" not in text and "jo.bloggs@example.com" not in text, event.pk


def test_an_erased_persons_old_sign_ins_and_roles_read_anonymously_in_the_audit_log(
    jo: User, people: dict[str, Any], client: Any, programme: Any
) -> None:
    _signed_in_session(client, jo)
    Client().post("/sign-in/", {"username": "JO.BLOGGS@example.com", "password": "wrong"})
    personal_data.erase(jo, by=people[Role.ADMIN])
    sign_ins = AuditEvent.objects.filter(action=Action.SIGN_IN, actor=jo)
    assert sign_ins.count() == 1 and sign_ins.get().actor_label == f"erased-{jo.pk}@invalid"
    failed = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert failed.object_repr == f"erased-{jo.pk}@invalid"
    roles = AuditEvent.objects.filter(object_type="teams.membership").values_list("object_repr", flat=True)
    assert list(roles).count(f"Erased person {jo.pk} is staff in Team A") == 2  # given, then ended


def test_replacing_a_person_in_the_log_changes_only_whole_matches(db: Any) -> None:
    # A person called "Ann" must not turn "Planning team" into something else.
    from whatmatters.audit.log import record

    other = record(Action.CREATE, object_repr="Planning team", summary="Ann's team")
    assert (
        replace_person_in_log(999_999, ["Ann", "ann@example.com"], "Erased person 9", "erased-9@invalid") == 0
    )
    other = AuditEvent.objects.get(pk=other.pk)
    assert (other.object_repr, other.summary) == ("Planning team", "Ann's team")


def test_nobody_can_erase_themselves_and_the_last_admin_stays(
    people: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    admin = people[Role.ADMIN]
    response = client_for(admin).post(reverse("person_erase", kwargs={"pk": admin.pk}))
    assert response.status_code == 409
    assert "cannot erase your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    with pytest.raises(personal_data.CannotErase, match="last active admin"):
        personal_data.check_can_erase(admin, people[Role.FACULTY])
    second = make_user(Role.ADMIN)
    personal_data.erase(admin, by=second)
    with pytest.raises(personal_data.CannotErase, match="already been erased"):
        personal_data.erase(admin, by=second)


def test_only_admins_may_erase(jo: User, people: dict[str, Any], client_for: Any) -> None:
    for role in (Role.FACULTY, Role.TEAM_LEAD):
        assert client_for(people[role]).post(reverse("person_erase", kwargs={"pk": jo.pk})).status_code == 403
    jo.refresh_from_db()
    assert jo.is_active and jo.full_name == "Jo Bloggs"
