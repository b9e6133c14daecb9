"""Writes that touch several records, each in one transaction: arrivals, moderation, theming, votes, domains.

Every statement passes `arrive()`, which runs the personal-data check: anything flagged is held for a
moderator. Statement text never goes into the audit log or app logs; summaries name only ids and kinds.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from whatmatters.audit.log import Action, record
from whatmatters.engagement.models import (
    EngagementSession,
    Placement,
    Relationship,
    Stage,
    Statement,
    SuggestedCard,
    Theme,
    ThemeSuggestion,
    Vote,
)
from whatmatters.framework.models import Domain
from whatmatters.imports.cells import nhs_number_in, strip_controls
from whatmatters.imports.problems import Problem, Refused
from whatmatters.imports.reading import MAX_PROBLEMS, Limits, Table, check_header, read_table
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import alert_for_words
from whatmatters.safety.screening import FORMULA, Screening, clean_words, screen
from whatmatters.text import themes as text_themes
from whatmatters.text.pii import LABELS, Finding, find_personal_data, redact

MAX_STATEMENT_LENGTH = 2000


def hold_clean_statements() -> bool:
    """If True, even statements with nothing flagged wait for a person (reliability.md §3, configurable)."""
    return settings.ENGAGEMENT_HOLD_CLEAN_STATEMENTS


def original_text_days() -> int:
    """How long a redacted statement's original words are kept for moderators."""
    return settings.ENGAGEMENT_ORIGINAL_TEXT_DAYS


# --- Arrival -------------------------------------------------------------------------------------


