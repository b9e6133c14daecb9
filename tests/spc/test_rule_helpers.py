"""The function-level cases copied from NHSRplotthedots' unit tests (ptd_u01, ptd_u02), through our
vectorised rules. Upstream tests helpers that detect the end of a run and then mark its points; we mark
the points directly, so each case is translated to "which points are flagged"."""

from __future__ import annotations

import numpy as np
import pytest

from whatmatters.spc.icons import ASSURANCE_NAMES, assurance_codes
from whatmatters.spc.rules import (
    label_text,
    shift_flags,
    trend_flags,
    two_in_three_flags,
    winning_label,
)

from .helpers import load_vector

CASES = load_vector("ptd_u01_rule_helpers.json")["cases"]


def cases(fn: str) -> list[dict]:
    return [c for c in CASES if c["fn"].startswith(fn)]


def marked_by_detections(detections: list[int]) -> np.ndarray:
    """Upstream's part_of_seven: each detection at i marks points i-6..i with its sign."""
    out = np.zeros(len(detections), dtype=int)
    for i, d in enumerate(detections):
        if d:
            out[max(0, i - 6) : i + 1] = np.sign(d)
    return out


def seg(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


@pytest.mark.parametrize("case", cases("seven_point_one_side_mean"), ids=str)
def test_seven_points_on_one_side_flag_every_point_of_the_run(case: dict) -> None:
    rtm = np.array(case["input"]["rtm"], dtype=np.int8)
    got = shift_flags(rtm, seg(rtm.size), np.full(rtm.size, 7))
    assert list(got != 0) == list(marked_by_detections(case["expected"]) != 0)


@pytest.mark.parametrize("case", cases("part_of_seven"), ids=str)
def test_a_detection_marks_the_seven_points_ending_at_it(case: dict) -> None:
    v = case["input"]["v"]
    # Build the run that upstream's detector would have reported at each detection.
    rtm = marked_by_detections(v).astype(np.int8)
    got = shift_flags(rtm, seg(rtm.size), np.full(rtm.size, 7))
    assert list(np.abs(got)) == case["expected"]


@pytest.mark.parametrize("case", cases("seven_point_trend"), ids=str)
def test_seven_strictly_rising_or_falling_points_are_a_trend_and_a_tie_breaks_it(case: dict) -> None:
    y = np.array(case["input"]["y"], dtype=float)
    got = trend_flags(y, seg(y.size), np.full(y.size, 7))
    assert list(got) == list(marked_by_detections(case["expected"]))


@pytest.mark.parametrize("case", [c for c in CASES if c["fn"] == "two_in_three"], ids=str)
def test_two_of_three_needs_all_three_points_on_one_side(case: dict) -> None:
    close = np.array(case["input"]["close"], dtype=bool)
    rtm = np.array(case["input"]["rtm"], dtype=np.int8)
    got = two_in_three_flags(close, rtm, seg(close.size))
    # We return only the close points of a firing window (upstream's part_of_two_in_three).
    expected = [int(e and c) * int(r) for e, c, r in zip(case["expected"], close, rtm, strict=True)]
    assert list(got) == expected


@pytest.mark.parametrize("case", cases("part_of_two_in_three"), ids=str)
def test_only_the_close_points_of_a_two_of_three_are_flagged(case: dict) -> None:
    close = np.array(case["input"]["close"], dtype=bool)
    rtm = np.array(case["input"]["rtm"], dtype=np.int8)
    assert list(np.abs(two_in_three_flags(close, rtm, seg(close.size)))) == case["expected"]


def test_label_precedence_is_limits_then_trend_then_two_of_three_then_shift() -> None:
    (case,) = cases("special_cause_label_precedence")
    rtm = np.array([1, 1, 1, 1, -1, -1, -1, -1], dtype=np.int8)
    outside = np.array([0, 0, 0, 0, 0, 1, -1, 0])
    # y = 1..8 and the trend covers points 1-2, so both read "Increasing".
    trend = np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=np.int8)
    shift = np.where(np.array([0, 0, 1, -1, 0, 0, 0, 0]) != 0, rtm, 0).astype(np.int8)
    two = np.where(np.array([0, 0, 0, 0, 1, 0, 0, 0]) != 0, rtm, 0).astype(np.int8)
    astro = np.where(outside != 0, np.where(rtm == 1, 1, -1), 0).astype(np.int8)
    label, _ = winning_label(astro, trend, two, shift, np.ones(8, dtype=np.int8), improvement_wins=False)
    assert [label_text(c) for c in label] == case["expected"]


def test_a_peak_shared_by_a_rising_and_a_falling_trend_reads_as_decreasing() -> None:
    y = np.array([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], dtype=float)
    got = trend_flags(y, seg(y.size), np.full(y.size, 7))
    assert list(got) == [1] * 6 + [-1] * 7


ASSURANCE = load_vector("ptd_u02_assurance.json")["cases"]


@pytest.mark.parametrize("case", [c for c in ASSURANCE if "rows" in c], ids=str)
def test_assurance_compares_the_target_with_the_last_limits_strictly_in_ptd_mode(case: dict) -> None:
    rows = case["rows"]
    direction = {"increase": 1, "decrease": -1, "neutral": 0}[case["direction"]]
    target = np.full(len(rows), np.nan if case["target"] is None else case["target"])
    lower = np.array([r.get("lpl", np.nan) for r in rows], dtype=float)
    upper = np.array([r.get("upl", np.nan) for r in rows], dtype=float)
    codes = assurance_codes(target, lower, upper, np.full(len(rows), direction), inclusive=False)
    assert [ASSURANCE_NAMES[c] if c >= 0 else None for c in codes] == case["expected"]


def test_assurance_after_recalculation_uses_only_the_last_groups_limits() -> None:
    (case,) = [c for c in ASSURANCE if "rows_in_order" in c]
    last = [groups[-1] for groups in case["rows_in_order"]]
    codes = assurance_codes(
        np.full(3, 4.0),
        np.array([r["lpl"] for r in last], dtype=float),
        np.array([r["upl"] for r in last], dtype=float),
        np.full(3, -1),
        inclusive=False,
    )
    assert [ASSURANCE_NAMES[c] for c in codes] == case["expected"]
