"""The crisis path on every public form: words or answers that say someone may need help show the crisis
contacts at once — even when the form comes back with an error or saving fails — the answer is held, and the
team's leads are alerted by email, with faculty told if nobody answers in time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import alert_ref
from tests.surveys.conftest import checkin_post, field
from whatmatters.safety import alerts
from whatmatters.safety.models import Alert

pytestmark = pytest.mark.django_db
PHONE = "07700 900123"
RISK = "I have been waiting so long I want to end my life"


def _statement(session: Any, text: str, **extra: str) -> dict[str, str]:
    return {"text": text, "relationship": "service_user", "stage": "waiting", **extra}


def _help_before(page: str, marker: str) -> None:
    assert "If you need help now" in page, "the urgent crisis box is missing"
    assert page.index("If you need help now") < page.index(marker)
    assert "NHS 111" in page and "116 123" in page and "999" in page


# --- Check-ins --------------------------------------------------------------------------------------------


def test_a_worse_check_in_missing_a_needed_answer_still_shows_help_and_raises_the_alert(
    checkin: Any, staff_team: Any
) -> None:
    data = checkin_post(checkin, feeling="worse", sooner="yes", how="phone", detail=PHONE)
    del data[field(checkin, "checkin_changed")]
    response = Client().post(f"/s/{checkin.code}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    _help_before(page, "There is a problem")
    assert "A clinician will contact you" in page
    alert = Alert.objects.get()
    assert alert.response is None and alert.contact_detail == PHONE
    assert alert.reasons == ["Feels worse than before", "Needs to talk to someone sooner"]
    assert [m.to for m in mail.outbox] == [["lead@example.com"]]


def test_sending_the_corrected_check_in_links_the_same_alert_instead_of_raising_another(
    checkin: Any, staff_team: Any
) -> None:
    client = Client()
    data = checkin_post(checkin, feeling="worse", sooner="yes", how="phone", detail=PHONE)
    missing = {k: v for k, v in data.items() if k != field(checkin, "checkin_changed")}
    first = client.post(f"/s/{checkin.code}/", missing)
    response = client.post(f"/s/{checkin.code}/", {**data, "alert_ref": alert_ref(first)})
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.response is not None and alert.source == Alert.Source.CHECKIN
    assert len(mail.outbox) == 1


def test_a_worse_check_in_without_a_contact_shows_help_but_raises_no_alert(checkin: Any) -> None:
    data = checkin_post(checkin, feeling="worse")
    del data[field(checkin, "checkin_changed")]
    response = Client().post(f"/s/{checkin.code}/", data)
    _help_before(response.content.decode(), "There is a problem")
    assert not Alert.objects.exists()


def test_a_database_error_while_saving_a_check_in_still_shows_help_and_raises_the_alert(
    checkin: Any, staff_team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatmatters.surveys import actions

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(actions, "submit", broken)
    response = Client().post(
        f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE)
    )
    assert response.status_code == 503
    page = response.content.decode()
    _help_before(page, "Your answers were not sent")
    assert "We have told the team leaders" in page
    alert = Alert.objects.get()
    assert alert.contact_detail == PHONE and alert.response is None


# --- Statements and excellence reports ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [RISK, "i cant go on like this", "Some days I think about killing myself", "I want to hurt someone"],
)
def test_words_that_signal_risk_hold_the_statement_show_help_and_alert_the_leads(
    session: Any, staff_team: Any, text: str
) -> None:
    client = Client()
    response = client.post(session.public_path(), _statement(session, text))
    assert response.status_code == 302 and "help=yes" in response["Location"]
    alert = Alert.objects.get()
    assert alert.statement is not None and alert.statement.status == "held" and alert.risk
    page = client.get(response["Location"]).content.decode()
    _help_before(page, "What happens next")
    assert "we cannot contact you" in page
    assert [m.to for m in mail.outbox] == [["lead@example.com"]]
    assert (
        text not in mail.outbox[0].body
        and reverse("alerts", kwargs={"team": "team-a"}) in mail.outbox[0].body
    )


def test_dying_to_get_seen_is_not_an_alarm(session: Any, staff_team: Any) -> None:
    response = Client().post(session.public_path(), _statement(session, "I am dying to get seen by someone"))
    assert "help=yes" not in response["Location"]
    assert not Alert.objects.exists() and not mail.outbox


def test_please_call_me_back_is_held_and_the_leads_are_told(session: Any, staff_team: Any) -> None:
    response = Client().post(session.public_path(), _statement(session, "Please call me back about my wait"))
    assert "asked=yes" in response["Location"]
    alert = Alert.objects.get()
    assert alert.statement.status == "held" and not alert.risk
    page = Client().get(response["Location"]).content.decode()
    assert "we cannot contact you" in page


def test_risk_words_in_a_form_with_an_error_show_help_first_and_keep_the_words_on_the_alert(
    session: Any, staff_team: Any
) -> None:
    client = Client()
    response = client.post(session.public_path(), {"text": RISK})  # no relationship chosen
    assert response.status_code == 400
    _help_before(response.content.decode(), "There is a problem")
    alert = Alert.objects.get()
    assert alert.words == RISK and alert.statement is None
    client.post(session.public_path(), _statement(session, RISK, alert_ref=alert_ref(response)))
    alert.refresh_from_db()
    assert Alert.objects.count() == 1 and alert.statement is not None and alert.words == ""


def test_a_database_error_saving_a_statement_keeps_the_words_on_an_alert_saved_apart(
    session: Any, staff_team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatmatters.engagement import actions

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("database is locked")

    monkeypatch.setattr(actions, "arrive", broken)
    response = Client().post(session.public_path(), _statement(session, RISK))
    assert response.status_code == 503
    _help_before(response.content.decode(), "Your answers were not sent")
    assert Alert.objects.get().words == RISK


def test_when_the_alert_cannot_be_saved_either_the_leads_are_emailed_directly(
    session: Any, staff_team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatmatters.engagement import actions

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("database is locked")

    monkeypatch.setattr(actions, "arrive", broken)
    monkeypatch.setattr(alerts, "raise_alert", broken)
    response = Client().post(session.public_path(), _statement(session, RISK))
    assert response.status_code == 503
    _help_before(response.content.decode(), "Your answers were not sent")
    assert [m.to for m in mail.outbox] == [["lead@example.com"]]
    assert "could not save" in mail.outbox[0].body


def test_risk_words_in_an_excellence_report_raise_an_alert(link: Any, staff_team: Any) -> None:
    response = Client().post(
        link.public_path(), {"text": "The nurse helped, but I still feel like ending it all"}
    )
    assert "help=yes" in response["Location"]
    assert Alert.objects.get().excellence_report is not None


def test_words_typed_in_from_a_paper_card_raise_an_alert_too(session: Any, staff_team: Any) -> None:
    from whatmatters.engagement import actions

    actions.add_batch(
        session,
        ["Good staff", "I have thought about suicide"],
        relationship="carer",
        stage="waiting",
        consent=False,
    )
    assert Alert.objects.get().statement.text == "I have thought about suicide"


def test_a_person_slowed_down_by_the_rate_limit_still_sees_help_first(
    session: Any, settings: Any, staff_team: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 1
    client = Client()
    client.post(session.public_path(), _statement(session, "The wait is long"))
    response = client.post(session.public_path(), _statement(session, RISK))
    assert response.status_code == 429
    _help_before(response.content.decode(), "<h1>Please try again later")
    assert "has not reached the team" in response.content.decode()


# --- Who is told, and when ----------------------------------------------------------------------------------


def test_with_no_team_lead_the_faculty_are_told_at_once(session: Any, programme: Any, make_user: Any) -> None:
    from whatmatters.teams.roles import Role

    make_user(Role.FACULTY, email="faculty@example.com")
    Client().post(session.public_path(), _statement(session, RISK))
    assert [m.to for m in mail.outbox] == [["faculty@example.com"]]


def test_an_alert_nobody_answered_in_time_is_escalated_to_faculty_once(
    session: Any, staff_team: Any, settings: Any
) -> None:
    Client().post(session.public_path(), _statement(session, RISK))
    mail.outbox.clear()
    alert = Alert.objects.get()
    now = timezone.now()
    assert alerts.escalate_due(now) == 0
    later = now + dt.timedelta(days=settings.SURVEYS_ALERT_RESPONSE_DAYS, minutes=5)
    assert alerts.escalate_due(later) == 1
    assert [m.to for m in mail.outbox] == [["faculty@example.com"]]
    assert RISK not in mail.outbox[0].body
    assert alerts.escalate_due(later) == 0
    alert.refresh_from_db()
    assert alert.escalated_at is not None


def test_an_answered_alert_is_not_escalated(session: Any, staff_team: Any, settings: Any) -> None:
    Client().post(session.public_path(), _statement(session, RISK))
    alerts.responded(Alert.objects.get(), staff_team["staff"], "Rang the team")
    later = timezone.now() + dt.timedelta(days=settings.SURVEYS_ALERT_RESPONSE_DAYS + 1)
    assert alerts.escalate_due(later) == 0


def test_open_alerts_are_shown_on_the_start_page_of_the_teams_clinicians_only(
    session: Any, staff_team: Any, client_for: Any
) -> None:
    Client().post(session.public_path(), _statement(session, RISK))
    for who in ("lead", "staff"):
        page = client_for(staff_team[who]).get("/", follow=True).content.decode()
        assert "1 alert waiting for a response" in page
    page = client_for(staff_team["viewer"]).get("/", follow=True).content.decode()
    assert "alert waiting" not in page


def test_the_alerts_list_shows_the_words_and_who_answered_and_when(
    session: Any, staff_team: Any, client_for: Any
) -> None:
    Client().post(session.public_path(), _statement(session, RISK))
    alert = Alert.objects.get()
    lead = client_for(staff_team["lead"])
    page = lead.get(reverse("alerts", kwargs={"team": "team-a"})).content.decode()
    assert RISK in page and "They did not leave a way to contact them" in page
    lead.post(reverse("alert_update", kwargs={"team": "team-a", "pk": alert.pk}), {"decision": "acknowledge"})
    client_for(staff_team["staff"]).post(
        reverse("alert_update", kwargs={"team": "team-a", "pk": alert.pk}),
        {"decision": "responded", "note": "Passed to the duty worker"},
    )
    page = lead.get(reverse("alerts", kwargs={"team": "team-a"})).content.decode()
    done = page[page.index("<h2>Responded</h2>") :]
    assert staff_team["lead"].full_name in done and staff_team["staff"].full_name in done
    assert "Passed to the duty worker" in done
