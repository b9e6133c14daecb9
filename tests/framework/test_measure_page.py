"""The measure page: SPC chart, both sentences, data table with missing periods, events and new baselines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.framework.factories import add_values, make_domain, make_measure
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.models import Annotation, Value
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

BEFORE = [40, 42, 39, 41, 43, 40, 38, 42, 41, 40, 39, 41]
AFTER = [30, 29, 31, 28, 30, 27, 29, 30, 28, 29, 31, 28]


def test_the_page_shows_the_chart_the_sentences_the_table_and_the_domain(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    add_values(plan["wait"], BEFORE + AFTER)
    url = reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk})
    page = client_for(people[Role.VIEWER]).get(url).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "Improving: a change unlikely to be chance" in page  # committee words, from CONTENT.md
    assert "Getting better" in page  # easy-read words
    assert "January 2023" in page and "December 2024" in page  # the data table
    assert "“I know what is happening while I wait”" in page
    assert "Operational definition" in page and "Median days from referral" in page


def test_missing_periods_are_visible_in_the_table(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    add_values(plan["wait"], BEFORE)
    Value.objects.filter(measure=plan["wait"], period=dt.date(2023, 5, 1)).delete()
    (item,) = results_for(plan["wait"].team, [plan["wait"]], as_of=dt.date(2024, 3, 14))
    # The grid runs to the last complete month, so late values show as missing too.
    assert item.missing_periods == [dt.date(2023, 5, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    assert item.periods[0] == dt.date(2023, 1, 1) and item.periods[-1] == dt.date(2024, 2, 1)
    page = (
        client_for(people[Role.VIEWER])
        .get(reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk}))
        .content.decode()
    )
    assert "Missing" in page


def test_weekly_grids_start_on_mondays(plan: dict[str, Any]) -> None:
    weekly = plan["weekly"]
    for start in (dt.date(2024, 1, 1), dt.date(2024, 1, 15)):
        Value.objects.create(measure=weekly, period=start, value=3)
    (item,) = results_for(weekly.team, [weekly], as_of=dt.date(2024, 1, 23))
    assert item.periods == [dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 15)]
    assert item.missing_periods == [dt.date(2024, 1, 8)]


def test_an_event_that_starts_a_new_baseline_recalculates_the_limits(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    add_values(plan["wait"], BEFORE + AFTER)
    client = client_for(people[Role.TEAM_LEAD])
    response = client.post(
        reverse("annotation_add", kwargs={"team": "team-a", "pk": plan["wait"].pk}),
        {
            "date": "2024-01-10",
            "kind": "change",
            "text": "New triage",
            "new_baseline": "on",
            "reason": "we triage daily",
        },
    )
    assert response.status_code == 302
    (item,) = results_for(plan["wait"].team, [plan["wait"]])
    groups = item.result.groups
    assert len(groups) == 2
    assert groups[1].start == dt.date(2024, 1, 1) and groups[1].reason == "we triage daily"
    assert round(groups[1].centre, 2) == round(sum(AFTER) / 12, 2)
    page = client.get(
        reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk})
    ).content.decode()
    assert "New baseline" in page and "we triage daily" in page


def test_a_new_baseline_needs_a_reason_and_the_form_keeps_what_was_typed(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.TEAM_LEAD]).post(
        reverse("annotation_add", kwargs={"team": "team-a", "pk": plan["wait"].pk}),
        {"date": "2024-01-10", "kind": "pdsa", "text": "Daily huddle", "new_baseline": "on", "reason": ""},
    )
    text = response.content.decode()
    assert "Say why the baseline starts again" in text and 'value="Daily huddle"' in text
    assert Annotation.objects.count() == 0


def test_an_event_without_a_new_baseline_keeps_one_set_of_limits(plan: dict[str, Any]) -> None:
    add_values(plan["wait"], BEFORE + AFTER)
    Annotation.objects.create(measure=plan["wait"], date=dt.date(2023, 6, 3), text="Staff away")
    (item,) = results_for(plan["wait"].team, [plan["wait"]])
    assert len(item.result.groups) == 1
    assert item.result.options.annotations[0].date == dt.date(2023, 6, 1)


def test_a_ratio_measure_is_charted_as_a_percentage(plan: dict[str, Any]) -> None:
    for i, period in enumerate([dt.date(2023, m, 1) for m in range(1, 13)]):
        Value.objects.create(measure=plan["ratio"], period=period, numerator=10 + i % 3, denominator=20)
    (item,) = results_for(plan["ratio"].team, [plan["ratio"]])
    assert item.result.chart == "p"
    assert item.result.values[0] == pytest.approx(50.0)


def test_one_function_gives_spc_results_for_all_a_teams_measures_in_few_queries(
    programme: Any, django_assert_max_num_queries: Any
) -> None:
    domain = make_domain(programme.team_a)
    for n in range(6):
        add_values(make_measure(programme.team_a, domain, f"m{n}"), BEFORE + AFTER)
    with django_assert_max_num_queries(4):  # measures, values, events and targets over time
        items = results_for(programme.team_a)
    assert len(items) == 6 and all(i.result is not None for i in items)


def test_the_measure_list_page_does_not_grow_queries_with_data(
    programme: Any, people: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    domain = make_domain(programme.team_a)
    for n in range(8):
        add_values(make_measure(programme.team_a, domain, f"m{n}"), BEFORE + AFTER)
    client = client_for(people[Role.VIEWER])
    with django_assert_max_num_queries(13):  # 12, and the two-factor check every signed-in page makes
        page = client.get(reverse("measure_list", kwargs={"team": "team-a"})).content.decode()
    assert page.count("Improving: a change unlikely to be chance") == 8


def test_another_teams_measure_is_not_found(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.VIEWER]).get(
        reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["other_team"].pk})
    )
    assert response.status_code == 404


def test_the_page_shows_the_approved_statements_behind_its_domain_and_links_to_the_trace(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.engagement import actions
    from whatmatters.engagement.models import EngagementSession, Theme

    team = plan["wait"].team
    session = EngagementSession.objects.create(
        team=team, title="Hub day", held_on=dt.date(2024, 1, 10), hold_every_answer=False
    )
    theme = Theme.objects.create(team=team, name="Knowing what happens while I wait")
    theme.domains.add(plan["domain"])
    said = actions.arrive(session, "A phone call every month while I wait", relationship="carer")
    held = actions.arrive(session, "Ring me on 07700 900123 about my wait", relationship="service_user")
    for statement in (said, held):
        actions.place(statement, theme)
    other_team_theme = Theme.objects.create(team=plan["other_team"].team, name="Another team's theme")
    other_team_theme.domains.add(plan["domain"])

    url = reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk})
    page = client_for(people[Role.VIEWER]).get(url).content.decode()
    assert "A phone call every month while I wait" in page
    assert "07700 900123" not in page  # held for a moderator: on no page until approved
    assert "Knowing what happens while I wait" in page
    assert "Another team&#39;s theme" not in page and "Another team's theme" not in page
    assert reverse("domain_trace", kwargs={"team": "team-a", "pk": plan["domain"].pk}) in page


def test_the_table_and_the_sentence_write_the_latest_value_the_same_way(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    # The table used to keep one decimal place (123.4); the sentence kept three significant figures (123).
    add_values(plan["wait"], [*BEFORE[:11], 123.4])
    url = reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk})
    page = client_for(people[Role.VIEWER]).get(url).content.decode()
    assert "123.4" not in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">123</td>' in page
    assert "123" in page.split("Operational definition")[0]
