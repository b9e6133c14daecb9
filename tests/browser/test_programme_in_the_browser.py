"""Given a demo programme, when a person signs in with Chromium, then they can read the programme page.

Checked with axe-core for WCAG 2.2 A and AA, with JavaScript on and off, at desktop and phone widths.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_in_and_reads_the_programme(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "faculty@example.com")
    page.goto(f"{live_server.url}/programme/")  # signing in opens the start page
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme")
    expect(page.get_by_role("heading", name="Phase 1")).to_be_visible()
    cert = page.get_by_role("link", name="Community Enhancing Recovery Team (CERT)", exact=True)
    expect(cert).to_be_visible()
    expect(page.get_by_role("heading", name="Buddy pairs")).to_be_visible()
    expect(page.locator("body")).to_have_class("js-enabled nhsuk-frontend-supported")
    assert_accessible(page)


def test_the_sign_in_page_and_its_errors_are_accessible(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("link", name="Enter your email address")).to_be_visible()
    assert_accessible(page)


def test_the_programme_works_without_javascript(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(f"{live_server.url}/programme/")  # signing in opens the start page
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme")
    page.get_by_role("link", name="Community Enhancing Recovery Team (CERT)", exact=True).click()
    expect(page.get_by_role("heading", name="People and roles")).to_be_visible()
    context.close()


def test_the_programme_reads_well_on_a_phone(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, "faculty@example.com")
    page.goto(f"{live_server.url}/programme/")  # signing in opens the start page
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    assert_accessible(page)
    context.close()


def test_a_faculty_member_adds_a_team_with_the_keyboard(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "faculty@example.com")
    page.goto(f"{live_server.url}/programme/")  # signing in opens the start page
    page.get_by_role("link", name="Add a team").click()
    page.get_by_label("Team name").fill("Perinatal Mental Health Team")
    page.keyboard.press("Tab")
    page.keyboard.type("perinatal")
    page.get_by_role("button", name="Add team").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Perinatal Mental Health Team")
    assert_accessible(page)
