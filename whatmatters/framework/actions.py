"""Writes that touch several models, each in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from whatmatters.framework.framework_file import (
    FORMAT,
    MAX_POSITION,
    MAX_PROBLEMS,
    VERSION,
    DriverItem,
    FrameworkError,
    describe,
    read,
    shown,
)
from whatmatters.framework.framework_file import MAX_BYTES as MAX_BYTES  # for the pages and the command
from whatmatters.framework.measures.values import Row as ValueRow
from whatmatters.framework.measures.values import Source, write_values
from whatmatters.framework.models import (
    DEFINITION_FIELDS,
    Aim,
    Annotation,
    ChangeIdea,
    Domain,
    Driver,
    LibraryMeasure,
    Measure,
    MeasureTarget,
)
from whatmatters.imports.problems import Problem

# --- Adopting a national measure -----------------------------------------------------------------


@transaction.atomic
def adopt_library_measure(
    team: Any, library: LibraryMeasure, *, code: str, domains: list[Domain], aim: Aim | None = None
) -> Measure:
    """Copy a library definition into the team's plan. The copy remembers its source and can then change."""
    fields = {name: getattr(library, name) for name in DEFINITION_FIELDS}
    fields["code"] = code
    position = Measure.objects.filter(team=team).count()
    measure = Measure.objects.create(team=team, source=library, aim=aim, position=position, **fields)
    measure.domains.set(domains)
    return measure


# --- Governed baselines --------------------------------------------------------------------------


@transaction.atomic
def accept_baseline(measure: Measure, start: dt.date, reason: str, *, by: Any) -> Annotation:
    """Start new limits from `start`: a "new baseline" event that says who agreed it, when and why.

    The audit log records it as the event's creation by the person acting. Accepting the same start twice
    keeps the first decision.
    """
    existing = Annotation.objects.filter(measure=measure, date=start, new_baseline=True).first()
    if existing is not None:
        return existing
    return Annotation.objects.create(
        measure=measure,
        date=start,
        kind=Annotation.Kind.BASELINE,
        text=reason.strip()[:200],  # what changed, as the chart's note and the events list say it
        new_baseline=True,
        reason=reason.strip(),
        created_by=by if getattr(by, "pk", None) else None,
    )


def dismiss_baseline(measure: Measure, start: dt.date) -> None:
    """Keep the current limits: the suggestion from `start` is not shown again (a new shift is). The audit
    log records who and when, as a change to the measure."""
    measure.baseline_dismissed_from = start
    measure.save(update_fields=["baseline_dismissed_from"])


# --- Targets over time ---------------------------------------------------------------------------


@transaction.atomic
def set_target_rows(measure: Measure, rows: list[tuple[dt.date, float, str]]) -> int:
    """Make a measure's targets over time exactly `rows` (from, value, line), all or nothing. Rows that
    stay the same are left alone, so the audit log shows only what changed. Returns the number kept."""
    wanted = {(starts, label): value for starts, value, label in rows}
    for row in list(measure.targets.all()):
        key = (row.starts, row.label)
        if key not in wanted:
            row.delete()
        elif row.value != wanted[key]:
            row.value = wanted.pop(key)
            row.save(update_fields=["value"])
        else:
            wanted.pop(key)
    for (starts, label), value in wanted.items():
        MeasureTarget.objects.create(measure=measure, starts=starts, value=value, label=label)
    return len(rows)


# --- Sharing with the programme -----------------------------------------------------------------


@dataclass
class SharingResult:
    shared: int = 0
    stopped: int = 0


@transaction.atomic
def set_programme_sharing(team: Any, shared: set[int]) -> SharingResult:
    """Share exactly these of the team's measures (by pk) with the programme; each change is saved on its
    own measure, so the audit log records who shared or stopped sharing which measure."""
    result = SharingResult()
    for measure in Measure.objects.for_team(team).select_for_update():
        wanted = measure.pk in shared
        if measure.shared_with_programme == wanted:
            continue
        measure.shared_with_programme = wanted
        measure.save(update_fields=["shared_with_programme"])
        if wanted:
            result.shared += 1
        else:
            result.stopped += 1
    return result


