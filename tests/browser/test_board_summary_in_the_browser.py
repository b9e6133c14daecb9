"""Given the demo programme, a team lead reads CERT's dashboard, which opens with the summary icons matrix:
zero axe violations, keyboard only (the grid's names lead to their measures, a measure's chart opens with
Enter), no JavaScript needed, 360 px and 1280 px wide, and its ~30 measures in about 3 screens."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
SCREENS = 7.5  # about 7 today (it was about 33); the aim is about 3 (docs/dashboards-and-learning.md)
SHOTS = os.environ.get("WHATMATTERS_SCREENSHOTS", "")  # a folder to keep screenshots in, when set


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_dashboard_opens_with_the_summary_matrix_and_has_no_accessibility_violations(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(live_server.url + "/teams/cert/dashboard/")
    matrix = page.get_by_role("table", name="What changed, and whether the target will be met", exact=False)
    expect(matrix).to_be_visible()
    expect(matrix.get_by_role("columnheader", name="Will not meet the target without change")).to_be_visible()
    expect(matrix.get_by_role("rowheader", name="No significant change", exact=False)).to_be_visible()
    expect(page.get_by_text("Needs attention:", exact=False).first).to_be_visible()
    assert_accessible(page)
    shot(page, "dashboard-1280")
    # CERT's ~30 measures in a few screens (it was about 33): each measure's chart is one click away.
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"CERT's dashboard at 1280 px: {height}px, {height / DESKTOP['height']:.1f} screens")
    assert height <= SCREENS * DESKTOP["height"], f"{height}px is more than {SCREENS} screens"
    page.get_by_text("The summary as a table, one measure a row").click()
    expect(page.locator("#dashboard-summary-table")).to_be_visible()
    assert_accessible(page)


def test_the_summary_and_the_measures_work_with_the_keyboard_alone(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(live_server.url + "/teams/cert/dashboard/")
    first = page.locator("#dashboard-matrix a").first
    target = first.get_attribute("href")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#dashboard-matrix') !== null"):
            break
    else:
        pytest.fail("Tab never reached a name in the summary's grid")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/teams/cert/dashboard/{target}")
    card = page.locator(str(target))
    details = card.locator("details")
    assert not details.evaluate("d => d.open")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    page.keyboard.press("Enter")
    assert details.evaluate("d => d.open")
    expect(card.locator("svg[role=img]")).to_be_visible()


def test_the_dashboard_summary_works_without_javascript_on_a_phone(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "lead@example.com")
        page.goto(live_server.url + "/teams/cert/dashboard/")
        expect(page.locator("#dashboard-matrix")).to_be_attached()
        assert_fits_a_phone(page)  # the grid scrolls inside its own region, not the page
        page.locator("#dashboard-results details summary").first.click()  # opens without JavaScript
        expect(page.locator("#dashboard-results details[open] svg").first).to_be_visible()
        assert_accessible(page)
        shot(page, "dashboard-360")
    finally:
        context.close()
