"""Experience surveys in real Chromium at 360 px wide, with axe checks, JavaScript on and off:
an anonymous person completes a survey; a worsening check-in shows crisis contacts at once and raises an
alert a clinician sees on the team page; and the FFT measure for the month updates as answers arrive."""

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
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "07700 900456"  # a drama number: never a real person's
JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["javascript on", "javascript off"])


@pytest.fixture
def surveys(programme: Any, people: Any) -> dict[str, Any]:
    from whatmatters.framework.models import Domain
    from whatmatters.surveys import actions

    domain = Domain.objects.create(team=programme.team_a, i_statement="I know what is happening while I wait")
    team = programme.team_a
    fft = actions.create_survey(
        team,
        "Tell us about your experience",
        "treatment",
        ["fft", "collaborate", "domains", "what_matters", "who"],
        [domain],
    )
    session = actions.survey_session(fft)  # clean answers go straight to the board in these tests
    session.hold_every_answer = False
    session.save(update_fields=["hold_every_answer"])
    return {
        "fft": fft,
        "checkin": actions.create_survey(team, "How are you while you wait?", "waiting", ["checkin"]),
    }


def phone_page(browser: Browser, javascript: bool = True) -> Page:
    return browser.new_context(viewport=PHONE, java_script_enabled=javascript).new_page()


@JAVASCRIPT
def test_an_anonymous_person_completes_a_survey_on_a_phone(
    live_server: Any, surveys: dict[str, Any], browser: Browser, javascript: bool
) -> None:
    from whatmatters.surveys.models import Answer, Response

    survey = surveys["fft"]
    page = phone_page(browser, javascript)
    page.goto(f"{live_server.url}/s/{survey.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about your experience")
    expect(page.get_by_text("It takes about 2 minutes")).to_be_visible()
    expect(page.get_by_text("Samaritans free on 116 123")).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)

    page.get_by_role("button", name="Send").click()  # the FFT question is needed
    expect(page.get_by_role("link", name="Choose how your experience of our service was")).to_be_visible()
    assert_accessible(page)

    fft = page.get_by_role("group", name="Overall, how was your experience of our service?")
    fft.get_by_label("Good", exact=True).check()
    page.get_by_label("Please can you tell us why you gave your answer?").fill("Staff listened to me")
    first = page.get_by_role(
        "group", name="How much effort was made to help you understand your health issues?"
    )
    first.get_by_label("4: Every effort was made").check()
    page.get_by_role(
        "group", name="How well did we do at: I know what is happening while I wait?"
    ).get_by_label("Well", exact=True).check()
    page.get_by_label("I use the service").check()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
    saved = Response.objects.get(survey=survey)
    answers = dict(
        Answer.objects.filter(response=saved).exclude(value="").values_list("question__kind", "value")
    )
    assert answers == {"fft": "good", "collaborate": "4", "domain_rating": "4", "single": "service_user"}
    page.context.close()


@JAVASCRIPT
def test_the_easy_read_survey_works_on_a_phone(
    live_server: Any, surveys: dict[str, Any], browser: Browser, javascript: bool
) -> None:
    from whatmatters.surveys.models import Response

    survey = surveys["fft"]
    page = phone_page(browser, javascript)
    page.goto(f"{live_server.url}/s/{survey.code}/")
    page.get_by_role("link", name="Easy read version of this page").click()
    expect(page.get_by_role("group", name="How was our service?")).to_be_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.get_by_role("group", name="How was our service?").get_by_label("Very good").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert Response.objects.get(survey=survey).easy_read is True
    page.context.close()


@JAVASCRIPT
def test_a_worsening_check_in_shows_crisis_contacts_and_raises_an_alert_for_a_clinician(
    live_server: Any, surveys: dict[str, Any], people: Any, browser: Browser, javascript: bool
) -> None:
    from whatmatters.safety.models import Alert
    from whatmatters.teams.roles import Role

    checkin = surveys["checkin"]
    person = phone_page(browser, javascript)
    person.goto(f"{live_server.url}/s/{checkin.code}/")
    assert_accessible(person)
    assert_fits_a_phone(person)
    person.get_by_role("group", name="How are you doing at the moment?").get_by_label(
        "Worse than before"
    ).check()
    person.get_by_role("group", name="Has anything changed since you were referred to us?").get_by_label(
        "No", exact=True
    ).check()
    person.get_by_role(
        "group", name="Do you need to talk to someone sooner than your appointment?"
    ).get_by_label("Yes", exact=True).check()
    person.get_by_role("group", name="Would you like us to contact you?").get_by_label("Phone call").check()
    person.get_by_label("Your phone number or email address").fill(NUMBER)
    person.get_by_role("button", name="Send").click()

    expect(person.get_by_role("heading", level=1)).to_have_text(
        "Thank you. Please get help now if you need it"
    )
    for words in ("choose option 2", "Call 999 in an emergency", "Samaritans free on 116 123"):
        expect(person.get_by_text(words)).to_be_visible()
    expect(person.get_by_text("will contact you in the way you chose")).to_be_visible()
    assert_accessible(person)
    assert_fits_a_phone(person)
    alert = Alert.objects.get(team=checkin.team)
    assert alert.status == Alert.Status.NEW and alert.contact_detail == NUMBER
    person.context.close()

    clinician = phone_page(browser, javascript)
    sign_in(clinician, live_server.url, people[Role.STAFF].email, PASSWORD)
    clinician.goto(f"{live_server.url}/teams/team-a/")
    expect(clinician.get_by_text("1 alert waiting for a response")).to_be_visible()
    assert_accessible(clinician)
    clinician.get_by_role("link", name="See the alerts").click()
    expect(clinician.get_by_text(NUMBER)).to_be_visible()
    expect(clinician.get_by_text("Feels worse than before")).to_be_visible()
    assert_accessible(clinician)
    assert_fits_a_phone(clinician)
    clinician.get_by_label("What we did (optional)").fill("Phoned and booked an earlier appointment")
    clinician.get_by_role("button", name=f"We have responded to alert {alert.pk}").click()
    expect(clinician.get_by_text(f"Response to alert {alert.pk} recorded.")).to_be_visible()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESPONDED and alert.responded_by == people[Role.STAFF]
    clinician.context.close()


