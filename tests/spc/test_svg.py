"""The SVG chart: accessible, escaped, deterministic, colour never the only signal. Golden files pin it.

Regenerate the goldens after a deliberate change with:
    SPC_UPDATE_GOLDEN=1 .venv/bin/pytest tests/spc/test_svg.py -p no:django
then look at the new files in a browser before committing them.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET  # parses only SVG this test just rendered
from pathlib import Path

import numpy as np
import pytest

from whatmatters.spc import Annotation, Recalculation, Series, SeriesOptions, analyse
from whatmatters.spc.svg import COLOURS, MDC_COLOURS, contrast_with_white, render_svg

from .helpers import monthly

GOLDEN = Path(__file__).parent / "golden"
NS = {"svg": "http://www.w3.org/2000/svg"}


def improving_series() -> Series:
    dates = monthly(30)
    base = [
        20.1,
        21.4,
        19.2,
        20.8,
        22.0,
        19.9,
        20.5,
        21.1,
        18.9,
        20.2,
        21.7,
        19.6,
        20.4,
        20.9,
        19.8,
        21.2,
        20.0,
        20.6,
    ]
    later = [24.2, 25.1, 26.0, 24.8, 25.6, 26.3, 25.0, 24.6, 25.9, 26.4, 25.3, 27.9]
    return Series(
        dates,
        base + later,
        options=SeriesOptions(
            target=24.0,
            recalculations=(Recalculation(dates[6], "we changed the referral form"),),
            annotations=(Annotation(dates[18], "Extra clinic sessions"),),
        ),
        name="People seen within 2 weeks",
        unit="%",
    )


def concern_weekly_series() -> Series:
    import datetime as dt

    dates = [dt.date(2024, 1, 1) + dt.timedelta(weeks=i) for i in range(16) if i != 9]
    values = [5, 6, 4, 5, 7, 5, 6, 4, 5, 3, 2, 2, 1, 1, 0]
    return Series(dates, values, options=SeriesOptions(direction="increase"), name="Carers' check-ins")


def short_run_chart() -> Series:
    return Series(
        monthly(8), [3, 5, None, 4, 6, 5, 7, 6], options=SeriesOptions(chart="run"), name="Ideas tested"
    )


SCENARIOS = {
    "improving_monthly_with_target_recalculation": improving_series,
    "concern_weekly_with_gap": concern_weekly_series,
    "short_run_chart_with_missing_value": short_run_chart,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_chart_matches_its_golden_file(name: str) -> None:
    svg = render_svg(analyse(SCENARIOS[name]()), id_prefix=name)
    path = GOLDEN / f"{name}.svg"
    if os.environ.get("SPC_UPDATE_GOLDEN") == "1":
        path.write_text(svg, encoding="utf-8")
    assert svg == path.read_text(encoding="utf-8"), f"{path.name} changed; see this module's docstring"


def test_the_same_input_always_gives_the_same_bytes() -> None:
    s = improving_series()
    assert render_svg(analyse(s)) == render_svg(analyse(s))


def test_the_chart_is_an_image_with_a_title_and_a_description_holding_the_narrative() -> None:
    svg = render_svg(analyse(improving_series()), id_prefix="c1")
    root = ET.fromstring(  # noqa: S314
        svg
    )
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title.get("id") == "c1-title" and "People seen within 2 weeks" in title.text
    assert "Limits recalculated from 1 July 2023 because we changed the referral form" in desc.text
    assert "<script" not in svg and "javascript:" not in svg


def test_every_piece_of_text_is_escaped() -> None:
    s = improving_series()
    s.name = '<script>alert("x")</script> & more'
    s.options = SeriesOptions(
        annotations=(Annotation(s.dates[3], "</title><script>bad()</script>"),),
        recalculations=(Recalculation(s.dates[20], '"><script>x</script>'),),
    )
    svg = render_svg(analyse(s))
    assert "<script" not in svg
    root = ET.fromstring(  # noqa: S314
        svg
    )  # still well-formed XML
    assert root.find("svg:title", NS).text.startswith('<script>alert("x")</script> & more')


def test_icons_carry_their_letter_and_words_so_colour_is_not_the_only_signal() -> None:
    svg = render_svg(analyse(improving_series()))
    root = ET.fromstring(  # noqa: S314
        svg
    )
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "H" in texts and "Improving: a change" in " ".join(texts)
    assert "?" in texts and "Will sometimes meet and" in " ".join(texts)


def test_special_cause_points_have_their_own_shapes_and_a_tooltip() -> None:
    svg = render_svg(analyse(concern_weekly_series()))
    assert "<rect x=" in svg  # concern points are squares
    assert "Concern: a change unlikely to be chance." in svg


@pytest.mark.parametrize("tone", ["common", "improvement", "concern", "neutral", "target", "limit", "centre"])
def test_every_colour_passes_wcag_aa_contrast_against_white(tone: str) -> None:
    assert contrast_with_white(COLOURS[tone]) >= 4.5


def test_the_published_mdc_blue_and_grey_would_fail_which_is_why_we_darken_them() -> None:
    assert contrast_with_white(MDC_COLOURS["improvement"]) < 3
    assert contrast_with_white(MDC_COLOURS["common"]) < 3


def test_a_series_with_no_values_still_draws() -> None:
    svg = render_svg(analyse(Series(monthly(3), [None, None, None])))
    assert (
        ET.fromstring(  # noqa: S314
            svg
        ).get("role")
        == "img"
    )
    assert not np.isnan(0)
