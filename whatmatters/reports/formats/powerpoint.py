"""A report as a PowerPoint file: a title slide, a slide for the summary, one slide per exception and,
when the committee asks for everything, appendix slides of small multiples.

- The summary slide holds the variation × assurance matrix as a real table (a screen reader reads it
  cell by cell), with each cell's count and measure names; its notes list every name in full.
- An exception slide has the measure's chart as a picture whose alt text is the chart's own text
  alternative (`picture.alt_text`), the icons' words, the sentences, the owner, what people said behind
  it and its tests of change; its notes hold the table of values and the events. A chart disclosure
  control leaves out is not drawn: the slide says why.
- The appendix (`--contents everything` only, as in the PDF) has every other measure, `PER_SLIDE` to a
  slide: each with its name, its icons' words and its chart as a small picture with the same alt text (or,
  where the chart is left out, why); the notes hold each measure's sentences. Exceptions only: no appendix.
- Everything comes from `presenters.ReportData`, so the slides hold what the HTML and PDF report hold.
"""

from __future__ import annotations

import io
from typing import Any

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from whatmatters.disclosure import SUPPRESSED
from whatmatters.jinja2_env import uk_date
from whatmatters.reports.formats import board
from whatmatters.reports.formats.picture import SMALL_PIXELS_WIDE, alt_text, png_from_svg
from whatmatters.reports.presenters import EASY_HIDDEN, MeasureReport, ReportData

WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HIGH = Inches(0.3), Inches(1.0)
TITLE_ONLY = 5
# More names than this and a cell says how many more (the notes list them all): a programme's names are
# longer (a team's short name first), so fewer fit.
NAMES_IN_A_CELL = {False: 4, True: 2}
FIRST_COLUMN = Inches(1.9)
CHART_WIDE = Inches(8.8)  # half as high: 4.4 inches, under the title
# The appendix's small multiples: 3 across and 2 down a slide, each a name, its icons and its chart.
ACROSS, DOWN = 3, 2
PER_SLIDE = ACROSS * DOWN
GAP = Inches(0.25)
MULTIPLE_TOP, MULTIPLE_HIGH = Inches(1.05), Inches(3.1)
CHART_BELOW = Inches(0.9)  # the name and the icons' words above each small chart (about 2 inches high)


def _place_title(slide: Any, text: str, top: Emu = TITLE_TOP, height: Emu = TITLE_HIGH) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, top, WIDE - 2 * MARGIN, height
    title.text = text
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(24)


def _text_box(slide: Any, left: Emu, top: Emu, width: Emu, height: Emu, lines: list[str], size: int) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.space_after = Pt(6)


def _title_slide(deck: Any, data: ReportData) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    _place_title(slide, data.title, top=Inches(2.0), height=Inches(1.5))
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN,
        Inches(3.7),
        WIDE - 2 * MARGIN,
        Inches(2.0),
    )
    who = "Every team in the programme" if data.programme else data.sections[0].team.name
    subtitle.text = f"{who}\n{uk_date(data.date_from)} to {uk_date(data.date_to)}\nFor: {data.audience_name}"


def _cell_text(names: list[str], programme: bool) -> str:
    if not names:
        return ""
    shown = names[: NAMES_IN_A_CELL[programme]]
    more = len(names) - len(shown)
    lines = [f"{len(names)} measure{'s' if len(names) != 1 else ''}", *shown]
    return "\n".join([*lines, f"and {more} more"] if more else lines)


def _summary_slide(deck: Any, data: ReportData) -> None:
    grid = board.matrix(data)
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _place_title(slide, "Summary: what the measures show", top=Inches(0.2), height=Inches(0.75))
    rows = grid.rows  # only the rows and columns with a measure in them
    if not rows:
        _text_box(slide, MARGIN, Inches(1.4), WIDE - 2 * MARGIN, Inches(1), [grid.empty], 18)
        return
    # The three sentences first, as on the report page; then the grid, whose rows grow with their names.
    _text_box(slide, MARGIN, Inches(1.0), WIDE - 2 * MARGIN, Inches(0.9), grid.sentences, 11)
    shape = slide.shapes.add_table(
        len(rows) + 1, len(grid.columns) + 1, MARGIN, Inches(2.0), WIDE - 2 * MARGIN, Inches(4.0)
    )
    table = shape.table
    table.columns[0].width = FIRST_COLUMN
    for c in range(1, len(grid.columns) + 1):
        table.columns[c].width = int((WIDE - 2 * MARGIN - FIRST_COLUMN) / len(grid.columns))
    table.cell(0, 0).text = "Variation / assurance"
    for c, column in enumerate(grid.columns, start=1):
        table.cell(0, c).text = column
    for r, row in enumerate(rows, start=1):
        table.cell(r, 0).text = row
        for c, column in enumerate(grid.columns, start=1):
            table.cell(r, c).text = _cell_text(grid.names(row, column), data.programme)
    for r in range(len(rows) + 1):
        for c in range(len(grid.columns) + 1):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(8 if r else 9)
    notes = [f"{row}, {column}: {'; '.join(grid.names(row, column))}" for row, column in grid.cells]
    count = len(board.exceptions(data))
    notes.append(f"{count} measure{'s' if count != 1 else ''} need a decision: one slide each follows.")
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def _words(data: ReportData, report: MeasureReport) -> list[str]:
    easy = data.easy_read
    lines = [
        f"{'What the chart shows' if icon.kind == 'variation' else 'The target'}: "
        f"{icon.easy_read if easy else icon.committee}"
        for icon in (report.variation, report.assurance)
        if icon is not None
    ]
    if report.hidden:
        lines.append(EASY_HIDDEN if easy else report.hidden)
    else:
        lines += report.easy_read if easy else report.committee
    if not easy:
        lines.append(f"Owner: {report.measure.owner or 'No owner named yet'}")
    return lines + _behind_it(easy, report)


