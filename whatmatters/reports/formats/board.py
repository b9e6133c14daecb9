"""The summary and the exceptions of a report, as PowerPoint and Excel lay them out.

Both come from the report's own summary (`ReportData.summary`, built by `framework.measures.summary` from
what `shown_for` gave each measure), so the slides and the workbook have the same matrix, the same three
sentences and the same exceptions as the report page, its PDF and the team dashboard:

- the matrix is the Making Data Count "summary icons" grid: a row per variation icon's words, a column per
  assurance icon's words (then "Too early to judge" and "No target"), each measure's name in its cell;
  only the rows and columns with a measure in them, in their order;
- an exception is a measure whose latest point shows special cause (any variation icon but "No significant
  change"), or that will not meet its target without change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whatmatters.reports.presenters import MeasureReport, ReportData


@dataclass
class Matrix:
    rows: list[str]  # variation words, in the order they are shown
    columns: list[str]  # assurance words
    cells: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # measure names
    sentences: list[str] = field(default_factory=list)  # going well, needs attention, too early to tell
    empty: str = ""  # what it says instead of a grid when there is no measure at all

    def names(self, row: str, column: str) -> list[str]:
        return self.cells.get((row, column), [])

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.cells.values())


def label(data: ReportData, team: Any, report: MeasureReport) -> str:
    """A measure's name; in a programme report, with its team's name before it."""
    return f"{team.name}: {report.measure.name}" if data.programme else report.measure.name


def matrix(data: ReportData) -> Matrix:
    summary, easy = data.summary, data.easy_read
    rows = {band.key: band.words(easy) for band in summary.rows}
    columns = {band.key: band.words(easy) for band in summary.columns}
    grid = Matrix(
        rows=list(rows.values()),
        columns=list(columns.values()),
        sentences=summary.sentences(),
        empty=summary.empty_sentence,
    )
    for entry in summary.entries:
        grid.cells.setdefault((rows[entry.row], columns[entry.column]), []).append(entry.label)
    return grid


def is_exception(report: MeasureReport) -> bool:
    return report.exception


def exceptions(data: ReportData) -> list[tuple[Any, MeasureReport]]:
    """The measures that need a decision, in the report's order."""
    return data.exceptions()
