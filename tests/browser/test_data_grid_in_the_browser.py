"""Given the demo programme, a team lead types a year of values into the data grid on a phone, with
JavaScript off and by keyboard: a wrong cell is named at the cell and in the error summary, nothing is saved
and everything typed stays; fixed, it all saves in one go. Checked with axe-core for WCAG 2.2 A and AA."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = [str(20 + month) if month != 5 else "abc" for month in range(12)]


def test_a_year_typed_into_the_grid_on_a_phone_without_javascript(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    from whatmatters.framework.models import Measure, Value
    from whatmatters.teams.models import Team

    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(f"{live_server.url}/teams/cert/values/")
    page.get_by_role("link", name="Type in many periods at once in the data grid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data grid")
    assert_accessible(page)
    assert_fits_a_phone(page)  # only the grid scrolls sideways, not the page
    region = page.get_by_role("region", name="Monthly values")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")

    # CERT's first typed-in monthly measure has a numerator and a denominator: a row for each.
    measure = Measure.objects.for_team(Team.objects.get(slug="cert")).filter(
        data_source="manual", frequency="monthly"
    )[0]
    assert measure.needs_denominator
    rows = region.locator("tbody tr", has=page.get_by_role("rowheader", name=measure.name))
    boxes, denominators = rows.nth(0).get_by_role("textbox"), rows.nth(1).get_by_role("textbox")
    assert boxes.count() == 12 and denominators.count() == 12
    for month in range(12):
        denominators.nth(month).fill("50")
    # By keyboard: the numerators' first box, then Tab along the row, typing a year of one measure.
    boxes.first.focus()
    for month in range(12):
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(TYPED[month])
        page.keyboard.press("Tab")
    before = Value.objects.count()
    page.get_by_role("button", name="Save all values").click()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    assert Value.objects.count() == before
    assert [boxes.nth(i).input_value() for i in range(12)] == TYPED
    sixth = boxes.nth(5)
    expect(sixth).to_have_attribute("aria-describedby", sixth.get_attribute("id") + "-error")
    page.get_by_role("alert").get_by_role("link").first.click()
    assert page.url.endswith("#" + sixth.get_attribute("id"))
    assert_accessible(page)

    sixth.fill("25")
    page.get_by_role("button", name="Save all values").click()
    expect(page.get_by_text("Saved:")).to_be_visible()
    fixed = [*TYPED[:5], "25", *TYPED[6:]]
    assert [boxes.nth(i).input_value() for i in range(12)] == fixed
    saved = list(Value.objects.filter(measure=measure).order_by("-period")[:12])
    assert sorted(v.numerator for v in saved) == sorted(float(t) for t in fixed)
    assert {v.denominator for v in saved} == {50}
    assert_accessible(page)
    context.close()
