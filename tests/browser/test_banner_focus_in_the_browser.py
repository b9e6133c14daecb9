"""In real Chromium, with axe checks: the "done" banner takes the focus on the page a person's action led to
(a form sent and the page it came back to), not on a later page that shows a banner left waiting, and not
from the board's card after a move (the board keeps the focus on the card: its own browser tests)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.browser.conftest import PHONE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEMES = "/teams/cert/what-matters/themes/"


def _rename(page: Any, base: str, pk: int, name: str) -> None:
    page.goto(f"{base}{THEMES}{pk}/edit/")
    page.get_by_label("Name of the theme").fill(name)
    page.locator("main form button[type=submit]").click()


def test_the_banner_takes_the_focus_right_after_the_action_and_not_on_a_later_page(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    from whatmatters.engagement.models import Theme

    theme = Theme.objects.filter(team__slug="cert").order_by("pk").first()
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in(page, live_server.url, "lead@example.com")
    _rename(page, live_server.url, theme.pk, "Being told how long the wait is")
    banner = page.locator(".nhsuk-notification-banner")
    expect(banner).to_contain_text("Theme renamed.")
    expect(banner).to_be_focused()
    assert_accessible(page)

    # The next rename's redirect is not followed (the connection dropped): the service answered it (and
    # kept its banner for the page it redirects to), but the browser shows another page instead.
    def dropped(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)
        assert answer.status == 302
        route.fulfill(status=200, content_type="text/html", body="<!DOCTYPE html><title>Elsewhere</title>")

    edit = f"{live_server.url}{THEMES}{theme.pk}/edit/"
    page.route(edit, dropped)
    _rename(page, live_server.url, theme.pk, "Kind words at the front desk")
    expect(page).to_have_title("Elsewhere")
    page.unroute(edit)
    page.goto(f"{live_server.url}/teams/cert/")
    expect(banner).to_contain_text("Theme renamed.")
    expect(banner).not_to_be_focused()
    assert page.evaluate("document.activeElement === document.body")
    assert_accessible(page)

    page.reload()  # shown once: nothing is left to take the focus
    expect(banner).to_have_count(0)
    page.context.close()
