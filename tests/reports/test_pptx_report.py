"""PowerPoint reports: a title slide, a summary slide, one slide per exception; every picture has alt text;
the words and numbers are those the dashboard shows; small counts stay hidden."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from tests.framework.factories import make_ratio_measure
from tests.reports.conftest import FROM, TO, add_ratio_values
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import HIDDEN_SMALL, shown_for
from whatmatters.framework.models import Measure
from whatmatters.reports import presenters
from whatmatters.reports.formats import render_office
from whatmatters.teams.roles import Role

FORM = {"audience": "committee", "date_from": "2024-01-01", "date_to": "2024-12-31"}
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def deck(team: Any, audience: str = "committee") -> Any:
    data = presenters.build(team, FROM, TO, audience)
    return Presentation(io.BytesIO(render_office("pptx", data)))


def texts(slide: Any) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def pictures(slide: Any) -> list[Any]:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def alt(picture: Any) -> str:
    return picture._element.nvPicPr.cNvPr.get("descr") or ""


def summary_cells(slide: Any) -> dict[tuple[str, str], str]:
    table = next(shape for shape in slide.shapes if shape.has_table).table
    columns = [cell.text for cell in table.rows[0].cells]
    return {
        (row.cells[0].text, columns[c]): row.cells[c].text
        for row in list(table.rows)[1:]
        for c in range(1, len(columns))
    }


@pytest.fixture
def shifted(report_world: dict[str, Any]) -> Measure:
    """A percentage that jumps (special cause) and has a month of 3 out of 5: an exception whose chart
    must be left out of a report."""
    measure = make_ratio_measure(report_world["team"], report_world["domain"], "jumped", name="Jumped")
    add_ratio_values(measure, [(20, 30)] * 20 + [(3, 5)] + [(29, 30)] * 3)
    return measure


def test_it_has_a_title_slide_a_summary_slide_and_one_slide_per_exception(
    report_world: dict[str, Any],
) -> None:
    slides = list(deck(report_world["team"]).slides)
    # By hand: the wait falls below its limits (improving) and "seen in 2 weeks" climbs above them
    # (improving); admissions and carers offered show no significant change and miss no target.
    assert [s.shapes.title.text for s in slides] == [
        "Team A: quality report",
        "Summary: what the measures show",
        "Median wait in days",
        "Seen within 2 weeks",
    ]
    assert "Team A\n1 January 2024 to 31 December 2024\nFor: Committee" in texts(slides[0])


def test_the_exception_slides_are_the_measures_the_dashboard_shows_special_cause_or_a_missed_target(
    report_world: dict[str, Any], shifted: Measure
) -> None:
    team = report_world["team"]
    on_dashboard = [
        shown_for(item, outside_team=False) for item in results_for(team, list(team.measures.all()))
    ]
    expected = {
        s.measure.name
        for s in on_dashboard
        if (s.variation and s.variation.name != "common_cause")
        or (s.assurance and s.assurance.name == "consistent_fail")
    }
    slides = list(deck(team).slides)
    assert len(slides) == 2 + len(expected)
    assert (
        {s.shapes.title.text for s in slides[2:]}
        == expected
        == {
            "Median wait in days",
            "Seen within 2 weeks",
            "Jumped",
        }
    )


def test_every_picture_has_alt_text_saying_what_the_chart_says(report_world: dict[str, Any]) -> None:
    slides = list(deck(report_world["team"]).slides)
    drawn = [p for s in slides for p in pictures(s)]
    assert len(drawn) == 2  # the two exceptions' charts
    for picture in drawn:
        assert alt(picture).strip()
    wait = pictures(slides[2])[0]
    assert alt(wait).startswith("Median wait in days: ")
    assert "The latest value is 19 days, for December 2024." in alt(wait)
    assert wait.image.content_type == "image/png"
    assert wait.image.size[0] == 1520


def test_an_exception_slide_has_the_words_and_numbers_of_the_dashboard(report_world: dict[str, Any]) -> None:
    team = report_world["team"]
    wait = next(i for i in results_for(team, [report_world["wait"]], as_of=TO))
    dashboard = shown_for(wait, outside_team=True)
    words = texts(list(deck(team).slides)[2])
    assert f"What the chart shows: {dashboard.variation.committee}" in words
    # Early days: 12 points since the new baseline of January 2024, fewer than the 13 an assurance icon
    # needs, so the dashboard has none and neither has the slide.
    assert dashboard.assurance is None
    assert "The target:" not in words
    for sentence in dashboard.committee:
        assert sentence in words
    assert "The latest value is 19 days, for December 2024." in words
    notes = list(deck(team).slides)[2].notes_slide.notes_text_frame.text
    assert "December 2024: 19 days" in notes
    assert "January 2024: New triage" in notes  # the new baseline in the period


def test_an_exception_slide_says_what_people_said_behind_it_in_shared_words_only(
    report_world: dict[str, Any],
) -> None:
    words = texts(list(deck(report_world["team"]).slides)[2])
    assert "What people told us: “I know what is happening while I wait”" in words
    assert "“Nobody told me how long the wait would be”" in words  # approved, and agreed to share
    for key in ("private", "pending", "held"):
        assert report_world["statements"][key].text not in words
    assert "Owner: No owner named yet" in words


def test_the_summary_slide_puts_each_measure_in_the_cell_of_its_icons(report_world: dict[str, Any]) -> None:
    cells = summary_cells(list(deck(report_world["team"]).slides)[1])
    improving = "Improving: a change unlikely to be chance"
    # The wait has a target but only 12 points since its new limits (early days): no assurance icon yet.
    assert cells[(improving, "Too early to judge")] == "1 measure\nMedian wait in days"
    assert cells[(improving, "No target")] == "1 measure\nSeen within 2 weeks"
    assert (
        cells[("No significant change", "No target")]
        == "2 measures\nAdmissions\nCarers offered an assessment"
    )
    assert sum(1 for text in cells.values() if text) == 3
    # Only the rows and columns with a measure in them, in the matrix's order.
    assert sorted({row for row, _ in cells}) == sorted([improving, "No significant change"])
    assert [column for row, column in cells if row == improving] == ["Too early to judge", "No target"]


def test_the_summary_slide_has_the_three_sentences_of_the_report_page(report_world: dict[str, Any]) -> None:
    team = report_world["team"]
    words = texts(list(deck(team).slides)[1])
    for sentence in presenters.build(team, FROM, TO, "committee").summary.sentences():
        assert sentence in words
    assert "Going well: 2 measures are improving" in words


def test_a_chart_disclosure_control_leaves_out_is_not_drawn_and_small_counts_stay_hidden(
    report_world: dict[str, Any], shifted: Measure
) -> None:
    slide = next(s for s in deck(report_world["team"]).slides if s.shapes.title.text == "Jumped")
    assert pictures(slide) == []
    assert HIDDEN_SMALL in texts(slide)
    notes = slide.notes_slide.notes_text_frame.text
    assert "September 2024: *" in notes  # 3 out of 5
    assert "60%" not in notes and "60%" not in texts(slide)


def test_a_programme_deck_names_each_measures_team(report_world: dict[str, Any], programme: Any) -> None:
    Measure.objects.filter(pk=report_world["wait"].pk).update(shared_with_programme=True)
    slides = list(deck(None).slides)
    assert [s.shapes.title.text for s in slides[2:]] == ["Team A: Median wait in days"]
    assert "Every team in the programme" in texts(slides[0])


def test_an_easy_read_deck_has_easy_words_and_no_charts(report_world: dict[str, Any]) -> None:
    slides = list(deck(report_world["team"], "lived-experience").slides)
    assert [p for s in slides for p in pictures(s)] == []
    assert "What the chart shows: Getting better" in texts(slides[2])
    assert "Getting better" in [row for row, _ in summary_cells(slides[1])]


def test_the_command_writes_a_powerpoint_file(report_world: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "team-a.pptx"
    err = io.StringIO()
    call_command(
        "report",
        *("--team", "team-a", "--from", "2024-01-01", "--to", "2024-12-31", "--audience", "committee"),
        *("--format", "pptx", "--output", str(out)),
        stdout=io.StringIO(),
        stderr=err,
    )
    assert len(Presentation(str(out)).slides) == 4
    assert f"Wrote {out}" in err.getvalue()


def test_the_report_page_makes_and_offers_a_powerpoint_file(
    report_world: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.reports.models import Report

    lead = client_for(people[Role.TEAM_LEAD])
    assert 'value="pptx"' in lead.get("/teams/team-a/reports/new/").content.decode()
    assert lead.post("/teams/team-a/reports/new/", {**FORM, "file_format": "pptx"}).status_code == 302
    report = Report.objects.latest("pk")
    assert (report.status, report.file_format, bytes(report.pdf)) == ("ready", "pptx", b"")
    page = lead.get(f"/teams/team-a/reports/{report.pk}/").content.decode()
    assert f'href="/teams/team-a/reports/{report.pk}/report.pptx">Download the PowerPoint file' in page
    assert "report.pdf" not in page.split("<h1>", 1)[1].split("</ul>", 1)[0]
    download = lead.get(f"/teams/team-a/reports/{report.pk}/report.pptx")
    assert download["Content-Type"] == PPTX
    name = "what-matters-team-a-committee-2024-01-01-to-2024-12-31.pptx"
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    assert download["Cache-Control"] == "private, no-store"
    assert len(Presentation(io.BytesIO(download.content)).slides) == 4
    # It was made as PowerPoint: there is no PDF or Excel file of it.
    assert lead.get(f"/teams/team-a/reports/{report.pk}/report.pdf").status_code == 404
    assert lead.get(f"/teams/team-a/reports/{report.pk}/report.xlsx").status_code == 404
    history = lead.get("/teams/team-a/reports/").content.decode()
    assert f'href="/teams/team-a/reports/{report.pk}/report.pptx">PowerPoint' in history
