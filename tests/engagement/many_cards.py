"""A board of thousands of approved cards, made quickly (bulk inserts) for the tests of the board at scale.

Card n has words chosen by n, so a test can work out which cards a filter should find.
"""

from __future__ import annotations

from typing import Any

# Long enough to be like real comments (the longest are several sentences).
PHRASES = [
    "Knowing how long I will wait for my first appointment, and someone ringing me while I wait.",
    "Staff who listen to me and take what I say seriously, even when the ward is busy.",
    "My carer being included in meetings about my care, and being told what the plan is.",
    "Someone explaining my medication and its side effects before anything changes.",
    "A quiet place on the ward where I can think, and things to do in the evenings.",
    "Letters that arrive on time and say who to call if something goes wrong.",
    "Seeing the same worker each time so I do not have to tell my story again and again.",
    "Help to plan for leaving the service, and knowing I can come back if I need to.",
]
RELATIONSHIPS = ["service_user", "carer", "staff", "manager", "other"]
STAGES = ["waiting", "first_appointment", "treatment", "leaving", "other"]
THEME_NAMES = [
    "Knowing what is happening while I wait",
    "Being listened to",
    "Families and carers are included",
    "Understanding my medication",
    "A ward that feels safe and calm",
    "Help with the things that keep me well: money, housing, work and benefits",
    "Seeing the same people",
    "Planning for leaving",
]


def text_of(n: int) -> str:
    return f"Card {n}. {PHRASES[n % len(PHRASES)]} {PHRASES[(n // 8) % len(PHRASES)]}"


def relationship_of(n: int) -> str:
    return RELATIONSHIPS[n % len(RELATIONSHIPS)]


def stage_of(n: int) -> str:
    return STAGES[(n // 5) % len(STAGES)]


def theme_index_of(n: int) -> int | None:
    """Three cards in five sit in a theme (the theme of their first phrase); the rest are not sorted yet."""
    return n % len(THEME_NAMES) if n % 5 < 3 else None


def is_parked(n: int) -> bool:
    return n % 40 == 39


def make_cards(session: Any, count: int = 5000) -> tuple[list[Any], list[Any]]:
    """`count` approved cards in the session's team, and the themes; returns (cards in order n, themes)."""
    from whatmatters.engagement.models import Placement, Statement, Theme

    team = session.team
    themes = [Theme.objects.create(team=team, name=name) for name in THEME_NAMES]
    Statement.objects.bulk_create(
        Statement(
            session=session,
            team=team,
            text=text_of(n),
            status=Statement.Status.APPROVED,
            relationship=relationship_of(n),
            stage=stage_of(n),
            is_parked=is_parked(n),
            source=Statement.Source.IMPORT,
        )
        for n in range(count)
    )
    cards = list(Statement.objects.filter(session=session, text__startswith="Card ").order_by("pk"))
    Placement.objects.bulk_create(
        Placement(theme=themes[index], statement=card)
        for n, card in enumerate(cards)
        if (index := theme_index_of(n)) is not None
    )
    return cards, themes
