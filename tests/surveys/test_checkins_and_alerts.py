"""A waiting-well check-in: a worse answer shows crisis contacts at once and, with a contact route, raises an
alert that only the team's clinicians see; alerts are recorded and audited without the contact details."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.surveys.conftest import checkin_post
from whatmatters.audit.models import AuditEvent
from whatmatters.surveys.models import Alert, Response
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db
PHONE = "07700 900123"


def test_a_worse_check_in_shows_crisis_contacts_first_and_raises_an_alert(checkin: Any) -> None:
    client = Client()
    response = client.post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    assert response["Location"].endswith("/thanks/?help=yes&contact=yes")
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
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE, name="Jo Bloggs"))
    alert = Alert.objects.get()
    client_for(people[Role.STAFF]).post(
        f"/teams/team-a/surveys/alerts/{alert.pk}/", {"decision": "responded", "note": "Rang Jo Bloggs"}
    )
    events = AuditEvent.objects.filter(object_type="surveys.alert")
    assert events.count() == 2
    for event in events:
        everything = f"{event.changes} {event.summary} {event.object_repr}"
        assert PHONE not in everything and "Jo Bloggs" not in everything


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STAFF])
def test_team_clinicians_see_alerts_with_contact_details(checkin: Any, client_for: Any, people: Any, role: str) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    page = client_for(people[role]).get("/teams/team-a/surveys/alerts/").content.decode()
    assert PHONE in page and "Feels worse than before" in page


@pytest.mark.parametrize("who", [Role.ADMIN, Role.FACULTY, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER])
def test_other_roles_cannot_see_alerts(checkin: Any, client_for: Any, people: Any, who: str) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    response = client_for(people[who]).get("/teams/team-a/surveys/alerts/")
    assert response.status_code in (403, 404)
    assert PHONE not in response.content.decode()


def test_another_teams_lead_gets_not_found(checkin: Any, client_for: Any, people: Any) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    alert = Alert.objects.get()
    lead_b = client_for(people["team_b_lead"])
    assert lead_b.get("/teams/team-a/surveys/alerts/").status_code == 404
    assert lead_b.post(f"/teams/team-b/surveys/alerts/{alert.pk}/", {"decision": "acknowledge"}).status_code == 404
    assert Alert.objects.get().status == Alert.Status.NEW


def test_a_clinician_acknowledges_then_records_a_response_with_who_and_when(
    checkin: Any, client_for: Any, people: Any
) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, sooner="yes", how="phone", detail=PHONE))
    alert = Alert.objects.get()
    url = f"/teams/team-a/surveys/alerts/{alert.pk}/"
    client_for(people[Role.STAFF]).post(url, {"decision": "acknowledge"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED and alert.acknowledged_by == people[Role.STAFF]
    client_for(people[Role.TEAM_LEAD]).post(url, {"decision": "responded", "note": "Rang back"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESPONDED and alert.responded_by == people[Role.TEAM_LEAD]
    assert alert.responded_at is not None and alert.acknowledged_by == people[Role.STAFF]


def test_the_team_page_shows_open_alerts_to_clinicians_only(checkin: Any, client_for: Any, people: Any) -> None:
    Client().post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    lead = client_for(people[Role.TEAM_LEAD]).get("/teams/team-a/").content.decode()
    assert "1 check-in alert waiting for a response" in lead
    viewer = client_for(people[Role.VIEWER]).get("/teams/team-a/").content.decode()
    assert "check-in alert" not in viewer
