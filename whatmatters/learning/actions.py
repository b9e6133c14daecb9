"""Writes that touch several records, each in one transaction: excellence reports (arrival, moderation,
thanks, the excellence measure), PDSA cycles (with their chart markers) and the buddy-learning log.

Report text never goes into the audit log or app logs; summaries name only ids and kinds.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from whatmatters.audit.log import Action, record
from whatmatters.engagement.actions import highlight as engagement_highlight
from whatmatters.engagement.actions import hold_clean_statements
from whatmatters.framework.measures.results import last_complete_period
from whatmatters.framework.measures.values import Row as ValueRow
from whatmatters.framework.measures.values import Source, write_values
from whatmatters.framework.models import (
    Annotation,
    ChangeIdea,
    DataSource,
    Domain,
    Driver,
    Frequency,
    Measure,
    MeasureType,
    period_grid,
    period_start,
)
from whatmatters.learning.models import BuddyLogEntry, ExcellenceReport, PdsaCycle
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import alert_for_words
from whatmatters.safety.screening import Screening, clean_words, screen
from whatmatters.teams.models import User
from whatmatters.teams.roles import Role
from whatmatters.text.pii import LABELS, Finding, redact

MAX_REPORT_LENGTH = 2000

logger = logging.getLogger(__name__)


# --- Arrival -------------------------------------------------------------------------------------


def _joined(text: str, who: str) -> str:
    return f"{text}\n{who}" if who else text


def check(text: str, who: str = "") -> tuple[str, list[dict[str, Any]]]:
    """The same screening and rule as statements (safety.screening), over what happened and who did it.
    Findings are offsets into text + newline + who, so a moderator sees both highlighted. Anything flagged is
    held for a person; a clean report is approved unless the setting holds all.
    """
    screening = screen(_joined(text, who))
    return screening.decision(hold_clean_statements()), screening.spans


def arrive(
    team: Any,
    text: str,
    *,
    who: str = "",
    domain: Domain | None = None,
    thanked_team: Any = None,
    thanked_user: Any = None,
    reported_by: Any = None,
    source: str = ExcellenceReport.Source.ONLINE,
    screening: Screening | None = None,
) -> ExcellenceReport:
    """Every excellence report comes in here: screened, held if anything is found.

    The public form screens the words and raises any alert itself; reports written by people who are signed
    in are screened here, and words that may mean risk raise an alert too.
    """
    text, who = clean_words(text), clean_words(who)
    from_public_form = screening is not None
    screening = screening or screen(_joined(text, who))
    status = screening.decision(hold_clean_statements())
    report = ExcellenceReport.objects.create(
        team=team,
        text=text,
        who=who,
        status=status,
        findings=screening.spans,
        domain=domain,
        thanked_team=thanked_team,
        thanked_user=thanked_user,
        reported_by=reported_by,
        source=source,
    )
    if not from_public_form:
        alert_for_words(team, screening, Alert.Source.EXCELLENCE, excellence_report=report)
    if status == ExcellenceReport.Status.APPROVED:
        _after_approval(report)
    return report


# --- Moderation ----------------------------------------------------------------------------------


def _moderated(report: ExcellenceReport, user: Any, status: str, summary: str) -> ExcellenceReport:
    report.status = status
    report.moderated_at = timezone.now()
    report.moderated_by = user
    report.save()
    record(Action.UPDATE, obj=report, team=report.team, summary=f"moderation: {summary}")
    if status == ExcellenceReport.Status.APPROVED:
        _after_approval(report)
    else:
        refresh_excellence_measures(report.team)
    return report


@transaction.atomic
def approve(report: ExcellenceReport, user: Any) -> ExcellenceReport:
    return _moderated(report, user, ExcellenceReport.Status.APPROVED, "approved")


@transaction.atomic
def reject(report: ExcellenceReport, user: Any) -> ExcellenceReport:
    return _moderated(report, user, ExcellenceReport.Status.REJECTED, "rejected")


def _findings(report: ExcellenceReport) -> list[Finding]:
    joined = _joined(report.text, report.who)
    return [
        Finding(f["kind"], f["start"], f["end"], joined[f["start"] : f["end"]])
        for f in report.findings
        if f["kind"] in LABELS  # personal data; a formula finding marks the whole report, not a part
    ]


def suggested_redaction(report: ExcellenceReport) -> tuple[str, str]:
    """The text and the "who" with flagged details replaced by labels such as [name removed]."""
    joined = redact(_joined(report.text, report.who), _findings(report))
    if report.who:
        text, _, who = joined.rpartition("\n")
        return text, who
    return joined, ""


@transaction.atomic
def redact_and_approve(
    report: ExcellenceReport, user: Any, new_text: str | None = None, new_who: str | None = None
) -> ExcellenceReport:
    """Publish a redacted copy; the original words stay for moderators only."""
    text, who = suggested_redaction(report)
    if not report.original_text:
        report.original_text = _joined(report.text, report.who)
    report.text = (new_text if new_text else text).strip()
    report.who = (new_who if new_who is not None else who).strip()
    report.findings = []
    return _moderated(report, user, ExcellenceReport.Status.APPROVED, "redacted and approved")


def highlight(report: ExcellenceReport) -> list[tuple[str, str | None]]:
    return engagement_highlight(_joined(report.text, report.who), report.findings)


# --- Thanks --------------------------------------------------------------------------------------


def _after_approval(report: ExcellenceReport) -> None:
    send_thanks(report)
    refresh_excellence_measures(report.team)


def thanks_recipients(report: ExcellenceReport) -> list[Any]:
    """Who gets the thank-you email: the named colleague (if any) and the thanked team's team leads, who
    pass it on to the team. Active accounts with an email address only; nobody twice."""
    people: list[Any] = []
    if report.thanked_user is not None:
        people.append(report.thanked_user)
    if report.thanked_team_id is not None:
        leads = User.objects.filter(
            memberships__team_id=report.thanked_team_id, memberships__role=Role.TEAM_LEAD
        ).order_by("pk")
        people.extend(leads)
    seen: set[int] = set()
    out = []
    for person in people:
        if person.pk in seen or not person.is_active or not person.email:
            continue
        seen.add(person.pk)
        out.append(person)
    return out


def _thanks_body(report: ExcellenceReport, person: Any) -> str:
    if report.thanked_user_id == person.pk:
        about = f"Someone told {report.team.name} about something you did that went well:"
    else:
        team = report.thanked_team.name if report.thanked_team else report.team.name
        about = f"Someone said something went well in {team}. Please share it with the team:"
    return (
        f"Hello {person.get_short_name()},\n\n{about}\n\n{report.public_text()}\n\n"
        "Thank you. You can read it, and other things that went well, on the team's learning page "
        "in What Matters.\n"
    )


def send_thanks(report: ExcellenceReport) -> int:
    """Email the person and the team thanked, once the words are approved (only approved words are sent).
    The team's learning page and dashboard show the thank-you too.

    Returns how many emails were sent. Nothing is sent twice. If the mail server fails, the approval still
    stands and nothing is marked as sent, so `send_thanks` can be called again.
    """
    if report.status != ExcellenceReport.Status.APPROVED or report.thanks_sent_at is not None:
        return 0
    people = thanks_recipients(report)
    if not people:
        return 0
    sent = 0
    try:
        for person in people:
            body = _thanks_body(report, person)
            sent += send_mail("Thank you: someone said something went well", body, None, [person.email])
    except OSError:  # SMTP errors are OSErrors; the words are never logged
        logger.warning("thank-you email for excellence report %s failed", report.pk)
        return sent
    report.thanks_sent_at = timezone.now()
    report.save(update_fields=["thanks_sent_at"])
    return sent


# --- Counts become a measure --------------------------------------------------------------------

EXCELLENCE_CODE = "excellence-reports"


def _excellence_measure(team: Any, code: str, name: str, domains: list[Domain]) -> Measure:
    measure = Measure.objects.filter(team=team, code=code).first()
    if measure is None:
        measure = Measure.objects.create(
            team=team,
            code=code,
            name=name[:200],
            measure_type=MeasureType.PROCESS,
            description="How many times a month people told us something went well.",
            operational_definition=(
                "The number of approved excellence reports (what went well) about the team, by the month "
                "they were written. Reports still waiting for a person to check them are not counted."
            ),
            numerator="Approved excellence reports",
            unit="reports",
            chart="c",
            direction="increase",
            frequency=Frequency.MONTHLY,
            data_source=DataSource.EXCELLENCE,
            owner="Team lead",
            collection=(
                "Counted by What Matters from excellence reports. Refreshed when a report is approved."
            ),
            position=900,
        )
    have = {d.pk for d in measure.domains.all()}
    if {d.pk for d in domains} - have:
        measure.domains.add(*[d for d in domains if d.pk not in have])
    return measure


def _sync_values(measure: Measure, counts: Counter[dt.date], first: dt.date, today: dt.date | None) -> int:
    """Make the measure's values equal the counts, month by month (zero where none). Returns changes."""
    periods = period_grid(Frequency.MONTHLY, first, last_complete_period(Frequency.MONTHLY, today))
    written = write_values(
        (ValueRow(measure, period, value=float(counts.get(period, 0))) for period in periods),
        source=Source.EXCELLENCE,
    )
    return written.created + written.replaced


