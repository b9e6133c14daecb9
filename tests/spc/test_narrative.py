"""Sentences at two reading levels: what the latest data show, any change and since when, the target."""

from __future__ import annotations

import re

from whatmatters.spc import Recalculation, Series, SeriesOptions, analyse
from whatmatters.spc.narrative import narrate
from whatmatters.spc.numbers import shown as format_number

from .helpers import monthly

STATISTICS_WORDS = re.compile(
    r"sigma|limit|special cause|common cause|variation|UCL|LCL|shift|trend|mean", re.I
)


def improving() -> Series:
    values = [20.0, 21.0, 19.0, 20.5, 21.5, 19.5] * 3 + [25.0, 26.0, 25.5, 26.5, 25.2, 26.1, 25.8, 26.3]
    return Series(monthly(len(values)), values, options=SeriesOptions(target=17.0), unit="%")


def test_the_committee_reads_what_changed_since_when_and_the_target() -> None:
    text = narrate(analyse(improving())).text("committee")
    assert text.startswith("The latest value is 26.3%, for February 2025.")
    assert "Improving: a change unlikely to be chance, since July 2024." in text
    assert "The target is 17%. Will consistently meet the target." in text


def test_the_easy_read_uses_short_sentences_and_no_statistics_words() -> None:
    story = narrate(analyse(improving()))
    text = story.text("easy_read")
    assert "Getting better. This started in July 2024." in text
    assert "We should meet our goal." in text
    assert not STATISTICS_WORDS.search(text)
    for sentence in re.split(r"(?<=\.)\s", text):
        assert len(sentence.split()) <= 15, sentence


def test_no_change_says_so_at_both_levels() -> None:
    story = narrate(analyse(Series(monthly(20), [5.0, 7.0, 6.0, 8.0] * 5)))
    assert "No significant change" in story.text("committee")
    assert "About the same as usual." in story.text("easy_read")


def test_a_past_change_is_dated_and_marked_as_over() -> None:
    values = [10.0, 12.0] * 6 + [30.0] + [10.0, 12.0] * 3
    text = narrate(analyse(Series(monthly(len(values)), values))).text()
    assert "Improving: a change unlikely to be chance, from January 2024 to January 2024." in text
    assert "No significant change since then." in text


def test_trial_limits_and_recalculations_are_explained() -> None:
    dates = monthly(10)
    r = analyse(
        Series(
            dates,
            [3.0, 4.0] * 5,
            options=SeriesOptions(recalculations=(Recalculation(dates[4], "the ward moved"),)),
        )
    )
    story = narrate(r)
    assert "Early days: limits will change as more data arrive." in story.committee
    assert "It is too early to tell." in story.easy_read
    assert "Limits recalculated from 1 May 2023 because the ward moved." in story.committee
    assert "We changed how we work on 1 May 2023." in story.easy_read


def test_numbers_are_digits_with_the_percent_sign_attached() -> None:
    assert format_number(12.345, "%") == "12.3%"
    assert format_number(1234.0) == "1,234"
    assert format_number(7.0, "days") == "7 days"


def test_a_series_with_no_values_says_so() -> None:
    story = narrate(analyse(Series(monthly(2), [None, None])))
    assert story.committee == ["There are no values to show yet."]
