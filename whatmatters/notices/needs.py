"""What needs a person now: the one gathering of it, read by the start page, the count in the header and the
weekly digest, so the three can never disagree.

`needs_for(user)` returns the person's teams and a list of typed `Need` items, each a link, holding only
what the person's role may act on (the permission table decides, through `allows` and the route's roles):

- check-in alerts waiting for a response (team leads and staff of the team: the alerts route's roles);
- statements and "what went well" reports waiting for a moderator (the moderation routes' roles);
- measures typed in or imported by the team with no value for the last complete period (data entry roles);
- tests of change (PDSA cycles) running for `STUDY_AFTER_DAYS` or more, due to be studied;
- value uploads and waiting-list extract imports that saved nothing, in the last `RECENT_DAYS` days;
- reports that finished building in the last `RECENT_DAYS` days (for reading, not counted as a need).

Scope: moderation and failed imports cover every team whose route the person's role allows (organisation-
wide faculty moderate the whole programme); data due, tests of change, alerts and team reports cover the
teams the person is a member of. One query per kind, whatever the number of teams or items.

`chart_news(teams)` adds, for the digest, measures whose newest point changed more than chance would
explain and targets that will not be met without change, from the one SPC path (`results_for`).

Text here never holds what a member of the public wrote, or anyone's name. `detail` may hold words a team
member wrote (a test of change's title, a file's name): the start page shows it to people who may see it;
emails never include it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from whatmatters.engagement.models import Statement
from whatmatters.framework.measures.results import last_complete_period, results_for
from whatmatters.framework.models import (
    DataSource,
    Frequency,
    Measure,
    Value,
    ValueImport,
    next_period,
    period_label,
)
from whatmatters.learning.models import ExcellenceReport, PdsaCycle
from whatmatters.reports.models import Report
from whatmatters.safety.alerts import response_days
from whatmatters.safety.models import Alert
from whatmatters.teams.access import roles_of
from whatmatters.teams.models import Team
from whatmatters.teams.permissions import access_for, allows
from whatmatters.waitinglists.models import ExtractImport

RECENT_DAYS = 14  # failed imports and finished reports are shown this long
STUDY_AFTER_DAYS = 14  # a test of change running this long is due to be studied
# Data for a period is "due" this many days after the period ends, then "overdue".
DUE_GRACE_DAYS = {Frequency.WEEKLY: 3, Frequency.MONTHLY: 10}


class Kind(enum.StrEnum):
    ALERTS = "alerts"
    STATEMENTS = "statements"
    EXCELLENCE = "excellence"
    DATA_DUE = "data_due"
    STUDY = "study"
    VALUE_IMPORT = "value_import"
    EXTRACT_IMPORT = "extract_import"
    REPORT = "report"
    SPECIAL_CAUSE = "special_cause"
    TARGET_AT_RISK = "target_at_risk"


# Headings, in the order the start page and the digest show them.
HEADINGS: dict[Kind, str] = {
    Kind.ALERTS: "Alerts waiting for a response",
    Kind.STATEMENTS: "What people said, waiting to be checked",
    Kind.EXCELLENCE: "What went well, waiting to be checked",
    Kind.DATA_DUE: "Data due",
    Kind.STUDY: "Tests of change to study",
    Kind.VALUE_IMPORT: "Uploads that saved nothing",
    Kind.EXTRACT_IMPORT: "Waiting-list imports that need you",
    Kind.SPECIAL_CAUSE: "Changed more than chance would explain",
    Kind.TARGET_AT_RISK: "Targets at risk",
    Kind.REPORT: "Reports ready to read",
}
# Informational kinds: shown, not counted in the header.
NOT_COUNTED = frozenset({Kind.REPORT})


@dataclass(frozen=True)
class Need:
    """One thing that needs the person, as a link. `count` is how many things the link leads to."""

    kind: Kind
    text: str  # plain words, safe for an email: team, measure and period names, counts, dates
    href: str  # a path on this site
    count: int = 1
    team: Team | None = None
    urgent: bool = False
    detail: str = ""  # words a team member wrote (a title, a file name): the page only, never an email

    @property
    def counted(self) -> bool:
        return self.kind not in NOT_COUNTED


@dataclass
class Needs:
    teams: list[Team] = field(default_factory=list)
    items: list[Need] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many things need the person: the number beside the start page link in the header."""
        return sum(item.count for item in self.items if item.counted)

    def groups(self) -> list[tuple[Kind, str, list[Need]]]:
        """The items under their headings, in the heading order; kinds with nothing are left out."""
        out = []
        for kind, heading in HEADINGS.items():
            found = [item for item in self.items if item.kind is kind]
            if found:
                out.append((kind, heading, found))
        return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _day(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def _allowed(user: Any, route: str, teams: Iterable[Team], *, members_only: bool = False) -> list[Team]:
    """The teams where the person's role allows this route (only teams they belong to, if members_only)."""
    access = access_for(route)
    if access is None:
        return []
    held = roles_of(user)
    return [
        team
        for team in teams
        if held.in_team(team.pk, access.roles) and (not members_only or team.pk in held.team_roles)
    ]


def needs_for(user: Any, *, today: dt.date | None = None, now: dt.datetime | None = None) -> Needs:
    """Everything that needs this person now (see the module's docstring for what and for whom)."""
    if user is None or not user.is_authenticated or not roles_of(user).is_member_anywhere:
        return Needs()
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    teams = list(Team.objects.visible_to(user).filter(is_active=True).order_by("name"))
    items: list[Need] = []
    items += _alerts(_allowed(user, "alerts", teams, members_only=True), now)
    items += _statements(user, _allowed(user, "moderate", teams))
    items += _excellence(_allowed(user, "excellence_moderate", teams))
    items += _data_due(_allowed(user, "value_entry", teams, members_only=True), today)
    items += _study(_allowed(user, "pdsa_edit", teams, members_only=True), today)
    items += _value_imports(_allowed(user, "value_import_detail", teams), now)
    items += _extract_imports(user, now)
    items += _reports(user, teams, now)
    return Needs(teams=teams, items=items)


def _by_pk(teams: list[Team]) -> dict[int, Team]:
    return {team.pk: team for team in teams}


def _alerts(teams: list[Team], now: dt.datetime) -> list[Need]:
    if not teams:
        return []
    known = _by_pk(teams)
    rows = (
        Alert.objects.filter(team_id__in=known)
        .exclude(status=Alert.Status.RESPONDED)
        .values("team_id")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest")
    )
    cutoff = now - dt.timedelta(days=response_days())
    out = []
    for row in rows:
        team, n, late = known[row["team_id"]], row["n"], row["oldest"] <= cutoff
        text = f"{team.name}: {_plural(n, 'alert', 'alerts')} waiting for a response"
        if late:
            text += f", the oldest for more than {_plural(response_days(), 'day', 'days')}"
        href = reverse("alerts", kwargs={"team": team.slug})
        out.append(Need(Kind.ALERTS, text, href, n, team, urgent=late))
    return out


def _statements(user: Any, teams: list[Team]) -> list[Need]:
    known = _by_pk(teams)
    programme = allows(user, "programme_moderate")
    if not known and not programme:
        return []
    where = Q(team_id__in=known)
    if programme:
        where |= Q(team__isnull=True)
    rows = (
        Statement.objects.awaiting_moderation()
        .filter(where)
        .values("team_id")
        .annotate(n=Count("pk"))
        .order_by("team_id")
    )
    out = []
    for row in rows:
        n, team = row["n"], known.get(row["team_id"])
        if team is None:
            text = f"The whole programme: {_plural(n, 'statement', 'statements')} to check"
            href = reverse("programme_moderate")
        else:
            text = f"{team.name}: {_plural(n, 'statement', 'statements')} to check"
            href = reverse("moderate", kwargs={"team": team.slug})
        out.append(Need(Kind.STATEMENTS, text, href, n, team))
    return sorted(out, key=lambda need: need.text)


def _excellence(teams: list[Team]) -> list[Need]:
    if not teams:
        return []
    known = _by_pk(teams)
    rows = (
        ExcellenceReport.objects.awaiting_moderation()
        .filter(team_id__in=known)
        .values("team_id")
        .annotate(n=Count("pk"))
        .order_by("team_id")
    )
    out = []
    for row in rows:
        team, n = known[row["team_id"]], row["n"]
        text = f"{team.name}: {_plural(n, 'report', 'reports')} of what went well to check"
        href = reverse("excellence_moderate", kwargs={"team": team.slug})
        out.append(Need(Kind.EXCELLENCE, text, href, n, team))
    return sorted(out, key=lambda need: need.text)


def _data_due(teams: list[Team], today: dt.date) -> list[Need]:
    """Measures the team types in or imports that have no value for the last complete period, grouped by
    team, frequency and how the data arrives (surveys, extracts and excellence reports fill their own)."""
    if not teams:
        return []
    known = _by_pk(teams)
    last = {frequency: last_complete_period(frequency, today) for frequency in Frequency.values}
    missing = Q()
    for frequency, period in last.items():
        missing |= Q(frequency=frequency) & ~Exists(
            Value.objects.filter(measure=OuterRef("pk"), period=period)
        )
    rows = (
        Measure.objects.filter(team_id__in=known, data_source__in=[DataSource.MANUAL, DataSource.CSV])
        .filter(missing)
        .values("team_id", "frequency", "data_source")
        .annotate(n=Count("pk"))
        .order_by("team_id", "frequency", "data_source")
    )
    out = []
    for row in rows:
        team, n, frequency = known[row["team_id"]], row["n"], row["frequency"]
        period = last[frequency]
        ended = next_period(frequency, period)
        overdue = (today - ended).days > DUE_GRACE_DAYS.get(frequency, 7)
        how = "weekly" if frequency == Frequency.WEEKLY else "monthly"
        text = (
            f"{team.name}: {_plural(n, f'{how} measure needs', f'{how} measures need')} data for "
            f"{period_label(frequency, period)}" + (" (overdue)" if overdue else "")
        )
        if row["data_source"] == DataSource.MANUAL:
            href = reverse(
                "value_entry",
                kwargs={"team": team.slug, "frequency": frequency, "period": period.isoformat()},
            )
        else:
            href = reverse("value_import", kwargs={"team": team.slug})
        out.append(Need(Kind.DATA_DUE, text, href, n, team, urgent=overdue))
    return out


def _study(teams: list[Team], today: dt.date) -> list[Need]:
    if not teams:
        return []
    known = _by_pk(teams)
    cycles = PdsaCycle.objects.filter(
        team_id__in=known,
        stage__in=[PdsaCycle.Stage.DO, PdsaCycle.Stage.STUDY],
        starts_on__lte=today - dt.timedelta(days=STUDY_AFTER_DAYS),
    ).order_by("starts_on", "pk")
    out = []
    for cycle in cycles.only("pk", "team_id", "title", "starts_on", "stage"):
        team = known[cycle.team_id]
        text = f"{team.name}: a test of change started on {_day(cycle.starts_on)} is due to be studied"
        href = reverse("pdsa_detail", kwargs={"team": team.slug, "pk": cycle.pk})
        out.append(Need(Kind.STUDY, text, href, 1, team, detail=cycle.title))
    return out


def _value_imports(teams: list[Team], now: dt.datetime) -> list[Need]:
    if not teams:
        return []
    known = _by_pk(teams)
    failed = ValueImport.objects.filter(
        team_id__in=known,
        status__in=[ValueImport.Status.REJECTED, ValueImport.Status.FAILED],
        dry_run=False,
        created_at__gte=now - dt.timedelta(days=RECENT_DAYS),
    ).order_by("-created_at", "-pk")
    out = []
    for upload in failed.only("pk", "team_id", "file_name", "status", "created_at"):
        team = known[upload.team_id]
        text = f"{team.name}: an upload of values on {_day(upload.created_at)} saved nothing"
        href = reverse("value_import_detail", kwargs={"team": team.slug, "pk": upload.pk})
        out.append(Need(Kind.VALUE_IMPORT, text, href, 1, team, urgent=True, detail=upload.file_name))
    return out


def _extract_imports(user: Any, now: dt.datetime) -> list[Need]:
    if not allows(user, "waiting_list_import_detail"):
        return []
    waiting = ExtractImport.objects.filter(
        status__in=[
            ExtractImport.Status.REJECTED,
            ExtractImport.Status.FAILED,
            ExtractImport.Status.CONFIRM,
        ],
        created_at__gte=now - dt.timedelta(days=RECENT_DAYS),
    ).order_by("-created_at", "-pk")
    out = []
    for extract in waiting.only("pk", "status", "created_at", "extract_date"):
        if extract.status == ExtractImport.Status.CONFIRM:
            text = (
                f"The waiting-list extract of {_day(extract.extract_date)} is older than the one loaded: "
                "import it as history, or cancel"
            )
        else:
            text = f"The waiting-list extract of {_day(extract.extract_date)} saved nothing"
        href = reverse("waiting_list_import_detail", kwargs={"pk": extract.pk})
        out.append(Need(Kind.EXTRACT_IMPORT, text, href, 1, None, urgent=True))
    return out


def _reports(user: Any, teams: list[Team], now: dt.datetime) -> list[Need]:
    """Reports finished lately: the teams' the person belongs to, the ones they asked for in teams they can
    see, and the programme's if they may read programme reports."""
    known = _by_pk(teams)
    members = [pk for pk in roles_of(user).team_roles if pk in known]
    where = Q(team_id__in=members) | Q(requested_by=user, team_id__in=known)
    if allows(user, "programme_report_detail"):
        where |= Q(team__isnull=True)
    ready = (
        Report.objects.filter(
            where, status=Report.Status.READY, finished_at__gte=now - dt.timedelta(days=RECENT_DAYS)
        )
        .only("pk", "team_id", "audience", "date_from", "date_to", "finished_at")
        .order_by("-finished_at", "-pk")
    )
    out = []
    for report in ready:
        team = known.get(report.team_id) if report.team_id else None
        who = team.name if team else "The whole programme"
        text = (
            f"{who}: {report.audience_short} report, {_day(report.date_from)} to {_day(report.date_to)}, "
            f"ready on {_day(report.finished_at)}"
        )
        if team is None:
            href = reverse("programme_report_detail", kwargs={"pk": report.pk})
        else:
            href = reverse("report_detail", kwargs={"team": team.slug, "pk": report.pk})
        out.append(Need(Kind.REPORT, text, href, 1, team))
    return out


# --- For the digest: what the charts say -----------------------------------------------------------------


def chart_news(
    teams: Iterable[Team], *, since: dt.datetime, cache: dict[int, list[Any]] | None = None
) -> list[Need]:
    """Measures whose newest point, written since `since`, changed more than chance would explain, and
    measures that will not meet their target without change. `cache` keeps each team's SPC results across
    people in one digest run."""
    cache = cache if cache is not None else {}
    out: list[Need] = []
    for team in teams:
        if team.pk not in cache:
            cache[team.pk] = results_for(team)
        # When each value was last written (the pages read values without it): one query per team.
        written = {
            (measure, period): at
            for measure, period, at in Value.objects.filter(measure__team=team).values_list(
                "measure_id", "period", "updated_at"
            )
        }
        for item in cache[team.pk]:
            result = item.result
            if result is None or result.latest_index is None:
                continue
            measure = item.measure
            href = reverse("measure_detail", kwargs={"team": team.slug, "pk": measure.pk})
            variation, assurance = result.variation, result.assurance
            newest = max(item.values.values(), key=lambda value: value.period, default=None)
            at = written.get((measure.pk, newest.period)) if newest is not None else None
            fresh = at is not None and at >= since
            if fresh and variation is not None and variation.name != "common_cause":
                text = f"{team.name}: {measure.name}, {period_label(measure.frequency, newest.period)}"
                urgent = variation.tone == "concern"
                out.append(Need(Kind.SPECIAL_CAUSE, text, href, 1, team, urgent=urgent))
            if assurance is not None and assurance.name == "consistent_fail":
                text = f"{team.name}: {measure.name} will not meet its target without change"
                out.append(Need(Kind.TARGET_AT_RISK, text, href, 1, team, urgent=True))
    return out


# --- The count in the header -----------------------------------------------------------------------------

SESSION_KEY = "notices_count"
COUNT_KEPT_SECONDS = 300  # the header's count is worked out at most this often per person


def remember_count(request: Any, needs: Needs) -> None:
    """Keep the count in the session, so other pages show it without asking the database again."""
    request.session[SESSION_KEY] = {"at": timezone.now().timestamp(), "n": needs.total}


def header_count(request: Any) -> int:
    """How many things need the signed-in person, for the header, kept in the session.

    The start page works it out (signing in opens it); another page reads the session, and works it out
    again only once it is older than COUNT_KEPT_SECONDS. A session that has never seen the start page shows
    no count, so no other page pays for it first."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "api_token", None):
        return 0
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict):
        return 0
    now = timezone.now().timestamp()
    if 0 <= now - kept.get("at", 0) < COUNT_KEPT_SECONDS:
        return int(kept.get("n", 0))
    needs = needs_for(user)
    remember_count(request, needs)
    return needs.total
