"""Given a team with measures and what people said, a team lead makes and reads reports in Chromium.

Checked with axe-core for WCAG 2.2 A and AA; a report is made with the keyboard alone; pages work with
JavaScript off and at 360 px wide.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.reports.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead(programme: Any, make_user: Any) -> Any:
    from whatmatters.teams.roles import Role

    build_world(programme.team_a)
    return make_user(Role.TEAM_LEAD, programme.team_a, email="lead@example.com")


def ready_report(team: Any, audience: str) -> Any:
    import datetime as dt

    from whatmatters.reports.actions import request_report

    return request_report(team, audience, dt.date(2024, 1, 1), dt.date(2024, 12, 31), None)


def focused(page: Page) -> str:
    """The focused element's text, or a radio's value."""
    script = (
        "() => { const e = document.activeElement; return (e.innerText || e.value || e.id || '').trim(); }"
    )
    return page.evaluate(script)


def tab_to(page: Page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text (or a radio's value) starts with `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page).startswith(text):
            return
    raise AssertionError(f"Tab never reached {text!r}; the last focus was {focused(page)!r}")


def tab_to_field(page: Page, field_id: str, limit: int = 5) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == field_id:
            return
    raise AssertionError(f"Tab never reached #{field_id}")


@pytest.mark.parametrize("audience", ["committee", "qi-forum", "lived-experience"])
def test_a_report_page_has_no_accessibility_problems(
    live_server: Any, lead: Any, programme: Any, page: Page, audience: str
) -> None:
    report = ready_report(programme.team_a, audience)
    sign_in(page, live_server.url, "lead@example.com", PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team A: quality report")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    if audience == "lived-experience":
        expect(page.get_by_role("heading", name="What you told us, and what we are doing")).to_be_visible()
        expect(page.get_by_text("Getting better").first).to_be_visible()
    else:
        expect(page.get_by_role("img", name="Median wait in days", exact=False)).to_be_visible()
        expect(page.get_by_text("Improving: a change unlikely to be chance").first).to_be_visible()
    assert_accessible(page)


def test_the_history_and_the_form_with_its_errors_have_no_accessibility_problems(
    live_server: Any, lead: Any, programme: Any, page: Page
) -> None:
    ready_report(programme.team_a, "committee")
    sign_in(page, live_server.url, "lead@example.com", PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    assert_accessible(page)
    page.get_by_role("link", name="Make a report").click()
    page.get_by_role("button", name="Make the report").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("link", name="Choose who the report is for")).to_be_visible()
    assert_accessible(page)


def test_a_team_lead_makes_a_report_with_the_keyboard_alone(
    live_server: Any, lead: Any, browser: Browser
) -> None:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server.url, "lead@example.com", PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/reports/")
    tab_to(page, "Make a report")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a report")
    tab_to(page, "committee")  # the first choice
    page.keyboard.press("ArrowDown")  # the arrow keys move between radios: the QI forum
    expect(page.get_by_label("Quality improvement forum", exact=False)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("From")).to_be_focused()
    # Dates are typed as their hint says (YYYY-MM-DD) in a text box.
    page.keyboard.type("2024-01-01")
    expect(page.get_by_label("From")).to_have_value("2024-01-01")
    tab_to_field(page, "id_date_to")
    page.keyboard.type("2024-12-12")
    expect(page.get_by_label("To")).to_have_value("2024-12-12")
    tab_to(page, "Make the report")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team A: quality report")
    expect(page.get_by_text("Quality improvement forum, 1 January 2024 to 12 December 2024")).to_be_visible()
    expect(page.get_by_role("heading", name="Change ideas")).to_be_visible()
    tab_to(page, "Download the PDF")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == ("what-matters-team-a-qi-forum-2024-01-01-to-2024-12-12.pdf")
    context.close()


def test_a_report_page_works_without_javascript_on_a_phone(
    live_server: Any, lead: Any, programme: Any, browser: Browser
) -> None:
    report = ready_report(programme.team_a, "committee")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, "lead@example.com", PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team A: quality report")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    assert_accessible(page)
    context.close()
