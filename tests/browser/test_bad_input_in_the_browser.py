"""Bad input as a person meets it, in real Chromium at 360 px with axe checks: a phone that blocks cookies
still sends its answer, and a file over the upload limit is stopped with a page that says so."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript on", "javascript off"])
def test_a_phone_that_blocks_cookies_sends_what_matters_and_is_thanked(
    live_server: Any, programme: Any, browser: Browser, javascript: bool
) -> None:
    from whatmatters.engagement.models import EngagementSession, Statement

    session = EngagementSession.objects.create(
        team=programme.team_a, title="What matters day", held_on=date(2026, 6, 3), hold_every_answer=False
    )
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    person = context.new_page()
    person.goto(f"{live_server.url}/w/{session.code}/")
    context.clear_cookies()  # the phone keeps no cookie, so none goes back with the form
    person.get_by_label("What matters to you?").fill("Being told how long the wait will be")
    person.get_by_role("group", name="How are you connected to the service?").get_by_label(
        "I use the service"
    ).check()
    person.get_by_role("button", name="Send").click()
    expect(person.get_by_role("heading", level=1)).to_contain_text("Thank you")
    assert Statement.objects.get().text == "Being told how long the wait will be"
    context.close()


def test_a_values_file_over_the_limit_is_stopped_with_a_page_that_says_so(
    live_server: Any, people: Any, browser: Browser
) -> None:
    from whatmatters.framework.models import ValueImport
    from whatmatters.teams.roles import Role

    lead = people[Role.TEAM_LEAD]
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, live_server.url, lead.email, PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/values/import/")
    row = b"wait-days,team-a,2024-01-01,12\n"
    big = b"measure,team,period,value\n" + row * (6 * 1024 * 1024 // len(row))
    page.get_by_label("Upload a file").set_input_files(
        {"name": "values.csv", "mimeType": "text/csv", "buffer": big}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This file is too large")
    expect(page.get_by_text("larger than 5 MB")).to_be_visible()
    assert ValueImport.objects.count() == 0
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.screenshot(path="test-results/upload-too-large-360.png", full_page=True)
    page.get_by_role("link", name="Go back to the upload page").click()
    expect(page.get_by_label("Upload a file")).to_be_visible()
