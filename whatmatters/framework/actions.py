"""Writes that touch several models, each in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from whatmatters.framework.models import (
    DEFINITION_FIELDS,
    Aim,
    ChangeIdea,
    Domain,
    Driver,
    LibraryMeasure,
    Measure,
    Value,
)

FORMAT = "whatmatters-framework"
VERSION = 1


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


@transaction.atomic
def save_period_values(
    measures: list[Measure], period: dt.date, entries: dict[int, dict[str, Any]]
) -> EntryResult:
    """Save the values typed for one period; a replaced value is audited by the Value model."""
    result = EntryResult()
    existing = {v.measure_id: v for v in Value.objects.filter(measure__in=measures, period=period)}
    for measure in measures:
        entry = entries.get(measure.pk)
        if entry is None:
            continue
        numbers = {k: entry[k] for k in ("value", "numerator", "denominator")}
        current = existing.get(measure.pk)
        if current is None:
            Value.objects.create(measure=measure, period=period, note=entry["note"], **numbers)
            result.created += 1
        elif all(getattr(current, k) == v for k, v in numbers.items()) and current.note == entry["note"]:
            result.unchanged += 1
        else:
            for key, number in numbers.items():
                setattr(current, key, number)
            current.note = entry["note"]
            current.updated_at = timezone.now()
            current.save()
            result.replaced += 1
    return result


# --- Framework export and import ------------------------------------------------------------------


class FrameworkError(ValueError):
    """A framework file that cannot be imported; the message says why in plain English."""


@dataclass
class FrameworkReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


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
        Measure.objects.filter(team=team).select_related("aim", "source").prefetch_related("domains")
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


def parse_document(data: bytes) -> dict[str, Any]:
    if not data:
        raise FrameworkError("The file is empty.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FrameworkError("This is not a framework file: it is not valid JSON.") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FrameworkError("This is not a What Matters framework file.")
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise FrameworkError("The file does not say which version of the format it uses.")
    if version > VERSION:
        raise FrameworkError(
            f"The file uses version {version} of the format; this service reads version {VERSION}. "
            "Update What Matters first."
        )
    return document


def _items(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = document.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FrameworkError(f"'{key}' must be a list of objects.")
    return items


def _text(item: Any, where: str) -> str:
    text = item.get("text") if isinstance(item, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > 300:
        raise FrameworkError(f"{where} needs a text of 1 to 300 characters.")
    return text


def _check(obj: Any, where: str, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise FrameworkError(f"{where}: {details}") from error


def _definition_fields(item: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = [k for k in DEFINITION_FIELDS if k not in item]
    if unknown:
        raise FrameworkError(f"{where}: missing {', '.join(unknown)}.")
    fields = {k: item[k] for k in DEFINITION_FIELDS}
    if fields["target_date"]:
        try:
            fields["target_date"] = dt.date.fromisoformat(fields["target_date"])
        except (TypeError, ValueError) as error:
            raise FrameworkError(f"{where}: target_date is not a YYYY-MM-DD date.") from error
    return fields


@transaction.atomic
def import_team(team: Any, data: bytes) -> FrameworkReport:
    """Create what the team lacks; skip what it has (matched by natural key). All or nothing."""
    document = parse_document(data)
    if document.get("scope") != "team":
        raise FrameworkError("This file holds a programme framework. Import it from the programme's page.")
    report = FrameworkReport()
    domains: dict[str, Domain] = {}
    for item in _items(document, "domains"):
        statement = str(item.get("i_statement", "")).strip()
        existing = Domain.objects.for_team(team).filter(i_statement=statement).first()
        if existing is not None:
            domains[statement] = existing
            report.skipped.append(f"Domain “{statement}”: already there")
            continue
        domain = Domain(
            team=team,
            i_statement=statement,
            description=item.get("description", ""),
            position=item.get("position", 0),
        )
        _check(domain, f"Domain “{statement}”")
        domain.save()
        domains[statement] = domain
        report.created.append(f"Domain “{statement}”")
    aims: dict[str, Aim] = {}
    for item in _items(document, "aims"):
        what = str(item.get("what", "")).strip()
        domain = (
            domains.get(item.get("domain", ""))
            or Domain.objects.for_team(team).filter(i_statement=item.get("domain", "")).first()
        )
        if domain is None:
            raise FrameworkError(f"Aim “{what}”: its domain “{item.get('domain')}” is not in the file.")
        existing = Aim.objects.filter(team=team, domain=domain, what=what).first()
        if existing is not None:
            aims[what] = existing
            report.skipped.append(f"Aim “{what}”: already there")
            continue
        aim = Aim(
            team=team,
            domain=domain,
            what=what,
            for_whom=item.get("for_whom", ""),
            how_much=item.get("how_much", ""),
            by_when=item.get("by_when"),
        )
        _check(aim, f"Aim “{what}”", exclude=["team", "domain"])
        aim.save()
        aims[what] = aim
        report.created.append(f"Aim “{what}”")
        for p_pos, primary in enumerate(item.get("drivers", [])):
            p = Driver.objects.create(aim=aim, text=_text(primary, f"Aim “{what}”, a driver"), position=p_pos)
            for i_pos, idea in enumerate(primary.get("change_ideas", [])):
                ChangeIdea.objects.create(
                    driver=p, text=_text({"text": idea}, f"Aim “{what}”, a change idea"), position=i_pos
                )
            for s_pos, secondary in enumerate(primary.get("secondary", [])):
                s = Driver.objects.create(
                    aim=aim, parent=p, text=_text(secondary, f"Aim “{what}”, a driver"), position=s_pos
                )
                for i_pos, idea in enumerate(secondary.get("change_ideas", [])):
                    ChangeIdea.objects.create(
                        driver=s, text=_text({"text": idea}, f"Aim “{what}”, a change idea"), position=i_pos
                    )
    library = {m.code: m for m in LibraryMeasure.objects.all()}
    position = Measure.objects.filter(team=team).count()
    for item in _items(document, "measures"):
        code = str(item.get("code", ""))
        where = f"Measure {code or '(no code)'}"
        if Measure.objects.filter(team=team, code=code).exists():
            report.skipped.append(f"{where}: already there (the team has a measure with this code)")
            continue
        linked = []
        for statement in item.get("domains", []):
            domain = (
                domains.get(statement) or Domain.objects.for_team(team).filter(i_statement=statement).first()
            )
            if domain is None:
                raise FrameworkError(f"{where}: its domain “{statement}” is not in the file.")
            linked.append(domain)
        if not linked:
            # Every measure traces back to what matters. Measures another part of the service derived on
            # its own (waiting-list and survey measures) may have no domain yet: they are left out, and
            # the report says so, rather than refusing the whole file.
            report.skipped.append(
                f"{where}: it links to no quality domain, so it was not added. "
                "Add it by hand and choose its domain."
            )
            continue
        measure = Measure(
            team=team,
            aim=aims.get(item.get("aim") or ""),
            source=library.get(item.get("library_source") or ""),
            position=position,
            **_definition_fields(item, where),
        )
        _check(measure, where, exclude=["team", "aim", "source"])
        measure.save()
        measure.domains.set(linked)
        position += 1
        report.created.append(where)
    return report


@transaction.atomic
def import_programme(data: bytes) -> FrameworkReport:
    """Create missing shared domains and library measures; skip those already here."""
    document = parse_document(data)
    if document.get("scope") != "programme":
        raise FrameworkError("This file holds a team's framework. Import it from the team's plan.")
    report = FrameworkReport()
    for item in _items(document, "domains"):
        statement = str(item.get("i_statement", "")).strip()
        if Domain.objects.filter(team__isnull=True, i_statement=statement).exists():
            report.skipped.append(f"Domain “{statement}”: already there")
            continue
        domain = Domain(
            i_statement=statement, description=item.get("description", ""), position=item.get("position", 0)
        )
        _check(domain, f"Domain “{statement}”")
        domain.save()
        report.created.append(f"Domain “{statement}”")
    for item in _items(document, "library"):
        code = str(item.get("code", ""))
        where = f"Library measure {code or '(no code)'}"
        if LibraryMeasure.objects.filter(code=code).exists():
            report.skipped.append(f"{where}: already there")
            continue
        measure = LibraryMeasure(
            topic=item.get("topic", ""),
            source_reference=item.get("source_reference", ""),
            **_definition_fields(item, where),
        )
        _check(measure, where)
        measure.save()
        report.created.append(where)
    return report
