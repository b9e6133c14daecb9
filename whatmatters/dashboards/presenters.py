"""Display logic for the dashboards. Every chart, icon and sentence comes from
`whatmatters.framework.measures.results.results_for` (the one data path) and the SPC engine's own narrative
and SVG for that result, as `framework.measures.shown.shown_for` builds them (which also decides what is
hidden outside the team); nothing here computes limits or signals or decides on small numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from whatmatters.disclosure import shown
from whatmatters.framework.measures import kept
from whatmatters.framework.measures.results import MeasureSpc, read, results_for
from whatmatters.framework.measures.shown import shown_for
from whatmatters.framework.measures.summary import COLUMNS, Summary, place_of, summarise
from whatmatters.framework.models import DataSource, Domain, Measure, period_label
from whatmatters.spc.icons import Icon
from whatmatters.spc.numbers import shown as number

NO_DATA = "No data yet"
NO_TARGET = "No target"


@dataclass
class Card:
    """One measure as the dashboard shows it."""

    item: MeasureSpc
    domain: Domain | None
    latest: str = NO_DATA
    latest_period: str = ""
    target: str = NO_TARGET
    variation: Icon | None = None
    assurance: Icon | None = None
    sentence: str = ""
    easy_read: str = ""
    svg: str = ""
    going_well: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    suppressed: bool = False
    hidden: str = ""  # outside the team: why the chart and its sentence are left out (disclosure control)
    # With no assurance icon: the words of its summary column ("Too early to judge" or "No target").
    no_assurance: str = ""
    # On the team dashboard: its summary column and whether its limits are trial limits
    # (`summary.place_of`), and its row as HTML, kept with the card (`framework.measures.kept`).
    place: tuple[str, bool] | None = None
    row_html: str = ""

    @property
    def measure(self) -> Measure:
        return self.item.measure

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention)

    @property
    def gaps(self) -> list[str]:
        """The reasons it needs attention that its icons' words do not already say (gaps in the data)."""
        said = {i.committee for i in (self.variation, self.assurance) if i is not None}
        return [reason for reason in self.attention if reason not in said]


def card_for(
    item: MeasureSpc,
    domain: Domain | None,
    *,
    chart: bool = True,
    outside_team: bool = False,
    id_prefix: str = "chart",
) -> Card:
    """Latest value, target, both icons with words, a sentence, a chart and the reasons it is listed.

    `outside_team`: the card is read by people outside the measure's team (the programme dashboard, a
    buddy's side of the buddy view), so it goes through disclosure control as reports do: a rate from 1 to 7
    people is "*", a count of people is rounded (1 to 7 is "*"), and a chart and sentence that would show
    such numbers (or any count of people) are left out; the icons and their words stay.
    """
    measure = item.measure
    card = Card(item=item, domain=domain)
    if measure.target is not None:
        card.target = number(measure.target, measure.unit)
    view = shown_for(item, outside_team=outside_team, chart=chart, id_prefix=f"{id_prefix}-{measure.pk}")
    if view.latest:
        card.latest, card.latest_period, card.suppressed = view.latest, view.latest_period, view.suppressed
    card.variation, card.assurance, card.hidden = view.variation, view.assurance, view.hidden
    card.sentence = " ".join(view.committee)
    card.easy_read = " ".join(view.easy_read)
    card.svg = view.svg
    tone = card.variation.tone if card.variation else ""
    assurance = card.assurance.name if card.assurance else ""
    if tone == "improvement":
        card.going_well.append(card.variation.committee)  # type: ignore[union-attr]
    if assurance == "consistent_pass":
        card.going_well.append(card.assurance.committee)  # type: ignore[union-attr]
    if tone == "concern":
        card.attention.append(card.variation.committee)  # type: ignore[union-attr]
    if assurance in ("consistent_fail", "inconsistent"):
        card.attention.append(card.assurance.committee)  # type: ignore[union-attr]
    if not item.values:
        card.attention.append("No data yet")
    elif item.missing_periods:
        card.attention.append(gap_words(item))
    return card


