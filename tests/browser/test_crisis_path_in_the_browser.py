"""The crisis path in real Chromium at 360 px, JavaScript on and off, with axe checks: a person who says
they are worse, or writes words that may mean risk, sees the crisis contacts first (with a missing answer,
and when saving fails) and the team lead finds the alert on their start page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "07700 900456"  # a drama number: never a real person's
RISK = "Waiting this long I feel like I can't go on"
JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["javascript on", "javascript off"])


def phone_page(browser: Browser, javascript: bool = True) -> Page:
    return browser.new_context(viewport=PHONE, java_script_enabled=javascript).new_page()


@pytest.fixture
def links(programme: Any, people: Any) -> dict[str, Any]:
    from whatmatters.engagement.models import EngagementSession
    from whatmatters.surveys import actions

    checkin = actions.create_survey(programme.team_a, "How are you while you wait?", "waiting", ["checkin"])
    checkin.questions.filter(kind="checkin_changed").update(required=True)
    session = EngagementSession.objects.create(
        team=programme.team_a, title="What matters day", held_on=date(2026, 6, 3), place="Day room"
    )
    return {"checkin": checkin, "session": session}


def send_statement(browser: Browser, javascript: bool, url: str, text: str) -> Page:
    """A service user writes on the public "What matters to you?" form and presses Send."""
    person = phone_page(browser, javascript)
    person.goto(url)
    person.get_by_label("What matters to you?").fill(text)
    person.get_by_role("group", name="How are you connected to the service?").get_by_label(
        "I use the service"
    ).check()
    person.get_by_role("button", name="Send").click()
    return person


def expect_help_first(page: Page) -> None:
    help_box = page.get_by_role("region", name="If you need help now")
    expect(help_box).to_be_visible()
    expect(help_box.get_by_text("Call Samaritans free on 116 123, day or night.")).to_be_visible()
    top = help_box.bounding_box()
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert top is not None and heading is not None and top["y"] < heading["y"], "help must come first"
    assert_accessible(page)
    assert_fits_a_phone(page)


@JAVASCRIPT
def test_a_worse_check_in_with_a_missing_answer_shows_help_at_once_and_raises_the_alert(
    live_server: Any, links: dict[str, Any], browser: Browser, javascript: bool
) -> None:
    from whatmatters.safety.models import Alert

    person = phone_page(browser, javascript)
    person.goto(f"{live_server.url}/s/{links['checkin'].code}/")
    person.get_by_role("group", name="How are you doing at the moment?").get_by_label(
        "Worse than before"
    ).check()
    person.get_by_role(
        "group", name="Do you need to talk to someone sooner than your appointment?"
    ).get_by_label("Yes", exact=True).check()
    person.get_by_role("group", name="Would you like us to contact you?").get_by_label("Phone call").check()
    person.get_by_label("Your phone number or email address").fill(NUMBER)
    person.get_by_role("button", name="Send").click()

    expect_help_first(person)
    expect(person.get_by_text("There is a problem")).to_be_visible()
    expect(person.get_by_text("A clinician will contact you in the way you chose")).to_be_visible()
    expect(person.get_by_label("Your phone number or email address")).to_have_value(NUMBER)
    alert = Alert.objects.get()
    assert alert.contact_detail == NUMBER and "Feels worse than before" in alert.reasons
    person.context.close()


@JAVASCRIPT
def test_words_that_may_mean_risk_show_help_and_the_lead_finds_the_alert_on_their_start_page(
    live_server: Any, links: dict[str, Any], people: Any, browser: Browser, javascript: bool
) -> None:
    from whatmatters.teams.roles import Role

    person = send_statement(browser, javascript, live_server.url + links["session"].public_path(), RISK)
    expect_help_first(person)
    expect(person.get_by_text("We have told the team leaders what you wrote")).to_be_visible()
    person.context.close()

    lead = phone_page(browser, javascript)
    sign_in(lead, live_server.url, people[Role.TEAM_LEAD].email, PASSWORD)
    expect(lead.get_by_text("Team A: 1 alert waiting for a response")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("link", name="Team A: 1 alert waiting for a response").click()
    expect(lead.get_by_text(RISK)).to_be_visible()
    assert_accessible(lead)
    assert_fits_a_phone(lead)
    lead.context.close()


@JAVASCRIPT
def test_a_statement_that_cannot_be_saved_still_shows_help_and_keeps_the_words_on_the_alert(
    live_server: Any, links: dict[str, Any], browser: Browser, javascript: bool, monkeypatch: Any
) -> None:
    from django.db import DatabaseError

    from whatmatters.engagement import actions
    from whatmatters.safety.models import Alert

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(actions, "arrive", broken)
    person = send_statement(browser, javascript, live_server.url + links["session"].public_path(), RISK)
    expect_help_first(person)
    expect(person.get_by_role("heading", name="Your answers were not sent")).to_be_visible()
    expect(person.get_by_label("What matters to you?")).to_have_value(RISK)
    assert Alert.objects.get().words == RISK
    person.context.close()