# --- Manual entry --------------------------------------------------------------------------------


@dataclass
class EntryResult:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0


def save_period_values(
    measures: list[Measure], period: dt.date, entries: dict[int, dict[str, Any]], *, by: Any = None
) -> EntryResult:
    """Save the values typed for one period (by `by`); a replaced value is audited by the Value model."""
    rows = [
        ValueRow(
            measure,
            period,
            value=entry["value"],
            numerator=entry["numerator"],
            denominator=entry["denominator"],
            note=entry["note"],
        )
        for measure in measures
        if (entry := entries.get(measure.pk)) is not None
    ]
    written = write_values(rows, source=Source.TYPED, by=by)
    return EntryResult(created=written.created, replaced=written.replaced, unchanged=written.unchanged)


# --- Framework export and import ------------------------------------------------------------------


@dataclass
class FrameworkReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # created, but with something left out, and why


def _definition(obj: Any) -> dict[str, Any]:
    out = {name: getattr(obj, name) for name in DEFINITION_FIELDS}
    out["target_date"] = obj.target_date.isoformat() if obj.target_date else None
    return out


def _driver_tree(aim: Aim) -> list[dict[str, Any]]:
    drivers = list(aim.drivers.all())
    ideas: dict[int, list[str]] = {}
    for idea in ChangeIdea.objects.filter(driver__aim=aim).order_by("position", "pk"):
        ideas.setdefault(idea.driver_id, []).append(idea.text)
    tree = []
    for primary in [d for d in drivers if d.parent_id is None]:
        tree.append(
            {
                "text": primary.text,
                "change_ideas": ideas.get(primary.pk, []),
                "secondary": [
                    {"text": s.text, "change_ideas": ideas.get(s.pk, [])}
                    for s in drivers
                    if s.parent_id == primary.pk
                ],
            }
        )
    return tree


def export_team(team: Any) -> dict[str, Any]:
    """A team's framework: its domains (and the shared ones its plan uses), aims, drivers and measures."""
    measures = list(
        Measure.objects.filter(team=team)
        .select_related("aim", "source")
        .prefetch_related("domains", "targets")
    )
    aims = list(Aim.objects.filter(team=team).select_related("domain").order_by("by_when", "what"))
    used = {d.pk for m in measures for d in m.domains.all()} | {a.domain_id for a in aims}
    domains = [d for d in Domain.objects.for_team(team) if d.team_id == team.pk or d.pk in used]
    return {
        "format": FORMAT,
        "version": VERSION,
        "scope": "team",
        "domains": [
            {
                "i_statement": d.i_statement,
                "description": d.description,
                "position": d.position,
                "shared": d.team_id is None,
            }
            for d in sorted(domains, key=lambda d: (d.position, d.i_statement))
        ],
        "aims": [
            {
                "domain": a.domain.i_statement,
                "what": a.what,
                "for_whom": a.for_whom,
                "how_much": a.how_much,
                "by_when": a.by_when.isoformat(),
                "drivers": _driver_tree(a),
            }
            for a in aims
        ],
        "measures": [
            {
                **_definition(m),
                "target_label": m.target_label,
                "targets": [
                    {"from": t.starts.isoformat(), "value": t.value, "line": t.label}
                    for t in sorted(m.targets.all(), key=lambda t: (t.label, t.starts))
                ],
                "domains": sorted(d.i_statement for d in m.domains.all()),
                "aim": m.aim.what if m.aim else None,
                "library_source": m.source.code if m.source else None,
            }
            for m in sorted(measures, key=lambda m: m.code)
        ],
    }