def gap_words(item: MeasureSpc) -> str:
    """A gap in the data, in words: "No new data since March 2025" when the values stopped, otherwise how
    many periods in the middle have no value."""
    measure = item.measure
    last = max(item.values)
    missing = item.missing_periods
    trailing = [p for p in missing if p > last]
    if trailing and len(trailing) == len(missing):
        return f"No new data since {period_label(measure.frequency, last)}"
    n = len(missing)
    return f"{n} {'period has' if n == 1 else 'periods have'} no data"


@dataclass
class DomainGroup:
    domain: Domain | None
    cards: list[Card]

    @property
    def title(self) -> str:
        return f"“{self.domain.i_statement}”" if self.domain else "Measures not linked to a domain"

    @property
    def attention_count(self) -> int:
        return sum(1 for c in self.cards if c.needs_attention)


@dataclass
class TeamDashboard:
    groups: list[DomainGroup]
    cards: list[Card]
    going_well: list[Card]
    needs_attention: list[Card]
    excellence: list[Any]
    summary: Summary | None = None  # the summary icons matrix the dashboard opens with

    @property
    def attention_by_reason(self) -> list[tuple[str, list[Card]]]:
        """What needs attention, one line per reason ("No new data since October 2026") with the measures
        it applies to, in the order the reasons first come: a short list, however many measures share one."""
        return by_reason(self.needs_attention, lambda c: c.attention)

    @property
    def going_well_by_reason(self) -> list[tuple[str, list[Card]]]:
        return by_reason(self.going_well, lambda c: c.going_well)


def by_reason(cards: list[Card], reasons: Any) -> list[tuple[str, list[Card]]]:
    grouped: dict[str, list[Card]] = {}
    for card in cards:
        for reason in reasons(card):
            grouped.setdefault(reason, []).append(card)
    return list(grouped.items())


# What a kept dashboard card holds: everything its row and the dashboard's summary and panels read.
KEPT_FIELDS = (
    "latest",
    "latest_period",
    "target",
    "variation",
    "assurance",
    "sentence",
    "easy_read",
    "going_well",
    "attention",
    "suppressed",
    "hidden",
    "no_assurance",
    "place",
    "row_html",
)
# The code that makes a kept dashboard card: a change to any of it makes every card again.
CARD_SOURCES = (
    "whatmatters.dashboards.presenters",
    "whatmatters.framework.measures.shown",
    "whatmatters.framework.measures.summary",
    "whatmatters.spc.icons",
    "whatmatters.spc.narrative",
    "whatmatters.spc.numbers",
    "whatmatters.disclosure",
    "dashboards/_card_row.jinja",
    "dashboards/_macros.jinja",
)


def dashboard_card(team: Any, item: MeasureSpc) -> dict[str, Any]:
    """One measure's card on its team's dashboard, as the cache keeps it: what its row, the summary and the
    panels show, and the row drawn. Read by the team only (nothing hidden), whoever they are."""
    card = card_for(item, None, chart=False, id_prefix="dashboard")
    card.place = place_of(card)
    card.no_assurance = COLUMN_WORDS[card.place[0]] if card.assurance is None else ""
    card.row_html = str(kept.jinja().get_template("dashboards/_card_row.jinja").module.row(card, team))
    return {name: getattr(card, name) for name in KEPT_FIELDS}


COLUMN_WORDS = {band.key: band.committee for band in COLUMNS}


def team_dashboard(
    team: Any, measures: list[Measure], domains: list[Domain], excellence: list[Any]
) -> TeamDashboard:
    """Measures grouped by domain (contributors' words), needs-attention first within each group and
    groups with something needing attention first. `measures` must have `domains` prefetched. Each card
    comes from the cache when its measure's inputs are unchanged (`framework.measures.kept`)."""
    order = {d.pk: i for i, d in enumerate(domains)}
    items = read(team, measures)
    made = kept.kept(
        "dashboard card", team, items, lambda item: dashboard_card(team, item), sources=CARD_SOURCES
    )
    cards = []
    for item in items:
        linked = sorted(item.measure.domains.all(), key=lambda d: (order.get(d.pk, 10_000), d.pk))
        # Each measure is a row; its chart and sentences are on its own page, one click away.
        card = Card(item=item, domain=linked[0] if linked else None, **made[item.measure.pk])
        card.row_html = Markup(card.row_html)  # noqa: S704 - drawn by our own template, escaped there
        cards.append(card)
    by_domain: dict[int | None, list[Card]] = defaultdict(list)
    for card in cards:
        by_domain[card.domain.pk if card.domain else None].append(card)
    groups = []
    for group_cards in by_domain.values():
        group_cards.sort(key=lambda c: (not c.needs_attention, c.measure.position, c.measure.name))
        groups.append(DomainGroup(group_cards[0].domain, group_cards))
    groups.sort(
        key=lambda g: (g.attention_count == 0, order.get(g.domain.pk, 10_000) if g.domain else 20_000)
    )
    in_order = [c for g in groups for c in g.cards]
    summary = summarise(
        [(team, c) for c in in_order], href=lambda _team, c: f"#measure-{c.measure.pk}", programme=False
    )
    return TeamDashboard(
        groups=groups,
        cards=cards,
        going_well=[c for c in cards if c.going_well],
        needs_attention=[c for c in cards if c.needs_attention],
        excellence=excellence,
        summary=summary,
    )


