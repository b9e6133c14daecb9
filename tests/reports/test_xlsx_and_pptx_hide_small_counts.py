"""Property tests: whatever a team's counts of people are, no count from 1 to 7 (and no unrounded count) can
appear in a PowerPoint or Excel report, for any audience. The worlds and the rules are those of
`test_no_suppressed_count_leaks` (the HTML report and the CSV), so every format is held to one rule."""

from __future__ import annotations

import io
import re
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook
from pptx import Presentation

from tests.reports.conftest import FROM, TO
from tests.reports.test_no_suppressed_count_leaks import AUDIENCES, FIXED, build, shown_count, world
from whatmatters.reports import presenters
from whatmatters.reports.formats import render_office

# The slides' own words with numbers that are not counts of people: a summary cell's "and 3 more", the
# early-days sentence that says how many points the chart needs ("When there are 13 points, ...") and what
# a suppressed count of statements reads as.
SLIDE_FIXED = [r"\band \d+ more\b", r"\b\d+ (?:points|results)\b", r"fewer than 8 statements"]
PEOPLE_CODES = ("people", "many-people")


def numbers_in(text: str) -> list[str]:
    text = " ".join(text.split())
    for pattern in [*FIXED, *SLIDE_FIXED]:
        text = re.sub(pattern, " ", text)
    return re.findall(r"\d+(?:\.\d+)?", text)


def deck_text(deck: Any) -> str:
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def check_deck(content: bytes, audience: str) -> None:
    deck = Presentation(io.BytesIO(content))
    text = deck_text(deck)
    leftover = [n for n in numbers_in(text) if not shown_count(n)]
    where = [m.group(0) for n in leftover for m in re.finditer(rf".{{0,60}}\b{n}\b.{{0,30}}", text)]
    assert leftover == [], (audience, leftover, where)
    charts = {
        shape.name for slide in deck.slides for shape in slide.shapes if shape.name.startswith("Chart: ")
    }
    # Exact counts are never drawn, nor rates from 1 to 7 people.
    assert charts <= {"Chart: Share large"}, charts


def check_workbook(content: bytes) -> None:
    book = load_workbook(io.BytesIO(content))
    values = list(book["Values"].iter_rows(values_only=True))
    header = values[0]
    for row in values[1:]:
        cell = dict(zip(header, row, strict=True))
        counts = ["Numerator", "Denominator"] + (["Value"] if cell["Measure code"] in PEOPLE_CODES else [])
        for column in counts:
            if cell[column] is not None:
                assert shown_count(str(cell[column])), (cell["Measure code"], column, cell[column])
        if cell["Measure code"] in ("people", "small-rate"):
            assert cell["Centre"] is cell["Lower limit"] is cell["Upper limit"] is None, (
                cell
            )  # would disclose
        if cell["Numerator"] == "*" or cell["Denominator"] == "*":
            assert cell["Value"] == "*", cell
    summary = list(book["Summary"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(summary) if row[0] == "Team")
    for row in summary[start + 1 :]:
        cell = dict(zip(summary[start], row, strict=True))
        if cell["Measure code"] in PEOPLE_CODES and cell["Latest value"]:
            assert shown_count(str(cell["Latest value"]).removesuffix(" people")), cell


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(w=world)
def test_no_count_from_1_to_7_appears_in_a_powerpoint_or_excel_report(
    programme: Any, w: dict[str, Any]
) -> None:
    team = programme.team_a
    with transaction.atomic():
        build(team, w)
        for audience in AUDIENCES:
            data = presenters.build(team, FROM, TO, audience)
            check_deck(render_office("pptx", data), audience)
            check_workbook(render_office("xlsx", data))
        transaction.set_rollback(True)
