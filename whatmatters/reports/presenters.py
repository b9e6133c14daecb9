"""What goes into a report: one data path, disclosure-controlled, approved text only.

- SPC results, charts, icons and sentences come from `framework.measures.results.results_for` (cut at
  the report's last day with `as_of`) and the SPC core's `narrate` and `render_svg`, as on the measure
  page, so a report never disagrees with a dashboard or with the CSV export cut at the same day.
- Every report is read outside the team, so every count of people in it goes through `whatmatters.disclosure`
  (0 stays 0, 1-7 becomes "*", the rest round to the nearest 5; a rate from a numerator or denominator of
  1-7 is hidden; breakdowns get complementary suppression).
- A chart draws exact values (and each point's tooltip names them), so a chart is left out when it would
  show a count of people, or a rate worked out from 1 to 7 people. The icons and their words stay.
- A programme report holds only the measures each team shares with the programme
  (`Measure.objects.shared_with_programme()`); a team's own report holds all of its measures.
- Statement words come only from `Statement.objects.shareable()` (approved, and the author agreed they may
  be shared beyond the team); excellence reports only from `ExcellenceReport.objects.approved()`.
- Every report starts with the summary (`framework.measures.summary`: the variation x assurance matrix and
  three sentences), then one page per exception (special cause, or will not meet its target), then, when
  the committee asks for everything, the other measures as small multiples. Only the charts the report
  shows are drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from django.utils import timezone

from whatmatters.disclosure import (
    SUPPRESSED,
    rate_is_suppressed,
    suppress,
    suppress_breakdown,
    suppress_measured,
)
from whatmatters.engagement.models import DomainUpdate, Statement
from whatmatters.engagement.presenters import group_of
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import EASY_HIDDEN as EASY_HIDDEN  # rendering reads it from here
from whatmatters.framework.measures.shown import Shown, counts_people, shown_for
from whatmatters.framework.measures.summary import Summary, is_exception, summarise
from whatmatters.framework.models import ChangeIdea, Domain, Measure, period_label
from whatmatters.learning.models import ExcellenceReport, PdsaCycle
from whatmatters.reports.models import AUDIENCE_SHORT, Audience, Contents
from whatmatters.spc.numbers import shown as number
from whatmatters.teams.models import Organisation, Team


@dataclass
class Voice:
    """What people said about one domain, and what the team is doing."""

    domain: Domain
    quotes: list[str]
    by_group: dict[str, int | str]
    total: int | str
    updates: list[Any]


@dataclass
class Row:
    period: str
    numerator: str = ""
    denominator: str = ""
    value: str = ""
    raw_numerator: float | None = None  # for the tests' scan and never printed
    raw_denominator: float | None = None
    raw_value: float | None = None


@dataclass
class MeasureReport(Shown):
    """What `shown_for` gives a measure, with the report's table of values and the period's events."""

    rows: list[Row] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    voices: list[Voice] = field(default_factory=list)  # what people said about its domains
    cycles: list[dict[str, Any]] = field(default_factory=list)  # the period's PDSA cycles on it

    @property
    def exception(self) -> bool:
        """Special cause at the latest point, or will not meet its target without change."""
        return is_exception(self.variation, self.assurance)

    def latest_rows(self, n: int = 6) -> list[Row]:
        """The last `n` periods of the report's period, oldest first (an exception page's short table)."""
        return self.rows[-n:]

    @property
    def ratio(self) -> bool:
        return self.measure.needs_denominator

    @property
    def id(self) -> str:
        return f"measure-{self.measure.pk}"

    @property
    def needs_attention(self) -> bool:
        v, a = self.variation, self.assurance
        return bool((v and v.tone == "concern") or (a and a.name == "consistent_fail"))


@dataclass
class TeamSection:
    team: Any
    measures: list[MeasureReport]
    voices: list[Voice]
    change_ideas: list[ChangeIdea]
    pdsa_cycles: list[dict[str, Any]] | None  # None: not asked for (only the QI forum report has them)
    excellence: dict[str, Any]


@dataclass
class ReportData:
    title: str
    audience: str
    date_from: dt.date
    date_to: dt.date
    programme: bool
    sections: list[TeamSection]
    created_at: dt.datetime
    contents: str = Contents.EXCEPTIONS

    @property
    def everything(self) -> bool:
        return self.contents == Contents.EVERYTHING

    @cached_property
    def summary(self) -> Summary:
        return summarise(
            self.all_measures(),
            href=lambda team, m: f"#{team.slug}-{m.id}" if self.everything or m.exception else "",
            programme=self.programme,
            easy_read=self.easy_read,
            label=(lambda m: m.measure.description or m.measure.name) if self.easy_read else None,
        )

    def exceptions(self) -> list[tuple[Any, MeasureReport]]:
        """The measures that need a decision, each on its own page, in the report's order."""
        return [(team, m) for team, m in self.all_measures() if m.exception]

    def appendix(self) -> list[tuple[Any, MeasureReport]]:
        """Every other measure, as small multiples: only when the committee asks for everything."""
        return [(team, m) for team, m in self.all_measures() if not m.exception] if self.everything else []

    @property
    def audience_name(self) -> str:
        return AUDIENCE_SHORT[Audience(self.audience)]

    @property
    def easy_read(self) -> bool:
        return self.audience == Audience.LIVED_EXPERIENCE

    @property
    def uses_pdsa(self) -> bool:
        return self.audience == Audience.QI_FORUM

    def all_measures(self) -> list[tuple[Any, MeasureReport]]:
        return [(s.team, m) for s in self.sections for m in s.measures]


