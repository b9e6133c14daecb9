"""Early days, as Making Data Count does them: with fewer points than the rule set's minimum (13: the MDC
single-chart tool shows process limits and summary icons from 13 points, NHSRplotthedots issue #194), the
target is not judged: no assurance icon and no "will not meet" sentence. The sentence and the chart say
from which period it can be judged. NHSRplotthedots itself judges the target from 2 points; the
conformance runner still reports that (`assurance_from_limits`)."""

from __future__ import annotations

import datetime as dt

import pytest

from whatmatters.spc import RULE_SETS, Recalculation, Series, SeriesOptions, analyse
from whatmatters.spc.narrative import narrate
from whatmatters.spc.svg import render_svg

from .helpers import monthly

THREE = [50.0, 60.0, 55.0]  # far below a target of 80 that higher values should meet


def three_points(rules: str, **options: object) -> object:
    opts = SeriesOptions(**{"target": 80.0, "direction": "increase", **options})  # type: ignore[arg-type]
    return analyse(Series(monthly(3, dt.date(2027, 1, 1)), THREE, options=opts, unit="%"), rules)


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_three_points_give_no_assurance_icon_under_any_rule_set(rules: str) -> None:
    r = three_points(rules)
    assert r.trial_limits
    assert r.assurance is None
    assert r.summary()["assurance"] is None


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_three_points_never_say_the_target_will_not_be_met(rules: str) -> None:
    story = narrate(three_points(rules))
    text = story.text("committee") + " " + story.text("easy_read")
    assert "Will not meet" not in text and "will not meet" not in text
    assert "Early days: limits will change as more data arrive." in story.committee
    assert "The target is 80%." in story.committee


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_three_points_say_from_which_month_the_target_can_be_judged(rules: str) -> None:
    r = three_points(rules)
    # January to March 2027: the 13th point is January 2028, if a value arrives every month.
    assert r.points_needed == 10
    assert r.enough_data_from == dt.date(2028, 1, 1)
    story = narrate(r)
    assert "From January 2028, with 13 points, this chart can say whether the target will be met." in (
        story.committee
    )
    assert "We can say if we will meet our goal in January 2028." in story.easy_read


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_the_chart_shows_no_target_icon_and_says_when_instead(rules: str) -> None:
    svg = render_svg(three_points(rules), id_prefix="early")
    assert "Will not meet the target" not in svg
    assert "<title>Target:" not in svg  # the assurance icon's text alternative
    words = "From January 2028, with 13 points, this chart can say whether the target will be met."
    assert f"<title>{words}</title>" in svg
    assert ">From January 2028, with<" in svg  # visible words, not only a tooltip


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_upstream_style_assurance_is_still_worked_out_for_conformance(rules: str) -> None:
    # NHSRplotthedots compares the target with the last limits from 2 points on; people are not shown it.
    assert three_points(rules).assurance_from_limits.name == "consistent_fail"


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_the_13th_point_ends_early_days_and_the_target_is_judged(rules: str) -> None:
    values = [50.0, 60.0, 55.0, 52.0, 58.0, 54.0, 57.0, 51.0, 59.0, 56.0, 53.0, 55.0]
    twelve = analyse(Series(monthly(12), values, options=SeriesOptions(target=80.0)), rules)
    assert twelve.assurance is None and twelve.points_needed == 1
    thirteen = analyse(Series(monthly(13), [*values, 54.0], options=SeriesOptions(target=80.0)), rules)
    assert not thirteen.trial_limits and thirteen.points_needed == 0
    assert thirteen.assurance.name == "consistent_fail"
    assert "Will not meet the target without change." in narrate(thirteen).text()
    assert thirteen.enough_data_from is None


def test_without_a_target_the_sentence_says_when_change_can_be_judged() -> None:
    r = analyse(Series(monthly(3, dt.date(2027, 1, 1)), THREE))
    story = narrate(r)
    assert "From January 2028, with 13 points, there will be enough data to judge change." in story.committee
    assert "We will know more in January 2028." in story.easy_read


def test_weeks_are_counted_in_weeks() -> None:
    start = dt.date(2027, 3, 1)
    dates = [start + dt.timedelta(weeks=i) for i in range(4)]
    r = analyse(Series(dates, [1.0, 2.0, 3.0, 2.0], options=SeriesOptions(target=5.0)))
    assert r.enough_data_from == dt.date(2027, 5, 24)  # 9 more weeks after 22 March
    assert "From the week starting 24 May 2027, with 13 points" in narrate(r).text()


def test_one_point_uses_the_period_the_caller_gives() -> None:
    # One date cannot show its period; the measure's frequency can.
    r = analyse(Series([dt.date(2027, 1, 1)], [4.0], options=SeriesOptions(target=5.0, period="month")))
    assert r.enough_data_from == dt.date(2028, 1, 1)
    unknown = analyse(Series([dt.date(2027, 1, 1)], [4.0], options=SeriesOptions(target=5.0)))
    assert unknown.enough_data_from is None
    assert "When there are 13 points, this chart can say whether the target will be met." in (
        narrate(unknown).committee
    )


def test_a_neutral_measure_has_no_target_to_judge_and_says_so_plainly() -> None:
    r = analyse(Series(monthly(3), THREE, options=SeriesOptions(target=80.0, direction="neutral")))
    assert "there will be enough data to judge change" in narrate(r).text()


def test_a_new_group_after_a_recalculation_is_early_days_until_it_has_13_points() -> None:
    dates = monthly(20)
    values = [40.0, 42.0, 39.0, 41.0] * 3 + [30.0, 29.0, 31.0, 28.0, 30.0, 27.0, 29.0, 30.0]
    options = SeriesOptions(target=35.0, direction="decrease", recalculations=(Recalculation(dates[12]),))
    r = analyse(Series(dates, values, options=options))
    assert r.trial_limits and r.assurance is None and r.points_needed == 5
    assert r.enough_data_from == dt.date(2025, 1, 1)  # 5 months after August 2024


def test_a_full_frozen_baseline_of_12_points_is_not_early_days() -> None:
    # Limits stop changing once a frozen baseline is full, so they are not trial limits any more.
    values = [50.0, 60.0, 55.0, 52.0, 58.0, 54.0, 57.0, 51.0, 59.0, 56.0, 53.0, 55.0]
    r = analyse(Series(monthly(12), values, options=SeriesOptions(target=80.0, baseline_points=12)))
    assert not r.trial_limits and r.assurance.name == "consistent_fail"
    short = analyse(Series(monthly(11), values[:11], options=SeriesOptions(target=80.0, baseline_points=12)))
    assert short.trial_limits and short.points_needed == 1


def test_a_date_already_past_is_not_given() -> None:
    # 3 values, then 10 months with no value: the 13th point could have been in the past, so no date.
    dates = monthly(13, dt.date(2027, 1, 1))
    r = analyse(Series(dates, [*THREE, *([None] * 10)], options=SeriesOptions(target=80.0)))
    assert r.points_needed == 10 and r.enough_data_from is None
    words = "When there are 13 points, this chart can say whether the target will be met."
    assert words in narrate(r).committee