def export_programme() -> dict[str, Any]:
    """The programme's shared domains and the national measure library."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "scope": "programme",
        "domains": [
            {
                "i_statement": d.i_statement,
                "description": d.description,
                "position": d.position,
                "shared": True,
            }
            for d in Domain.objects.filter(team__isnull=True).order_by("position", "i_statement")
        ],
        "library": [
            {**_definition(m), "topic": m.topic, "source_reference": m.source_reference}
            for m in LibraryMeasure.objects.order_by("code")
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def summary(problems: list[Problem]) -> str:
    """What the page's error says: the one problem, or how many there are (the page lists them)."""
    if len(problems) == 1:
        return describe(problems[0])
    more = "or more " if len(problems) >= MAX_PROBLEMS else ""
    return f"The file has {len(problems):,} {more}problems, listed below. Nothing was added."


def _check(obj: Any, file: str, path: str, label: str, exclude: list[str] | None = None) -> None:
    """The model's own checks, after the file's: a last line of defence that names the field it refused."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise FrameworkError(
            [
                Problem(file, None, f"{path}.{key}", f"{label}: {' '.join(messages)}")
                for key, messages in error.message_dict.items()
            ]
        ) from error


def _missing(file: str, place: str, label: str, what: str) -> Problem:
    return Problem(
        file,
        None,
        place,
        f"{label}: {what} is neither in the file nor in this team's plan. Add it to the file, or correct "
        "the words.",
    )


@transaction.atomic
def import_team(team: Any, data: bytes, *, file: str = "") -> FrameworkReport:
    """Create what the team lacks; skip what it has (domains by their "I" statement, aims by their domain
    and what they improve, measures by code). All or nothing: a file with any problem saves nothing.

    The file may come from another team or organisation: everything is created in this team, linked to
    this team's domains and the programme's shared ones, never to another team's."""
    framework = read(file, data, scope="team")
    file = framework.file
    here: dict[str, Domain] = {}
    for domain in Domain.objects.for_team(team):
        if domain.i_statement not in here or (
            domain.team_id is not None and here[domain.i_statement].team_id is None
        ):
            here[domain.i_statement] = domain  # the team's own domain before a shared one with the same words
    team_aims = list(Aim.objects.filter(team=team))
    in_file_domains = {d.i_statement for d in framework.domains}
    known_aims = {a.what for a in framework.aims} | {a.what for a in team_aims}
    problems = []
    for aim in framework.aims:
        if aim.domain not in in_file_domains and aim.domain not in here:
            problems.append(
                _missing(
                    file,
                    f"{aim.path}.domain",
                    aim.label,
                    f"its domain “{shown(aim.domain)}”",
                )
            )
    for item in framework.measures:
        for place, statement in item.domains:
            if statement not in in_file_domains and statement not in here:
                problems.append(_missing(file, place, item.label, f"its domain “{shown(statement)}”"))
        if item.aim and item.aim not in known_aims:
            problems.append(
                _missing(
                    file,
                    f"{item.path}.aim",
                    item.label,
                    f"its aim “{shown(item.aim)}”",
                )
            )
    if problems:
        raise FrameworkError(problems[:MAX_PROBLEMS])

    report = FrameworkReport()
    domains: dict[str, Domain] = {}
    for item in framework.domains:
        label = f"Domain “{item.i_statement}”"
        if item.i_statement in domains:
            report.skipped.append(f"{label}: it is in the file more than once, so it was added once")
            continue
        if item.i_statement in here:
            domains[item.i_statement] = here[item.i_statement]
            report.skipped.append(f"{label}: already there")
            continue
        domain = Domain(
            team=team, i_statement=item.i_statement, description=item.description, position=item.position
        )
        _check(domain, file, item.path, label)
        domain.save()
        domains[item.i_statement] = domain
        report.created.append(label)
    existing_aims = {(a.domain_id, a.what): a for a in team_aims}
    aims: dict[str, Aim] = {}  # by what they improve: the file's aims first, then the team's others
    for item in framework.aims:
        domain = domains.get(item.domain) or here[item.domain]
        label = f"Aim “{item.what}”"
        found = existing_aims.get((domain.pk, item.what))
        if found is not None:
            aims.setdefault(item.what, found)
            report.skipped.append(f"{label}: already there")
            continue
        aim = Aim(
            team=team,
            domain=domain,
            what=item.what,
            for_whom=item.for_whom,
            how_much=item.how_much,
            by_when=item.by_when,
        )
        _check(aim, file, item.path, label, exclude=["team", "domain"])
        aim.save()
        existing_aims[(domain.pk, item.what)] = aim  # the same aim again later in the file is skipped
        aims.setdefault(item.what, aim)
        report.created.append(label)
        _save_drivers(aim, item.drivers)
    for aim in team_aims:
        aims.setdefault(aim.what, aim)
    library = {m.code: m for m in LibraryMeasure.objects.all()}
    codes = set(Measure.objects.filter(team=team).values_list("code", flat=True))
    position = len(codes)
    for item in framework.measures:
        code = item.fields["code"]
        label = f"Measure {code}"
        if code in codes:
            report.skipped.append(f"{label}: already there (the team has a measure with this code)")
            continue
        if not item.domains:
            # Every measure traces back to what matters. Measures another part of the service derived on
            # its own (waiting-list and survey measures) may have no domain yet: they are left out, and
            # the report says so, rather than refusing the whole file.
            report.skipped.append(
                f"{label}: it links to no quality domain, so it was not added. "
                "Add it by hand and choose its domain."
            )
            continue
        source = library.get(item.library_source) if item.library_source else None
        measure = Measure(
            team=team,
            aim=aims.get(item.aim) if item.aim else None,
            source=source,
            position=min(position, MAX_POSITION),
            **item.fields,
        )
        _check(measure, file, item.path, label, exclude=["team", "aim", "source"])
        measure.save()
        measure.domains.set([domains.get(s) or here[s] for _, s in item.domains])
        for j, (starts, value, line) in enumerate(item.targets):
            row = MeasureTarget(measure=measure, starts=starts, value=value, label=line)
            _check(
                row, file, f"{item.path}.targets[{j}]", f"{label}, target row {j + 1}", exclude=["measure"]
            )
            row.save()
        codes.add(code)
        position += 1
        report.created.append(label)
        if item.library_source and source is None:
            report.notes.append(
                f"{label}: it was adopted from the national measure “{item.library_source}”, which is not in "
                "this library, so it is not linked to it."
            )
    return report