def _behind_it(easy: bool, report: MeasureReport) -> list[str]:
    """What people said about the measure's domains (a count and one quote each) and its tests of change,
    as the report page's exception page has them."""
    lines = []
    for voice in report.voices:
        count = "fewer than 8" if voice.total == SUPPRESSED else str(voice.total or "no")
        said = f"What people told us: “{voice.domain.i_statement}”, {count} statements"
        lines.append(f"{said}: “{voice.quotes[0]}”" if voice.quotes else said)
    for cycle in report.cycles:
        title = f"{'What we are trying' if easy else 'Test of change'}: {cycle['title']}"
        lines.append(title if easy else f"{title} ({cycle['stage'].lower()})")
    return lines


def _exception_slide(deck: Any, data: ReportData, team: Any, report: MeasureReport) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _place_title(slide, board.label(data, team, report), height=Inches(0.9))
    text_left, top = MARGIN, Inches(1.3)
    if report.svg:
        width = CHART_WIDE
        picture = slide.shapes.add_picture(io.BytesIO(png_from_svg(report.svg)), MARGIN, top, width=width)
        picture._element.nvPicPr.cNvPr.set("descr", alt_text(report.svg))
        picture.name = f"Chart: {report.measure.name}"
        text_left = MARGIN + width + Inches(0.3)
    lines = _words(data, report)
    _text_box(slide, text_left, top, WIDE - text_left - MARGIN, Inches(5.7), lines, 12)
    table = [f"{row.period}: {row.value or '(no value)'}" for row in report.rows]
    events = [f"{uk_date(a.date)}: {a.text}" for a in report.events]
    slide.notes_slide.notes_text_frame.text = "\n".join([*table, *events])


def _icons_line(data: ReportData, report: MeasureReport) -> str:
    icons = [report.variation, report.assurance]
    words = [(i.easy_read if data.easy_read else i.committee) for i in icons if i is not None]
    if words:
        return "; ".join(words)
    return "We have no results yet." if data.easy_read else "No data yet."


def _appendix_slides(deck: Any, data: ReportData) -> None:
    """Every measure that is not an exception, as small multiples, as the PDF's appendix has them."""
    title = "Everything else" if data.easy_read else "Appendix: every other measure"
    multiples = data.appendix()
    if not multiples:
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
        _place_title(slide, title, top=Inches(0.2), height=Inches(0.75))
        words = "Nothing else." if data.easy_read else "Every measure is on a slide of its own above."
        _text_box(slide, MARGIN, Inches(1.4), WIDE - 2 * MARGIN, Inches(1), [words], 18)
        return
    pages = [multiples[i : i + PER_SLIDE] for i in range(0, len(multiples), PER_SLIDE)]
    wide = int((WIDE - 2 * MARGIN - (ACROSS - 1) * GAP) / ACROSS)
    for number, page in enumerate(pages, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
        heading = f"{title} ({number} of {len(pages)})" if len(pages) > 1 else title
        _place_title(slide, heading, top=Inches(0.2), height=Inches(0.75))
        notes = []
        for place, (team, report) in enumerate(page):
            left = MARGIN + (place % ACROSS) * (wide + GAP)
            top = MULTIPLE_TOP + (place // ACROSS) * MULTIPLE_HIGH
            name = (
                (report.measure.description or report.measure.name) if data.easy_read else report.measure.name
            )
            named = f"{team.name}: {name}" if data.programme else name
            # Room for a programme name over two lines, and both icons' words over two.
            _text_box(slide, left, top, wide, Inches(0.5), [named], 10)
            _text_box(slide, left, top + Inches(0.5), wide, Inches(0.4), [_icons_line(data, report)], 8)
            said = report.easy_read if data.easy_read else report.committee
            if report.svg:
                picture = slide.shapes.add_picture(
                    io.BytesIO(png_from_svg(report.svg, SMALL_PIXELS_WIDE)),
                    left,
                    top + CHART_BELOW,
                    width=wide,
                )
                picture._element.nvPicPr.cNvPr.set("descr", alt_text(report.svg))
                picture.name = f"Chart: {report.measure.name}"
            else:
                words = (
                    (EASY_HIDDEN if data.easy_read else report.hidden) if report.hidden else " ".join(said)
                )
                _text_box(slide, left, top + CHART_BELOW, wide, Inches(2.0), [words], 10)
            notes.append(f"{named}. {_icons_line(data, report)}. {' '.join([] if report.hidden else said)}")
        slide.notes_slide.notes_text_frame.text = "\n".join(line.rstrip(". ") + "." for line in notes)


def render_pptx(data: ReportData) -> bytes:
    """The report's slides as a .pptx file."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDE, HIGH
    deck.core_properties.title = data.title
    period = f"{uk_date(data.date_from)} to {uk_date(data.date_to)}"
    deck.core_properties.subject = f"{data.audience_name}, {period}"
    deck.core_properties.author = deck.core_properties.last_modified_by = "What Matters"
    _title_slide(deck, data)
    _summary_slide(deck, data)
    for team, report in board.exceptions(data):
        _exception_slide(deck, data, team, report)
    if data.everything:
        _appendix_slides(deck, data)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
