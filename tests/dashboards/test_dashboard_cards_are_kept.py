"""The team dashboard keeps each measure's card, and the measure list each row, in the cache under the digest
of the measure's inputs (framework/measures/kept.py): a page read again is not analysed or drawn again, and a
new value, an event, a recalculation, a target change or a renamed measure shows at once, however it was
written. Team A's card never shows for team B, and the page is the same with keeping on or off."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.dashboards.conftest import IMPROVING, STEADY, WORSE, recent_start
from tests.framework.factories import add_values, make_domain, make_measure
from whatmatters.framework.measures import results as results_module
from whatmatters.framework.models import Annotation, Measure, MeasureTarget, Value
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_caches() -> None:
    caches["default"].clear()
    caches["pages"].clear()


@pytest.fixture
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the measures each page had to analyse (a kept card needs none)."""
    names: list[str] = []
    real = results_module.analyse

    def counting(items: Any) -> Any:
        names.extend(item.measure.name for item in items)
        return real(items)

    monkeypatch.setattr(results_module, "analyse", counting)
    from whatmatters.framework.measures import kept

    monkeypatch.setattr(kept, "analyse", counting)
    return names


def dashboard(client: Any, team: Any) -> str:
    answer = client.get(f"/teams/{team.slug}/dashboard/")
    assert answer.status_code == 200
    return answer.content.decode()


def measure_list(client: Any, team: Any) -> str:
    answer = client.get(f"/teams/{team.slug}/measures/")
    assert answer.status_code == 200
    return answer.content.decode()


def row(page: str, measure: Measure) -> str:
    return page.split(f'id="measure-{measure.pk}"')[1].split("</tr>")[0]


def list_row(page: str, measure: Measure) -> str:
    return page.split(f'/measures/{measure.pk}/"')[1].split("</tr>")[0]


@pytest.fixture
def lead(people: dict[str, Any], client_for: Any) -> Any:
    return client_for(people[Role.TEAM_LEAD])


@pytest.fixture
def wait(programme: Any, measures_in: Any) -> Measure:
    [measure] = measures_in(programme.team_a, [("wait-days", STEADY, {"target": 12})])
    return measure


def test_a_dashboard_read_again_analyses_nothing_and_shows_the_same(programme, lead, wait, analysed):
    first = dashboard(lead, programme.team_a)
    assert analysed == ["Wait days"]
    second = dashboard(lead, programme.team_a)
    assert analysed == ["Wait days"]  # the card was kept
    assert row(second, wait) == row(first, wait)


def test_only_the_measure_that_changed_is_analysed_again(programme, lead, measures_in, analysed):
    wait, other = measures_in(programme.team_a, [("wait-days", STEADY, {}), ("other", IMPROVING, {})])
    dashboard(lead, programme.team_a)
    analysed.clear()
    Value.objects.filter(measure=other).order_by("-period").update(value=30)
    dashboard(lead, programme.team_a)
    assert analysed == ["Other"]


def test_a_new_value_changes_the_card_shown(programme, lead, wait):
    assert "No new data since" not in row(dashboard(lead, programme.team_a), wait)
    latest = Value.objects.filter(measure=wait).latest("period")
    assert f"{latest.value:g} days" in row(dashboard(lead, programme.team_a), wait)
    Value.objects.create(measure=wait, period=recent_start(0), value=77)
    assert "77 days" in row(dashboard(lead, programme.team_a), wait)


def test_a_value_changed_without_any_signal_or_timestamp_changes_the_card(programme, lead, wait):
    dashboard(lead, programme.team_a)
    latest = Value.objects.filter(measure=wait).latest("period")
    # A bare UPDATE: no signal, no new updated_at; only the numbers differ.
    Value.objects.filter(pk=latest.pk).update(value=55)
    assert "55 days" in row(dashboard(lead, programme.team_a), wait)


def test_a_removed_value_changes_the_card(programme, lead, wait):
    dashboard(lead, programme.team_a)
    Value.objects.filter(measure=wait).latest("period").delete()
    assert "No new data since" in row(dashboard(lead, programme.team_a), wait)


def test_a_recalculation_changes_the_card(programme, lead, measures_in):
    [worse] = measures_in(programme.team_a, [("worse", WORSE, {"direction": "decrease"})])
    assert "Concern" in row(dashboard(lead, programme.team_a), worse)
    Annotation.objects.create(
        measure=worse, date=recent_start(8), text="New way of working", new_baseline=True, reason="Changed"
    )
    assert "Concern" not in row(dashboard(lead, programme.team_a), worse)


def test_an_event_makes_the_card_again(programme, lead, wait, analysed):
    dashboard(lead, programme.team_a)
    analysed.clear()
    Annotation.objects.create(measure=wait, date=recent_start(3), text="Extra clinic")
    dashboard(lead, programme.team_a)
    assert analysed == ["Wait days"]


def test_a_target_change_changes_the_card(programme, lead, wait):
    assert "12 days" in row(dashboard(lead, programme.team_a), wait)
    Measure.objects.filter(pk=wait.pk).update(target=25)
    page = dashboard(lead, programme.team_a)
    assert "25 days" in row(page, wait) and "12 days" not in row(page, wait)


def test_a_target_that_changes_over_time_changes_the_card(programme, lead, wait):
    before = row(dashboard(lead, programme.team_a), wait)
    assert "Will not meet the target without change" not in before
    MeasureTarget.objects.create(measure=wait, starts=recent_start(20), value=2)
    assert "Will not meet the target without change" in row(dashboard(lead, programme.team_a), wait)


