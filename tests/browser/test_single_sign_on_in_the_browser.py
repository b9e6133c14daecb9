"""Given a trust provider and an invited team lead, when they press "Sign in with …" in Chromium with
JavaScript off, then they sign in at the provider and land on their start page; someone nobody invited gets
a plain refusal page. Every page of ours is checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible
from tests.oidc_provider import running as provider_process
from tests.oidc_provider.running import NAME, RunningProvider
from whatmatters.teams.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_provider(tmp_path_factory: pytest.TempPathFactory, live_server: Any) -> Iterator[RunningProvider]:
    with provider_process.running(
        tmp_path_factory.mktemp("oidc-provider-browser"), app=live_server.url
    ) as running:
        yield running


@pytest.fixture
def configured(settings: Any, browser_provider: RunningProvider) -> Iterator[RunningProvider]:
    with provider_process.configured(settings, browser_provider, ["trust.nhs.uk"]) as ready:
        yield ready


def through_the_provider(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    expect(page.get_by_role("button", name=f"Sign in with {NAME}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Sign in with {NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: sign in")
    page.get_by_label("Work email address").fill(email)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_an_invited_team_lead_signs_in_through_the_provider_without_javascript(
    live_server: Any, configured: RunningProvider, browser: Browser, programme: Any, make_user: Any
) -> None:
    make_user(Role.TEAM_LEAD, programme.team_a, email="lead@trust.nhs.uk")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    through_the_provider(page, live_server.url, "lead@trust.nhs.uk")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your start page")
    assert_accessible(page)
    page.goto(f"{live_server.url}/sign-out/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert page.url == f"{live_server.url}/signed-out/"  # back from the provider's sign-out
    context.close()


def test_someone_nobody_invited_sees_a_plain_refusal(
    live_server: Any, configured: RunningProvider, browser: Browser, db: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    through_the_provider(page, live_server.url, "stranger@trust.nhs.uk")

    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have a What Matters account yet")
    expect(page.get_by_text("Ask your team's admin to invite you.")).to_be_visible()
    assert_accessible(page)
    context.close()
