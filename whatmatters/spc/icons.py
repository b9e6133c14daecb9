"""Variation and assurance icons: their names (as Making Data Count and NHSRplotthedots name them), the
letter drawn on them, and the words people read (CONTENT.md, verbatim). An icon never appears without
its words, so colour is never the only signal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rules import PT_COMMON, PT_CONCERN, PT_IMPROVEMENT, PT_NEUTRAL_HIGH, PT_NEUTRAL_LOW


@dataclass(frozen=True)
class Icon:
    kind: str  # "variation" or "assurance"
    name: str
    letter: str  # drawn on the icon; "" when the icon has none
    committee: str  # words for a committee
    easy_read: str  # words for a lived-experience forum
    tone: str  # "common", "improvement", "concern", "neutral" (chooses the colour)


VARIATION_NAMES = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_NAMES = ("consistent_pass", "consistent_fail", "inconsistent")

VARIATION_ICONS: dict[str, Icon] = {
    "common_cause": Icon(
        "variation", "common_cause", "", "No significant change", "About the same as usual", "common"
    ),
    "improvement_high": Icon(
        "variation",
        "improvement_high",
        "H",
        "Improving: a change unlikely to be chance",
        "Getting better",
        "improvement",
    ),
    "improvement_low": Icon(
        "variation",
        "improvement_low",
        "L",
        "Improving: a change unlikely to be chance",
        "Getting better",
        "improvement",
    ),
    "concern_high": Icon(
        "variation",
        "concern_high",
        "H",
        "Concern: a change unlikely to be chance",
        "Getting worse",
        "concern",
    ),
    "concern_low": Icon(
        "variation", "concern_low", "L", "Concern: a change unlikely to be chance", "Getting worse", "concern"
    ),
    "neutral_high": Icon(
        "variation", "neutral_high", "H", "Higher than usual", "Higher than usual", "neutral"
    ),
    "neutral_low": Icon("variation", "neutral_low", "L", "Lower than usual", "Lower than usual", "neutral"),
}
ASSURANCE_ICONS: dict[str, Icon] = {
    "consistent_pass": Icon(
        "assurance",
        "consistent_pass",
        "P",
        "Will consistently meet the target",
        "We should meet our goal",
        "improvement",
    ),
    "consistent_fail": Icon(
        "assurance",
        "consistent_fail",
        "F",
        "Will not meet the target without change",
        "We will not meet our goal unless something changes",
        "concern",
    ),
    "inconsistent": Icon(
        "assurance",
        "inconsistent",
        "?",
        "Will sometimes meet and sometimes miss the target",
        "Sometimes we meet our goal, sometimes we don't",
        "common",
    ),
}


def variation_codes(point_type: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Index into VARIATION_NAMES from the point type of the latest point and the improvement direction.

    Concern on an "increase is better" measure is concern_low (the value fell); improvement is
    improvement_high; the mirror for "decrease is better" (R/geom_ptd_icon.R:118-136).
    """
    up = direction > 0
    out = np.zeros(point_type.shape, dtype=np.int8)
    out[point_type == PT_COMMON] = 0
    out[(point_type == PT_IMPROVEMENT) & up] = 1
    out[(point_type == PT_IMPROVEMENT) & ~up] = 2
    out[(point_type == PT_CONCERN) & ~up] = 3
    out[(point_type == PT_CONCERN) & up] = 4
    out[point_type == PT_NEUTRAL_HIGH] = 5
    out[point_type == PT_NEUTRAL_LOW] = 6
    return out


def assurance_codes(
    target: np.ndarray, lower: np.ndarray, upper: np.ndarray, direction: np.ndarray, inclusive: bool
) -> np.ndarray:
    """Index into ASSURANCE_NAMES, or -1 when there is no target or the direction is neutral.

    For "increase is better": a target above the upper limit will not be met (fail); below the lower
    limit it will be (pass); otherwise it is hit and miss. `inclusive` treats a target exactly on a limit
    as beyond it (MDC); NHSRplotthedots compares strictly.
    """
    with np.errstate(invalid="ignore"):
        if inclusive:
            above, below = target >= upper, target <= lower
        else:
            above, below = target > upper, target < lower
    out = np.full(target.shape, 2, dtype=np.int8)
    inc, dec = direction > 0, direction < 0
    out[inc & above] = 1
    out[inc & below] = 0
    out[dec & above] = 0
    out[dec & below] = 1
    out[(direction == 0) | ~np.isfinite(target)] = -1
    return out
