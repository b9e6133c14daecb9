"""Writes that touch several records, each in one transaction: arrivals, moderation, theming, votes, domains.

Every statement passes `arrive()`, which runs the personal-data check: anything flagged is held for a
moderator. Statement text never goes into the audit log or app logs; summaries name only ids and kinds.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from whatmatters.audit.log import Action, record
from whatmatters.engagement.models import (
    EngagementSession,
    Placement,
    Relationship,
    Stage,
    Statement,
    Theme,
    Vote,
)
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import alert_for_words
from whatmatters.safety.screening import Screening, screen
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
    """Every statement comes in here: screened (safety.screening) and held if anything is found.

    The public form screens the words itself and raises any alert (safety.public_forms); words typed in by a
    facilitator (quick entry, CSV import) are screened here, and words that may mean risk raise an alert too.
    """
    text = text.strip()
    from_public_form = screening is not None
    screening = screening or screen(text)
    statement = Statement.objects.create(
        session=session,
        team=session.team,
        text=text,
        status=screening.decision(session.hold_every_answer or hold_clean_statements()),
        findings=screening.spans,
        relationship=relationship,
        stage=stage,
        consent_to_share=consent_to_share,
        source=source,
    )
    if not from_public_form:
        alert_for_words(session.team, screening, Alert.Source.STATEMENT, statement=statement)
    return statement


def split_lines(text: str) -> list[str]:
    """Quick entry: one statement per line; blank lines are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


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
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as a spreadsheet shows it (the header is row 1)
    message: str


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def parse_csv(raw: bytes) -> list[dict[str, Any]]:
    """Read and check every row first. Any problem refuses the whole file, naming each row."""
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([RowError(1, "Save the file as CSV UTF-8 and try again.")]) from error
    reader = csv.DictReader(io.StringIO(content))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "statement" not in header:
        raise ImportRefused(
            [RowError(1, "The first row must name the columns: statement, relationship, stage, consent.")]
        )
    reader.fieldnames = header
    relationships = {value for value in Relationship.values}
    stages = {value for value in Stage.values}
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, row in enumerate(reader, start=2):
        text = (row.get("statement") or "").strip()
        relationship = (row.get("relationship") or "other").strip().lower().replace(" ", "_") or "other"
        stage = (row.get("stage") or "other").strip().lower().replace(" ", "_") or "other"
        consent = (row.get("consent") or "").strip().lower()
        if None in row:
            errors.append(RowError(number, "This row has more cells than the header has columns."))
            continue
        if not text:
            errors.append(RowError(number, "Enter the statement, or delete the empty row."))
        elif len(text) > MAX_STATEMENT_LENGTH:
            errors.append(
                RowError(number, f"The statement is longer than {MAX_STATEMENT_LENGTH} characters.")
            )
        if relationship not in relationships:
            errors.append(
                RowError(number, f"Relationship must be one of: {', '.join(sorted(relationships))}.")
            )
        if stage not in stages:
            errors.append(RowError(number, f"Stage must be one of: {', '.join(sorted(stages))}."))
        if consent not in _YES | _NO:
            errors.append(RowError(number, "Consent must be yes or no."))
        rows.append({"text": text, "relationship": relationship, "stage": stage, "consent": consent in _YES})
    if not rows and not errors:
        errors.append(RowError(2, "The file has no statements in it."))
    if errors:
        raise ImportRefused(errors)
    return rows


@transaction.atomic
def import_csv(session: EngagementSession, raw: bytes) -> list[Statement]:
    """All or nothing: every row is checked before anything is saved."""
    rows = parse_csv(raw)
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
    ]
    return redact(statement.text, findings)


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


KIND_WORDS = {kind: label.strip("[]").replace(" removed", "") for kind, label in LABELS.items()}


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
    from whatmatters.framework.models import Domain

    domain = Domain.objects.create(
        team=team, i_statement=i_statement.strip(), description=description.strip()
    )
    for theme in themes:
        theme.domains.add(domain)
        record(Action.UPDATE, obj=theme, team=theme.team, summary=f"promoted to domain {domain.pk}")
    return domain
