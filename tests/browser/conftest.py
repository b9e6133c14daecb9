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
    """Run axe-core (the npm package pinned in package.json) in the page; return its violations."""
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