# --- The programme matrix ------------------------------------------------------------------------


@dataclass
class SharedMeasure:
    code: str
    name: str
    unit: str


@dataclass
class TeamRow:
    team: Any
    cells: dict[str, Card | None]
    excellence: str  # a count about people outside the team: through disclosure control

    def cell(self, code: str) -> Card | None:
        return self.cells.get(code)


@dataclass
class CohortBlock:
    cohort: Any
    rows: list[TeamRow]


def shared_measures(measures: list[Measure]) -> list[SharedMeasure]:
    """Measures (by code) that at least 2 teams have and share: the columns of the programme matrix.
    `measures` must be only measures shared with the programme. Excellence-report counts have their own row
    (through disclosure control), so they are not a column."""
    teams_by_code: dict[str, set[int]] = defaultdict(set)
    first: dict[str, Measure] = {}
    for m in measures:
        if m.data_source == DataSource.EXCELLENCE:
            continue
        teams_by_code[m.code].add(m.team_id)
        first.setdefault(m.code, m)
    codes = sorted((c for c, t in teams_by_code.items() if len(t) >= 2), key=lambda c: first[c].name)
    return [SharedMeasure(c, first[c].name, first[c].unit) for c in codes]


def programme_matrix(
    teams: list[Any], measures: list[Measure], excellence_counts: dict[int, int]
) -> tuple[list[SharedMeasure], list[CohortBlock]]:
    columns = shared_measures(measures)
    wanted = {c.code for c in columns}
    by_team: dict[int, list[Measure]] = defaultdict(list)
    for m in measures:
        if m.code in wanted:
            by_team[m.team_id].append(m)
    blocks: dict[Any, CohortBlock] = {}
    for team in teams:
        cells: dict[str, Card | None] = {}
        if by_team.get(team.pk):
            for item in results_for(team, by_team[team.pk]):
                cells[item.measure.code] = card_for(item, None, chart=False, outside_team=True)
        row = TeamRow(team, cells, shown(excellence_counts.get(team.pk, 0)))
        key = team.cohort_id
        if key not in blocks:
            blocks[key] = CohortBlock(team.cohort, [])
        blocks[key].rows.append(row)
    ordered = sorted(blocks.values(), key=lambda b: (b.cohort is None, b.cohort.number if b.cohort else 0))
    return columns, ordered


# --- The buddy view ------------------------------------------------------------------------------


@dataclass
class BuddyRow:
    name: str
    ours: Card
    theirs: Card


def buddy_rows(team: Any, buddy: Any, ours: list[Measure], theirs: list[Measure]) -> list[BuddyRow]:
    """Both teams' charts for the measures they both have (same code), side by side. `theirs` must be only
    the buddy's measures shared with the programme; their cards go through disclosure control."""
    their_codes = {m.code for m in theirs}
    shared_ours = [m for m in ours if m.code in their_codes]
    shared_codes = {m.code for m in shared_ours}
    shared_theirs = [m for m in theirs if m.code in shared_codes]
    mine = {
        i.measure.code: card_for(i, None, id_prefix=f"ours-{team.pk}") for i in results_for(team, shared_ours)
    }
    other = {
        i.measure.code: card_for(i, None, outside_team=True, id_prefix=f"theirs-{buddy.pk}")
        for i in results_for(buddy, shared_theirs)
    }
    return [BuddyRow(m.name, mine[m.code], other[m.code]) for m in shared_ours]
