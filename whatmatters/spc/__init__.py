"""Statistical process control for What Matters: pure Python and numpy, no Django.

    from whatmatters.spc import Series, SeriesOptions, analyse
    result = analyse(Series(dates, values, options=SeriesOptions(direction="decrease", target=14)))
    result.variation.committee   # "Improving: a change unlikely to be chance"

See docs/spc.md for the rule sets, chart types and where we differ from NHSRplotthedots and qicharts2.
"""

from .engine import analyse, analyse_array, analyse_many
from .icons import ASSURANCE_ICONS, VARIATION_ICONS, Icon
from .model import (
    CHART_NAMES,
    CHART_TYPES,
    Annotation,
    Recalculation,
    Series,
    SeriesOptions,
    SpcInputError,
    TargetChange,
)
from .results import BatchResult, GroupSummary, SeriesResult, SpcWarning
from .rulesets import DEFAULT_RULE_SET, RULE_SETS, RuleSet, get_rule_set

__all__ = [
    "ASSURANCE_ICONS",
    "CHART_NAMES",
    "CHART_TYPES",
    "DEFAULT_RULE_SET",
    "RULE_SETS",
    "VARIATION_ICONS",
    "Annotation",
    "BatchResult",
    "GroupSummary",
    "Icon",
    "Recalculation",
    "RuleSet",
    "Series",
    "SeriesOptions",
    "SeriesResult",
    "SpcInputError",
    "SpcWarning",
    "TargetChange",
    "analyse",
    "analyse_array",
    "analyse_many",
    "get_rule_set",
]
