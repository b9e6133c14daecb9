"""The summary and the exceptions of a report, as PowerPoint and Excel lay them out.

- The summary is the Making Data Count "summary icons" matrix: one row per variation icon's words, one column
  per assurance icon's words (and "No target"), each measure's name in its cell.
- An exception is a measure whose latest point shows special cause (any variation icon but "No significant
  change"), or that will not meet its target without change.

Both are read from what `shown_for` gave each measure (`presenters.MeasureReport`): the same icons as the
dashboard and the HTML and PDF report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whatmatters.reports.presenters import MeasureReport, ReportData
from whatmatters.spc.icons import ASSURANCE_ICONS, VARIATION_ICONS

NO_RESULT = "No results yet"
NO_TARGET = "No target"


@dataclass
class Matrix:
    rows: list[str]  # variation words, in the order they are shown
    columns: list[str]  # assurance words
    cells: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # measure names

    def names(self, row: str, column: str) -> list[str]:
        return self.cells.get((row, column), [])

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.cells.values())


def _words(icon: Any, easy: bool) -> str:
    return icon.easy_read if easy else icon.committee


def _unique(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))


def label(data: ReportData, team: Any, report: MeasureReport) -> str:
    """A measure's name; in a programme report, with its team's name before it."""
    return f"{team.name}: {report.measure.name}" if data.programme else report.measure.name


def matrix(data: ReportData) -> Matrix:
    easy = data.easy_read
    order = ("concern_high", "concern_low", "neutral_high", "neutral_low", "common_cause")
    order += ("improvement_high", "improvement_low")
    rows = _unique([_words(VARIATION_ICONS[name], easy) for name in order]) + [NO_RESULT]
    columns = [
        _words(ASSURANCE_ICONS[name], easy) for name in ("consistent_fail", "inconsistent", "consistent_pass")
    ]
    grid = Matrix(rows=rows, columns=[*columns, NO_TARGET])
    for team, report in data.all_measures():
        row = _words(report.variation, easy) if report.variation else NO_RESULT
        column = _words(report.assurance, easy) if report.assurance else NO_TARGET
        grid.cells.setdefault((row, column), []).append(label(data, team, report))
    return grid


def is_exception(report: MeasureReport) -> bool:
    variation, assurance = report.variation, report.assurance
    special = variation is not None and variation.name != "common_cause"
    return special or (assurance is not None and assurance.name == "consistent_fail")


def exceptions(data: ReportData) -> list[tuple[Any, MeasureReport]]:
    """The measures that need a decision, in the report's order."""
    return [(team, report) for team, report in data.all_measures() if is_exception(report)]
