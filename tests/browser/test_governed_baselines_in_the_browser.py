"""Given a measure whose last 8 months are all below the average, a team lead reads the suggestion to start
new limits, is stopped without a reason, and accepts it with one, in Chromium: with the keyboard only, with
JavaScript off, and checked with axe-core (WCAG 2.2 A and AA) at every step.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.framework.factories import add_values, make_domain, make_measure
from tests.framework.test_governed_baselines import AFTER, BEFORE, REASON
from whatmatters.teams.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_team_lead_accepts_new_limits_with_a_reason_using_the_keyboard(
    javascript: bool, live_server: Any, programme: Any, make_user: Any, browser: Browser
) -> None:
    lead = make_user(Role.TEAM_LEAD, programme.team_a)
    measure = make_measure(programme.team_a, make_domain(programme.team_a))
    add_values(measure, BEFORE + AFTER)
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server.url, lead.email, PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/measures/{measure.pk}/")
    expect(page.get_by_role("heading", name="The limits could start again")).to_be_visible()
    panel = page.locator("#new-limits")
    expect(panel.get_by_text("The last 8 points are all below the average.")).to_be_visible()
    expect(page.get_by_role("img", name="Median wait in days", exact=False)).to_be_visible()
    assert_accessible(page)

    button = page.get_by_role("button", name="Start new limits from January 2024")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(
        page.get_by_text("Say what changed, so people know why the limits start again").first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Say what changed, so people know why the limits start again").click()
    reason = page.get_by_label("What changed, and why do you expect it to last?")
    expect(reason).to_be_focused()
    page.keyboard.type(REASON)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Start new limits from January 2024")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("New limits start from January 2024")).to_be_visible()
    expect(
        page.get_by_text(f"Limits recalculated from 1 January 2024 because {REASON}. Agreed by")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="The limits could start again")).to_have_count(0)
    assert_accessible(page)
    context.close()
