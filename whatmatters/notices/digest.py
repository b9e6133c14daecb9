"""The weekly digest: one email per person who wants it, of what needs them (from `needs`).

It holds: measures whose newest point changed more than chance would explain, targets at risk, things to
check (moderation), data due or overdue, and the other things on the person's start page (not reports).
Each line is a link. It never holds what anyone wrote (statements, reports of what went well, titles, file
names) or anyone's name but the recipient's: counts, team names, measure names and periods only.
A person with nothing in it gets no email that week.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from whatmatters import mail
from whatmatters.notices import needs, schedule
from whatmatters.notices.models import DigestRun, NoticePreference
from whatmatters.teams.access import roles_of
from whatmatters.teams.models import User

logger = logging.getLogger(__name__)

SUBJECT = "What needs you in What Matters this week"
# What the digest holds, in this order (the start page also shows reports; the digest leaves them out).
DIGEST_KINDS = (
    needs.Kind.SPECIAL_CAUSE,
    needs.Kind.TARGET_AT_RISK,
    needs.Kind.ALERTS,
    needs.Kind.STATEMENTS,
    needs.Kind.EXCELLENCE,
    needs.Kind.DATA_DUE,
    needs.Kind.STUDY,
    needs.Kind.VALUE_IMPORT,
    needs.Kind.EXTRACT_IMPORT,
)


def recipients() -> list[Any]:
    """Active people with a role somewhere, an email address, and the weekly digest left on."""
    return list(
        User.objects.filter(is_active=True, memberships__isnull=False)
        .exclude(email="")
        .exclude(pk__in=NoticePreference.objects.opted_out_ids())
        .distinct()
        .order_by("pk")
    )


def items_for(
    user: Any, *, since: dt.datetime, now: dt.datetime, cache: dict[int, list[Any]] | None = None
) -> list[needs.Need]:
    found = needs.needs_for(user, now=now)
    members = [team for team in found.teams if team.pk in roles_of(user).team_roles]
    items = needs.chart_news(members, since=since, cache=cache) + found.items
    return [item for item in items if item.kind in DIGEST_KINDS]


def body_for(user: Any, items: list[needs.Need], week: dt.date) -> str:
    lines = [
        f"Hello {user.get_short_name()},",
        "",
        f"This is what needs you in What Matters for the week starting {week.day} {week:%B %Y}.",
    ]
    for kind in DIGEST_KINDS:
        found = [item for item in items if item.kind is kind]
        if not found:
            continue
        lines += ["", f"{needs.HEADINGS[kind]}:"]
        lines += [f"- {item.text}: {mail.site_link(item.href)}" for item in found]
    lines += [
        "",
        f"Everything that needs you is on your start page: {mail.site_link(reverse('start'))}",
        "",
        "You get this email each Monday. To stop it, turn off the weekly email on your account page: "
        f"{mail.site_link(reverse('account'))}",
    ]
    return "\n".join(lines)


def send_digests(week: dt.date, now: dt.datetime | None = None) -> int:
    """Send this week's digest to everyone who wants it. Returns how many emails went."""
    now = now or timezone.now()
    since = schedule.run_time(week) - dt.timedelta(days=7)
    cache: dict[int, list[Any]] = {}
    sent = 0
    for person in recipients():
        try:
            items = items_for(person, since=since, now=now, cache=cache)
            if items:
                sent += mail.send(person.email, SUBJECT, body_for(person, items, week))
        except Exception as error:  # noqa: BLE001 - one person's digest must not stop the others
            logger.error(
                "The weekly digest for user %s could not be sent (%s)", person.pk, type(error).__name__
            )
    return sent


def run_week(week: dt.date, now: dt.datetime | None = None) -> int:
    """The task's work: claim the week, send, and record when the next is due (the task queues it)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(week=week, started_at=now)
    except IntegrityError:
        logger.info("The weekly digest for %s was already sent", week.isoformat())
        return 0
    sent = send_digests(week, now)
    DigestRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        sent=sent,
        next_run_at=schedule.run_time(schedule.week_after(week, now)),
    )
    return sent
