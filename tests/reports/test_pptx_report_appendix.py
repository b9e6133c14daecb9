"""With everything asked for, a PowerPoint report ends with appendix slides of small multiples, as the PDF
does: several measures a slide, each chart a picture with alt text; exceptions only has no appendix."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pptx import Presentation

from tests.framework.factories import add_values, make_measure
from tests.reports.conftest import FROM, TO
from tests.reports.test_pptx_report import alt, pictures, texts
from whatmatters.framework.measures.shown import HIDDEN_SMALL
from whatmatters.reports import presenters
from whatmatters.reports.formats import render_office
from whatmatters.reports.formats.powerpoint import PER_SLIDE
from whatmatters.reports.presenters import Contents

APPENDIX = "Appendix: every other measure"
# Two years of a steady count with no signal and no target: a measure for the appendix, charted.
STEADY = [12, 14, 13, 12, 15, 13, 12, 14, 13, 12, 14, 13] * 2


def deck(team: Any, contents: str, audience: str = "committee") -> Any:
    data = presenters.build(team, FROM, TO, audience, contents=contents)
    return Presentation(io.BytesIO(render_office("pptx", data)))


def appendix_slides(presentation: Any) -> list[Any]:
    return [s for s in presentation.slides if s.shapes.title.text.startswith(("Appendix", "Everything else"))]


@pytest.fixture
def steady(report_world: dict[str, Any]) -> list[Any]:
    measures = []
    for n in range(5):
        measure = make_measure(
            report_world["team"], report_world["domain"], f"steady-{n}", name=f"Steady {n}", unit="calls"
        )
        add_values(measure, STEADY)
        measures.append(measure)
    return measures


def test_exceptions_only_has_no_appendix_slides(report_world: dict[str, Any], steady: list[Any]) -> None:
    presentation = deck(report_world["team"], Contents.EXCEPTIONS)
    assert appendix_slides(presentation) == []
    assert all("Steady" not in texts(s) for s in presentation.slides)


def test_everything_adds_appendix_slides_of_small_multiples_after_the_exceptions(
    report_world: dict[str, Any], steady: list[Any]
) -> None:
    presentation = deck(report_world["team"], Contents.EVERYTHING)
    titles = [s.shapes.title.text for s in presentation.slides]
    # 2 measures of the world are not exceptions (admissions, carers offered), and 5 steady ones: 7 in all,
    # 6 to a slide.
    assert PER_SLIDE == 6
    assert titles == [
        "Team A: quality report",
        "Summary: what the measures show",
        "Median wait in days",
        "Seen within 2 weeks",
        f"{APPENDIX} (1 of 2)",
        f"{APPENDIX} (2 of 2)",
    ]
    first, second = appendix_slides(presentation)
    words = texts(first) + texts(second)
    for name in ["Admissions", "Carers offered an assessment", *(f"Steady {n}" for n in range(5))]:
        assert name in words
    assert "Median wait in days" not in words  # an exception has its own slide, not a small multiple
    assert len(pictures(first)) == 4 and len(pictures(second)) == 1  # the steady charts
    assert "No significant change" in texts(first)


def test_every_picture_in_the_appendix_has_alt_text_saying_what_its_chart_says(
    report_world: dict[str, Any], steady: list[Any]
) -> None:
    presentation = deck(report_world["team"], Contents.EVERYTHING)
    drawn = [p for s in presentation.slides for p in pictures(s)]
    assert len(drawn) == 2 + 5  # the exceptions' charts and the steady ones
    for picture in drawn:
        assert alt(picture).strip(), picture.name
    small = [p for s in appendix_slides(presentation) for p in pictures(s)]
    assert [p.name for p in small] == [f"Chart: Steady {n}" for n in range(5)]
    assert alt(small[0]).startswith("Steady 0: ")
    assert small[0].image.size[0] == 760  # drawn small, for a small picture


def test_a_chart_left_out_by_disclosure_control_is_not_drawn_in_the_appendix_and_the_slide_says_why(
    report_world: dict[str, Any],
) -> None:
    (slide,) = appendix_slides(deck(report_world["team"], Contents.EVERYTHING))
    assert pictures(slide) == []  # admissions (a count of people) and carers offered (3 out of 5)
    assert texts(slide).count(HIDDEN_SMALL) == 2
    assert "60%" not in texts(slide) and "60%" not in slide.notes_slide.notes_text_frame.text


def test_an_easy_read_appendix_has_easy_words_and_no_charts(
    report_world: dict[str, Any], steady: list[Any]
) -> None:
    slides = appendix_slides(deck(report_world["team"], Contents.EVERYTHING, "lived-experience"))
    assert [s.shapes.title.text for s in slides] == ["Everything else (1 of 2)", "Everything else (2 of 2)"]
    assert [p for s in slides for p in pictures(s)] == []
    assert "About the same as usual" in texts(slides[0])
    assert "No significant change" not in texts(slides[0]) + texts(slides[1])


def test_the_command_with_everything_writes_the_appendix_into_the_powerpoint_file(
    report_world: dict[str, Any], steady: list[Any], tmp_path: Path
) -> None:
    out = tmp_path / "team-a.pptx"
    call_command(
        "report",
        *("--team", "team-a", "--from", "2024-01-01", "--to", "2024-12-31", "--audience", "committee"),
        *("--format", "pptx", "--contents", "everything", "--output", str(out)),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert len(appendix_slides(Presentation(str(out)))) == 2


def test_a_programme_appendix_names_each_measures_team(
    report_world: dict[str, Any], steady: list[Any]
) -> None:
    from whatmatters.framework.models import Measure

    Measure.objects.filter(pk=steady[0].pk).update(shared_with_programme=True)
    (slide,) = appendix_slides(deck(None, Contents.EVERYTHING))
    assert slide.shapes.title.text == APPENDIX
    assert "Team A: Steady 0" in texts(slide)
    assert [p.name for p in pictures(slide)] == ["Chart: Steady 0"] and alt(pictures(slide)[0])


def test_with_every_measure_an_exception_the_appendix_says_so(report_world: dict[str, Any]) -> None:
    from whatmatters.framework.models import Measure

    Measure.objects.filter(code__in=["admissions", "carers-offered"]).delete()
    (slide,) = appendix_slides(deck(report_world["team"], Contents.EVERYTHING))
    assert "Every measure is on a slide of its own above." in texts(slide)
    assert pictures(slide) == []
