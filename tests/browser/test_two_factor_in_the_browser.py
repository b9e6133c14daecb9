"""Given a demo programme, when a team lead turns on two-factor sign-in in Chromium, then signing in asks for
a code from the app, refuses a wrong one and takes a recovery code.

Set-up runs with JavaScript off (it must work without it); every page is checked with axe-core.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DEMO_PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "lead@example.com"


def next_code(device: TOTPDevice) -> str:
    """The code the app shows now, or the next one if this one was used already (each works once)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    target = max(now, device.last_t + 1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + target - now)
    return f"{totp.token():0{device.digits}d}"


def password_step(page: Page, base: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def set_up_two_factor(page: Page, base: str) -> list[str]:
    password_step(page, base)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your start page")
    page.goto(f"{base}/account/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__email=EMAIL, confirmed=False)
    page.get_by_label("Code").fill(next_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    assert_accessible(page)
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    return codes


def test_a_team_lead_sets_up_two_factor_and_signs_in_with_codes(
    live_server: Any, demo_programme: None, browser: Browser
) -> None:
    base = live_server.url
    without_js = browser.new_context(java_script_enabled=False)
    codes = set_up_two_factor(without_js.new_page(), base)
    without_js.close()
    device = TOTPDevice.objects.get(user__email=EMAIL, confirmed=True)

    # A code from the app.
    context = browser.new_context()
    page = context.new_page()
    password_step(page, base)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    page.get_by_label("Code").fill(next_code(device))
    page.get_by_role("button", name="Finish signing in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your start page")
    context.close()

    # A wrong code, then a recovery code.
    context = browser.new_context()
    page = context.new_page()
    password_step(page, base)
    page.get_by_label("Code").fill("000000" if next_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Finish signing in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Finish signing in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your start page")
    assert_accessible(page)
    context.close()
