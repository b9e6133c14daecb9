"""Given the demo programme, a team lead follows "Add a measure" from a driver on an aim's page, by keyboard,
and the new-measure form opens linked to that aim; checked with axe-core for WCAG 2.2 A and AA."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AIM = "Start help within 4 weeks of referral"
DRIVER = "Assessment leads straight to help"


def test_add_a_measure_from_a_driver_opens_the_form_linked_to_its_aim(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(f"{live_server.url}/teams/cert/plan/")
    card = page.get_by_role("region", name=AIM)
    expect(card.get_by_role("link", name="Add a measure for this aim")).to_be_visible()
    card.get_by_role("link", name=AIM, exact=True).click()
    link = page.get_by_role("link", name=f"Add a measure for the primary driver: {DRIVER}")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a measure")
    expect(page.get_by_text(f"For the driver “{DRIVER}”, under the aim “{AIM}”.")).to_be_visible()
    expect(page.get_by_label("The aim it measures")).to_have_value(
        page.get_by_label("The aim it measures").locator("option", has_text=AIM).get_attribute("value")
    )
    expect(page.get_by_role("radio", name="Process")).to_be_checked()
    assert_accessible(page)
