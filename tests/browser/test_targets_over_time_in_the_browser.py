"""Given a measure with a single target, a team lead adds a planned reduction and a national standard on
the measure's targets page, is told which row is wrong, fixes it and sees both lines named on the chart,
in Chromium: with JavaScript on and off, and checked with axe-core (WCAG 2.2 A and AA) at every step.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.framework.factories import add_values, make_domain, make_measure
from whatmatters.teams.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_team_lead_sets_targets_over_time_and_sees_each_line_named(
    javascript: bool, live_server: Any, programme: Any, make_user: Any, browser: Browser
) -> None:
    lead = make_user(Role.TEAM_LEAD, programme.team_a)
    measure = make_measure(programme.team_a, make_domain(programme.team_a), target=20.0)
    add_values(measure, [10.0, 12.0] * 7)
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, live_server.url, lead.email, PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/measures/{measure.pk}/")
    page.get_by_role("link", name="Change the targets over time").click()
    expect(page.get_by_role("heading", name="Targets over time for Median wait in days")).to_be_visible()
    assert_accessible(page)

    row1 = page.get_by_role("group", name="Row 1")
    row1.get_by_label("From").fill("2024-01-01")
    row1.get_by_label("Value").fill("eight")
    row2 = page.get_by_role("group", name="Row 2")
    row2.get_by_label("From").fill("2023-01-01")
    row2.get_by_label("Value").fill("4")
    row2.get_by_label("Line").fill("National standard")
    page.get_by_role("button", name="Save targets").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 1: Enter the value as a number")
    assert_accessible(page)

    page.get_by_role("link", name="Row 1: Enter the value as a number").click()
    value = page.get_by_role("group", name="Row 1").get_by_label("Value")
    expect(value).to_be_focused()
    value.fill("8")
    page.get_by_role("button", name="Save targets").click()
    expect(page.get_by_text("The targets over time have been saved (2 rows)")).to_be_visible()
    expect(page.get_by_role("heading", name="Targets over time")).to_be_visible()
    expect(page.get_by_text("The national standard is 4 days.", exact=False).first).to_be_visible()
    assert_accessible(page)
    context.close()