def _save_drivers(aim: Aim, drivers: list[DriverItem]) -> None:
    """The aim's driver diagram, each row saved on its own so the audit log records it."""
    for p_pos, primary in enumerate(drivers):
        parent = Driver.objects.create(aim=aim, text=primary.text, position=p_pos)
        for i_pos, text in enumerate(primary.change_ideas):
            ChangeIdea.objects.create(driver=parent, text=text, position=i_pos)
        for s_pos, secondary in enumerate(primary.secondary):
            child = Driver.objects.create(aim=aim, parent=parent, text=secondary.text, position=s_pos)
            for i_pos, text in enumerate(secondary.change_ideas):
                ChangeIdea.objects.create(driver=child, text=text, position=i_pos)


@transaction.atomic
def import_programme(data: bytes, *, file: str = "") -> FrameworkReport:
    """Create missing shared domains and library measures; skip those already here (by "I" statement and
    by code). All or nothing."""
    framework = read(file, data, scope="programme")
    file = framework.file
    report = FrameworkReport()
    shared = set(Domain.objects.filter(team__isnull=True).values_list("i_statement", flat=True))
    for item in framework.domains:
        label = f"Domain “{item.i_statement}”"
        if item.i_statement in shared:
            report.skipped.append(f"{label}: already there")
            continue
        domain = Domain(i_statement=item.i_statement, description=item.description, position=item.position)
        _check(domain, file, item.path, label)
        domain.save()
        report.created.append(label)
    codes = set(LibraryMeasure.objects.values_list("code", flat=True))
    for item in framework.library:
        label = f"Library measure {item.fields['code']}"
        if item.fields["code"] in codes:
            report.skipped.append(f"{label}: already there")
            continue
        measure = LibraryMeasure(**item.fields)
        _check(measure, file, item.path, label)
        measure.save()
        report.created.append(label)
    return report