# --- Measures ------------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    return number(value, unit) if value is not None else ""


def _count(value: float | None) -> str:
    return str(suppress_measured(value)) if value is not None else ""


def _rows(report: MeasureReport, date_from: dt.date, date_to: dt.date) -> list[Row]:
    measure, item = report.measure, report.item
    people = counts_people(measure)
    rows = []
    for period in item.periods:
        if not date_from <= period <= date_to:
            continue
        label = period_label(measure.frequency, period)
        label = label[0].upper() + label[1:]
        v = item.values.get(period)
        if v is None:
            rows.append(Row(label, value="Missing"))
            continue
        if report.ratio:
            hidden = rate_is_suppressed(v.numerator, v.denominator)
            rows.append(
                Row(
                    label,
                    numerator=_count(v.numerator),
                    denominator=_count(v.denominator),
                    value=SUPPRESSED if hidden else _fmt(v.shown, measure.unit),
                    raw_numerator=v.numerator,
                    raw_denominator=v.denominator,
                )
            )
        elif people:
            rows.append(Row(label, value=_count(v.value), raw_value=v.value))
        else:
            rows.append(Row(label, value=_fmt(v.value, measure.unit), raw_value=v.value))
    return rows


def report_measures(team: Any, programme: bool) -> Any:
    """The team's measures a report may hold: all of them in its own report, only those it shares with the
    programme in a programme report."""
    measures = Measure.objects.for_team(team)
    return measures.shared_with_programme() if programme else measures


def measure_reports(
    team: Any,
    date_from: dt.date,
    date_to: dt.date,
    audience: str,
    *,
    programme: bool = False,
    contents: str = Contents.EVERYTHING,
) -> list[MeasureReport]:
    """Each measure as the report shows it. A chart is drawn only where the report shows one: on an
    exception's page, and in the appendix when `contents` is everything."""
    measures = list(report_measures(team, programme).prefetch_related("domains"))
    items = results_for(team, measures, as_of=date_to)
    level = "easy_read" if audience == Audience.LIVED_EXPERIENCE else "committee"
    out = []
    for item in items:
        measure = item.measure
        view = shown_for(item, outside_team=True, chart=False)
        wanted = contents == Contents.EVERYTHING or is_exception(view.variation, view.assurance)
        if wanted and audience != Audience.LIVED_EXPERIENCE:
            view = shown_for(
                item, outside_team=True, chart=True, id_prefix=f"chart-{team.slug}-{measure.pk}", level=level
            )
        report = MeasureReport(**{f.name: getattr(view, f.name) for f in fields(Shown)})
        report.events = [a for a in item.annotations if date_from <= a.date <= date_to]
        report.rows = _rows(report, date_from, date_to)
        out.append(report)
    # "Needs attention" first, then the plan's order.
    out.sort(key=lambda r: (not r.needs_attention,))
    return out


def attach_context(measures: list[MeasureReport], voices: list[Voice], cycles: list[dict[str, Any]]) -> None:
    """Give each measure what people said about its domains and the PDSA cycles of the period on it."""
    by_domain = {v.domain.pk: v for v in voices}
    for report in measures:
        report.voices = [by_domain[d.pk] for d in report.measure.domains.all() if d.pk in by_domain]
        report.cycles = [c for c in cycles if report.measure.pk in c["measure_ids"]]


# --- What people said ----------------------------------------------------------------------------

GROUPS = (
    ("people", "People who use the service and carers"),
    ("staff", "Staff and managers"),
    ("other", "Other people"),
)


