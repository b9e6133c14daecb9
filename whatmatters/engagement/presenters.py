"""What pages show: vote results split by who voted, the theming board, traceability, gaps.

Counts shown outside the team go through `whatmatters.disclosure.suppress`; statement words come only from
`Statement.objects.approved()`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum

from whatmatters.disclosure import suppress
from whatmatters.engagement.models import (
    PEOPLE_WHO_USE_THE_SERVICE,
    PEOPLE_WHO_WORK_IN_IT,
    RELATIONSHIP_SHORT,
    Placement,
    Relationship,
    Statement,
    Theme,
    Vote,
)


def group_of(relationship: str) -> str:
    if relationship in PEOPLE_WHO_USE_THE_SERVICE:
        return "people"
    if relationship in PEOPLE_WHO_WORK_IN_IT:
        return "staff"
    return "other"


@dataclass
class ThemeResult:
    theme: Theme
    people: int = 0  # service users and carers
    staff: int = 0  # staff and managers
    other: int = 0
    rank_people: int = 0
    rank_staff: int = 0
    rank_combined: int = 0

    @property
    def combined(self) -> int:
        return self.people + self.staff + self.other

    def shown(self, outside_team: bool) -> dict[str, Any]:
        """The counts as they may be shown: raw inside the team, disclosure-controlled outside it."""
        values = {"people": self.people, "staff": self.staff, "other": self.other, "combined": self.combined}
        if outside_team:
            return {key: suppress(value) for key, value in values.items()}
        return values


def _rank(results: list[ThemeResult], key: str, attr: str) -> None:
    ordered = sorted(results, key=lambda r: -getattr(r, key))
    previous, rank = None, 0
    for position, result in enumerate(ordered, start=1):
        value = getattr(result, key)
        if value != previous:
            rank, previous = position, value
        setattr(result, attr, rank if value else 0)


def vote_results(themes: list[Theme], votes: Any) -> list[ThemeResult]:
    """Dots per theme, split: service users and carers, staff and managers, others; combined adds them up."""
    by_theme = {theme.pk: ThemeResult(theme) for theme in themes}
    rows = votes.filter(theme__in=list(by_theme)).values("theme", "relationship").annotate(total=Sum("dots"))
    for row in rows:
        result = by_theme[row["theme"]]
        group = group_of(row["relationship"])
        setattr(result, group, getattr(result, group) + row["total"])
    results = list(by_theme.values())
    _rank(results, "people", "rank_people")
    _rank(results, "staff", "rank_staff")
    _rank(results, "combined", "rank_combined")
    results.sort(key=lambda r: (-r.people, -r.combined, r.theme.name))
    return results


def voters(votes: Any) -> dict[str, int]:
    """How many people voted online (one ballot each), by group."""
    counts: Counter[str] = Counter()
    for relationship, ballots in (
        votes.filter(channel=Vote.Channel.ONLINE)
        .values_list("relationship")
        .annotate(n=Count("ballot", distinct=True))
    ):
        counts[group_of(relationship)] += ballots
    return dict(counts)


# --- The board -----------------------------------------------------------------------------------


@dataclass
class Board:
    themes: list[Theme]
    cards_by_theme: dict[int, list[Statement]]
    unsorted: list[Statement]
    parked: list[Statement]
    themes_of: dict[int, list[Theme]] = field(default_factory=dict)


def board_for(team: Any, session_id: int | None = None) -> Board:
    """Approved statements as cards, in their themes; a card may sit in several. Two or three queries."""
    statements = Statement.objects.approved().for_team(team).select_related("session")
    if session_id:
        statements = statements.filter(session_id=session_id)
    statements = list(statements)
    by_id = {s.pk: s for s in statements}
    themes = list(Theme.objects.for_team(team).order_by("name", "pk"))
    theme_by_id = {t.pk: t for t in themes}
    cards: dict[int, list[Statement]] = defaultdict(list)
    themes_of: dict[int, list[Theme]] = defaultdict(list)
    for theme_id, statement_id in Placement.objects.filter(theme__in=themes, statement__in=by_id).values_list(
        "theme_id", "statement_id"
    ):
        cards[theme_id].append(by_id[statement_id])
        themes_of[statement_id].append(theme_by_id[theme_id])
    parked = [s for s in statements if s.is_parked]
    unsorted = [s for s in statements if not s.is_parked and s.pk not in themes_of]
    return Board(themes, dict(cards), unsorted, parked, dict(themes_of))


# --- The board at scale: one page of cards, the themes as counts -----------------------------------

CARDS_PER_PAGE = 50
MAX_WORDS = 10  # words to find, at most; more are ignored
BOARD_KEYS = ("session", "theme", "relationship", "stage", "q")
UNSORTED, ALL, PARKED = "", "all", "parked"


def board_query(filters: dict[str, str], page: int | None = None, **changes: str) -> str:
    """The board's query string for these filters (and page): "" when there is nothing to keep."""
    values = {**{key: filters.get(key, "") for key in BOARD_KEYS}, **changes}
    pairs = [(key, values[key]) for key in BOARD_KEYS if values.get(key)]
    if page and page > 1:
        pairs.append(("page", str(page)))
    return "?" + urlencode(pairs) if pairs else ""


def _placed() -> Exists:
    return Exists(Placement.objects.filter(statement=OuterRef("pk")))


