"""The data grid: every typed-in measure as a row, periods as columns, saved in one submit through the one
way values are written; one wrong cell saves nothing, says why at that cell and keeps everything typed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from tests.framework.factories import make_domain, make_measure, make_ratio_measure, months
from whatmatters.framework import grid
from whatmatters.framework.models import Value, ValueSource
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

YEAR = months(dt.date(2024, 1, 1), 12)
RANGE = "?frequency=monthly&to=2024-12-01&periods=12"


@pytest.fixture
def six_measures(programme: Any) -> list[Any]:
    """Six monthly measures typed in by hand: four single values and two with numerator and denominator;
    plus one fed by a survey and one weekly, which the monthly grid leaves out."""
    team = programme.team_a
    domain = make_domain(team)
    measures = [make_measure(team, domain, f"value-{n}", name=f"Value measure {n}") for n in range(4)]
    measures += [make_ratio_measure(team, domain, f"ratio-{n}", name=f"Ratio measure {n}") for n in range(2)]
    make_measure(team, domain, "from-a-survey", name="From a survey", data_source="survey")
    make_measure(team, domain, "weekly-calls", name="Weekly calls", frequency="weekly", chart="c")
    make_measure(programme.team_b, make_domain(programme.team_b), "value-0", name="Team B's measure")
    return measures


def url(team: str = "team-a", query: str = RANGE) -> str:
    return reverse("value_grid", kwargs={"team": team}) + query


def every_cell(measures: list[Any]) -> dict[str, str]:
    data = {}
    for i, measure in enumerate(measures):
        for j, period in enumerate(YEAR):
            key = f"m{measure.pk}_{period:%Y%m%d}"
            if measure.needs_denominator:
                data[f"{key}_numerator"] = str(10 + j)
                data[f"{key}_denominator"] = str(40 + i)
            else:
                data[f"{key}_value"] = str(20 + i + j / 2)
    return data


def typed(page: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


def test_the_grid_shows_every_typed_in_measure_of_the_team_as_rows_and_twelve_months_as_columns(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    page = client_for(people[Role.STAFF]).get(url()).content.decode()
    for measure in six_measures:
        assert measure.name in page
    assert "From a survey" not in page and "Weekly calls" not in page and "Team B" not in page
    headings = re.findall(r'<th scope="col" class="nhsuk-table__header">([^<]+)</th>', page)
    assert headings == [f"{m:%b %Y}" for m in YEAR]
    # A measure with a numerator and a denominator has a row for each; the others one row.
    assert page.count('inputmode="decimal"') == 12 * (4 + 2 * 2)
    assert 'aria-label="Ratio measure 0, numerator, January 2024"' in page


def test_twelve_months_of_six_measures_are_saved_in_one_submit(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])
    response = client.post(url(), every_cell(six_measures))
    assert response.status_code == 302 and response["Location"] == url()
    saved = Value.objects.filter(measure__in=six_measures)
    assert saved.count() == 72
    assert set(saved.values_list("source", "updated_by")) == {(ValueSource.GRID, people[Role.STAFF].pk)}
    ratio = saved.get(measure=six_measures[5], period=dt.date(2024, 3, 1))
    assert (ratio.numerator, ratio.denominator, ratio.value) == (12, 45, None)
    assert saved.get(measure=six_measures[1], period=dt.date(2024, 12, 1)).value == 26.5
    page = client.get(url()).content.decode()
    assert "Saved: 72 new, 0 changed, 0 unchanged" in page
    assert typed(page, f"m{six_measures[1].pk}_20241201_value") == "26.5"  # the grid shows what is stored


def test_one_bad_cell_saves_nothing_keeps_every_typed_value_and_says_why_at_that_cell(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    data = every_cell(six_measures)
    bad = f"m{six_measures[4].pk}_20240601_denominator"
    data[bad] = "0"
    response = client_for(people[Role.STAFF]).post(url(), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert Value.objects.count() == 0
    for name, value in data.items():
        assert typed(page, name) == value, name
    # The error sits at the cell, the box points at it, and the summary links to the box.
    assert re.search(
        rf'<span class="nhsuk-error-message" id="id_{bad}-error">.*?The denominator must be above 0\.</span>',
        page,
    )
    assert f'aria-describedby="id_{bad}-error"' in page
    assert f'href="#id_{bad}"' in page
    assert "Ratio measure 0, denominator, June 2024: The denominator must be above 0." in page
    assert "Nothing was saved" in page and page.count("nhsuk-error-message") == 1
    assert "<title>Error: " in page


def test_every_bad_cell_is_named_not_only_the_first(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    value, ratio = six_measures[0], six_measures[4]
    data = {
        f"m{value.pk}_20240101_value": "lots",
        f"m{value.pk}_20240201_value": "=1+1",
        f"m{ratio.pk}_20240301_numerator": "30",  # no denominator
        f"m{ratio.pk}_20240401_numerator": "50",
        f"m{ratio.pk}_20240401_denominator": "20",  # more than the denominator, for a percentage
        f"m{value.pk}_20240501_value": "12",  # good, but not saved while others are wrong
    }
    page = client_for(people[Role.STAFF]).post(url(), data).content.decode()
    links = re.findall(r'href="#(id_m[^"]+)"', page)
    # In the page's order: row by row (the plan lists "Ratio measure 0" before "Value measure 0").
    assert links == [
        f"id_m{ratio.pk}_20240401_numerator",
        f"id_m{ratio.pk}_20240301_denominator",
        f"id_m{value.pk}_20240101_value",
        f"id_m{value.pk}_20240201_value",
    ]
    assert Value.objects.count() == 0


def test_an_empty_cell_leaves_the_stored_value_and_its_note_alone(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    measure = six_measures[0]
    Value.objects.create(measure=measure, period=dt.date(2024, 1, 1), value=5, note="New adviser started")
    Value.objects.create(measure=measure, period=dt.date(2024, 2, 1), value=6, note="Kept")
    data = {f"m{measure.pk}_20240101_value": "", f"m{measure.pk}_20240201_value": "7"}
    response = client_for(people[Role.STAFF]).post(url(), data)
    assert response.status_code == 302
    january = Value.objects.get(measure=measure, period=dt.date(2024, 1, 1))
    february = Value.objects.get(measure=measure, period=dt.date(2024, 2, 1))
    assert (january.value, january.note) == (5, "New adviser started")
    assert (february.value, february.note) == (7, "Kept")


def hidden_fields(page: str) -> dict[str, str]:
    """Every box and hidden field of the grid as the browser would send it back untouched."""
    return dict(re.findall(r'<input[^>]*name="(m[^"]+)"[^>]*value="([^"]*)"', page))


def test_a_value_left_as_it_was_never_overwrites_a_change_saved_meanwhile(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    measure, other = six_measures[0], six_measures[1]
    stored = Value.objects.create(measure=measure, period=dt.date(2024, 1, 1), value=68)
    client = client_for(people[Role.STAFF])
    data = hidden_fields(client.get(url()).content.decode())
    assert data[f"m{measure.pk}_20240101_value"] == "68"
    Value.objects.filter(pk=stored.pk).update(value=66)  # an import, while the grid was open
    data[f"m{other.pk}_20240101_value"] = "12"  # the person changes another box only
    response = client.post(url(), data)
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.value == 66
    assert Value.objects.get(measure=other, period=dt.date(2024, 1, 1)).value == 12


def test_a_value_changed_by_someone_else_meanwhile_is_shown_before_it_is_replaced(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    measure = six_measures[0]
    stored = Value.objects.create(measure=measure, period=dt.date(2024, 1, 1), value=68)
    client = client_for(people[Role.STAFF])
    data = hidden_fields(client.get(url()).content.decode())
    Value.objects.filter(pk=stored.pk).update(value=66)
    name = f"m{measure.pk}_20240101_value"
    data[name] = "70"
    page = client.post(url(), data).content.decode()
    stored.refresh_from_db()
    assert stored.value == 66  # nothing saved
    assert "Someone else changed this since you opened the grid: it is now 66." in page
    assert typed(page, name) == "70"
    # Having seen it, saving again saves what the person typed.
    response = client.post(url(), hidden_fields(page))
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.value == 70


def test_a_changed_value_is_replaced_and_audited_like_any_typed_value(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.audit.models import AuditEvent

    measure = six_measures[0]
    stored = Value.objects.create(measure=measure, period=dt.date(2024, 1, 1), value=68)
    client_for(people[Role.STAFF]).post(url(), {f"m{measure.pk}_20240101_value": "66"})
    stored.refresh_from_db()
    assert stored.value == 66
    event = AuditEvent.objects.get(action="update", object_type="framework.value", object_id=str(stored.pk))
    assert event.changes["value"] == [68.0, 66.0]


def test_the_range_can_be_chosen_and_anything_odd_falls_back_to_the_last_twelve_periods() -> None:
    from django.http import QueryDict

    today = dt.date(2025, 3, 15)
    chosen = grid.range_from(QueryDict("frequency=monthly&to=2024-06-20&periods=6"), ["monthly"], today)
    assert chosen.periods == months(dt.date(2024, 1, 1), 6)
    odd = grid.range_from(QueryDict("frequency=daily&to=2031-01-01&periods=500"), ["monthly"], today)
    assert odd.periods == months(dt.date(2024, 3, 1), 12)  # up to February 2025, the last complete month
    weekly = grid.range_from(QueryDict("frequency=weekly&periods=3"), ["monthly", "weekly"], today)
    assert weekly.periods == [dt.date(2025, 2, 17), dt.date(2025, 2, 24), dt.date(2025, 3, 3)]  # weeks done


def test_a_future_month_cannot_be_typed_in(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    future = (dt.date.today().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    query = f"?frequency=monthly&to={future.isoformat()}&periods=3"
    page = client_for(people[Role.STAFF]).get(url(query=query)).content.decode()
    assert f"{future:%Y%m%d}" not in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EXPERT_BY_EXPERIENCE])
def test_people_who_do_not_enter_data_cannot_open_or_save_the_grid(
    role: str, six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[role])
    assert client.get(url()).status_code == 403
    assert client.post(url(), every_cell(six_measures)).status_code == 403
    assert Value.objects.count() == 0


def test_a_data_analyst_saves_the_grid(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    client_for(people[Role.DATA_ANALYST]).post(url(), every_cell(six_measures))
    assert Value.objects.count() == 72


def test_another_teams_measures_cannot_be_written_through_the_grid(
    six_measures: list[Any], programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.framework.models import Measure

    theirs = Measure.objects.get(team=programme.team_b)
    client_for(people[Role.STAFF]).post(url(), {f"m{theirs.pk}_20240101_value": "9"})
    assert not Value.objects.filter(measure=theirs).exists()
    assert client_for(people["team_b_lead"]).get(url()).status_code == 404


def test_the_enter_data_page_links_to_the_grid(
    six_measures: list[Any], people: dict[str, Any], client_for: Any
) -> None:
    page = client_for(people[Role.STAFF]).get(reverse("value_entry_index", kwargs={"team": "team-a"}))
    assert 'href="/teams/team-a/values/grid/"' in page.content.decode()


def test_the_grid_is_built_in_a_fixed_number_of_queries(
    six_measures: list[Any], people: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people[Role.STAFF])
    client.get(url())  # sign-in and session queries settle
    with django_assert_max_num_queries(12):
        client.get(url())
