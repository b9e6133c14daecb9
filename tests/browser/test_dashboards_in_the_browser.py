"""Given the demo programme, people read the team dashboard, the programme matrix and the buddy view, and
use learning, in Chromium: zero axe violations (WCAG 2.2 A and AA), keyboard only, JavaScript off, 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "team dashboard": ("/teams/cert/dashboard/", "Dashboard"),
    "programme matrix": ("/programme/dashboard/", "Programme dashboard"),
    "buddy view": (
        "/teams/cert/buddies/cmht-north/",
        "Community Enhancing Recovery Team (CERT) and Community Mental Health Team North",
    ),
    "learning": ("/teams/cert/learning/", "Learning"),
    "buddy log": ("/teams/cert/buddies/cmht-north/log/", "Shared learning log"),
}


def test_the_dashboards_and_learning_pages_have_no_accessibility_violations(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "lead@example.com")
    for path, heading in PAGES.values():
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.goto(live_server.url + "/teams/cert/dashboard/")
    expect(page.get_by_role("heading", name="What is going well")).to_be_visible()
    expect(page.get_by_role("heading", name="What needs attention")).to_be_visible()
    expect(page.get_by_text("Improving: a change unlikely to be chance").first).to_be_visible()
    page.goto(live_server.url + "/programme/dashboard/")
    matrix = page.get_by_role("table", name="Shared measures by team")
    expect(matrix.get_by_role("columnheader", name="Phase 1")).to_be_visible()
    expect(matrix.get_by_role("columnheader", name="Phase 2")).to_be_visible()


def test_the_team_dashboard_filters_with_the_keyboard_only(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(live_server.url + "/teams/cert/dashboard/")
    for _ in range(200):  # past the summary's grid, whose names link to their measures
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filter-domain":
            break
    else:
        pytest.fail("Tab never reached the domain filter")
    page.keyboard.press("ArrowDown")  # the first domain
    chosen = page.evaluate("document.activeElement.selectedOptions[0].textContent")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-type"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show measures")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/?domain=*")
    results = page.locator("#dashboard-results")
    expect(results.get_by_role("heading", level=3)).to_have_count(1)
    expect(results.get_by_role("heading", level=3)).to_have_text(f"“{chosen}”")
    expect(page.get_by_role("link", name="Show all measures")).to_be_visible()
    assert_accessible(page)


def test_the_dashboards_work_without_javascript(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "faculty@example.com")
    page.goto(live_server.url + "/programme/dashboard/")
    assert_accessible(page)
    page.get_by_role(
        "link", name="Community Enhancing Recovery Team (CERT) and Community Mental Health Team North"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGES["buddy view"][1])
    expect(page.locator(".wm-chart svg").first).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/teams/cert/dashboard/")
    page.get_by_label("Type of measure").select_option("balancing")
    page.get_by_role("button", name="Show measures").click()
    expect(page).to_have_url(f"{live_server.url}/teams/cert/dashboard/?domain=&type=balancing")
    from whatmatters.framework.models import Measure

    balancing = Measure.objects.filter(team__slug="cert", measure_type="balancing")
    rows = page.locator("#dashboard-results tbody tr")
    expect(rows).to_have_count(balancing.count())
    assert balancing.count() and set(rows.locator("th a").all_inner_texts()) == {m.name for m in balancing}
    assert_accessible(page)
    context.close()


def test_the_dashboards_read_well_on_a_phone(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, "faculty@example.com")
    for name in ("team dashboard", "programme matrix", "buddy view"):
        page.goto(live_server.url + PAGES[name][0])
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the {name} scrolls sideways on a phone ({width}px)"
        assert_accessible(page)
    context.close()


def test_a_service_user_tells_a_team_what_went_well_on_a_phone_without_javascript(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    from whatmatters.learning.models import ExcellenceLink, ExcellenceReport

    link = ExcellenceLink.objects.get(team__slug="cert")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + link.public_path())
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what went well")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what went well")
    assert_accessible(page)
    page.get_by_label("What went well?").fill("The duty worker rang me back the same afternoon")
    page.get_by_label("Who did it? (optional)").fill("the duty worker")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(page)
    context.close()
    report = ExcellenceReport.objects.get(text="The duty worker rang me back the same afternoon")
    assert report.status == ExcellenceReport.Status.APPROVED