@transaction.atomic
def refresh_excellence_measures(team: Any, today: dt.date | None = None) -> int:
    """Counts of approved reports per team and per domain become framework measures: one
    "Excellence reports" measure for the team and one per domain that has reports. Idempotent: a value
    is only written when the count changed. Returns how many values changed."""
    rows = list(ExcellenceReport.objects.approved().filter(team=team).values_list("created_at", "domain_id"))
    if not rows and not Measure.objects.filter(team=team, code=EXCELLENCE_CODE).exists():
        return 0
    tz = timezone.get_current_timezone()
    months = [(period_start(Frequency.MONTHLY, timezone.localtime(at, tz).date()), d) for at, d in rows]
    first = min((m for m, _ in months), default=last_complete_period(Frequency.MONTHLY, today))
    domain_ids = sorted({d for _, d in months if d is not None})
    domains = {d.pk: d for d in Domain.objects.filter(pk__in=domain_ids)}
    total = _excellence_measure(team, EXCELLENCE_CODE, "Excellence reports", list(domains.values()))
    changed = _sync_values(total, Counter(m for m, _ in months), first, today)
    for domain_id, domain in domains.items():
        measure = _excellence_measure(
            team,
            f"{EXCELLENCE_CODE}-domain-{domain_id}",
            f"Excellence reports: {domain.i_statement}",
            [domain],
        )
        changed += _sync_values(measure, Counter(m for m, d in months if d == domain_id), first, today)
    return changed


