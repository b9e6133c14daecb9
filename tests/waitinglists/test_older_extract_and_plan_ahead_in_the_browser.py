"""In Chromium, on the demo: an older extract uploaded on the upload page asks "Import it as history, or
cancel" before anything is saved, and Plan ahead refuses a date in the past; both pages have no axe
violations (WCAG 2.2 A and AA) and work with JavaScript off."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (  # the Debian Chromium launch settings are a fixture there
    assert_accessible,
    browser_type_launch_args,  # noqa: F401
    sign_in,
)
from whatmatters.flow.synthetic import generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo() -> None:
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def older(tmp_path: Path) -> Path:
    """The docs' synthetic example: a year ending on 31 March 2022, older than the demo's extract."""
    generate(tmp_path, years=1, seed=1)
    return tmp_path


def upload_older(page: Page, base: str, folder: Path) -> None:
    page.goto(f"{base}/programme/waiting-lists/import/")
    page.get_by_label("referrals.csv").set_input_files(str(folder / "referrals.csv"))
    page.get_by_label("contacts.csv", exact=True).set_input_files(str(folder / "contacts.csv"))
    page.get_by_label("ward_stays.csv (if the extract has ward stays)").set_input_files(
        str(folder / "ward_stays.csv")
    )
    page.get_by_label("The date the extract was taken").fill("2022-03-31")
    page.get_by_role("button", name="Upload and check").click()


def test_an_older_extract_asks_first_on_an_accessible_page(
    live_server: Any, demo: None, older: Path, browser: Browser
) -> None:
    for scripting in (True, False):
        context = browser.new_context(java_script_enabled=scripting)
        page = context.new_page()
        sign_in(page, live_server.url, "admin@example.com")
        upload_older(page, live_server.url, older)
        question = "This extract ends on 31 March 2022; the one already loaded ends on"
        expect(page.get_by_text(question)).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Cancel").click()
        expect(page.get_by_text("Cancelled: nothing saved")).to_be_visible()
        context.close()


def test_plan_ahead_refuses_a_date_in_the_past_on_an_accessible_page(
    live_server: Any, demo: None, page: Page
) -> None:
    sign_in(page, live_server.url, "lead@example.com")
    page.goto(f"{live_server.url}/teams/cert/flow/plan-ahead/")
    expect(page.get_by_text("the team needs about")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Meet the standard by").fill("2020-01-31")
    page.get_by_role("button", name="Show what would happen").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a date after today")
    assert_accessible(page)
