"""Rule sets, chosen by name, so that every chart says exactly which version of the rules made it.

- ``mdc-2023`` (default): the Making Data Count rules as taught since November 2023. Two-of-three counts
  every point beyond the 2-sigma line, including points beyond the process limits; when a point meets an
  improvement rule and a concern rule at once, it is shown as improvement (as the MDC spreadsheet does);
  a target exactly on a limit counts as meeting it (the MDC Power BI specification uses >= and <=).
- ``ptd-0.2.2``: exactly NHSRplotthedots 0.2.2 (MIT), for conformance. Two-of-three counts only points
  between the 2-sigma line and the limit; label precedence decides conflicts; assurance uses strict
  comparisons; a recalculation date not in the data is ignored, as upstream does.
- ``excel``: the MDC Excel tools: as ``mdc-2023`` but moving ranges are not screened for outliers.

All three fix the upstream faults listed in docs/spc.md (a missing value inside a trend, the icon of a
series ending in a missing value, the limits of a constant series).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import SpcInputError

DEFAULT_RULE_SET = "mdc-2023"


@dataclass(frozen=True)
class RuleSet:
    name: str
    screen_outliers: bool
    # True: a point beyond the process limit also counts towards 2-of-3 (MDC 2023).
    two_in_three_counts_beyond_limits: bool
    # True: improvement beats concern when one point meets both (MDC); False: label precedence only.
    improvement_wins_conflicts: bool
    # True: target == limit counts as beyond it (>=, <=); False: strict (NHSRplotthedots).
    assurance_inclusive: bool
    # "error" or "ignore" for a recalculation date that is not one of the series' dates.
    unknown_recalculation_date: str
    shift_length: int = 7
    trend_length: int = 7
    # The XmR multiplier of the mean moving range. MDC and NHSRplotthedots use the literal 2.66.
    xmr_constant: float = 2.66
    # Groups with fewer points than this have trial limits.
    trial_limit_points: int = 13
    # NHSRplotthedots and the MDC tools refuse a frozen baseline shorter than 12 points.
    min_baseline_points: int = 12
    about: str = ""


RULE_SETS: dict[str, RuleSet] = {
    "mdc-2023": RuleSet(
        name="mdc-2023",
        screen_outliers=True,
        two_in_three_counts_beyond_limits=True,
        improvement_wins_conflicts=True,
        assurance_inclusive=True,
        unknown_recalculation_date="error",
        about="Making Data Count rules (2023)",
    ),
    "ptd-0.2.2": RuleSet(
        name="ptd-0.2.2",
        screen_outliers=True,
        two_in_three_counts_beyond_limits=False,
        improvement_wins_conflicts=False,
        assurance_inclusive=False,
        unknown_recalculation_date="ignore",
        about="NHSRplotthedots 0.2.2 compatibility",
    ),
    "excel": RuleSet(
        name="excel",
        screen_outliers=False,
        two_in_three_counts_beyond_limits=True,
        improvement_wins_conflicts=True,
        assurance_inclusive=True,
        unknown_recalculation_date="error",
        about="Making Data Count spreadsheets (no outlier screening)",
    ),
}


def get_rule_set(name: str | RuleSet | None) -> RuleSet:
    """Look a rule set up by name; accept the underscore spellings used in the reference notes too."""
    if isinstance(name, RuleSet):
        return name
    key = (name or DEFAULT_RULE_SET).strip().lower().replace("_", "-")
    key = {"mdc": "mdc-2023", "ptd": "ptd-0.2.2", "excel-unscreened": "excel"}.get(key, key)
    try:
        return RULE_SETS[key]
    except KeyError:
        known = ", ".join(RULE_SETS)
        raise SpcInputError(f"Unknown rule set {name!r}. Choose one of: {known}.") from None
