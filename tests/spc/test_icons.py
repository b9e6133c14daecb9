"""Icons carry words (CONTENT.md, verbatim) and letters, so colour is never the only signal."""

from __future__ import annotations

import pytest

from whatmatters.spc import ASSURANCE_ICONS, VARIATION_ICONS, Series, SeriesOptions, analyse

from .helpers import monthly

CONTENT_WORDS = {
    "common_cause": ("No significant change", "About the same as usual"),
    "improvement_high": ("Improving: a change unlikely to be chance", "Getting better"),
    "concern_low": ("Concern: a change unlikely to be chance", "Getting worse"),
    "neutral_high": ("Higher than usual", "Higher than usual"),
    "neutral_low": ("Lower than usual", "Lower than usual"),
    "consistent_pass": ("Will consistently meet the target", "We should meet our goal"),
    "consistent_fail": (
        "Will not meet the target without change",
        "We will not meet our goal unless something changes",
    ),
    "inconsistent": (
        "Will sometimes meet and sometimes miss the target",
        "Sometimes we meet our goal, sometimes we don't",
    ),
}


@pytest.mark.parametrize("name", sorted(CONTENT_WORDS))
def test_every_icon_uses_the_content_guide_words(name: str) -> None:
    icon = VARIATION_ICONS.get(name) or ASSURANCE_ICONS[name]
    assert (icon.committee, icon.easy_read) == CONTENT_WORDS[name]


def test_special_cause_icons_carry_a_letter() -> None:
    assert {i.letter for n, i in VARIATION_ICONS.items() if n != "common_cause"} == {"H", "L"}
    assert [ASSURANCE_ICONS[n].letter for n in ("consistent_pass", "consistent_fail")] == ["P", "F"]


@pytest.mark.parametrize(
    ("direction", "expected"),
    [("increase", "improvement_high"), ("decrease", "concern_high"), ("neutral", "neutral_high")],
)
def test_a_rise_above_the_limit_is_named_by_the_improvement_direction(direction: str, expected: str) -> None:
    values = [10.0, 12.0] * 8 + [30.0]
    r = analyse(Series(monthly(17), values, options=SeriesOptions(direction=direction)))  # type: ignore[arg-type]
    assert r.variation.name == expected


def test_the_icon_reads_the_latest_point_not_the_latest_signal() -> None:
    # abspc shows the last special-cause point anywhere; MDC shows the latest point (PowerBI-SPC #116).
    values = [9.0, 15.0] * 4 + [40.0] + [9.0, 15.0] * 4
    r = analyse(Series(monthly(len(values)), values))
    assert r.special_cause[8] and r.variation.name == "common_cause"


def test_there_is_no_assurance_without_a_target_or_with_a_neutral_direction() -> None:
    values = [10.0, 12.0] * 8
    assert analyse(Series(monthly(16), values)).assurance is None
    neutral = SeriesOptions(direction="neutral", target=11)
    assert analyse(Series(monthly(16), values, options=neutral)).assurance is None