def check(text: str, hold_every_answer: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """The status a new statement gets, and where personal data was found (offsets only, no text)."""
    screening = screen(text)
    return screening.decision(hold_every_answer or hold_clean_statements()), screening.spans


def arrive(
    session: EngagementSession,
    text: str,
    *,
    relationship: str = Relationship.OTHER,
    stage: str = Stage.OTHER,
    consent_to_share: bool = False,
    source: str = Statement.Source.ONLINE,
    screening: Screening | None = None,
) -> Statement:
    """Every statement comes in here: screened (safety.screening) and held if anything is found (personal
    data, words that may mean risk, words a spreadsheet would run as a formula).

    The public form screens the words itself and raises any alert (safety.public_forms); words typed in by a
    facilitator (quick entry, CSV import) are screened here, and words that may mean risk raise an alert too.
    """
    text = clean_words(text)
    from_public_form = screening is not None
    screening = screening or screen(text)
    status = screening.decision(session.hold_every_answer or hold_clean_statements())
    findings = screening.spans
    statement = Statement.objects.create(
        session=session,
        team=session.team,
        text=text,
        status=status,
        findings=findings,
        relationship=relationship,
        stage=stage,
        consent_to_share=consent_to_share,
        source=source,
    )
    if not from_public_form:
        alert_for_words(session.team, screening, Alert.Source.STATEMENT, statement=statement)
    return statement


_BULLET = re.compile(r"^(?:[-*•–]|\d{1,3}[.)])\s+")


def split_lines(text: str) -> list[str]:
    """Quick entry: one statement per line; blank lines are skipped, and a list's bullets or numbers
    ("- ", "• ", "3. ") are left off, as they are not the person's words."""
    lines = (_BULLET.sub("", line.strip()).strip() for line in text.splitlines())
    return [line for line in lines if line]


@transaction.atomic
def add_batch(
    session: EngagementSession, lines: Iterable[str], *, relationship: str, stage: str, consent: bool
) -> list[Statement]:
    return [
        arrive(
            session,
            line,
            relationship=relationship,
            stage=stage,
            consent_to_share=consent,
            source=Statement.Source.FACILITATOR,
        )
        for line in lines
    ]


# --- CSV import ----------------------------------------------------------------------------------

CSV_COLUMNS = ("statement", "relationship", "stage", "consent")
REQUIRED_COLUMNS = ("statement",)
STATEMENT_LIMITS = Limits(
    max_bytes=2 * 1024 * 1024,  # the same as the upload limit of the import page (views.statement_import)
    max_rows=5_000,  # about 9 seconds to import on SQLite: each statement is screened and audited
    max_columns=20,  # more than this and the file is not a statements file (or not comma-separated)
    max_cell=MAX_STATEMENT_LENGTH,
)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
_SHOWN = 30  # characters of a wrong value quoted back in a message


class ImportRefused(Refused):
    """Nothing was imported. `errors` lists every problem found, each with its file, row and column."""

    @property
    def errors(self) -> list[Problem]:
        return self.problems


def _choice(cell: Any, default: str) -> str:
    """'Service User', ' service-user ' and 'service_user' are the same choice."""
    text = "" if cell is None else str(cell)
    return "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split()) or default


def _quoted(value: str) -> str:
    """A wrong value, quoted back so the person can find it (never an NHS number, never much of it)."""
    if not value or nhs_number_in(value):
        return ""
    shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
    return f" '{shown}' is not one of them."


def _file_name(name: str) -> str:
    name = strip_controls(name or "").strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name[:100] or "statements.csv"


def parse_csv(raw: bytes, name: str = "statements.csv") -> list[dict[str, Any]]:
    """Read and check every row first. Any problem refuses the whole file, naming each file, row and column.

    The reading (encodings, quotes, sizes, control characters) is `imports.reading.read_table`, the same for
    every importer. Blank rows are skipped. Columns other than `statement` may be left out."""
    name = _file_name(name)
    try:
        table = read_table(name, raw, STATEMENT_LIMITS, allow_xlsx=False)
    except Refused as refused:
        raise ImportRefused(refused.problems) from refused
    problems = check_header(table, required=REQUIRED_COLUMNS, optional=CSV_COLUMNS[1:])
    if problems:
        raise ImportRefused(problems)
    rows = _rows(table)
    if not rows:
        raise ImportRefused(
            Problem(name, 2, "", "The file has no statements in it. Add a statement on each row.")
        )
    return rows


def _rows(table: Table) -> list[dict[str, Any]]:
    relationships = sorted(Relationship.values)
    stages = sorted(Stage.values)
    at = {column: table.column(column) for column in CSV_COLUMNS}

    def cell(cells: list[Any], column: str) -> str:
        i = at[column]
        return "" if i is None or cells[i] is None else str(cells[i])

    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for number, cells in table.rows:
        text = cell(cells, "statement").strip()
        relationship = _choice(cell(cells, "relationship"), Relationship.OTHER)
        stage = _choice(cell(cells, "stage"), Stage.OTHER)
        consent = cell(cells, "consent").strip().lower()
        if not text:
            problems.append(
                Problem(table.file, number, "statement", "Enter the statement, or delete the row.")
            )
        elif len(text) > MAX_STATEMENT_LENGTH:
            problems.append(
                Problem(
                    table.file,
                    number,
                    "statement",
                    f"The statement has {len(text):,} characters; the most is {MAX_STATEMENT_LENGTH:,}. "
                    "Split it into 2 rows.",
                )
            )
        if relationship not in relationships:
            problems.append(
                Problem(
                    table.file,
                    number,
                    "relationship",
                    f"Relationship must be one of: {', '.join(relationships)}."
                    + _quoted(cell(cells, "relationship").strip()),
                )
            )
        if stage not in stages:
            problems.append(
                Problem(
                    table.file,
                    number,
                    "stage",
                    f"Stage must be one of: {', '.join(stages)}." + _quoted(cell(cells, "stage").strip()),
                )
            )
        if consent not in _YES | _NO:
            problems.append(
                Problem(
                    table.file,
                    number,
                    "consent",
                    "Consent must be yes or no (or left empty for no)."
                    + _quoted(cell(cells, "consent").strip()),
                )
            )
        rows.append({"text": text, "relationship": relationship, "stage": stage, "consent": consent in _YES})
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                Problem(
                    table.file,
                    None,
                    "",
                    f"We stopped checking after {MAX_PROBLEMS} problems. Fix these and try again.",
                )
            )
            break
    if problems:
        raise ImportRefused(problems)
    return rows


@transaction.atomic
def import_csv(session: EngagementSession, raw: bytes, name: str = "statements.csv") -> list[Statement]:
    """All or nothing: every row is checked before anything is saved. Each statement then arrives like any
    other (`arrive`): personal data, words that may mean risk, or a formula hold it for a person."""
    rows = parse_csv(raw, name)
    return [
        arrive(
            session,
            row["text"],
            relationship=row["relationship"],
            stage=row["stage"],
            consent_to_share=row["consent"],
            source=Statement.Source.IMPORT,
        )
        for row in rows
    ]


