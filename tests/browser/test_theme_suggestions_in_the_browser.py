"""In real Chromium, with the keyboard alone (Tab, Space, Enter and typing; never a click) and axe checks on
every page: a facilitator asks for suggested themes, accepts one, gets a clear message for a rename with no
name, renames and accepts another, then merges two groups and accepts the merged group; and with JavaScript
off, starts from the library of themes, rejects the empty answers and accepts a group."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.engagement.suggested_themes import EMPTY_ANSWERS, THREE_GROUPS, answered_session
from whatmatters.engagement.models import Placement, Theme, ThemeSuggestion
from whatmatters.teams.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = [
    *THREE_GROUPS,
    "Staff who listen and are kind to my family",
    "Parking at the clinic is impossible",
    "Nowhere to park near the clinic",
    *EMPTY_ANSWERS,
]


SHOTS = os.environ.get("WHATMATTERS_SCREENSHOTS", "")  # a folder to keep screenshots in, when set


def tab_to(page: Page, condition: str, presses: int = 250) -> None:
    """Press Tab until `condition` (JavaScript, about `el`, the focused element) is true."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({condition}); }}"):
            return
    pytest.fail(f"Tab never reached an element where {condition}")


def sign_in_by_typing(page: Page, base: str, email: str) -> None:
    """Sign in with the keyboard alone: Tab to each box, type, and Enter."""
    page.goto(f"{base}/sign-in/")
    tab_to(page, "el.labels && el.labels.length && el.labels[0].textContent.includes('Email address')")
    page.keyboard.type(email)
    tab_to(page, "el.type === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Sign out")).to_be_attached()


def button_of(pk: int, decision: str) -> str:
    return (
        f"el.tagName === 'BUTTON' && el.form && el.form.action.endsWith('/themes/suggest/{pk}/') && "
        f"el.form.elements.decision.value === '{decision}'"
    )


def test_a_suggestion_is_accepted_renamed_and_merged_with_the_keyboard_alone(
    live_server: Any, page: Page, programme: Any, make_user: Any
) -> None:
    answered_session(programme.team_a, TEXTS)
    user = make_user(Role.STAFF, programme.team_a)

    sign_in_by_typing(page, live_server.url, user.email)

    address = f"{live_server.url}/teams/team-a/what-matters/themes/suggest/"
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggested themes")
    assert_accessible(page)
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Suggest themes'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Nothing is on the board until you accept a group.")).to_be_visible()
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "suggested-themes.png"), full_page=True)
    groups = list(ThemeSuggestion.objects.undecided())
    assert len(groups) >= 4, [g.label for g in groups]
    assert Theme.objects.count() == 0

    # Accept the first group as it is.
    first = groups[0]
    tab_to(page, button_of(first.pk, "accept"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Theme “{first.label}” added with", exact=False)).to_be_visible()
    assert_accessible(page)
    assert Theme.objects.filter(name=first.label).exists()

    # A rename with no name says what to do, and the error summary leads to the box.
    second = groups[1]
    tab_to(page, f"el.id === 'name-{second.pk}'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Enter a new name for the theme")).to_be_visible()
    assert_accessible(page)
    # The error summary has focus: Tab reaches its link, Enter moves to the box, then type the name.
    tab_to(page, "el.tagName === 'A' && el.textContent.includes('Enter a new name for the theme')")
    page.keyboard.press("Enter")
    expect(page.locator(f"#name-{second.pk}")).to_be_focused()
    page.keyboard.type("Knowing about my medication")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Theme “Knowing about my medication” added with", exact=False)).to_be_visible()
    assert_accessible(page)
    second.refresh_from_db()
    assert second.status == "accepted" and second.theme.name == "Knowing about my medication"

    # Merge the next two groups, then accept the merged one.
    third, fourth = groups[2], groups[3]
    expected = set(third.cards.values_list("statement_id", flat=True)) | set(
        fourth.cards.values_list("statement_id", flat=True)
    )
    tab_to(page, f"el.id === 'merge-{third.pk}'")
    page.keyboard.press("Space")
    tab_to(page, f"el.id === 'merge-{fourth.pk}'")
    page.keyboard.press("Space")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Merge the chosen groups'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("2 groups merged into", exact=False)).to_be_visible()
    assert_accessible(page)
    fourth.refresh_from_db()
    assert fourth.status == "merged" and fourth.merged_into_id == third.pk
    assert Theme.objects.count() == 2  # merging moves nothing onto the board
    tab_to(page, button_of(third.pk, "accept"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Theme “{third.label}” added with", exact=False)).to_be_visible()
    assert_accessible(page)
    merged = Theme.objects.get(name=third.label)
    assert set(merged.statements.values_list("pk", flat=True)) == expected


def test_without_javascript_a_group_is_suggested_rejected_and_accepted_by_keyboard(
    live_server: Any, browser: Browser, programme: Any, make_user: Any
) -> None:
    answered_session(programme.team_a, TEXTS)
    user = make_user(Role.STAFF, programme.team_a)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_by_typing(page, live_server.url, user.email)
        page.goto(f"{live_server.url}/teams/team-a/what-matters/themes/suggest/")
        tab_to(page, "el.id === 'seeds-first'")
        page.keyboard.press("Space")  # start from the library of themes
        tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Suggest themes'")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Nothing is on the board until you accept a group.")).to_be_visible()
        assert_accessible(page)
        empty = ThemeSuggestion.objects.get(is_empty=True)
        tab_to(page, button_of(empty.pk, "reject"))
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Group “{empty.label}” rejected. No cards moved.")).to_be_visible()
        assert Placement.objects.count() == 0
        first = ThemeSuggestion.objects.undecided().first()
        tab_to(page, button_of(first.pk, "accept"))
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Theme “{first.label}” added with", exact=False)).to_be_visible()
        assert_accessible(page)
        assert Theme.objects.get().name == first.label
    finally:
        context.close()
