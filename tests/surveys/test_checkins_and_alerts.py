"""A waiting-well check-in: a worse answer shows crisis contacts at once and, with a contact route, raises an
alert that only the team's clinicians see; alerts are recorded and audited without the contact details."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.helpers import alert_ref
from tests.surveys.conftest import checkin_alert, checkin_post
from whatmatters.audit.models import AuditEvent
from whatmatters.safety import alerts
from whatmatters.safety.models import Alert
from whatmatters.surveys.models import Response
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db
PHONE = "07700 900123"


def test_a_worse_check_in_shows_crisis_contacts_first_and_raises_an_alert(checkin: Any) -> None:
    client = Client()
    response = client.post(
        f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE)
    )
    assert response["Location"].endswith("/thanks/?help=yes&alerted=yes&contact=yes")
    page = client.get(response["Location"]).content.decode()
    assert page.index("NHS 111") < page.index("What happens next")
    assert "Samaritans free on 116 123" in page and "999" in page
    assert "will contact you" in page
    alert = Alert.objects.get()
    assert alert.status == Alert.Status.NEW and alert.team == checkin.team
    assert alert.reasons == ["Feels worse than before"]
    assert (alert.contact_how, alert.contact_detail) == ("phone", PHONE)
    assert Response.objects.get().concern is True


def test_needing_help_without_a_contact_shows_crisis_contacts_and_says_we_cannot_call(checkin: Any) -> None:
    response = Client().post(f"/s/{checkin.code}/", checkin_post(checkin, sooner="yes"))
    assert response["Location"].endswith("?help=yes")
    page = Client().get(response["Location"]).content.decode()
    assert "116 123" in page and "so we cannot contact you" in page
    assert not Alert.objects.exists()
    assert Response.objects.get().concern is True


def test_a_contact_left_on_a_calm_check_in_still_raises_an_alert(checkin: Any) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, how="email", detail="sam@example.com"))
    assert Alert.objects.get().reasons == ["Asked us to contact them"]


def test_choosing_a_contact_route_without_details_says_what_to_do(checkin: Any) -> None:
    response = Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone"))
    assert response.status_code == 400
    assert "Enter a phone number or email address so we can contact you" in response.content.decode()
    assert not Response.objects.exists()


def test_do_not_contact_me_keeps_no_contact_details(checkin: Any) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="none", detail=PHONE))
    assert not Alert.objects.exists()


def test_contact_details_never_reach_the_audit_log(checkin: Any, client_for: Any, people: Any) -> None:
    Client().post(
        f"/s/{checkin.code}/",
        checkin_post(checkin, feeling="worse", how="phone", detail=PHONE, name="Jo Bloggs"),
    )
    alert = Alert.objects.get()
    client_for(people[Role.STAFF]).post(
        f"/teams/team-a/alerts/{alert.pk}/", {"decision": "responded", "note": "Rang Jo Bloggs"}
    )
    events = AuditEvent.objects.filter(object_type="safety.alert")
    assert events.count() == 2
    for event in events:
        everything = f"{event.changes} {event.summary} {event.object_repr}"
        assert PHONE not in everything and "Jo Bloggs" not in everything


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STAFF])
def test_team_clinicians_see_alerts_with_contact_details(
    checkin: Any, client_for: Any, people: Any, role: str
) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    page = client_for(people[role]).get("/teams/team-a/alerts/").content.decode()
    assert PHONE in page and "Feels worse than before" in page


@pytest.mark.parametrize("who", [Role.ADMIN, Role.FACULTY, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER])
def test_other_roles_cannot_see_alerts(checkin: Any, client_for: Any, people: Any, who: str) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    response = client_for(people[who]).get("/teams/team-a/alerts/")
    assert response.status_code in (403, 404)
    assert PHONE not in response.content.decode()


def test_another_teams_lead_gets_not_found(checkin: Any, client_for: Any, people: Any) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    alert = Alert.objects.get()
    lead_b = client_for(people["team_b_lead"])
    assert lead_b.get("/teams/team-a/alerts/").status_code == 404
    assert lead_b.post(f"/teams/team-b/alerts/{alert.pk}/", {"decision": "acknowledge"}).status_code == 404
    assert Alert.objects.get().status == Alert.Status.NEW


def test_a_clinician_acknowledges_then_records_a_response_with_who_and_when(
    checkin: Any, client_for: Any, people: Any
) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, sooner="yes", how="phone", detail=PHONE))
    alert = Alert.objects.get()
    url = f"/teams/team-a/alerts/{alert.pk}/"
    client_for(people[Role.STAFF]).post(url, {"decision": "acknowledge"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED and alert.acknowledged_by == people[Role.STAFF]
    client_for(people[Role.TEAM_LEAD]).post(url, {"decision": "responded", "note": "Rang back"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESPONDED and alert.responded_by == people[Role.TEAM_LEAD]
    assert alert.responded_at is not None and alert.acknowledged_by == people[Role.STAFF]


def test_the_team_page_shows_open_alerts_to_clinicians_only(
    checkin: Any, client_for: Any, people: Any
) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    lead = client_for(people[Role.TEAM_LEAD]).get("/teams/team-a/").content.decode()
    assert "1 alert waiting for a response" in lead
    viewer = client_for(people[Role.VIEWER]).get("/teams/team-a/").content.decode()
    assert "check-in alert" not in viewer


def test_if_the_alert_cannot_be_saved_the_person_is_told_with_crisis_contacts_and_it_is_logged(
    checkin: Any, monkeypatch: Any, caplog: Any
) -> None:
    from django.db import DatabaseError

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(Alert, "save", broken)
    data = checkin_post(checkin, feeling="worse", how="phone", detail=PHONE, name="Jo Bloggs")
    with caplog.at_level("ERROR", logger="whatmatters.surveys.actions"):
        response = Client().post(f"/s/{checkin.code}/", data)
    page = response.content.decode()
    assert response.status_code == 503
    assert "Your answers were not sent" in page
    assert "does not know yet that you asked them to contact you" in page
    assert page.index("If you need help now") < page.index("<form")
    assert "NHS 111" in page and "116 123" in page and "999" in page
    assert f'value="{PHONE}"' in page and 'value="worse" checked' in page  # ready to send again
    # Nothing half-saved: no response without its alert.
    assert not Response.objects.exists() and not Alert.objects.exists()
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert logged and "could not be saved" in logged[0].getMessage()
    assert PHONE not in caplog.text and "Jo Bloggs" not in caplog.text


def test_sending_again_after_a_failure_raises_the_alert(checkin: Any, monkeypatch: Any) -> None:
    from django.db import DatabaseError

    original = Alert.save
    calls = {"n": 0}

    def fails_once(self: Alert, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise DatabaseError("database is locked")
        original(self, *args, **kwargs)

    monkeypatch.setattr(Alert, "save", fails_once)
    data = checkin_post(checkin, feeling="worse", how="phone", detail=PHONE)
    client = Client()
    failed = client.post(f"/s/{checkin.code}/", data)
    assert failed.status_code == 503
    assert Alert.objects.get().response is None  # saved apart, so the team knows at once
    again = {**data, "alert_ref": alert_ref(failed)}  # the form sends back which alert it raised
    assert client.post(f"/s/{checkin.code}/", again).status_code == 302
    alert = Alert.objects.get()
    assert alert.contact_detail == PHONE and alert.response == Response.objects.get()


def test_an_alert_is_audited_when_raised_with_the_check_in_as_the_actor(checkin: Any) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, sooner="yes", how="text", detail=PHONE))
    alert = Alert.objects.get()
    event = AuditEvent.objects.get(object_type="safety.alert", action="create")
    assert event.object_id == str(alert.pk) and event.team == checkin.team
    assert event.actor is None and "public link" in event.actor_label


def test_a_rate_limited_check_in_says_it_was_not_sent_and_gives_crisis_contacts(
    checkin: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 1
    client = Client()
    client.post(f"/s/{checkin.code}/", checkin_post(checkin))
    refused = client.post(
        f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE)
    )
    page = refused.content.decode()
    assert refused.status_code == 429
    assert "What you sent has not reached the team, so nobody will contact you about it" in page
    assert "116 123" in page and "NHS 111" in page
    assert not Alert.objects.exists()


def test_a_check_in_without_javascript_needs_only_a_plain_form_post(checkin: Any) -> None:
    page = Client().get(f"/s/{checkin.code}/").content.decode()
    assert '<form method="post"' in page and "<script" not in page.split("<main", 1)[1]
    for words in (
        "How are you doing at the moment?",
        "Worse than before",
        "Would you like us to contact you?",
    ):
        assert words in page


def test_the_easy_read_check_in_uses_easy_words_and_still_raises_the_alert(checkin: Any) -> None:
    client = Client()
    page = client.get(f"/s/{checkin.code}/easy-read/").content.decode()
    assert "How are you now?" in page and "Phone me" in page
    response = client.post(
        f"/s/{checkin.code}/easy-read/", checkin_post(checkin, changed="worse", how="phone", detail=PHONE)
    )
    assert response["Location"] == f"/s/{checkin.code}/easy-read/thanks/?help=yes&alerted=yes&contact=yes"
    assert Alert.objects.get().reasons == ["Things have changed for the worse"]
    assert Response.objects.get().easy_read is True


def test_the_thanks_page_promises_contact_within_the_set_number_of_days(checkin: Any, settings: Any) -> None:
    settings.SURVEYS_ALERT_RESPONSE_DAYS = 3
    response = Client().post(
        f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE)
    )
    assert "in the way you chose, within 3 days" in Client().get(response["Location"]).content.decode()


def test_the_alerts_page_makes_the_same_number_of_queries_for_3_or_30_alerts(
    checkin: Any, client_for: Any, people: Any, django_assert_max_num_queries: Any
) -> None:

    def raise_alerts(n: int) -> None:
        for _ in range(n):
            alert = checkin_alert(checkin, {checkin.questions.get(kind="checkin_feeling").pk: "worse"}, PHONE)
            if alert.pk % 2:
                alerts.responded(alert, people[Role.STAFF])

    client = client_for(people[Role.STAFF])
    raise_alerts(3)
    with django_assert_max_num_queries(40) as few:
        assert client.get("/teams/team-a/alerts/").status_code == 200
    raise_alerts(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/teams/team-a/alerts/").status_code == 200