# --- Moderation ----------------------------------------------------------------------------------


def _moderated(statement: Statement, user: Any, status: str, summary: str) -> Statement:
    statement.status = status
    statement.moderated_at = timezone.now()
    statement.moderated_by = user
    statement.save()
    record(Action.UPDATE, obj=statement, team=statement.team, summary=f"moderation: {summary}")
    return statement


@transaction.atomic
def approve(statement: Statement, user: Any) -> Statement:
    return _moderated(statement, user, Statement.Status.APPROVED, "approved")


@transaction.atomic
def reject(statement: Statement, user: Any) -> Statement:
    return _moderated(statement, user, Statement.Status.REJECTED, "rejected")


def suggested_redaction(statement: Statement) -> str:
    findings = [
        Finding(f["kind"], f["start"], f["end"], statement.text[f["start"] : f["end"]])
        for f in statement.findings
        if f["kind"] in LABELS
    ]
    text = redact(statement.text, findings)
    if any(f["kind"] == FORMULA for f in statement.findings):
        text = text.lstrip("=+-@|%'\t\r\n ")  # the words without what would make them a formula
    return text


@transaction.atomic
def redact_and_approve(statement: Statement, user: Any, new_text: str | None = None) -> Statement:
    """Publish a redacted copy; the original stays for moderators only, until it is purged."""
    new_text = (new_text if new_text is not None else suggested_redaction(statement)).strip()
    if not statement.original_text:
        statement.original_text = statement.text
    statement.text = new_text
    # The new words are checked again; anything still found is listed for the record (kinds only).
    kinds = sorted({f.kind for f in find_personal_data(new_text)} - set())
    statement.findings = []
    summary = "redacted and approved"
    if kinds:
        summary += f" (moderator kept: {', '.join(kinds)})"
    return _moderated(statement, user, Statement.Status.APPROVED, summary)


def purge_originals(days: int | None = None, now: Any = None) -> int:
    """Delete the original words of statements redacted more than `days` ago. Returns how many."""
    days = original_text_days() if days is None else days
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    due = Statement.objects.exclude(original_text="").filter(moderated_at__lte=cutoff)
    purged = 0
    for statement in due:
        with transaction.atomic():
            statement.original_text = ""
            statement.original_purged_at = now
            statement.save(update_fields=["original_text", "original_purged_at"])
            record(
                Action.UPDATE,
                obj=statement,
                team=statement.team,
                summary=f"original words purged after {days} days",
            )
            purged += 1
    return purged


