"""The summary every report and the team dashboard open with: the Making Data Count "summary icons" matrix.

NHS England's Making Data Count guidance puts each measure in one cell of a grid: its variation icon (what
changed) one way, its assurance icon (whether the target will be met) the other, so a board sees at a glance
which measures need a decision (docs/reports.md cites the guidance). Here:

- the rows are the variation icons' words, concern first: "Concern", "Higher or lower than usual", "No
  significant change", "Improving", and "No data yet" for a measure with no result;
- the columns are the assurance icons' words, "Will not meet the target without change" first, then
  "Will sometimes meet and sometimes miss the target", "Will consistently meet the target"; then "Too early
  to judge" for a measure with a target but too few points for an assurance icon (early days), and "No
  target" for a measure with no target to judge (none at all, or one with no better direction);
- each cell holds the names of its measures and how many there are;
- three sentences say what is going well, what needs attention and what is too early to tell.

It reads only what `shown_for` (or a dashboard card built from it) gives each measure: its icons and its
SPC result from `results_for`. Nothing here works out limits, signals or what is too small to show, so the
matrix can never disagree with the chart, the dashboard card or the report page of the same measure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from whatmatters.spc.icons import ASSURANCE_ICONS, VARIATION_ICONS, Icon

# The few names a sentence lists before it says "and N more".
NAMED_IN_A_SENTENCE = 3
# What a summary with no measure at all says instead of a grid.
EMPTY = "No measures yet, so there is no summary to draw."
EMPTY_EASY = "There is nothing to show yet."


@dataclass(frozen=True)
class Band:
    """A row or a column of the matrix: its key, its words (committee and easy read) and its icons."""

    key: str
    committee: str
    easy_read: str
    letters: str  # the letters drawn on its icons ("H or L"), "" when it has none
    tone: str

    def words(self, easy: bool) -> str:
        return self.easy_read if easy else self.committee

    def short(self, easy: bool) -> str:
        """Its words up to a colon ("Concern" for "Concern: a change unlikely to be chance"): a list item
        that names its row and its column in one line."""
        return self.words(easy).split(":")[0]


ROWS = (
    Band("concern", VARIATION_ICONS["concern_high"].committee, "Getting worse", "H or L", "concern"),
    Band("neutral", "Higher or lower than usual", "Higher or lower than usual", "H or L", "neutral"),
    Band("common", VARIATION_ICONS["common_cause"].committee, "About the same as usual", "", "common"),
    Band(
        "improvement",
        VARIATION_ICONS["improvement_high"].committee,
        "Getting better",
        "H or L",
        "improvement",
    ),
    Band("none", "No data yet", "No results yet", "", "none"),
)
COLUMNS = (
    Band(
        "consistent_fail",
        ASSURANCE_ICONS["consistent_fail"].committee,
        ASSURANCE_ICONS["consistent_fail"].easy_read,
        "F",
        "concern",
    ),
    Band(
        "inconsistent",
        ASSURANCE_ICONS["inconsistent"].committee,
        ASSURANCE_ICONS["inconsistent"].easy_read,
        "?",
        "common",
    ),
    Band(
        "consistent_pass",
        ASSURANCE_ICONS["consistent_pass"].committee,
        ASSURANCE_ICONS["consistent_pass"].easy_read,
        "P",
        "improvement",
    ),
    Band("early", "Too early to judge", "Too early to tell", "", "none"),
    Band("none", "No target", "No goal yet", "", "none"),
)


def row_of(variation: Icon | None) -> str:
    if variation is None:
        return "none"
    return {"concern": "concern", "neutral": "neutral", "improvement": "improvement"}.get(
        variation.tone, "common"
    )


def column_of(view: Any) -> str:
    """The column of a measure as `shown_for` (or a dashboard card) gave it: its assurance icon's; without
    one, "early" when the engine would have judged a target but for early days (it gives the judgement
    against the limits however few the points, `assurance_from_limits`), otherwise "none"."""
    if view.assurance is not None:
        return str(view.assurance.name)
    result = view.item.result
    if result is None:  # no values yet: too early to judge a target it has
        measure = view.item.measure
        return "early" if measure.target is not None or getattr(view.item, "targets", None) else "none"
    return "early" if result.trial_limits and result.assurance_from_limits is not None else "none"


def place_of(view: Any) -> tuple[str, bool]:
    """Its column, and whether its limits are trial limits (early days). A dashboard card carries both
    (`place`), worked out from its result when it was made, since a card kept in the cache has no result."""
    place = getattr(view, "place", None)
    if place is not None:
        return place
    result = view.item.result
    return column_of(view), bool(result is not None and result.trial_limits)


def is_exception(variation: Icon | None, assurance: Icon | None) -> bool:
    """A measure that needs a decision: its latest point shows special cause (any variation icon but "No
    significant change"), or it will not meet its target without change."""
    special = variation is not None and variation.name != "common_cause"
    return special or (assurance is not None and assurance.name == "consistent_fail")


@dataclass(frozen=True)
class Entry:
    """One measure in the summary."""

    label: str  # its name (in a programme, with its team's short name first)
    name: str  # its name alone
    team_label: str  # its team's short name
    href: str  # where its detail is: "#id" in a report, the card on a dashboard
    team: Any
    shown: Any  # what `shown_for` gave it (or a dashboard card built from it)
    row: str
    column: str
    early: bool  # trial limits: too few points for the limits to settle
    exception: bool

    @property
    def variation(self) -> Icon | None:
        return self.shown.variation

    @property
    def assurance(self) -> Icon | None:
        return self.shown.assurance

    @property
    def going_well(self) -> bool:
        return self.row == "improvement" or self.column == "consistent_pass"

    @property
    def needs_attention(self) -> bool:
        return self.row in ("concern", "neutral") or self.column == "consistent_fail"

    @property
    def too_early(self) -> bool:
        return self.row == "none" or self.early


@dataclass
class Summary:
    entries: list[Entry]
    easy_read: bool = False
    programme: bool = False
    cells: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self.cells.setdefault((entry.row, entry.column), []).append(entry)

    @property
    def rows(self) -> list[Band]:
        """The rows the matrix draws: those with a measure in them, in their order (an empty row says
        nothing a board needs, and the counts and sentences still count every measure)."""
        return [r for r in ROWS if self.row_total(r.key)]

    @property
    def columns(self) -> list[Band]:
        """The columns the matrix draws: those with a measure in them, in their order."""
        return [c for c in COLUMNS if self.column_total(c.key)]

    @property
    def empty(self) -> bool:
        """No measure at all: the matrix is a sentence (`empty_sentence`), not a grid."""
        return not self.entries

    @property
    def empty_sentence(self) -> str:
        return EMPTY_EASY if self.easy_read else EMPTY

    @property
    def widest_column(self) -> str:
        """The column with the most measures: a grid gives it the room the others do not need."""
        if not self.columns:
            return ""
        return max(self.columns, key=lambda c: (self.column_total(c.key), c.key == "none")).key

    def cell(self, row: str, column: str) -> list[Entry]:
        return self.cells.get((row, column), [])

    def cell_by_team(self, row: str, column: str) -> list[tuple[str, list[Entry]]]:
        """A cell's measures team by team, in the order the teams come."""
        grouped: dict[str, list[Entry]] = {}
        for entry in self.cell(row, column):
            grouped.setdefault(entry.team_label, []).append(entry)
        return list(grouped.items())

    def teams(self) -> list[tuple[str, str]]:
        """Each team's short name and its full name, where they differ: the key under a programme's grid."""
        seen: dict[str, str] = {}
        for entry in self.entries:
            full = getattr(entry.team, "name", "")
            if entry.team_label != full:
                seen.setdefault(entry.team_label, full)
        return list(seen.items())

    def row_total(self, row: str) -> int:
        return sum(1 for e in self.entries if e.row == row)

    def column_total(self, column: str) -> int:
        return sum(1 for e in self.entries if e.column == column)

    @property
    def exceptions(self) -> list[Entry]:
        return [e for e in self.entries if e.exception]

    @property
    def attention(self) -> list[Entry]:
        return [e for e in self.entries if e.needs_attention]

    @property
    def going_well(self) -> list[Entry]:
        return [e for e in self.entries if e.going_well]

    @property
    def too_early(self) -> list[Entry]:
        return [e for e in self.entries if e.too_early]

    def sentences(self) -> list[str]:
        """What is going well, what needs attention, what is too early to tell: three sentences."""
        return easy_sentences(self) if self.easy_read else committee_sentences(self)


def things(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def named(entries: list[Entry], programme: bool) -> str:
    """ " (A, B and C)", or " (A, B, C and 3 more)"; "" in a programme, whose grid names them team by
    team (a sentence of names from six teams would not fit on the summary page)."""
    return "" if programme or not entries else f" ({listed(entries)})"


def listed(entries: list[Entry]) -> str:
    labels = [e.label for e in entries]
    if len(labels) > NAMED_IN_A_SENTENCE:
        rest = len(labels) - NAMED_IN_A_SENTENCE
        return ", ".join(labels[:NAMED_IN_A_SENTENCE]) + f" and {rest} more"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def committee_sentences(summary: Summary) -> list[str]:
    well, attention, early = summary.going_well, summary.attention, summary.too_early
    if well:
        first = (
            f"Going well: {things(len(well), 'measure is', 'measures are')} improving or will consistently "
            f"meet the target{named(well, summary.programme)}."
        )
    else:
        first = "Going well: no measure is improving or will consistently meet its target yet."
    if attention:
        second = (
            f"Needs attention: {things(len(attention), 'measure shows', 'measures show')} a change unlikely "
            f"to be chance that is not an improvement, or will not meet the target without change"
            f"{named(attention, summary.programme)}."
        )
    else:
        second = "Needs attention: no measure shows a concern or will miss its target without change."
    if early:
        third = (
            f"Too early to tell: {things(len(early), 'measure has', 'measures have')} too few results for "
            f"their limits to settle, or none yet{named(early, summary.programme)}."
        )
    else:
        third = "Too early to tell: none; every measure has enough results to judge."
    return [first, second, third]


def easy_sentences(summary: Summary) -> list[str]:
    """Easy read: short sentences, no statistics words; the names are in the grid, not the sentences."""
    well, attention, early = summary.going_well, summary.attention, summary.too_early
    return [
        f"Going well: {things(len(well), 'thing is', 'things are')} getting better or should meet our goal."
        if well
        else "Going well: nothing is getting better yet.",
        f"To look at: {things(len(attention), 'thing has', 'things have')} changed in a way we need to check."
        if attention
        else "To look at: nothing has got worse.",
        f"Too early to tell: {things(len(early), 'thing is', 'things are')} too new to say."
        if early
        else "Too early to tell: nothing. We can say how everything is going.",
    ]


def short_name(team: Any) -> str:
    """A team's short name for a crowded grid: the words in brackets in its name ("CERT", "Willow Ward"),
    or the first letters of its name's words when it has more than 3 ("Crisis Resolution and Home
    Treatment Team" is "CRHTT"), or its name. A programme's grid says what each stands for."""
    name = getattr(team, "name", "") or ""
    found = re.search(r"\(([^()]{1,20})\)", name)
    if found:
        return found.group(1)
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z']*", name) if w[0].isupper()]
    return "".join(w[0] for w in words) if len(words) > 3 else name


ORDER = {band.key: i for i, band in enumerate(ROWS)}
COLUMN_ORDER = {band.key: i for i, band in enumerate(COLUMNS)}


def summarise(
    shown: Iterable[tuple[Any, Any]],
    *,
    href: Callable[[Any, Any], str],
    programme: bool = False,
    easy_read: bool = False,
    label: Callable[[Any], str] | None = None,
) -> Summary:
    """The summary of `(team, shown)` pairs, in their order: `shown` is what `shown_for` gave a measure (or
    a dashboard card). `href(team, shown)` says where the measure's detail is; `label(shown)` names it (its
    name by default); in a programme, each name has its team's short name first."""
    entries = []
    for team, view in shown:
        measure = view.item.measure
        name = label(view) if label else measure.name
        column, early = place_of(view)
        entries.append(
            Entry(
                label=f"{short_name(team)}: {name}" if programme else name,
                name=name,
                team_label=short_name(team),
                href=href(team, view),
                team=team,
                shown=view,
                row=row_of(view.variation),
                column=column,
                early=early,
                exception=is_exception(view.variation, view.assurance),
            )
        )
    return Summary(entries=entries, easy_read=easy_read, programme=programme)
