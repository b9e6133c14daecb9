"""Every report starts with the summary: the Making Data Count "summary icons" matrix (what changed × whether
the target will be met, each measure's name in its cell, counts per cell), the same content as a table, and
three sentences; then a page per exception; the committee chooses exceptions only or everything. The demo's
six-team programme committee report, exceptions only, is at most 20 pages."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command

from tests.reports.conftest import FROM, TO
from whatmatters.framework.measures.summary import is_exception, short_name, summarise
from whatmatters.spc.icons import ASSURANCE_ICONS, VARIATION_ICONS


def shown(
    name: str, variation: str | None, assurance: str | None, early: bool = False, target: float | None = None
) -> Any:
    """A measure as shown_for gives it, for the summary: its icons and an SPC result (which, as the engine
    does, judges a target against the limits however few the points)."""
    measure = SimpleNamespace(name=name, pk=name, target=target)
    judged = ASSURANCE_ICONS["inconsistent"] if target is not None else None
    result = SimpleNamespace(trial_limits=early, assurance_from_limits=judged) if variation else None
    return SimpleNamespace(
        item=SimpleNamespace(measure=measure, result=result),
        variation=VARIATION_ICONS[variation] if variation else None,
        assurance=ASSURANCE_ICONS[assurance] if assurance else None,
    )


TEAM = SimpleNamespace(name="Community Enhancing Recovery Team (CERT)")
WARD = SimpleNamespace(name="Crisis Resolution and Home Treatment Team")


def test_each_measure_goes_in_the_cell_of_its_two_icons_with_counts() -> None:
    summary = summarise(
        [
            (TEAM, shown("Worse and failing", "concern_high", "consistent_fail")),
            (TEAM, shown("Better", "improvement_low", None)),
            (TEAM, shown("Steady", "common_cause", "inconsistent")),
            (TEAM, shown("Steady too", "common_cause", "inconsistent")),
            (TEAM, shown("Empty", None, None)),
        ],
        href=lambda team, s: f"#{s.item.measure.name}",
    )
    assert [e.label for e in summary.cell("concern", "consistent_fail")] == ["Worse and failing"]
    assert [e.label for e in summary.cell("improvement", "none")] == ["Better"]
    assert len(summary.cell("common", "inconsistent")) == 2
    assert summary.row_total("common") == 2 and summary.column_total("none") == 2
    assert [r.key for r in summary.rows] == ["concern", "common", "improvement", "none"]
    assert [e.label for e in summary.exceptions] == ["Worse and failing", "Better"]


def test_a_measure_with_a_target_but_too_few_points_is_too_early_to_judge_and_one_without_has_no_target() -> (
    None
):
    summary = summarise(
        [
            (TEAM, shown("New with a target", "common_cause", None, early=True, target=80.0)),
            (TEAM, shown("New without one", "common_cause", None, early=True)),
            (TEAM, shown("Settled without one", "common_cause", None)),
            (TEAM, shown("No values, a target", None, None, target=80.0)),
        ],
        href=lambda t, s: "",
    )
    assert [e.label for e in summary.cell("common", "early")] == ["New with a target"]
    assert [e.label for e in summary.cell("common", "none")] == ["New without one", "Settled without one"]
    assert [e.label for e in summary.cell("none", "early")] == ["No values, a target"]
    assert [c.words(False) for c in summary.columns][-2:] == ["Too early to judge", "No target"]
    assert [c.words(True) for c in summary.columns][-2:] == ["Too early to tell", "No goal yet"]


def test_a_real_measure_with_no_target_is_in_no_target_and_one_with_a_target_and_3_points_is_too_early(
    programme: Any,
) -> None:
    from tests.framework.factories import add_values, make_domain, make_measure
    from whatmatters.framework.measures.results import results_for
    from whatmatters.framework.measures.shown import shown_for

    team = programme.team_a
    domain = make_domain(team)
    untargeted = make_measure(team, domain, "no-target", name="No target")
    add_values(untargeted, [float(v) for v in range(20, 44)])
    early = make_measure(team, domain, "early", name="Three points", target=30.0)
    add_values(early, [40.0, 41.0, 39.0])
    items = results_for(team, [untargeted, early])
    summary = summarise(
        [(team, shown_for(i, outside_team=False, chart=False)) for i in items], href=lambda t, s: ""
    )
    columns = {e.name: e.column for e in summary.entries}
    assert columns == {"No target": "none", "Three points": "early"}
    assert all(e.assurance is None for e in summary.entries)


def matrix_html(summary: Any) -> str:
    from django.template import engines

    macros = engines["jinja2"].env.get_template("framework/_summary.jinja").module
    return str(macros.matrix(summary)) + str(macros.table(summary))


def test_the_matrix_draws_only_rows_and_columns_with_a_measure_in_their_order_and_counts_every_one() -> None:
    entries = [
        (TEAM, shown("Better and passing", "improvement_low", "consistent_pass")),
        (TEAM, shown("Worse", "concern_high", None)),
        (TEAM, shown("Steady", "common_cause", None)),
    ]
    summary = summarise(entries, href=lambda t, s: "")
    assert [r.key for r in summary.rows] == ["concern", "common", "improvement"]
    assert [c.key for c in summary.columns] == ["consistent_pass", "none"]
    assert summary.row_total("neutral") == 0 and summary.column_total("consistent_fail") == 0
    assert len(summary.entries) == 3
    assert summary.sentences()[0].startswith("Going well: 1 measure is improving")
    html = matrix_html(summary)
    headers = html.split("<tbody>")[0]
    assert headers.index("Will consistently meet the target") < headers.index("No target")
    for empty in ("Will not meet the target", "Will sometimes meet", "Too early to judge"):
        assert empty not in html
    assert "Higher or lower than usual" not in html and "No data yet" not in html
    assert html.index("Concern: a change") < html.index("No significant change") < html.index("Improving")
    assert "(3 measures)" in html  # the caption counts every measure


def test_a_summary_with_no_measure_says_so_in_a_sentence_instead_of_a_grid() -> None:
    summary = summarise([], href=lambda t, s: "")
    assert summary.rows == [] and summary.columns == []
    html = matrix_html(summary)
    assert "<table" not in html
    assert "No measures yet, so there is no summary to draw." in html
    easy = summarise([], href=lambda t, s: "", easy_read=True)
    assert "There is nothing to show yet." in matrix_html(easy)


def test_the_no_data_row_is_there_only_when_a_measure_has_no_result() -> None:
    summary = summarise([(TEAM, shown("Steady", "common_cause", None))], href=lambda t, s: "")
    assert "none" not in [r.key for r in summary.rows]


def test_an_exception_is_special_cause_of_any_kind_or_a_target_that_will_not_be_met() -> None:
    assert is_exception(VARIATION_ICONS["improvement_high"], None)
    assert is_exception(VARIATION_ICONS["neutral_low"], None)
    assert is_exception(VARIATION_ICONS["common_cause"], ASSURANCE_ICONS["consistent_fail"])
    assert not is_exception(VARIATION_ICONS["common_cause"], ASSURANCE_ICONS["inconsistent"])
    assert not is_exception(None, None)


def test_the_three_sentences_say_what_is_going_well_what_needs_attention_and_what_is_too_early() -> None:
    summary = summarise(
        [
            (TEAM, shown("Falls", "concern_high", None)),
            (TEAM, shown("Waits", "improvement_low", "consistent_pass")),
            (TEAM, shown("New survey", "common_cause", None, early=True)),
        ],
        href=lambda t, s: "",
    )
    assert summary.sentences() == [
        "Going well: 1 measure is improving or will consistently meet the target (Waits).",
        "Needs attention: 1 measure shows a change unlikely to be chance that is not an improvement, "
        "or will not meet the target without change (Falls).",
        "Too early to tell: 1 measure has too few results for their limits to settle, or none yet "
        "(New survey).",
    ]


def test_a_long_list_of_names_in_a_sentence_stops_after_3() -> None:
    many = [(TEAM, shown(f"M{i}", "concern_low", None)) for i in range(6)]
    second = summarise(many, href=lambda t, s: "").sentences()[1]
    assert "(M0, M1, M2 and 3 more)" in second


def test_a_programme_grid_names_each_team_by_a_short_name_and_says_what_it_stands_for() -> None:
    assert short_name(TEAM) == "CERT"
    assert short_name(WARD) == "CRHTT"
    assert short_name(SimpleNamespace(name="Team A")) == "Team A"
    summary = summarise([(WARD, shown("Falls", "common_cause", None))], href=lambda t, s: "", programme=True)
    assert summary.entries[0].label == "CRHTT: Falls"
    assert summary.teams() == [("CRHTT", "Crisis Resolution and Home Treatment Team")]
    assert summary.cell_by_team("common", "none")[0][0] == "CRHTT"


def test_easy_read_sentences_are_short_and_name_no_statistics() -> None:
    summary = summarise([(TEAM, shown("Falls", "concern_high", None))], href=lambda t, s: "", easy_read=True)
    for sentence in summary.sentences():
        assert len(sentence.split()) <= 15
        assert "target" not in sentence and "chance" not in sentence


def test_a_team_report_starts_with_the_matrix_and_the_same_content_as_a_table(
    report_world: dict[str, Any],
) -> None:
    from whatmatters.reports import presenters, rendering

    html = rendering.render_body(presenters.build(report_world["team"], FROM, TO, "committee"))
    assert (
        html.index('id="report-summary"')
        < html.index('id="report-matrix"')
        < html.index('id="report-exceptions"')
    )
    assert '<th scope="col" class="wm-matrix__head' in html and '<th scope="row"' in html
    assert 'id="report-summary-table"' in html
    # Every measure is named in the grid; each exception has its own page and the others have none.
    for m in ("Median wait in days", "Seen within 2 weeks", "Carers offered an assessment", "Admissions"):
        assert m in html
    data = presenters.build(report_world["team"], FROM, TO, "committee")
    exceptions = {m.measure.name for _, m in data.exceptions()}
    assert "Median wait in days" in exceptions
    for team, m in data.all_measures():
        assert (f'id="{team.slug}-{m.id}"' in html) == (m.measure.name in exceptions)


def test_everything_adds_the_other_measures_as_small_multiples(report_world: dict[str, Any]) -> None:
    from whatmatters.reports import presenters, rendering

    data = presenters.build(report_world["team"], FROM, TO, "committee", contents="everything")
    html = rendering.render_body(data)
    assert "Appendix: every other measure" in html
    for team, m in data.all_measures():
        assert f'id="{team.slug}-{m.id}"' in html
    only = rendering.render_body(presenters.build(report_world["team"], FROM, TO, "committee"))
    assert "Appendix: every other measure" not in only


def test_the_report_form_and_the_command_take_the_contents(
    report_world: dict[str, Any], tmp_path: Path
) -> None:
    from whatmatters.reports.forms import ReportForm

    form = ReportForm({"audience": "committee", "date_from": "2024-01-01", "date_to": "2024-12-31"})
    assert form.is_valid() and form.cleaned_data["contents"] == "exceptions"  # the default
    form = ReportForm(
        {"audience": "committee", "date_from": "2024-01-01", "date_to": "2024-12-31", "contents": "nope"}
    )
    assert not form.is_valid() and "contents" in form.errors
    out = tmp_path / "all.html"
    call_command(
        "report", "--team", "team-a", "--from", "2024-01-01", "--to", "2024-12-31", "--audience",
        "committee", "--format", "html", "--contents", "everything", "--output", str(out),
        stderr=open(os.devnull, "w"),  # noqa: SIM115
    )  # fmt: skip
    assert "Appendix: every other measure" in out.read_text()


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def first_page_words(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


@pytest.mark.django_db(transaction=False)
def test_the_demo_programme_committee_report_is_at_most_20_pages_and_opens_with_the_summary(
    tmp_path: Path,
) -> None:
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from whatmatters.framework.models import Value

    first = Value.objects.order_by("period").first().period
    end = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    out = tmp_path / "programme.pdf"
    call_command(
        "report", "--programme", "--from", first.isoformat(), "--to", end.isoformat(), "--audience",
        "committee", "--format", "pdf", "--output", str(out), stderr=open(os.devnull, "w"),  # noqa: SIM115
    )  # fmt: skip
    assert pdf_pages(out) <= 20
    words = first_page_words(out)
    assert words.startswith("Riverside Mental Health NHS Foundation Trust: programme report Summary")
    assert "Going well:" in words and "Needs attention:" in words and "Too early to tell:" in words
    assert "Summary: what changed, and whether the target will be met" in words
    for heading in ("Will not meet the target without change", "Will consistently meet the target",
                    "No significant change", "Concern: a change unlikely to be chance"):  # fmt: skip
        assert heading in words
    assert "CERT: Community Enhancing Recovery Team (CERT)" in words  # what each short name stands for
    assert "Measures that need a decision" not in words  # the exceptions start on the next page
