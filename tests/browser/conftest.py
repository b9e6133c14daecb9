"""Playwright on Debian's Chromium (never a downloaded browser), against Django's live server."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (the npm package pinned in package.json) in the page; return its violations.

    axe needs timers, which never fire where JavaScript is off, so a page shown with JavaScript off is
    checked as it was served: its HTML is replayed into a JavaScript-on page with the same cookies and
    address, with the page's own scripts blocked.
    """
    if page.evaluate("() => matchMedia('(scripting: none)').matches"):
        return _axe_on_replayed_html(page)
    return _axe_in(page)


def _axe_on_replayed_html(page: Any) -> list[dict[str, Any]]:
    html, url = page.content(), page.url
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        context.add_cookies(page.context.cookies())
        replay = context.new_page()
        replay.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        replay.route("**/*.js", lambda route: route.abort())
        replay.goto(url)
        return _axe_in(replay)
    finally:
        context.close()


def _axe_in(page: Any) -> list[dict[str, Any]]:
    axe_path = os.path.join(os.path.dirname(__file__), "..", "..", "node_modules", "axe-core", "axe.min.js")
    # Evaluated through the browser's debugging protocol, which the page's CSP does not block
    # (a <script> tag would be blocked, as it should be).
    with open(axe_path, encoding="utf-8") as handle:
        page.evaluate(handle.read())
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


DEMO_PASSWORD = "WhatMatters-demo-2026"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo_programme() -> None:
    """The whole demo programme, as `make demo` loads it."""
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def sign_in(page: Any, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, and wait until the service shows the person as signed in."""
    from playwright.sync_api import expect

    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_attached()


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def assert_fits_a_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
