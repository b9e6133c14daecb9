"""Given the demo programme, a team lead reads the measurement plan and a chart, and enters data, in Chromium.

Checked with axe-core for WCAG 2.2 A and AA, with JavaScript off, and at 360 px wide.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def measure_url(code: str) -> str:
    from whatmatters.framework.models import Measure

    measure = Measure.objects.get(team__slug="cert", code=code)
    return f"/teams/cert/measures/{measure.pk}/"


def test_a_team_lead_reads_the_plan_the_driver_diagram_and_a_chart(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(f"{live_server.url}/teams/cert/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Measurement plan")
    assert_accessible(page)
    page.get_by_role("link", name="Start help within 4 weeks of referral").click()
    expect(page.get_by_text("Primary driver: Assessment leads straight to help", exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Driver diagram: Start help within 4 weeks of referral")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + measure_url("median-wait-days"))
    expect(
        page.get_by_role("img", name="Median wait from referral to first help", exact=False)
    ).to_be_visible()
    expect(page.get_by_text("Improving: a change unlikely to be chance").first).to_be_visible()
    expect(page.get_by_role("heading", name="Where this measure comes from")).to_be_visible()
    assert_accessible(page)


def test_entering_data_works_without_javascript_and_keeps_what_was_typed(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(f"{live_server.url}/teams/cert/values/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter data")
    from whatmatters.framework.measures.results import last_complete_period

    period = last_complete_period("monthly")
    page.get_by_role("link", name=f"{period:%B %Y}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enter data for")
    numerator = page.get_by_label(
        "Numerator: People waiting more than 2 weeks with a documented check-in or risk review."
    )
    numerator.fill("50")
    page.get_by_label("Denominator: People waiting more than 2 weeks at period end.").fill("20")
    page.get_by_role("button", name="Save values").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(
        page.get_by_label(
            "Numerator: People waiting more than 2 weeks with a documented check-in or risk review."
        )
    ).to_have_value("50")
    assert_accessible(page)
    context.close()


def test_a_measure_page_reads_well_on_a_phone(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(live_server.url + measure_url("community-4-week-wait"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Started help within 4 weeks of referral")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    assert_accessible(page)
    context.close()
