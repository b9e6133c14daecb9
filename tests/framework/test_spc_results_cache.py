"""SPC results are kept in the cache under a digest of their inputs: the same measure read again is not
analysed again, and a new or changed value, an event, a recalculation, a target or a change to the measure
gives a fresh result at once, however it was written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from tests.framework.factories import add_values, make_domain, make_measure
from whatmatters.framework.measures import results as results_module
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import shown_for
from whatmatters.framework.models import Annotation, Measure, MeasureTarget, Value

pytestmark = pytest.mark.django_db

STEADY = [40, 42, 39, 41, 43, 40, 38, 42, 41, 40, 39, 41]
LOWER = [30, 29, 31, 28, 30, 27, 29, 30]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many series each call of the SPC engine analysed."""
    calls: list[int] = []
    real = results_module.analyse_many

    def counting(series: Any) -> Any:
        calls.append(len(series))
        return real(series)

    monkeypatch.setattr(results_module, "analyse_many", counting)
    return calls


@pytest.fixture
def wait(programme: Any) -> Measure:
    measure = make_measure(programme.team_a, make_domain(programme.team_a), target=35)
    add_values(measure, STEADY + LOWER)
    return measure


def item(measure: Measure) -> Any:
    (one,) = results_for(measure.team, [Measure.objects.get(pk=measure.pk)])
    return one


def at(one: Any, period: dt.date) -> float:
    return float(one.result.values[one.periods.index(period)])


def test_the_same_measure_read_twice_is_analysed_once_and_gives_the_same_result(wait, analyses):
    first, second = item(wait), item(wait)
    assert analyses == [1]
    assert first.result.centre.tolist() == second.result.centre.tolist()
    assert first.result.variation == second.result.variation
    assert second.story is not None and second.story.committee == first.story.committee


def test_a_whole_team_read_twice_is_analysed_once(programme, wait, analyses):
    other = make_measure(programme.team_a, make_domain(programme.team_a, "Other"), code="other")
    add_values(other, STEADY)
    results_for(programme.team_a)
    again = results_for(programme.team_a)
    assert analyses == [2]
    assert all(one.result is not None for one in again)


def test_a_new_value_gives_a_fresh_result(wait, analyses):
    before = item(wait)
    Value.objects.create(measure=wait, period=dt.date(2024, 9, 1), value=10)
    after = item(wait)
    assert analyses == [1, 1]
    assert str(at(before, dt.date(2024, 9, 1))) == "nan" and at(after, dt.date(2024, 9, 1)) == 10


def test_a_value_changed_in_place_without_any_signal_gives_a_fresh_result(wait, analyses):
    item(wait)
    Value.objects.filter(measure=wait, period=dt.date(2024, 8, 1)).update(value=90)  # no save(), no signal
    after = item(wait)
    assert analyses == [1, 1]
    assert at(after, dt.date(2024, 8, 1)) == 90


def test_a_removed_value_gives_a_fresh_result(wait, analyses):
    before = item(wait)
    Value.objects.filter(measure=wait, period=dt.date(2024, 7, 1)).delete()
    after = item(wait)
    assert analyses == [1, 1]
    assert at(before, dt.date(2024, 7, 1)) == 29 and str(at(after, dt.date(2024, 7, 1))) == "nan"


def test_a_new_event_gives_a_fresh_result_with_the_event_on_the_chart(wait, analyses):
    item(wait)
    Annotation.objects.create(measure=wait, date=dt.date(2024, 3, 10), text="Daily triage started")
    after = item(wait)
    assert analyses == [1, 1]
    assert "Daily triage started" in [note.text for note in after.result.options.annotations]


def test_a_recalculation_gives_fresh_limits_from_its_date(wait, analyses):
    before = item(wait)
    Annotation.objects.create(
        measure=wait, date=dt.date(2024, 1, 1), text="New limits", new_baseline=True, reason="triage"
    )
    after = item(wait)
    assert analyses == [1, 1]
    assert len(before.result.groups) == 1 and len(after.result.groups) == 2


def test_a_new_target_gives_a_fresh_assurance(wait, analyses):
    before = item(wait)
    MeasureTarget.objects.create(measure=wait, starts=dt.date(2023, 1, 1), value=20)
    after = item(wait)
    assert analyses == [1, 1]
    assert after.result.options.target != before.result.options.target


def test_a_change_to_the_measure_itself_gives_a_fresh_result(wait, analyses):
    before = item(wait)
    Measure.objects.filter(pk=wait.pk).update(direction="increase")
    after = item(wait)
    assert analyses == [1, 1]
    assert after.result.options.direction == "increase" != before.result.options.direction


def test_a_report_for_an_earlier_day_is_kept_apart_from_todays_result(wait, analyses):
    today = item(wait)
    (earlier,) = results_for(wait.team, [wait], as_of=dt.date(2023, 12, 31))
    assert analyses == [1, 1]
    assert len(earlier.values) == 12 < len(today.values)


def test_the_sentences_shown_come_from_the_kept_result_without_being_worked_out_again(
    wait, monkeypatch: pytest.MonkeyPatch
):
    item(wait)  # worked out and kept

    def refuse(result: Any) -> Any:
        raise AssertionError("the sentences were worked out again")

    monkeypatch.setattr(results_module, "narrate", refuse)
    monkeypatch.setattr("whatmatters.framework.measures.shown.narrate", refuse)
    shown = shown_for(item(wait), outside_team=False)
    assert shown.committee and shown.easy_read