def matching_statements(team: Any, filters: dict[str, str]) -> Any:
    """Approved statements of the team that match the filters (session, relationship, stage, words)."""
    statements = Statement.objects.approved().for_team(team)
    if filters.get("session"):
        statements = statements.filter(session_id=int(filters["session"]))
    if filters.get("relationship"):
        statements = statements.filter(relationship=filters["relationship"])
    if filters.get("stage"):
        statements = statements.filter(stage=filters["stage"])
    return with_words(statements, filters.get("q", ""))


def with_words(statements: Any, words: str) -> Any:
    """Statements that hold every one of the words (capitals or not)."""
    for word in words.split()[:MAX_WORDS]:
        statements = statements.filter(text__icontains=word)
    return statements


def cards_in_view(statements: Any, view: str) -> Any:
    """The cards one view of the board shows: not in a theme yet, all, parked, or one theme's (its pk)."""
    if view == ALL:
        return statements
    if view == PARKED:
        return statements.filter(is_parked=True)
    if view.isdigit():
        return statements.filter(placements__theme_id=int(view))
    return statements.filter(is_parked=False).exclude(_placed())


def card_anchor(statement: Statement, view: str) -> str:
    """Where the board comes back to after a move: the card if this view still shows it, else the list."""
    if not cards_in_view(Statement.objects.filter(pk=statement.pk), view).exists():
        return "cards"
    return f"card-{statement.pk}-{view}" if view.isdigit() else f"card-{statement.pk}"


@dataclass
class BoardPage:
    themes: list[Theme]
    view: str  # UNSORTED, ALL, PARKED or a theme's pk
    theme: Theme | None  # the theme whose cards are shown
    page: Page
    counts: dict[int, int]  # matching cards in each theme
    unsorted: int
    parked: int
    total: int
    themes_of: dict[int, list[Theme]] = field(default_factory=dict)  # for the cards on this page


def board_page(team: Any, themes: list[Theme], filters: dict[str, str], page_number: Any) -> BoardPage:
    """One page of cards and every theme's count, in the same few queries however many cards there are."""
    statements = matching_statements(team, filters)
    view = filters.get("theme", "")
    theme_by_id = {t.pk: t for t in themes}
    theme = theme_by_id.get(int(view)) if view.isdigit() else None
    if view.isdigit() and theme is None:
        view = UNSORTED
    counts = dict(
        Placement.objects.filter(theme__in=list(theme_by_id), statement__in=statements)
        .values("theme")
        .annotate(n=Count("pk"))
        .values_list("theme", "n")
    )
    totals = statements.annotate(placed=_placed()).aggregate(
        total=Count("pk"),
        parked=Count("pk", filter=Q(is_parked=True)),
        unsorted=Count("pk", filter=Q(is_parked=False, placed=False)),
    )
    page = Paginator(cards_in_view(statements, view), CARDS_PER_PAGE).get_page(page_number)
    themes_of: dict[int, list[Theme]] = defaultdict(list)
    on_page = [s.pk for s in page.object_list]
    for statement_id, theme_id in Placement.objects.filter(statement__in=on_page).values_list(
        "statement_id", "theme_id"
    ):
        if theme_id in theme_by_id:
            themes_of[statement_id].append(theme_by_id[theme_id])
    return BoardPage(
        themes,
        view,
        theme,
        page,
        counts,
        totals["unsorted"],
        totals["parked"],
        totals["total"],
        dict(themes_of),
    )


# --- Domains, traceability and gaps --------------------------------------------------------------


def gap_threshold() -> int:
    return settings.ENGAGEMENT_GAP_DOTS


def gaps(team: Any) -> list[ThemeResult]:
    """Themes with many votes but no domain yet."""
    themes = list(Theme.objects.for_team(team).filter(domains__isnull=True))
    results = vote_results(themes, Vote.objects.all())
    return [r for r in results if r.combined >= gap_threshold()]


@dataclass
class Trace:
    domain: Any
    themes: list[Theme]
    statements: list[Statement]
    by_relationship: list[tuple[str, int]]
    votes: list[ThemeResult]
    measures: list[Any] | None  # None: the measures part of the product is not there yet


def trace(domain: Any, team: Any) -> Trace:
    """Everything behind a domain, from this team's themes only (team None: the programme's view)."""
    linked = domain.themes.all() if team is None else domain.themes.filter(team=team)
    themes = list(
        linked.prefetch_related(
            Prefetch("statements", queryset=Statement.objects.approved().select_related("session"))
        )
    )
    seen: dict[int, Statement] = {}
    for theme in themes:
        for statement in theme.statements.all():
            seen.setdefault(statement.pk, statement)
    statements = sorted(seen.values(), key=lambda s: (s.created_at, s.pk))
    counts = Counter(s.relationship for s in statements)
    by_relationship = [(RELATIONSHIP_SHORT[Relationship(r)], counts.get(r, 0)) for r in Relationship.values]
    measures = None
    related = getattr(domain, "measures", None)
    if related is not None and hasattr(related, "all"):
        # A programme-wide domain is measured by many teams: a team's page lists only its own measures.
        covering = related.all() if team is None else related.filter(team=team)
        measures = list(covering.select_related("team").order_by("team__name", "name"))
    return Trace(
        domain, themes, statements, by_relationship, vote_results(themes, Vote.objects.all()), measures
    )
