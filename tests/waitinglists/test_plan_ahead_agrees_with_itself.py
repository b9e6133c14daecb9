"""Plan ahead's numbers agree with each other on the page and in the CSV: one function
(`flow.forecast.plan`) works out the summary ("Where things stand"), the answer people ask for, the table
and the CSV. A date to meet the standard by that is today or past is refused with a clear message."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from whatmatters.flow import forecast
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ClockRuleChoice, ExtractTeam

pytestmark = pytest.mark.django_db

URL = "/teams/team-a/flow/plan-ahead/"
CSV = "/teams/team-a/flow/plan-ahead.csv"
CHOICES = ["", "?referral_growth_pct=20", "?capacity_change_pct=15&target_share=85", "?dna_rate_change=-5"]


@pytest.fixture
def lead(imported: dict[str, Any], make_user: Any, client_for: Any) -> Any:
    """Team A's waits counted to the first appointment: a rule the synthetic extract always stops, so
    there is a plan to check whatever the community rule needs."""
    ExtractTeam.objects.filter(code="CERT").update(clock_rule=ClockRuleChoice.FIRST_CONTACT)
    return client_for(make_user(Role.TEAM_LEAD, imported["CERT"]))


def summary(page: str) -> dict[str, str]:
    """The "Where things stand" rows, label to value."""
    key, value = '<dt class="nhsuk-summary-list__key">', '<dd class="nhsuk-summary-list__value">'
    pairs = re.findall(rf"{key}(.*?)</dt>{value}(.*?)</dd>", page)
    return {html.unescape(k): html.unescape(v) for k, v in pairs}


def needed_rows(rows: dict[str, str]) -> list[str]:
    return [v for k, v in rows.items() if "needed" in k]


@pytest.mark.parametrize("query", CHOICES)
def test_the_summary_the_answer_and_the_csv_give_the_same_appointments_needed(lead: Any, query: str) -> None:
    page = html.unescape(lead.get(f"{URL}{query}").content.decode())
    answer = re.search(r"the team needs about (\d+) appointments a week", page)
    assert answer, page
    assert needed_rows(summary(page)) == [answer.group(1)]  # one figure for what is needed, the same one
    table = list(csv.DictReader(io.StringIO(lead.get(f"{CSV}{query}").content.decode())))
    assert {row["appointments_needed"] for row in table} == {answer.group(1)}


@pytest.mark.parametrize("query", CHOICES[:2])
def test_the_people_helped_a_week_are_the_same_in_the_summary_and_the_answer(lead: Any, query: str) -> None:
    page = html.unescape(lead.get(f"{URL}{query}").content.decode())
    helped = re.search(r"Over the last 12 weeks it helped about ([\d.,]+) people a week", page)
    assert helped and summary(page)["People helped a week (last 12 weeks)"] == helped.group(1)


def test_the_csv_weeks_are_the_table_on_the_page(lead: Any) -> None:
    page = lead.get(URL).content.decode()
    table = list(csv.DictReader(io.StringIO(lead.get(CSV).content.decode())))
    cells = re.findall(r'<td class="nhsuk-table__cell">([^<]*)</td>', page)
    shown = [cells[i : i + 5] for i in range(0, len(cells), 5)]
    assert len(shown) == len(table[::4])  # the page shows every 4th week
    for row, on_page in zip(table[::4], shown, strict=True):
        assert f"{float(row['expected_waiting']):,.0f}" == on_page[1]
        assert f"{float(row['pct_within_standard']):.0f}" == on_page[4]


def test_the_summary_has_no_other_capacity_figure_that_could_disagree(lead: Any) -> None:
    """Before: 'People helped a week needed to keep the list at that size' (49) beside an answer of 38."""
    rows = summary(lead.get(URL).content.decode())
    assert not any("keep the list" in k or "in 26 weeks" in k for k in rows)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (date.today() - timedelta(days=30), "Choose a date after today"),
        (date.today(), "Choose a date after today"),
        (date.today() + timedelta(weeks=120), "Choose a date within 2 years from today"),
    ],
)
def test_a_date_to_meet_the_standard_by_that_is_past_today_or_too_far_is_refused(
    lead: Any, when: date, message: str
) -> None:
    page = html.unescape(lead.get(f"{URL}?target_date={when.isoformat()}").content.decode())
    assert "There is a problem" in page and message in page
    assert f'value="{when.isoformat()}"' in page  # what was typed is kept
    assert f"by the week starting {forecast._long_date(when)}" not in page


def test_the_forecast_itself_refuses_a_date_that_is_not_after_the_census() -> None:
    with pytest.raises(ValueError, match="must be after 29 November 2026, not 29 November 2026"):
        forecast.capacity_needed(
            np.ones(5),
            np.ones(4),
            forecast.Params(np.zeros(5), np.ones(5)),
            2,
            0.9,
            by_date=date(2026, 11, 29),
            today=date(2026, 11, 29),
        )