@JAVASCRIPT
def test_the_fft_measure_for_this_month_updates_as_answers_arrive(
    live_server: Any, surveys: dict[str, Any], people: Any, browser: Browser, javascript: bool
) -> None:
    from whatmatters.teams.roles import Role

    survey = surveys["fft"]

    def answer(choice: str) -> None:
        person = phone_page(browser, javascript)
        person.goto(f"{live_server.url}/s/{survey.code}/")
        person.get_by_role("group", name="Overall, how was your experience of our service?").get_by_label(
            choice, exact=True
        ).check()
        person.get_by_role("button", name="Send").click()
        expect(person.get_by_role("heading", name="Thank you")).to_be_visible()
        person.context.close()

    def newest_row(lead: Page) -> str:
        return lead.locator("table", has_text="Numerator").locator("tbody tr").first.inner_text()

    answer("Very good")
    lead = phone_page(browser, javascript)
    sign_in(lead, live_server.url, people[Role.TEAM_LEAD].email, PASSWORD)
    lead.goto(f"{live_server.url}/teams/team-a/surveys/{survey.pk}/results/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Results")
    assert_accessible(lead)
    assert_fits_a_phone(lead)
    lead.get_by_role("link", name="Friends and Family Test: % positive").click()
    row = newest_row(lead)
    assert "100%" in row and "1" in row

    answer("Don't know")  # counts in the denominator
    lead.reload()
    row = newest_row(lead)
    assert "50%" in row, row
    assert_accessible(lead)
    lead.context.close()


def test_a_written_answer_is_added_to_a_theme_from_the_results_page_without_javascript(
    live_server: Any, surveys: dict[str, Any], people: Any, browser: Browser
) -> None:
    from whatmatters.engagement import actions as engagement
    from whatmatters.teams.roles import Role

    survey = surveys["fft"]
    theme = engagement.create_theme(survey.team, "Knowing what is happening while I wait")
    person = phone_page(browser, javascript=False)
    person.goto(f"{live_server.url}/s/{survey.code}/")
    person.get_by_role("group", name="Overall, how was your experience of our service?").get_by_label(
        "Good", exact=True
    ).check()
    person.get_by_label("What matters to you now?").fill("Knowing who to ring while I wait")
    person.get_by_role("button", name="Send").click()
    expect(person.get_by_role("heading", name="Thank you")).to_be_visible()
    person.context.close()

    lead = phone_page(browser, javascript=False)
    sign_in(lead, live_server.url, people[Role.TEAM_LEAD].email, PASSWORD)
    lead.goto(f"{live_server.url}/teams/team-a/surveys/{survey.pk}/results/")
    expect(lead.get_by_text("Knowing who to ring while I wait")).to_be_visible()
    expect(lead.get_by_text("Not in a theme yet")).to_be_visible()
    assert_accessible(lead)
    assert_fits_a_phone(lead)
    lead.get_by_label("Theme for this answer").select_option(label=theme.name)
    lead.get_by_role("button", name="Add to the theme").click()
    expect(lead.get_by_text(f"Card moved to “{theme.name}”.")).to_be_visible()
    assert [s.text for s in theme.statements.all()] == ["Knowing who to ring while I wait"]
    lead.context.close()


def test_a_check_in_that_cannot_be_saved_says_so_and_shows_crisis_contacts_first(
    live_server: Any, surveys: dict[str, Any], browser: Browser, monkeypatch: Any
) -> None:
    from django.db import DatabaseError

    from whatmatters.safety.models import Alert
    from whatmatters.surveys.models import Response

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(Alert, "save", broken)
    checkin = surveys["checkin"]
    person = phone_page(browser, javascript=False)
    person.goto(f"{live_server.url}/s/{checkin.code}/")
    person.get_by_role("group", name="How are you doing at the moment?").get_by_label(
        "Worse than before"
    ).check()
    person.get_by_role("group", name="Has anything changed since you were referred to us?").get_by_label(
        "No", exact=True
    ).check()
    person.get_by_role(
        "group", name="Do you need to talk to someone sooner than your appointment?"
    ).get_by_label("Yes", exact=True).check()
    person.get_by_role("group", name="Would you like us to contact you?").get_by_label("Text message").check()
    person.get_by_label("Your phone number or email address").fill(NUMBER)
    person.get_by_role("button", name="Send").click()

    expect(person.get_by_role("heading", name="Your answers were not sent")).to_be_visible()
    expect(person.get_by_text("does not know yet that you asked them to contact you")).to_be_visible()
    expect(person.get_by_text("Samaritans free on 116 123").first).to_be_visible()
    expect(person.get_by_label("Your phone number or email address")).to_have_value(NUMBER)
    assert_accessible(person)
    assert_fits_a_phone(person)
    assert not Response.objects.exists()

    monkeypatch.undo()  # the database is back: sending again raises the alert
    person.get_by_role("button", name="Send").click()
    expect(person.get_by_role("heading", level=1)).to_have_text(
        "Thank you. Please get help now if you need it"
    )
    assert Alert.objects.get().contact_detail == NUMBER
    person.context.close()
