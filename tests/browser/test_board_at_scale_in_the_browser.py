"""Given a team whose theming board holds 5,000 cards, in real Chromium with axe checks, at 360 px wide and
on a desktop, and with JavaScript off: a facilitator goes through the board page by page, filters it by a
theme and a word, and moves a card with the keyboard; the board comes back with the same filters."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, sign_in
from tests.engagement import many_cards

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def board_of_5000(demo_programme: None) -> list[Any]:
    from whatmatters.engagement.models import EngagementSession, Theme

    session = EngagementSession.objects.filter(team__slug="cert").first()
    Theme.objects.filter(team__slug="cert").delete()  # only the fixture's themes, so the counts are known
    cards, themes = many_cards.make_cards(session, 5000)
    return themes


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(PHONE, True), (DESKTOP, True), (PHONE, False)],
    ids=["phone", "desktop", "phone without javascript"],
)
def test_a_facilitator_pages_and_filters_a_board_of_5000_cards(
    live_server: Any, board_of_5000: list[Any], browser: Browser, viewport: dict, javascript: bool
) -> None:
    from whatmatters.engagement.models import Placement, Statement

    page = browser.new_context(viewport=viewport, java_script_enabled=javascript).new_page()
    sign_in(page, live_server.url, "lead@example.com")
    response = page.goto(f"{live_server.url}/teams/cert/what-matters/board/")
    assert len(response.body()) < 300 * 1024
    expect(page.get_by_role("heading", level=1)).to_have_text("Theming board")
    expect(page.locator("#cards .wm-card")).to_have_count(50)
    expect(page.get_by_text("Page 1 of ")).to_be_visible()
    assert_accessible(page)
    if viewport is PHONE:
        assert_fits_a_phone(page)

    # The next page of cards.
    first_page = page.locator("#cards .wm-card__text").first.inner_text()
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of ")).to_be_visible()
    expect(page.locator("#cards .wm-card")).to_have_count(50)
    assert page.locator("#cards .wm-card__text").first.inner_text() != first_page
    assert_accessible(page)

    # Filter by a theme and a word.
    ward = board_of_5000[4]
    page.get_by_label("Cards", exact=True).select_option(label=ward.name)
    page.get_by_label("Words on the card").fill("evenings")
    page.get_by_role("button", name="Show cards").click()
    expect(page.get_by_role("heading", name=f"Cards in “{ward.name}”")).to_be_visible()
    expected = Placement.objects.filter(theme=ward, statement__text__icontains="evenings").count()
    expect(page.get_by_role("heading", name=f"Cards in “{ward.name}” ({expected:,})")).to_be_visible()
    texts = page.locator("#cards .wm-card__text").all_inner_texts()
    assert len(texts) == min(50, expected) and all("evenings" in text for text in texts)
    assert_accessible(page)
    if viewport is PHONE:
        assert_fits_a_phone(page)

    # Page 2 of the filtered cards keeps the filters; a card moved with the keyboard comes back to it.
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of ")).to_be_visible()
    card = page.locator("#cards .wm-card").first
    statement = Statement.objects.get(pk=int(card.get_attribute("data-statement")))
    select = card.get_by_label("Theme for this card")
    select.focus()
    page.keyboard.press("ArrowDown")
    chosen = int(select.input_value())
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past Move to "Also add": the card stays in this theme too
    expect(page.locator(":focus")).to_have_text(f"Also add card {statement.pk}")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Card moved to")).to_be_visible()
    assert statement.themes.filter(pk=chosen).exists() and statement.themes.filter(pk=ward.pk).exists()
    assert f"theme={ward.pk}" in page.url and "q=evenings" in page.url and "page=2" in page.url
    expect(page.get_by_text("Page 2 of ")).to_be_visible()
    assert page.url.endswith(f"#card-{statement.pk}-{ward.pk}")
    expect(page.locator(f"#card-{statement.pk}-{ward.pk}")).to_be_visible()
    if javascript:  # keyboard work carries on from the card (the "Card moved" banner does not take focus)
        expect(page.locator(f"#card-{statement.pk}-{ward.pk}")).to_be_focused()
    assert_accessible(page)
    page.context.close()