def highlight(text: str, findings: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Split text into (piece, kind) parts; kind is set for flagged spans (shown as <mark> by the page)."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for f in sorted(findings, key=lambda f: f["start"]):
        start, end = max(f["start"], at), min(f["end"], len(text))
        if start >= end:
            continue
        if start > at:
            parts.append((text[at:start], None))
        parts.append((text[start:end], f["kind"]))
        at = end
    if at < len(text):
        parts.append((text[at:], None))
    return parts


# --- Theming -------------------------------------------------------------------------------------


def place(statement: Statement, theme: Theme) -> Placement:
    placement, _ = Placement.objects.get_or_create(theme=theme, statement=statement)
    return placement


def remove(statement: Statement, theme: Theme) -> None:
    for placement in Placement.objects.filter(theme=theme, statement=statement):
        placement.delete()


@transaction.atomic
def move(statement: Statement, to_theme: Theme | None, from_theme: Theme | None = None) -> None:
    """Put a card in a theme (and take it out of `from_theme`, if given). Each step is audited."""
    if from_theme is not None and from_theme != to_theme:
        remove(statement, from_theme)
    if to_theme is not None:
        place(statement, to_theme)
    if statement.is_parked and to_theme is not None:
        statement.is_parked = False
        statement.save(update_fields=["is_parked"])
    record(
        Action.UPDATE,
        obj=statement,
        team=statement.team,
        summary=f"card moved from theme {from_theme.pk if from_theme else '-'} "
        f"to theme {to_theme.pk if to_theme else '-'}",
    )


@transaction.atomic
def park(statement: Statement, parked: bool = True) -> None:
    statement.is_parked = parked
    statement.save(update_fields=["is_parked"])


@transaction.atomic
def create_theme(team: Any, name: str, statements: Iterable[Statement] = ()) -> Theme:
    theme = Theme.objects.create(team=team, name=name.strip())
    for statement in statements:
        place(statement, theme)
    return theme


@transaction.atomic
def merge_themes(target: Theme, others: Iterable[Theme]) -> Theme:
    """Cards and votes of `others` move into `target`; the others are deleted."""
    for other in others:
        if other.pk == target.pk:
            continue
        for placement in list(other.placements.select_related("statement")):
            place(placement.statement, target)
        for vote in list(other.votes.all()):
            vote.theme = target
            vote.save()
        for domain in other.domains.all():
            target.domains.add(domain)
        record(Action.UPDATE, obj=target, team=target.team, summary=f"merged theme {other.pk} into this")
        other.delete()
    return target


@transaction.atomic
def split_theme(theme: Theme, statements: Iterable[Statement], new_name: str) -> Theme:
    """The chosen cards leave `theme` for a new theme."""
    new = Theme.objects.create(team=theme.team, name=new_name.strip())
    for statement in statements:
        remove(statement, theme)
        place(statement, new)
    record(Action.UPDATE, obj=theme, team=theme.team, summary=f"split into theme {new.pk}")
    return new


# --- Suggested themes ----------------------------------------------------------------------------


class AlreadyDecided(Exception):
    """Someone decided this suggestion already (another tab, or another person): nothing was changed."""


def unsorted_cards(team: Any) -> Any:
    """Approved cards that are in no theme and not set aside: what "Suggest themes" groups."""
    return Statement.objects.approved().for_team(team).filter(is_parked=False, placements__isnull=True)


@transaction.atomic
def store_suggestions(team: Any, cards: list[Statement], seeds: bool = False) -> list[ThemeSuggestion]:
    """Run "Suggest themes" once on `cards` and keep the groups, replacing the undecided ones.

    `seeds` starts from the library of themes for mental-health services (``theme_library.json``).

    Decided suggestions stay as the record of what people chose. Nothing is placed on the board.
    """
    for old in ThemeSuggestion.objects.for_team(team).undecided():
        old.delete()
    made_at = timezone.now()
    stored: list[ThemeSuggestion] = []
    rows: list[SuggestedCard] = []
    texts = [s.public_text() for s in cards]
    groups = text_themes.suggest_themes(texts, seeds=seeds) if len(cards) >= 2 else []
    for number, group in enumerate(groups, start=1):
        suggestion = ThemeSuggestion.objects.create(
            team=team,
            made_at=made_at,
            position=number,
            label=group.label[:200] or f"Group {number}",
            is_empty=group.kind == "empty",
            seed=(group.seed or "")[:200],
            repeats=sum(len(same) - 1 for same in group.duplicates),
        )
        typical = set(group.typical)
        rows += [
            SuggestedCard(suggestion=suggestion, statement=cards[i], position=at, is_typical=i in typical)
            for at, i in enumerate(group.statements)
        ]
        main = set(group.statements)
        rows += [
            SuggestedCard(suggestion=suggestion, statement=cards[i], is_also=True, position=len(main) + at)
            for at, i in enumerate(group.also)
            if i not in main
        ]
        stored.append(suggestion)
    SuggestedCard.objects.bulk_create(rows, batch_size=1000)
    return stored


def _undecided(suggestion: ThemeSuggestion) -> ThemeSuggestion:
    """The suggestion, locked for this transaction, if nobody has decided it yet."""
    locked = ThemeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != ThemeSuggestion.Status.UNDECIDED:
        raise AlreadyDecided
    return locked


def _decided(suggestion: ThemeSuggestion, status: str, user: Any, **fields: Any) -> None:
    suggestion.status = status
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user if getattr(user, "is_authenticated", False) else None
    for name, value in fields.items():
        setattr(suggestion, name, value)
    suggestion.save()


@transaction.atomic
def accept_suggestion(
    suggestion: ThemeSuggestion, user: Any, name: str | None = None, only: Iterable[int] | None = None
) -> tuple[Theme, bool, int]:
    """Make the suggestion a theme with all its cards ("also" cards too: a card may carry two themes).

    `name` renames it first; `only` keeps just those of its cards (statement ids) that a person chose. If
    the team already has a theme of that name (ignoring capitals), the cards go into that theme instead of a
    second one. Returns the theme, whether it is new, and how many cards.
    """
    suggestion = _undecided(suggestion)
    name = " ".join((name or suggestion.label).split())
    chosen = (
        Statement.objects.approved()
        .for_team(suggestion.team)
        .filter(pk__in=suggestion.cards.values("statement"))
    )
    if only is not None:
        chosen = chosen.filter(pk__in=list(only))
    statements = list(chosen.order_by("created_at", "pk"))
    theme = Theme.objects.for_team(suggestion.team).filter(name__iexact=name).order_by("pk").first()
    created = theme is None
    if theme is None:
        theme = create_theme(suggestion.team, name, statements)
    else:
        for statement in statements:
            place(statement, theme)
    record(
        Action.UPDATE,
        obj=theme,
        team=theme.team,
        summary=f"accepted suggested theme {suggestion.pk} with {len(statements)} cards",
    )
    _decided(suggestion, ThemeSuggestion.Status.ACCEPTED, user, theme=theme, decided_name=theme.name)
    return theme, created, len(statements)


@transaction.atomic
def reject_suggestion(suggestion: ThemeSuggestion, user: Any) -> ThemeSuggestion:
    """The suggestion goes; no card moves."""
    suggestion = _undecided(suggestion)
    _decided(suggestion, ThemeSuggestion.Status.REJECTED, user)
    return suggestion


@transaction.atomic
def merge_suggestions(suggestions: list[ThemeSuggestion], user: Any) -> ThemeSuggestion:
    """The cards of all `suggestions` join the first (by position), which stays undecided; the others are
    recorded as merged into it. No card moves on the board."""
    locked = sorted((_undecided(s) for s in suggestions), key=lambda s: (s.position, s.pk))
    target, others = locked[0], locked[1:]
    offset = (target.cards.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    for other in others:
        in_target = dict(target.cards.values_list("statement_id", "is_also"))
        # A card that is only "also" in the target but a main card of the other becomes a main card.
        promote = [
            statement
            for statement, is_also in other.cards.values_list("statement_id", "is_also")
            if in_target.get(statement) and not is_also
        ]
        target.cards.filter(statement_id__in=promote).update(is_also=False)
        moving = other.cards.exclude(statement_id__in=list(in_target))
        moved = moving.count()
        moving.update(suggestion=target, position=models.F("position") + offset, is_typical=False)
        offset += moved + len(in_target)
        target.repeats += other.repeats
        target.is_empty = target.is_empty and other.is_empty
        target.seed = target.seed or other.seed
        _decided(other, ThemeSuggestion.Status.MERGED, user, merged_into=target)
    target.save()
    return target


# --- Votes ---------------------------------------------------------------------------------------


@transaction.atomic
def record_room_votes(
    session: EngagementSession, dots: Mapping[tuple[int, str], int], themes: Mapping[int, Theme]
) -> list[Vote]:
    """Dots counted off the wall: {(theme id, relationship): dots}."""
    made = []
    for (theme_id, relationship), count in dots.items():
        if count > 0:
            made.append(
                Vote.objects.create(
                    session=session,
                    theme=themes[theme_id],
                    relationship=relationship,
                    dots=count,
                    channel=Vote.Channel.ROOM,
                )
            )
    return made


@transaction.atomic
def record_ballot(
    session: EngagementSession, relationship: str, dots: Mapping[int, int], themes: Mapping[int, Theme]
) -> list[Vote]:
    """One person's dots through the public link."""
    ballot = uuid.uuid4().hex
    return [
        Vote.objects.create(
            session=session,
            theme=themes[theme_id],
            relationship=relationship,
            dots=count,
            channel=Vote.Channel.ONLINE,
            ballot=ballot,
        )
        for theme_id, count in dots.items()
        if count > 0
    ]


# --- Domains -------------------------------------------------------------------------------------


@transaction.atomic
def promote(themes: list[Theme], team: Any, i_statement: str, description: str) -> Any:
    """Promote one or more themes to a quality domain, in contributors' words."""
    domain = Domain.objects.create(
        team=team, i_statement=i_statement.strip(), description=description.strip()
    )
    for theme in themes:
        theme.domains.add(domain)
        record(Action.UPDATE, obj=theme, team=theme.team, summary=f"promoted to domain {domain.pk}")
    return domain
