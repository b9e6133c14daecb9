"""A constant series carries its warning under every rule set and chart type, through every way in (one
series, many series, the fast path, the command line, the chart's text alternative), and the words say
what it does to that chart's limits."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from whatmatters.spc import (
    CHART_TYPES,
    RULE_SETS,
    Series,
    SeriesOptions,
    analyse,
    analyse_array,
    analyse_many,
)
from whatmatters.spc.cli import main
from whatmatters.spc.model import RATIO_CHARTS
from whatmatters.spc.svg import render_svg

from .helpers import monthly

NO_WIDTH = "Every value is the same, so the limits have no width. Any change will stand out."
KEEP_WIDTH = "Every value is the same. Check that the data are right before reading the chart."


def constant(chart: str, n: int = 16) -> Series:
    den = [10.0] * n if chart in RATIO_CHARTS else None
    return Series(monthly(n), [5.0] * n, den, options=SeriesOptions(chart=chart, target=6.0))  # type: ignore[arg-type]


def message(result: object) -> str:
    (w,) = [w for w in result.warnings if w.code == "constant"]  # type: ignore[attr-defined]
    return w.message


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
@pytest.mark.parametrize("chart", CHART_TYPES)
def test_every_rule_set_and_chart_type_warns_of_a_constant_series(rules: str, chart: str) -> None:
    r = analyse(constant(chart), rules)
    assert message(r) in (NO_WIDTH, KEEP_WIDTH)


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_moving_range_limits_say_they_have_no_width(rules: str) -> None:
    for chart in ("xmr", "i", "t", "pp", "up"):
        r = analyse(constant(chart), rules)
        assert r.upper[-1] == r.lower[-1]
        assert message(r) == NO_WIDTH, chart


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_charts_whose_limits_keep_their_width_do_not_claim_otherwise(rules: str) -> None:
    for chart in ("p", "u", "c", "g", "run"):
        assert message(analyse(constant(chart), rules)) == KEEP_WIDTH, chart


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_the_warning_survives_a_batch_of_mixed_series_and_the_fast_path(rules: str) -> None:
    varied = Series(monthly(16), [1.0, 3.0, 2.0, 4.0] * 4)
    batch = analyse_many([varied, constant("xmr"), constant("c")], rules)
    assert [any(w.code == "constant" for w in r.warnings) for r in batch] == [False, True, True]
    fast = analyse_array(monthly(16), np.array([[5.0] * 16, [1.0, 3.0] * 8]), rules=rules)
    assert [any(w.code == "constant" for w in r.warnings) for r in fast] == [True, False]


@pytest.mark.parametrize("rules", sorted(RULE_SETS))
def test_the_command_line_and_the_chart_carry_the_warning(rules: str, tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_text("date,value\n" + "".join(f"{d.isoformat()},4\n" for d in monthly(14)), encoding="utf-8")
    out = io.StringIO()
    assert main(["analyse", str(path), "--rules", rules, "--format", "json"], out) == 0
    (series,) = json.loads(out.getvalue())
    assert [w["code"] for w in series["warnings"]] == ["constant"]
    assert NO_WIDTH in render_svg(analyse(constant("xmr"), rules))
