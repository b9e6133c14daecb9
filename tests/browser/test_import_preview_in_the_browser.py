"""Given 68 typed by hand for March, a team lead uploads a file that says 66, on a phone with the keyboard
only: the preview lists 68 and 66 side by side, nothing is saved until "Save these values", the typed value
is replaced only because they ticked "Replace values typed by hand", and the measure page's History shows
both. Checked with axe-core (WCAG 2.2 A and AA) at every step, with JavaScript off and on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, sign_in
from tests.conftest import PASSWORD
from tests.framework.factories import make_domain, make_measure
from tests.framework.test_import_preview import HEADER
from tests.framework.test_importing_values import csv_bytes
from whatmatters.teams.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True])
def test_the_preview_lists_the_replacement_and_the_tick_replaces_a_typed_value(
    javascript: bool, live_server: Any, programme: Any, make_user: Any, browser: Browser
) -> None:
    from whatmatters.framework.measures.values import Row, Source, write_values
    from whatmatters.framework.models import Value

    lead = make_user(Role.TEAM_LEAD, programme.team_a)
    measure = make_measure(programme.team_a, make_domain(programme.team_a))
    march = dt.date(2024, 3, 1)
    write_values([Row(measure, march, value=68)], source=Source.TYPED, by=lead)
    data = csv_bytes(
        "wait-days,team-a,2024-02-01,70,,",
        "wait-days,team-a,2024-03-01,66,New adviser started,",
        header=HEADER,
    )
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server.url, lead.email, PASSWORD)
    page.goto(f"{live_server.url}/teams/team-a/values/import/")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "24-months.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Upload and check").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Nothing has been saved yet")).to_be_visible()
    kept = page.get_by_role("region", name="Values typed by hand: typed and in the file")
    expect(kept.get_by_role("rowheader")).to_contain_text("Median wait in days")
    expect(kept.get_by_role("cell", name="March 2024")).to_be_visible()
    expect(kept.get_by_role("cell", name="68", exact=True)).to_be_visible()
    expect(kept.get_by_role("cell", name="66", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Events from notes")).to_contain_text("New adviser started")
    assert Value.objects.get(measure=measure, period=march).value == 68
    assert_accessible(page)
    assert_fits_a_phone(page)

    tick = page.get_by_label("Replace values typed by hand")
    tick.focus()
    page.keyboard.press("Space")
    expect(tick).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save these values")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 new, 1 replaced")).to_be_visible()
    assert Value.objects.get(measure=measure, period=march).value == 66
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.goto(f"{live_server.url}/teams/team-a/measures/{measure.pk}/")
    summary = page.locator("summary", has_text="History of March 2024")
    summary.focus()
    page.keyboard.press("Enter")
    history = page.locator("details", has=summary)
    expect(history).to_contain_text("Replaced: 68 → 66")
    expect(history).to_contain_text("Typed on the form")
    assert_accessible(page)
    context.close()
