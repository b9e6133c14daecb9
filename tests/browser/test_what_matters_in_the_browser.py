"""Given a demo programme, in real Chromium at 360 px wide, with axe checks:
an anonymous person says what matters to them (JavaScript on and off); a statement with an NHS number is held
and shown nowhere until a moderator approves it; a facilitator themes cards with the keyboard only; and the
vote splits add up."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    PHONE,
    assert_accessible,
    assert_fits_a_phone,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Valid by the modulus-11 rule, in the 999 range, and not in the demo data (which has 999 000 0018).
NHS_NUMBER = "999 765 4323"


def open_session_code() -> str:
    from whatmatters.engagement.models import EngagementSession

    return EngagementSession.objects.filter(team__slug="cert", is_open=True).first().code


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript on", "javascript off"])
def test_an_anonymous_person_says_what_matters_on_a_phone(
    live_server: Any, demo_programme: None, browser: Browser, javascript: bool
) -> None:
    from whatmatters.engagement.models import Statement

    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/w/{open_session_code()}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What matters to you?")
    expect(page.get_by_text("Samaritans free on 116 123")).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Send").click()  # nothing filled in
    expect(page.get_by_role("link", name="Enter what matters to you")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What matters to you?").fill("Being told how long I will wait, even if it is long")
    page.get_by_label("I care for someone who uses the service").check()
    page.get_by_label("Waiting to be seen").check()
    page.get_by_label("You can share my words with other people (without my name)").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_accessible(page)
    statement = Statement.objects.get(text="Being told how long I will wait, even if it is long")
    assert (statement.relationship, statement.stage, statement.consent_to_share) == ("carer", "waiting", True)
    context.close()


def test_a_statement_with_an_nhs_number_is_held_and_shown_nowhere_until_approved(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    public = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    public.goto(f"{live_server.url}/w/{open_session_code()}/")
    words = f"Please ring me back, my NHS number is {NHS_NUMBER}"
    public.get_by_label("What matters to you?").fill(words)
    public.get_by_label("I use the service").check()
    public.get_by_role("button", name="Send").click()
    expect(public.get_by_role("heading", name="Thank you")).to_be_visible()

    lead = browser.new_context(viewport=PHONE).new_page()
    sign_in(lead, live_server.url, "lead@example.com")
    lead.goto(f"{live_server.url}/teams/cert/what-matters/board/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Theming board")
    assert NHS_NUMBER not in lead.content()
    assert (
        NHS_NUMBER
        not in lead.request.get(f"{live_server.url}/api/v1/teams/cert/engagement/statements").text()
    )

    moderator = browser.new_context(viewport=PHONE).new_page()
    sign_in(moderator, live_server.url, "faculty@example.com")
    # On a phone the header's Moderation link sits under "More" beside the start page's: go there.
    moderator.goto(f"{live_server.url}/moderation/")
    moderator.get_by_role("link", name="Community Enhancing Recovery Team (CERT)", exact=True).click()
    expect(moderator.locator("mark", has_text=NHS_NUMBER)).to_be_visible()
    assert_accessible(moderator)
    card = moderator.locator(".wm-moderation", has=moderator.locator("mark", has_text=NHS_NUMBER))
    card.get_by_role("button", name="Approve as written").click()
    expect(moderator.get_by_text("approved.")).to_be_visible()

    lead.goto(f"{live_server.url}/teams/cert/what-matters/board/")
    expect(lead.get_by_text(words)).to_be_visible()


def test_a_facilitator_themes_cards_with_the_keyboard_only(
    live_server: Any, demo_programme: None, page: Page
) -> None:
    from whatmatters.engagement.models import Statement

    sign_in(page, live_server.url, "lead@example.com")
    page.goto(f"{live_server.url}/teams/cert/what-matters/board/")
    unsorted = page.locator("section[aria-labelledby=unsorted-heading] .wm-card").first
    text = unsorted.locator(".wm-card__text").inner_text()
    statement = Statement.objects.approved().get(team__slug="cert", text=text)
    # Plain controls: Tab to the card's theme list, choose with arrow keys, Tab to Move, press Enter.
    select = unsorted.get_by_label("Theme for this card")
    select.focus()
    page.keyboard.press("ArrowDown")
    chosen = select.input_value()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text(f"Move card {statement.pk}")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Card moved to")).to_be_visible()
    assert statement.themes.filter(pk=int(chosen)).exists()
    # The enhancement: focus a card and press a theme's number.
    unsorted = page.locator("section[aria-labelledby=unsorted-heading] .wm-card").first
    text = unsorted.locator(".wm-card__text").inner_text()
    second = Statement.objects.approved().get(team__slug="cert", text=text)
    unsorted.focus()
    page.keyboard.press("1")
    expect(page.get_by_text("Card moved to")).to_be_visible()
    first_theme = page.locator(".wm-column[data-theme-number='1']").get_attribute("data-theme")
    assert second.themes.filter(pk=int(first_theme)).exists()
    assert_accessible(page)


def test_vote_splits_add_up_on_the_results_page(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    from whatmatters.engagement.models import EngagementSession

    session = EngagementSession.objects.filter(team__slug="eip").first()
    voter = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    voter.goto(f"{live_server.url}/w/{session.code}/vote/")
    voter.get_by_label("I use the service").check()
    voter.locator("input[type=number]").first.fill("2")
    voter.get_by_role("button", name="Send my votes").click()
    expect(voter.get_by_role("heading", name="Thank you for voting")).to_be_visible()
    assert_accessible(voter)

    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, live_server.url, "expert@example.com")
    page.goto(f"{live_server.url}/teams/eip/what-matters/sessions/{session.pk}/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votes")
    rows = page.locator("table.wm-results tbody tr")
    assert rows.count() == 4

    def number(cell: Any) -> int:
        return (
            int(cell.inner_text().split()[-1].split("(")[0])
            if "(" not in cell.inner_text()
            else int(cell.inner_text().split("(")[0].split()[-1])
        )

    for i in range(rows.count()):
        row = rows.nth(i)
        people, staff, other, combined = (
            number(row.locator(f"td[data-group={group}]"))
            for group in ("people", "staff", "other", "combined")
        )
        assert people + staff + other == combined
    assert_accessible(page)
    assert_fits_a_phone(page)
