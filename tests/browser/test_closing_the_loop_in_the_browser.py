"""In real Chromium at 360 px wide, with axe checks: a person leaves an email address on the public form
(a wrong one first), later uses the stop link to delete it, and anyone reads "You said, we did" with where
each thing is up to."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript on", "javascript off"])
def test_a_person_asks_to_hear_what_we_do_and_later_stops_it_on_a_phone(
    live_server: Any, programme: Any, browser: Browser, javascript: bool
) -> None:
    from whatmatters.engagement import loop
    from whatmatters.engagement.models import ContactRoute, EngagementSession

    session = EngagementSession.objects.create(
        team=programme.team_a, title="What matters day", held_on=date(2025, 6, 3), hold_every_answer=False
    )
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/w/{session.code}/")
    expect(
        page.get_by_role("heading", name="Would you like us to tell you what we do about this?")
    ).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.get_by_label("What matters to you?").fill("Knowing who to ring when things get bad")
    page.get_by_label("I care for someone who uses the service").check()
    page.get_by_label("Email address (optional)").fill("sam at example")
    page.get_by_role("button", name="Send").click()
    expect(
        page.get_by_role("link", name="Enter an email address in the correct format, like name@example.com")
    ).to_be_visible()
    assert_accessible(page)
    assert ContactRoute.objects.count() == 0
    page.get_by_label("Email address (optional)").fill("sam@example.org")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    contact = ContactRoute.objects.get()
    assert contact.email == "sam@example.org"

    page.goto(live_server.url + loop.stop_path(contact))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop emails about what we do")
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Delete my email address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address has been deleted")
    assert_accessible(page)
    assert ContactRoute.objects.count() == 0
    context.close()


def test_you_said_we_did_shows_where_each_thing_is_up_to_on_a_phone(
    live_server: Any, programme: Any, browser: Browser
) -> None:
    from whatmatters.engagement import actions
    from whatmatters.engagement.models import DomainUpdate

    team = programme.team_a
    domain = actions.promote([actions.create_theme(team, "Waiting")], team, "I know how long I will wait", "")
    for status, text, day in (
        ("done", "We text the wait each month", date(2025, 3, 3)),
        ("in_progress", "A wait list you can see", date(2025, 4, 1)),
        ("planned", "Longer opening on Thursdays", date(2025, 5, 20)),
    ):
        DomainUpdate.objects.create(domain=domain, team=team, text=text, status=status, published_on=day)
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/you-said-we-did/{team.slug}/")
    expect(page.get_by_role("heading", level=2, name="“I know how long I will wait”")).to_be_visible()
    expect(page.get_by_text("3 March 2025")).to_be_visible()
    for word in ("Done", "In progress", "Planned"):
        expect(page.locator("strong.nhsuk-tag", has_text=word)).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