def voices(team: Any, date_to: dt.date) -> list[Voice]:
    out = []
    domains = list(Domain.objects.for_team(team).prefetch_related("themes"))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    for domain in domains:
        themes = [t for t in domain.themes.all() if t.team_id == team.pk]
        approved = (
            Statement.objects.approved()
            .for_team(team)
            .filter(themes__in=themes, created_at__lt=end)
            .distinct()
        )
        counts = {key: 0 for key, _ in GROUPS}
        for relationship in approved.values_list("relationship", flat=True):
            counts[group_of(relationship)] += 1
        by_group, total = suppress_breakdown(counts)
        shareable = Statement.objects.shareable().filter(pk__in=approved.values("pk"))
        quotes = [s.public_text() for s in shareable.order_by("pk")[:3]]
        updates = list(DomainUpdate.objects.filter(domain=domain, team=team, published_on__lte=date_to)[:3])
        if themes or updates:
            out.append(Voice(domain, quotes, by_group, total, updates))
    return out


# --- Learning: small tests of change and what went well ------------------------------------------


def pdsa_cycles(
    team: Any, date_from: dt.date, date_to: dt.date, *, programme: bool = False
) -> list[dict[str, Any]]:
    """The team's PDSA cycles in the period: those still running that started by its end, and finished
    ones that started in it. In a programme report a cycle names only the measures the team shares.

    PDSA text is written by staff signed in to the team's own plan, not by the public, so it is shown as
    the team wrote it.
    """
    named = {m.pk for m in report_measures(team, programme)}
    cycles = (
        PdsaCycle.objects.filter(team=team, starts_on__lte=date_to)
        .select_related("change_idea")
        .prefetch_related("measures")
        .order_by("starts_on", "pk")
    )
    out = []
    for cycle in cycles:
        if cycle.stage == PdsaCycle.Stage.DONE and cycle.starts_on < date_from:
            continue  # finished before the period began
        out.append(
            {
                "title": cycle.title,
                "change_idea": cycle.change_idea.text,
                "started": cycle.starts_on,
                "stage": cycle.get_stage_display(),
                "decision": cycle.get_decision_display() if cycle.decision else "",
                "measures": [m.name for m in cycle.measures.all() if m.pk in named],
                "measure_ids": {m.pk for m in cycle.measures.all() if m.pk in named},
                "parts": [
                    (label, text)
                    for label, text in (
                        ("Plan", cycle.plan),
                        ("What we predicted", cycle.prediction),
                        ("Do", cycle.do),
                        ("Study", cycle.study),
                        ("Act", cycle.act),
                    )
                    if text
                ],
            }
        )
    return out


def excellence(team: Any, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """How many approved excellence reports ("what went well") the team had in the period, disclosure-
    controlled, and up to 3 of their words. Only the approved-only query path is read."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    approved = (
        ExcellenceReport.objects.approved().for_team(team).filter(created_at__gte=start, created_at__lt=end)
    )
    quotes = [r.text for r in approved.order_by("pk")[:3]]
    return {"count": suppress(approved.count()), "quotes": quotes}


# --- The whole report ----------------------------------------------------------------------------


def team_section(
    team: Any,
    date_from: dt.date,
    date_to: dt.date,
    audience: str,
    *,
    programme: bool = False,
    contents: str = Contents.EVERYTHING,
) -> TeamSection:
    ideas = list(
        ChangeIdea.objects.filter(driver__aim__team=team).select_related("driver", "driver__aim")
        if audience == Audience.QI_FORUM
        else []
    )
    measures = measure_reports(team, date_from, date_to, audience, programme=programme, contents=contents)
    said = voices(team, date_to)
    cycles = pdsa_cycles(team, date_from, date_to, programme=programme)
    attach_context(measures, said, cycles)
    return TeamSection(
        team=team,
        measures=measures,
        voices=said,
        change_ideas=ideas,
        pdsa_cycles=cycles if audience == Audience.QI_FORUM else None,
        excellence=excellence(team, date_from, date_to),
    )


def report_title(team: Any | None) -> str:
    if team is not None:
        return f"{team.name}: quality report"
    organisation = Organisation.objects.order_by("pk").first()
    return f"{organisation.name if organisation else 'The programme'}: programme report"


def build(
    team: Any | None,
    date_from: dt.date,
    date_to: dt.date,
    audience: str,
    progress: Any = None,
    contents: str = Contents.EXCEPTIONS,
) -> ReportData:
    """Gather everything for one report. `progress(done, total, what)` is called after each team.
    `contents`: exceptions (the summary and a page per exception) or everything (and the appendix)."""
    teams = [team] if team is not None else list(Team.objects.filter(is_active=True).order_by("name"))
    title = report_title(team)
    sections = []
    for index, each in enumerate(teams):
        if progress:
            progress(index, len(teams), f"Reading the results of {each.name}")
        sections.append(
            team_section(each, date_from, date_to, audience, programme=team is None, contents=contents)
        )
    return ReportData(
        title=title,
        audience=audience,
        date_from=date_from,
        date_to=date_to,
        programme=team is None,
        sections=sections,
        created_at=timezone.now(),
        contents=contents,
    )