def test_a_renamed_measure_changes_the_card_and_the_measure_list(programme, lead, wait):
    assert "Wait days</a>" in row(dashboard(lead, programme.team_a), wait)
    assert "Wait days</a>" in list_row(measure_list(lead, programme.team_a), wait)
    Measure.objects.filter(pk=wait.pk).update(name="Days waiting")
    assert "Days waiting</a>" in row(dashboard(lead, programme.team_a), wait)
    assert "Days waiting</a>" in list_row(measure_list(lead, programme.team_a), wait)


def test_the_measure_list_row_follows_a_new_value_and_sharing(programme, lead, wait):
    first = list_row(measure_list(lead, programme.team_a), wait)
    assert "Yes" in first  # measures_in shares them
    Value.objects.create(measure=wait, period=recent_start(0), value=66)
    Measure.objects.filter(pk=wait.pk).update(shared_with_programme=False)
    again = list_row(measure_list(lead, programme.team_a), wait)
    assert "66.0" in again and ">No<" in again.replace("</span>No", ">No<")


def test_team_as_card_never_shows_for_team_b(programme, people, client_for, measures_in):
    """The same measure with the same values in two teams: each team's page links to its own."""
    [ours] = measures_in(programme.team_a, [("wait-days", STEADY, {"target": 12})])
    [theirs] = measures_in(programme.team_b, [("wait-days", STEADY, {"target": 12})])
    a_page = dashboard(client_for(people[Role.TEAM_LEAD]), programme.team_a)
    b_page = dashboard(client_for(people["team_b_lead"]), programme.team_b)
    assert f"/teams/team-b/measures/{theirs.pk}/" in b_page
    assert "/teams/team-a/" not in b_page and f'id="measure-{ours.pk}"' not in b_page
    assert f"/teams/team-a/measures/{ours.pk}/" in a_page and "/teams/team-b/" not in a_page.split("<main")[1]
    b_list = measure_list(client_for(people["team_b_lead"]), programme.team_b)
    assert f"/teams/team-b/measures/{theirs.pk}/" in b_list and "/teams/team-a/" not in b_list


def test_a_card_kept_for_one_person_shows_nothing_of_theirs_to_another(programme, people, client_for, wait):
    """The card kept when the lead read the page is the one faculty read, and nothing of the lead's (their
    name in the header) comes with it."""
    lead, faculty = people[Role.TEAM_LEAD], people[Role.FACULTY]
    lead_page = dashboard(client_for(lead), programme.team_a)
    faculty_page = dashboard(client_for(faculty), programme.team_a)
    assert row(lead_page, wait) == row(faculty_page, wait)
    assert lead.full_name in lead_page and lead.full_name not in faculty_page
    assert faculty.full_name in faculty_page


def main_part(page: str) -> str:
    body = page.split("<main")[1].split("</main>")[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_the_pages_are_the_same_with_keeping_on_or_off(programme, lead, measures_in):
    measures_in(
        programme.team_a,
        [("wait-days", STEADY, {"target": 12}), ("better", IMPROVING, {}), ("worse", WORSE, {})],
    )
    measures_in(programme.team_a, [("empty", [], {})], domain=make_domain(programme.team_a, "Other"))
    with override_settings(WHATMATTERS_PAGE_CACHE=False):
        off = main_part(dashboard(lead, programme.team_a)), main_part(measure_list(lead, programme.team_a))
    dashboard(lead, programme.team_a), measure_list(lead, programme.team_a)  # kept now
    on = main_part(dashboard(lead, programme.team_a)), main_part(measure_list(lead, programme.team_a))
    assert on == off
    assert "Empty" in on[0] and "Better" in on[1]


def test_kept_and_fresh_dashboards_ask_the_database_the_same_number_of_queries(programme, lead, wait):
    with CaptureQueriesContext(connection) as fresh:
        dashboard(lead, programme.team_a)
    with CaptureQueriesContext(connection) as kept:
        dashboard(lead, programme.team_a)
    assert len(kept.captured_queries) == len(fresh.captured_queries)


def test_the_measure_list_loads_with_a_fixed_number_of_queries_however_many_measures(
    programme, lead, wait, django_assert_max_num_queries
):
    measure_list(lead, programme.team_a)
    with CaptureQueriesContext(connection) as one:
        measure_list(lead, programme.team_a)
    for i in range(1, 8):
        m = make_measure(programme.team_a, make_domain(programme.team_a, f"D {i}"), code=f"m-{i}")
        add_values(m, WORSE, start=recent_start(len(WORSE)))
        Annotation.objects.create(measure=m, date=dt.date.today(), text="An event")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = measure_list(lead, programme.team_a)
    assert page.count("/measures/") >= 8


def test_a_team_given_a_new_address_gets_cards_that_link_to_it(programme, lead, wait):
    from whatmatters.teams.models import Team

    assert f"/teams/team-a/measures/{wait.pk}/" in row(dashboard(lead, programme.team_a), wait)
    Team.objects.filter(pk=programme.team_a.pk).update(slug="team-a-north")
    programme.team_a.slug = "team-a-north"
    page = dashboard(lead, programme.team_a)
    assert f"/teams/team-a-north/measures/{wait.pk}/" in row(page, wait)
    assert "/teams/team-a/" not in page
