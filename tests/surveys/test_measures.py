"""Answers become measure values each month, without anyone typing them in: FFT % positive (with "don't
know" in the denominator), CollaboRATE top box, domain ratings, check-ins completed, and alerts raised and
answered within a set number of days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.surveys.conftest import checkin_alert, checkin_post, field, question
from whatmatters.framework.models import DataSource, Measure, Value
from whatmatters.safety.models import Alert
from whatmatters.surveys import actions, measures

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)
TODAY = dt.date(2026, 4, 20)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def answer(survey: Any, when: dt.date, **by_kind: Any) -> actions.Outcome:
    """Submit answers keyed by question kind (or (kind, item) for CollaboRATE)."""
    answers = {}
    for key, value in by_kind.items():
        kind, _, item = key.partition("_item")
        answers[question(survey, kind, int(item or 0)).pk] = value
    return actions.submit(survey, answers, now=at(when))


def value(team: Any, code: str, period: dt.date) -> Value:
    return Value.objects.get(measure__team=team, measure__code=code, period=period)


def test_fft_percent_positive_counts_dont_know_in_the_denominator(fft_survey: Any) -> None:
    for choice in ["very_good"] * 3 + ["good"] * 2 + ["neither", "poor", "very_poor"] + ["dont_know"] * 2:
        answer(fft_survey, MARCH.replace(day=5), fft=choice)
    measures.refresh_team(fft_survey.team, TODAY)
    fft = value(fft_survey.team, measures.FFT, MARCH)
    assert (fft.numerator, fft.denominator) == (5, 10)
    assert fft.shown == 50.0  # 5 of 10, not 5 of 8


def test_fft_values_land_in_the_calendar_month_of_each_answer(fft_survey: Any) -> None:
    answer(fft_survey, MARCH.replace(day=31), fft="poor")
    answer(fft_survey, APRIL.replace(day=1), fft="good")
    measures.refresh_team(fft_survey.team, TODAY)
    assert value(fft_survey.team, measures.FFT, MARCH).shown == 0.0
    assert value(fft_survey.team, measures.FFT, APRIL).shown == 100.0


def test_the_fft_measure_is_the_national_library_definition(fft_survey: Any) -> None:
    answer(fft_survey, MARCH, fft="good")
    report = measures.refresh_team(fft_survey.team, TODAY)
    measure = Measure.objects.get(team=fft_survey.team, code=measures.FFT)
    assert measure.source is not None and measure.source.code == "fft-positive"
    assert measure.data_source == DataSource.SURVEY and measure.unit == "%"
    assert report.measures_added >= 1


def test_collaborate_top_box_needs_4_on_all_3_items_and_all_3_answered(fft_survey: Any) -> None:
    day = MARCH.replace(day=10)
    answer(fft_survey, day, fft="good", collaborate_item1="4", collaborate_item2="4", collaborate_item3="4")
    answer(fft_survey, day, fft="good", collaborate_item1="4", collaborate_item2="4", collaborate_item3="3")
    answer(fft_survey, day, fft="good", collaborate_item1="4", collaborate_item2="4", collaborate_item3="4")
    answer(fft_survey, day, fft="good", collaborate_item1="4", collaborate_item2="4")  # not all 3: left out
    answer(fft_survey, day, fft="good", collaborate_item1="0", collaborate_item2="1", collaborate_item3="2")
    measures.refresh_team(fft_survey.team, TODAY)
    top = value(fft_survey.team, measures.COLLABORATE, MARCH)
    assert (top.numerator, top.denominator) == (2, 4)
    assert top.shown == 50.0


def test_each_domain_rating_becomes_the_months_mean_score(fft_survey: Any, domain: Any) -> None:
    for score in ("5", "4", "3", "4"):
        answer(fft_survey, MARCH, fft="good", domain_rating=score)
    answer(fft_survey, APRIL, fft="good", domain_rating="2")
    measures.refresh_team(fft_survey.team, TODAY)
    code = f"{measures.RATING_PREFIX}{domain.pk}"
    assert value(fft_survey.team, code, MARCH).value == 4.0
    assert value(fft_survey.team, code, APRIL).value == 2.0
    measure = Measure.objects.get(team=fft_survey.team, code=code)
    assert list(measure.domains.all()) == [domain]
    assert domain.i_statement in measure.name


def test_check_ins_completed_are_counted_each_month_with_zero_for_quiet_months(checkin: Any) -> None:
    feeling = "checkin_feeling"
    for _ in range(3):
        answer(checkin, dt.date(2026, 1, 12), **{feeling: "same"})
    answer(checkin, MARCH, **{feeling: "better"})
    measures.refresh_team(checkin.team, TODAY)
    counts = dict(
        Value.objects.filter(measure__code=measures.CHECKINS)
        .values_list("period", "value")
        .order_by("period")
    )
    assert counts == {dt.date(2026, 1, 1): 3, dt.date(2026, 2, 1): 0, MARCH: 1, APRIL: 0}


def raise_alert(checkin: Any, when: dt.datetime) -> Alert:
    return checkin_alert(checkin, {question(checkin, "checkin_feeling").pk: "worse"}, "07700 900111", when)


def respond_after(alert: Alert, hours: int) -> None:
    Alert.objects.filter(pk=alert.pk).update(
        status=Alert.Status.RESPONDED, responded_at=alert.created_at + dt.timedelta(hours=hours)
    )


def test_alerts_answered_within_the_set_number_of_days(checkin: Any, settings: Any) -> None:
    settings.SURVEYS_ALERT_RESPONSE_DAYS = 2
    quick, slow, never = (raise_alert(checkin, at(MARCH.replace(day=d))) for d in (2, 3, 4))
    respond_after(quick, 47)
    respond_after(slow, 49)
    measures.refresh_team(checkin.team, TODAY)
    answered = value(checkin.team, measures.ALERTS_ANSWERED, MARCH)
    assert (answered.numerator, answered.denominator) == (1, 3)
    assert value(checkin.team, measures.ALERTS_RAISED, MARCH).value == 3
    assert never.responded_at is None


def test_a_longer_response_window_counts_the_slower_alert_and_renames_nothing_by_hand(
    checkin: Any, settings: Any
) -> None:
    settings.SURVEYS_ALERT_RESPONSE_DAYS = 3
    slow = raise_alert(checkin, at(MARCH.replace(day=3)))
    respond_after(slow, 49)
    measures.refresh_team(checkin.team, TODAY)
    assert value(checkin.team, measures.ALERTS_ANSWERED, MARCH).numerator == 1
    assert "within 3 days" in Measure.objects.get(team=checkin.team, code=measures.ALERTS_ANSWERED).name


def test_refreshing_twice_changes_nothing_the_second_time(fft_survey: Any, checkin: Any) -> None:
    answer(fft_survey, MARCH, fft="good", domain_rating="4")
    raise_alert(checkin, at(MARCH))
    first = measures.refresh_team(fft_survey.team, TODAY)
    again = measures.refresh_team(fft_survey.team, TODAY)
    assert first.values_added > 0
    assert (again.measures_added, again.values_added, again.values_changed) == (0, 0, 0)


def test_a_measure_the_team_types_in_by_hand_is_never_overwritten(fft_survey: Any) -> None:
    answer(fft_survey, MARCH, fft="poor")
    measures.refresh_team(fft_survey.team, TODAY)
    Measure.objects.filter(code=measures.FFT).update(data_source=DataSource.MANUAL)
    Value.objects.filter(measure__code=measures.FFT).update(numerator=9, denominator=10)
    answer(fft_survey, MARCH, fft="good")
    report = measures.refresh_team(fft_survey.team, TODAY)
    assert measures.FFT in report.skipped
    assert value(fft_survey.team, measures.FFT, MARCH).numerator == 9


def test_each_public_answer_updates_the_fft_measure_for_this_month_at_once(fft_survey: Any) -> None:
    client = Client()
    for choice in ("very_good", "dont_know"):
        client.post(f"/s/{fft_survey.code}/", {field(fft_survey, "fft"): choice, "website": ""})
    this_month = timezone.localdate().replace(day=1)
    fft = value(fft_survey.team, measures.FFT, this_month)
    assert (fft.numerator, fft.denominator) == (1, 2)


def test_recording_a_response_to_an_alert_updates_the_answered_measure(
    checkin: Any, client_for: Any, people: Any
) -> None:
    from whatmatters.teams.roles import Role

    Client().post(
        f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail="07700 900222")
    )
    this_month = timezone.localdate().replace(day=1)
    assert value(checkin.team, measures.ALERTS_ANSWERED, this_month).numerator == 0
    alert = Alert.objects.get()
    client_for(people[Role.STAFF]).post(f"/teams/team-a/alerts/{alert.pk}/", {"decision": "responded"})
    assert value(checkin.team, measures.ALERTS_ANSWERED, this_month).numerator == 1


def test_without_the_library_entry_the_fft_measure_still_gets_its_national_definition(
    fft_survey: Any,
) -> None:
    from whatmatters.framework.models import LibraryMeasure

    LibraryMeasure.objects.filter(code__in=[measures.FFT, measures.COLLABORATE]).delete()
    answer(fft_survey, MARCH, fft="good", collaborate_item1="4", collaborate_item2="4", collaborate_item3="4")
    measures.refresh_team(fft_survey.team, TODAY)
    fft = Measure.objects.get(team=fft_survey.team, code=measures.FFT)
    assert fft.data_source == DataSource.SURVEY and fft.uses_denominator and fft.multiply == 100
    assert value(fft_survey.team, measures.FFT, MARCH).shown == 100.0
    assert value(fft_survey.team, measures.COLLABORATE, MARCH).shown == 100.0
