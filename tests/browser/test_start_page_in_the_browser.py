"""Given the demo programme, when a person signs in with Chromium, then their start page shows their teams and
what needs them, each a link that opens, with the count in the header; accessible (axe, WCAG 2.2 AA) at
phone and desktop widths, with the keyboard, and without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def needs_links(page: Page) -> list[str]:
    return page.locator("ul.wm-needs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
@pytest.mark.parametrize(
    "email", ["faculty@example.com", "lead@example.com", "staff@example.com", "expert@example.com"]
)
def test_signing_in_opens_an_accessible_start_page(
    live_server: Any, demo_programme: None, browser: Browser, viewport: dict, email: str
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.url, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your start page")
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
    expect(page.locator("#your-teams")).to_be_visible()
    assert_accessible(page)
    if viewport == PHONE:
        assert_fits_a_phone(page)
    context.close()


def test_every_link_on_a_team_leads_start_page_opens(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "lead@example.com")
    links = needs_links(page)
    assert links, "the demo team lead should have something waiting"
    for href in links:
        response = page.goto(live_server.url + href)
        assert response is not None and response.status == 200, href
    page.goto(f"{live_server.url}/start/")
    expect(
        page.get_by_role("link", name="Community Enhancing Recovery Team (CERT) dashboard")
    ).to_be_visible()


def test_the_header_count_matches_the_start_page(live_server: Any, demo_programme: None, page: Page) -> None:
    from whatmatters.notices.needs import needs_for
    from whatmatters.teams.models import User

    total = needs_for(User.objects.get(email="lead@example.com")).total
    sign_in(page, live_server.url, "lead@example.com")
    if total:
        expect(page.locator(".wm-needs-count")).to_have_text(f" ({total})")
        # Read as "Start, 3 things need you" (the hidden words are a block of their own to the browser).
        named = re.compile(rf"^Start\s*,\s*{total} things? needs? you$")
        expect(page.get_by_role("link", name=named)).to_be_attached()
    else:
        expect(page.locator(".wm-needs-count")).to_have_count(0)


def test_the_start_page_works_with_the_keyboard_and_without_javascript(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "staff@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your start page")
    first = page.locator("section[aria-labelledby=your-teams] a").first
    first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Your start page")
    assert_accessible(page)
    context.close()


def test_a_person_turns_the_weekly_email_off_on_their_account_page(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "viewer@example.com")
    page.goto(f"{live_server.url}/account/")
    page.get_by_label("No, do not send it").check()
    page.get_by_role("button", name="Save email choice").click()
    expect(page.get_by_text("You will not get the weekly email.")).to_be_visible()
    expect(page.get_by_label("No, do not send it")).to_be_checked()
    assert_accessible(page)