# --- PDSA cycles ---------------------------------------------------------------------------------


@transaction.atomic
def save_cycle(cycle: PdsaCycle, measures: list[Measure], user: Any = None) -> PdsaCycle:
    """Save a cycle and keep its chart markers in step: one "pdsa" annotation on each linked measure,
    dated on the cycle's start date, through the framework's Annotation model."""
    if cycle.pk is None and user is not None:
        cycle.created_by = user
    cycle.save()
    cycle.measures.set(measures)
    wanted = {m.pk for m in measures}
    for marker in list(cycle.markers.select_related("measure")):
        if marker.measure_id not in wanted:
            marker.delete()
            continue
        changed = []
        if marker.date != cycle.starts_on:
            marker.date = cycle.starts_on
            changed.append("date")
        if marker.text != cycle.annotation_text:
            marker.text = cycle.annotation_text
            changed.append("text")
        if changed:
            marker.save()
        wanted.discard(marker.measure_id)
    for measure in measures:
        if measure.pk in wanted:
            marker = Annotation.objects.create(
                measure=measure, date=cycle.starts_on, kind=Annotation.Kind.PDSA, text=cycle.annotation_text
            )
            cycle.markers.add(marker)
    return cycle


@transaction.atomic
def delete_cycle(cycle: PdsaCycle) -> None:
    for marker in list(cycle.markers.all()):
        marker.delete()
    cycle.delete()


# --- The buddy-learning log ----------------------------------------------------------------------


@transaction.atomic
def adopt_buddy_idea(entry: BuddyLogEntry, driver: Driver, text: str) -> ChangeIdea:
    """A change idea the buddy team wrote in the shared log becomes a change idea in our driver diagram,
    so we can test it with a PDSA cycle. The log entry remembers it, so both teams see it was taken up."""
    position = (driver.change_ideas.aggregate(top=Max("position"))["top"] or 0) + 1
    idea = ChangeIdea.objects.create(driver=driver, text=text.strip()[:300], position=position)
    entry.adopted_idea = idea
    entry.save(update_fields=["adopted_idea"])
    return idea
