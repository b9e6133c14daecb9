"""Import a waiting-list extract: check it with the flow core, save its rows, refresh derived measures.

The same function serves the upload page (through the background task) and `whatmatters flow import`.
Nothing is saved when the core says the extract cannot be saved (a refused file, a file with a valid NHS
number, more bad rows than the threshold), when a team code is not matched to one of our teams, or on a
trial run. Everything else is saved in one transaction, with batched upserts on natural keys, so
importing the same extract again changes nothing.
"""

# SQL here is built from fixed table and column names only; values are bound parameters.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from whatmatters.audit.log import record
from whatmatters.audit.models import AuditEvent
from whatmatters.flow import contract, mhsds
from whatmatters.flow.clocks import compute_waits, get_rule
from whatmatters.flow.measures import PERIODS, waiting_list_measures, ward_measures
from whatmatters.flow.validate import ImportResult, validate_extract
from whatmatters.framework.models import Value
from whatmatters.imports import safe
from whatmatters.teams.models import Team
from whatmatters.waitinglists import results
from whatmatters.waitinglists.derived import (
    WAIT_MEASURES,
    WARD_MEASURES,
    _numbers,
    measure_code,
    save_derived,
)
from whatmatters.waitinglists.models import (
    ClockPause,
    ClockRuleChoice,
    Contact,
    Event,
    ExtractImport,
    ExtractTeam,
    ImportFile,
    Referral,
    WardStay,
)

log = logging.getLogger(__name__)

FILE_NAMES = tuple(spec.name for spec in contract.FILES)
# The MHSDS route: one file per table (stored under its table name), with extract.json and the SNOMED CT
# reference sets when given. Stored name -> the name it is written under for the check.
MHSDS_FILE_NAMES = {
    **{name: f"{name}.csv" for name in mhsds.TABLES},
    "extract": "extract.json",
    "snomed_refsets": mhsds.REFSETS_FILE,
}
REQUIRED_FILES = ("referrals", "contacts")
BATCH = 2000
REJECT_HEADER = ("file", "row", "column", "rule_code", "severity", "message", "value")

Progress = Callable[[int, str], None]

MAX_BEDS = 2_000  # a ward's beds, as the team map gives them (ExtractTeam.beds is a small integer)
MAX_CODES_SHOWN = 10  # team codes named in the message when codes are not matched to a team
FAILED = (
    "Something went wrong on our side while importing this extract, so nothing was saved. Try again "
    "later. If it happens again, tell your administrator the number of this import: {pk}."
)


class TeamMapError(ValueError):
    """A --team-map or form entry that cannot be read; the message says why."""


def parse_team_map(text: str) -> dict[str, dict[str, Any]]:
    """`CODE=team-slug` or `CODE=team-slug:BEDS`, separated by commas, spaces or new lines."""
    out: dict[str, dict[str, Any]] = {}
    for item in text.replace(",", " ").split():
        code, sep, target = item.partition("=")
        if not sep or not code or not target:
            raise TeamMapError(
                f"'{item[:40]}' is not CODE=team, like CERT=cert or OAWARD=older-adults-ward:20."
            )
        slug, _, beds = target.partition(":")
        if len(code) > contract.MAX_ID_LENGTH:
            raise TeamMapError(
                f"'{item[:40]}…': a team code is at most {contract.MAX_ID_LENGTH} characters, as in the "
                "extract."
            )
        if beds and not (beds.isascii() and beds.isdigit() and 1 <= int(beds) <= MAX_BEDS):
            raise TeamMapError(
                f"'{item[:40]}': the number of beds after ':' must be a whole number from 1 to {MAX_BEDS:,}."
            )
        out[code] = {"team": slug, "beds": int(beds) if beds else None}
    return out


def rejects_csv(result: ImportResult) -> str:
    """One row per failed rule; a spreadsheet never runs a cell as a formula (`imports.safe`)."""
    buffer = io.StringIO()
    writer = safe.writer(buffer)
    writer.writerow(REJECT_HEADER)
    for r in result.rejects():
        writer.writerow([r.file, r.row, r.column, r.rule_code, r.severity, r.message, r.value])
    return buffer.getvalue()


def digest_files(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def create_import(
    files: dict[str, bytes],
    *,
    source: str,
    extract_date: date,
    team_map: dict[str, dict[str, Any]] | None = None,
    dry_run: bool = False,
    threshold: float = 0.01,
    user: Any = None,
    as_history: bool = False,
) -> ExtractImport:
    """Record an import and keep its files until the task has run."""
    unknown = [n for n in files if n not in FILE_NAMES and n not in MHSDS_FILE_NAMES]
    if any(n in mhsds.TABLES for n in files) and any(n in FILE_NAMES for n in files):
        raise ValueError("Give either the MHSDS tables or the contract files (referrals.csv, ...), not both.")
    if unknown:
        raise ValueError(
            f"Unknown file {', '.join(unknown)}: use {', '.join(f'{n}.csv' for n in FILE_NAMES)}."
        )
    with transaction.atomic():
        job = ExtractImport.objects.create(
            uploaded_by=user,
            source=source[:200],
            digest=digest_files(files),
            extract_date=extract_date,
            team_map=team_map or {},
            dry_run=dry_run,
            threshold=threshold,
            as_history=as_history,
        )
        ImportFile.objects.bulk_create(
            [ImportFile(extract_import=job, name=name, content=data) for name, data in files.items()]
        )
    return job


@dataclass
class _Mapping:
    codes: dict[str, ExtractTeam] = field(default_factory=dict)
    changed: list[ExtractTeam] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _default_rule(team: Team) -> str:
    return {
        Team.ServiceType.EARLY_INTERVENTION: ClockRuleChoice.EIP,
        Team.ServiceType.COMMUNITY: ClockRuleChoice.CMH4,
        Team.ServiceType.INPATIENT: ClockRuleChoice.WARD,
    }.get(team.service_type, ClockRuleChoice.FIRST_CONTACT)


def _resolve_teams(result: ImportResult, job: ExtractImport) -> _Mapping:
    """Match every team code in the extract to one of our teams; unknown codes are problems."""
    con = result.con
    rows = con.execute(
        """SELECT code, sum(n) FROM (
               SELECT team_id AS code, count(*) AS n FROM referrals GROUP BY 1
               UNION ALL SELECT ward_id, count(*) FROM ward_stays GROUP BY 1) GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    saved = {m.code: m for m in ExtractTeam.objects.select_related("team")}
    teams = {t.slug: t for t in Team.objects.filter(is_active=True)}
    mapping = _Mapping()
    unknown: list[str] = []
    for code, n in rows:
        given = job.team_map.get(code)
        if given is not None:
            team = teams.get(given["team"])
            if team is None:
                mapping.problems.append(
                    f"The team map matches {code} to '{given['team'][:40]}', but there is no active team "
                    "with that short name."
                )
                continue
            current = saved.get(code)
            beds = given.get("beds")
            if current is not None and current.team_id == team.pk:
                if beds is not None and beds != current.beds:
                    current.beds = beds
                    mapping.changed.append(current)
                mapping.codes[code] = current
            else:
                entry = current or ExtractTeam(code=code)
                entry.team, entry.clock_rule = team, _default_rule(team)
                entry.beds = beds if beds is not None else entry.beds
                mapping.codes[code] = entry
                mapping.changed.append(entry)
        elif code in saved:
            mapping.codes[code] = saved[code]
        else:
            unknown.append(f"{code} ({int(n):,} rows)")
    if unknown:
        more = len(unknown) - MAX_CODES_SHOWN
        shown = unknown[:MAX_CODES_SHOWN] + ([f"and {more:,} more"] if more > 0 else [])
        mapping.problems.append(
            "The extract has rows for team codes that are not matched to a team: "
            + ", ".join(shown)
            + ". Nothing has been saved. Match each code to a team's short name, for example CERT=cert, "
            "and import again."
        )
    return mapping


def _team_table(result: ImportResult, mapping: _Mapping) -> None:
    con = result.con
    con.execute("CREATE OR REPLACE TABLE code_team (code VARCHAR, team_pk BIGINT)")
    con.executemany("INSERT INTO code_team VALUES (?, ?)", [(c, m.team_id) for c, m in mapping.codes.items()])


def _stream(result: ImportResult, sql: str) -> Any:
    cursor = result.con.cursor()
    cursor.execute(sql)
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(BATCH):
        yield [dict(zip(names, values, strict=True)) for values in batch]


def _blank(value: object, length: int = 64) -> str:
    return "" if value is None else str(value)[:length]


def _whole(value: object) -> int | None:
    """A whole number the check has passed (age_at_referral), or None when blank."""
    text = "" if value is None else str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


SAVED_MODELS = {
    "referrals": Referral,
    "contacts": Contact,
    "ward_stays": WardStay,
    "clock_pauses": ClockPause,
    "events": Event,
}

# An event belongs to its referral's team: its own referral's, else its contact's; one known only by person
# (a care coordinator, say) has no team, and a team's pages read it through that person's referrals.
EVENTS_SQL = """
    WITH mapped AS (SELECT r.referral_id, m.team_pk FROM referrals r JOIN code_team m ON m.code = r.team_id)
    SELECT e.*, coalesce(own.team_pk, via.team_pk) AS team_pk
    FROM events e
    LEFT JOIN mapped own ON own.referral_id = e.referral_id
    LEFT JOIN contacts c ON c.contact_id = e.contact_id
    LEFT JOIN mapped via ON via.referral_id = c.referral_id"""


def _moved_from(batch: list[dict[str, Any]]) -> list[int]:
    """For each of a batch's referrals saved before under another team than the extract now gives, that
    team."""
    new_team = {d["referral_id"]: d["team_pk"] for d in batch}
    before = Referral.objects.filter(referral_id__in=list(new_team)).values_list("referral_id", "team_id")
    return [team for rid, team in before if team != new_team[rid]]


def _save_rows(result: ImportResult, job: ExtractImport, progress: Progress) -> dict[str, Any]:
    """Upsert each table in batches on its natural key. Returns rows added per table, and the teams whose
    referrals moved to another team in this extract (`moved_from`)."""
    before = {name: model.objects.count() for name, model in SAVED_MODELS.items()}
    moved_from: list[int] = []
    plans = [
        (
            Referral,
            """SELECT r.*, m.team_pk FROM referrals r JOIN code_team m ON m.code = r.team_id""",
            lambda d: Referral(
                team_id=d["team_pk"],
                referral_id=d["referral_id"],
                person_id=d["person_id"],
                team_code=d["team_id"],
                team_type=_blank(d["team_type"]),
                referral_date=d["referral_date"],
                priority=_blank(d["priority"]),
                primary_reason=_blank(d["primary_reason"])[:64],
                rejected_date=d["rejected_date"],
                closed_date=d["closed_date"],
                discharge_date=d["discharge_date"],
                care_coord_date=d["care_coord_date"],
                treatment_start_date=d["treatment_start_date"],
                age_at_referral=_whole(d["age_at_referral"]),
                seen_in_id=job.pk,
            ),
            ["referral_id"],
        ),
        (
            Contact,
            """SELECT c.*, m.team_pk FROM contacts c JOIN referrals r USING (referral_id)
               JOIN code_team m ON m.code = r.team_id""",
            lambda d: Contact(
                team_id=d["team_pk"],
                contact_id=d["contact_id"],
                referral_id=d["referral_id"],
                contact_date=d["contact_date"],
                attend_status=d["attend_status"],
                consultation_mechanism=_blank(d["consultation_mechanism"]),
                contact_kind=_blank(d["contact_kind"]),
                cancelled_date=d["cancelled_date"],
            ),
            ["contact_id"],
        ),
        (
            WardStay,
            """SELECT w.*, m.team_pk FROM ward_stays w JOIN code_team m ON m.code = w.ward_id""",
            lambda d: WardStay(
                team_id=d["team_pk"],
                spell_id=d["spell_id"],
                ward_id=d["ward_id"],
                ward_start=d["ward_start_date"] or d["admission_date"],
                person_id=d["person_id"],
                admission_date=d["admission_date"],
                discharge_date=d["discharge_date"],
                ward_start_date=d["ward_start_date"],
                ward_end_date=d["ward_end_date"],
                referral_id=_blank(d["referral_id"]),
                bed_type=_blank(d["bed_type"]),
                admission_method=_blank(d["admission_method"]),
                discharge_destination=_blank(d["discharge_destination"]),
                seen_in_id=job.pk,
            ),
            ["spell_id", "ward_id", "ward_start"],
        ),
        (
            ClockPause,
            """SELECT p.*, m.team_pk FROM clock_pauses p JOIN referrals r USING (referral_id)
               JOIN code_team m ON m.code = r.team_id""",
            lambda d: ClockPause(
                team_id=d["team_pk"],
                referral_id=d["referral_id"],
                pause_start=d["pause_start"],
                pause_end=d["pause_end"],
            ),
            ["referral_id", "pause_start"],
        ),
        (
            Event,
            EVENTS_SQL,
            lambda d: Event(
                team_id=d["team_pk"],
                event_id=d["event_id"],
                person_id=d["person_id"],
                referral_id=_blank(d["referral_id"]),
                contact_id=_blank(d["contact_id"]),
                event_kind=d["event_kind"],
                event_date=d["event_date"],
                end_date=d["end_date"],
                code=_blank(d["code"], 200),
                team_type=_blank(d["team_type"], 10),
                source=_blank(d["source"], 20),
            ),
            ["event_id"],
        ),
    ]
    total = sum(result.files[f"{n}.csv"].rows_kept for n in before if f"{n}.csv" in result.files) or 1
    done = 0
    for model, sql, build, keys in plans:
        fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", *keys)]
        for batch in _stream(result, sql):
            if model is Referral:
                moved_from += _moved_from(batch)
            model.objects.bulk_create(
                [build(d) for d in batch],
                update_conflicts=True,
                unique_fields=keys,
                update_fields=fields,
                batch_size=BATCH,
            )
            done += len(batch)
            progress(30 + int(40 * done / total), f"Saving rows: {done:,} of {total:,}")
    added: dict[str, Any] = {
        name: model.objects.count() - before[name] for name, model in SAVED_MODELS.items()
    }
    added["moved_from"] = moved_from
    return added


def _remove_missing(job: ExtractImport, result: ImportResult, mapping: _Mapping) -> dict[str, int]:
    """Remove the rows of this extract's teams that were saved before but are not in this extract, where
    this extract would have had them. Left saved, an open one would count as waiting (or in a bed) for ever.

    - A referral: still open in what was saved (no rejected, closed or discharge date), or referred on or
      after this extract's first referral. A referral that closed and was referred before this extract
      begins is kept as history. Its contacts, clock pauses and events go with it.
    - A ward stay: no discharge date in what was saved, or admitted on or after this extract's first
      admission.

    Returns the numbers removed."""
    wards = {m.team_id for m in mapping.codes.values() if m.clock_rule == ClockRuleChoice.WARD}
    teams = {m.team_id for m in mapping.codes.values()} - wards
    return {
        "referrals_removed": _remove_referrals(job, result, teams),
        "ward_stays_removed": _remove_ward_stays(job, result, wards),
    }


def _first(result: ImportResult, sql: str) -> date | None:
    [(first,)] = result.con.execute(sql).fetchall()
    return first


def _remove_ward_stays(job: ExtractImport, result: ImportResult, team_ids: set[int]) -> int:
    first = _first(result, "SELECT min(admission_date) FROM ward_stays")
    if not team_ids or first is None:
        return 0
    missing = (
        WardStay.objects.filter(team_id__in=team_ids)
        .exclude(seen_in_id=job.pk)
        .filter(Q(discharge_date__isnull=True) | Q(admission_date__gte=first))
    )
    removed, _ = missing.delete()
    return removed


def _remove_referrals(job: ExtractImport, result: ImportResult, team_ids: set[int]) -> int:
    first = _first(result, "SELECT min(referral_date) FROM referrals")
    if not team_ids or first is None:
        return 0
    missing = (
        Referral.objects.filter(team_id__in=team_ids)
        .exclude(seen_in_id=job.pk)
        .filter(
            Q(rejected_date__isnull=True, closed_date__isnull=True, discharge_date__isnull=True)
            | Q(referral_date__gte=first)
        )
    )
    ids = list(missing.values_list("referral_id", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        Contact.objects.filter(referral_id__in=chunk).delete()
        ClockPause.objects.filter(referral_id__in=chunk).delete()
        Event.objects.filter(referral_id__in=chunk).delete()
        Referral.objects.filter(referral_id__in=chunk).delete()
    return len(ids)


def _new_periods(team: Team, values: list[Any]) -> list[Any]:
    """For an extract kept as history: only values for periods that have none yet, so a later extract's
    value is never replaced, and never a removal (a period with nothing to show is left as it is)."""
    codes = {measure_code(v.measure, v.period) for v in values}
    stored = Value.objects.filter(measure__team=team, measure__code__in=codes)
    have = set(stored.values_list("measure__code", "period"))
    return [
        v
        for v in values
        if (measure_code(v.measure, v.period), v.period_start) not in have and _numbers(v) is not None
    ]


def _refresh_measures(
    result: ImportResult,
    mapping: _Mapping,
    census: date,
    progress: Progress,
    *,
    import_ref: str = "",
    history: bool = False,
) -> dict[str, int]:
    """Derived measures for each mapped team: waits by its clock rule, or ward measures. `import_ref`
    ("extract 3") is kept with each value written. With `history`, only periods without a value get one."""
    con = result.con
    totals = {"measures_created": 0, "values_created": 0, "values_replaced": 0, "values_removed": 0}
    by_rule: dict[str, list[ExtractTeam]] = {}
    for m in mapping.codes.values():
        by_rule.setdefault(m.clock_rule, []).append(m)

    def add(counts: Any) -> None:
        for key in totals:
            totals[key] += getattr(counts, key)

    for rule_name, members in sorted(by_rule.items()):
        if rule_name == ClockRuleChoice.WARD:
            beds = {m.code: m.beds for m in members if m.beds}
            for period in PERIODS:
                values = ward_measures(con, census, period, beds=beds)
                for m in members:
                    mine = [v for v in values if v.team_id == m.code]
                    mine = _new_periods(m.team, mine) if history else mine
                    add(
                        save_derived(
                            m.team, mine, standard_days=None, codes=WARD_MEASURES, import_ref=import_ref
                        )
                    )
            continue
        rule = get_rule(rule_name)

        compute_waits(con, rule_name, census)
        for period in PERIODS:
            values = waiting_list_measures(con, census, period, rule.standard_days)
            for m in members:
                mine = [v for v in values if v.team_id == m.code]
                mine = _new_periods(m.team, mine) if history else mine
                add(
                    save_derived(
                        m.team,
                        mine,
                        standard_days=rule.standard_days,
                        codes=WAIT_MEASURES,
                        import_ref=import_ref,
                    )
                )
        progress(85, "Working out measures")
    return totals


def run_import(
    job: ExtractImport,
    progress: Progress | None = None,
    *,
    retry: Callable[[BaseException], bool] | None = None,
) -> ExtractImport:
    """Check and (unless a trial run, or there are problems) save an import. Updates `job` as it goes.

    An import never stays running: whatever goes wrong that nobody expected ends it as failed, with a
    plain message on its page, nothing saved (the rows and the import's result are one transaction), and a
    traceback in the log that names no value from the files. `retry(error)` may queue it again instead
    (its files are then kept): True if it did.
    """

    def report(percent: int, stage: str) -> None:
        ExtractImport.objects.filter(pk=job.pk).update(percent=percent, stage=stage[:200])
        if progress is not None:
            progress(percent, stage)

    try:
        return _run(job, report)
    except BaseException as error:  # whatever went wrong, the import must end, not stay running
        log.error(
            "waiting-list import %s failed: %s\n%s",
            job.pk,
            type(error).__qualname__,
            "".join(traceback.format_tb(error.__traceback__)).rstrip(),  # frames only: no message, no values
        )
        if retry is not None and retry(error):
            return job
        mark_failed(job)
        if progress is not None:
            progress(100, job.stage)
        if not isinstance(error, Exception):
            raise  # stopping the process (Ctrl-C, a worker shutting down) still stops it
        return job


STOPPED = (
    "The import stopped part way (the server restarted). Nothing from it was saved. Import the extract again."
)


def mark_failed(job: ExtractImport, message: str = FAILED) -> None:
    """End an import as failed: nothing saved, a plain message, its uploaded files removed."""
    ImportFile.objects.filter(extract_import=job).delete()
    job.status = ExtractImport.Status.FAILED
    job.stage = job.get_status_display()
    job.percent = 100
    job.problems = [message.format(pk=job.pk)]
    job.finished_at = timezone.now()
    ExtractImport.objects.filter(pk=job.pk).update(
        status=job.status, stage=job.stage, percent=100, problems=job.problems, finished_at=job.finished_at
    )


def _run(job: ExtractImport, report: Progress) -> ExtractImport:
    ExtractImport.objects.filter(pk=job.pk).update(status=ExtractImport.Status.RUNNING)
    report(5, "Checking the files")
    with tempfile.TemporaryDirectory(prefix="wm-extract-") as folder:
        result = _check_files(job, Path(folder))
    try:
        return _finish(job, result, report)
    finally:
        result.con.close()


def _check_files(job: ExtractImport, folder: Path) -> ImportResult:
    """Write the import's files into `folder` and validate them: the contract files, or MHSDS tables
    (flow.mhsds maps those to the contract first and names the MHSDS rows in its rejects)."""
    names = []
    for f in ImportFile.objects.filter(extract_import=job):
        (folder / MHSDS_FILE_NAMES.get(f.name, f"{f.name}.csv")).write_bytes(bytes(f.content))
        names.append(f.name)
    if any(name in mhsds.TABLES for name in names):
        return mhsds.validate_mhsds(folder, extract_date=job.extract_date, threshold=job.threshold)
    return validate_extract(
        folder, extract_date=job.extract_date, threshold=job.threshold, required_files=REQUIRED_FILES
    )


def _end(job: ExtractImport) -> None:
    ImportFile.objects.filter(extract_import=job).delete()
    job.percent = 100
    job.stage = job.get_status_display()
    job.finished_at = timezone.now()
    job.save()


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def older_than_loaded(job: ExtractImport, mapping: _Mapping) -> str:
    """The question to ask when the extract ends before the current extract of any of its teams (it would
    replace newer rows with older ones and count old waits as if they were still going on); "" if not."""
    teams = {m.team_id for m in mapping.codes.values()}
    found = (
        ExtractImport.objects.filter(teams__in=teams, status=ExtractImport.Status.SAVED, as_history=False)
        .order_by("-extract_date")
        .values_list("extract_date", "last_date")
        .first()
    )
    if found is None:
        return ""
    loaded, loaded_data_end = found
    ends = job.ends_on
    # Its own dates count only when they also stop before the loaded extract's: a quiet month in a small
    # team is not an old extract.
    if ends != job.extract_date and loaded_data_end is not None and ends >= loaded_data_end:
        ends = job.extract_date
    if ends >= loaded:
        return ""
    return (
        f"This extract ends on {_day(ends)}; the one already loaded ends on {_day(loaded)}. "
        "Import it as history, or cancel."
    )


def _save(job: ExtractImport, result: ImportResult, mapping: _Mapping, report: Progress) -> None:
    """Save the rows, the measures and the pages' results, and end the import, in one transaction."""
    _team_table(result, mapping)
    with transaction.atomic():
        for m in mapping.changed:
            m.save()  # audited
        added = _save_rows(result, job, report)
        moved = added.pop("moved_from")
        moved_from = set(moved)
        added.update(_remove_missing(job, result, mapping))
        report(75, "Working out measures")
        ref = f"extract {job.pk}"
        measures = _refresh_measures(result, mapping, job.extract_date, report, import_ref=ref)
        kept = job.counts.get("referrals.csv", {}).get("kept", 0)
        job.counts["saved"] = {
            **added,
            **measures,
            "referrals_updated": max(0, kept - added["referrals"]),
            "referrals_moved": len(moved),
        }
        if any(added.values()):
            record(
                AuditEvent.Action.CREATE,
                obj=job,
                summary=(
                    f"Waiting-list extract imported: {added['referrals']:,} new referrals, "
                    f"{added['contacts']:,} new contacts, {added['ward_stays']:,} new ward stays, "
                    f"{added['events']:,} new events; {added['referrals_removed']:,} referrals and "
                    f"{added['ward_stays_removed']:,} ward stays not in this extract removed"
                ),
            )
        job.status = ExtractImport.Status.SAVED
        job.teams.set({m.team_id for m in mapping.codes.values()})
        report(90, "Working out the flow and Plan ahead pages")
        _end(job)  # in the transaction: saved rows, their results and a finished import, or none
        teams = {m.team_id: m.team for m in mapping.codes.values()}
        # A team whose referrals moved to another team keeps stored pages that counted them: work them out
        # again from what it has now.
        teams |= {t.pk: t for t in Team.objects.filter(pk__in=moved_from - set(teams))}
        for team in teams.values():
            results.store(team, job)


def _save_history(job: ExtractImport, result: ImportResult, mapping: _Mapping, report: Progress) -> None:
    """An extract kept as history: no rows are saved (a later extract's never go back), its measures are
    worked out from its own rows at its own census date, and only periods with no value get one. The
    flow and Plan ahead pages still show the current extract."""
    with transaction.atomic():
        for m in mapping.changed:
            m.save()  # audited
        report(75, "Working out measures at the extract's own date")
        measures = _refresh_measures(
            result, mapping, job.ends_on, report, import_ref=f"extract {job.pk}", history=True
        )
        job.counts["saved"] = {"referrals": 0, "contacts": 0, "ward_stays": 0, "clock_pauses": 0, **measures}
        job.counts["saved"]["history"] = True
        record(
            AuditEvent.Action.CREATE,
            obj=job,
            summary=(
                f"Waiting-list extract imported as history: {measures['values_created']:,} measure values "
                "added for periods that had none"
            ),
        )
        job.status = ExtractImport.Status.SAVED
        job.teams.set({m.team_id for m in mapping.codes.values()})
        _end(job)


def cancel(job: ExtractImport) -> None:
    """A person (or the command without --as-history) chose not to import an older extract."""
    ImportFile.objects.filter(extract_import=job).delete()
    job.status = ExtractImport.Status.CANCELLED
    job.percent = 100
    job.finished_at = timezone.now()
    ExtractImport.objects.filter(pk=job.pk).update(
        status=job.status, percent=100, finished_at=job.finished_at
    )


def _finish(job: ExtractImport, result: ImportResult, report: Progress) -> ExtractImport:
    report(25, "Checked the files")
    job.counts = {
        name: {
            "read": f.rows_read,
            "rejected": f.rows_rejected,
            "warnings": f.rows_with_warnings,
            "kept": f.rows_kept,
            "refused": f.refused,
        }
        for name, f in result.files.items()
    }
    job.rejects_by_rule = [
        {"file": f, "rule": r, "rows": n} for (f, r), n in sorted(result.counts_by_rule().items())
    ]
    job.first_date, job.last_date = result.date_range
    job.rejects_csv = rejects_csv(result)
    job.problems = list(result.problems)
    mapping = _Mapping()
    if not job.problems:
        mapping = _resolve_teams(result, job)
        job.problems = mapping.problems
    if not job.problems and not job.dry_run:
        question = older_than_loaded(job, mapping)
        if question and not job.as_history:  # nothing saved; the files are kept until a person chooses
            job.status, job.stage = ExtractImport.Status.CONFIRM, question
            job.save()
            report(100, question)
            return job
        if job.as_history and not question:
            job.problems = [
                f"This extract ends on {_day(job.extract_date)}, which is not older than the extract already "
                "loaded for its teams, so it cannot be imported as history. Import it without --as-history."
            ]
    if job.problems:
        job.status = ExtractImport.Status.REJECTED
    elif job.dry_run:
        job.status = ExtractImport.Status.CHECKED
    elif job.as_history:
        _save_history(job, result, mapping, report)
    else:
        _save(job, result, mapping, report)
    if job.status != ExtractImport.Status.SAVED:
        _end(job)
    report(100, job.get_status_display())
    log.info("waiting-list import %s finished: %s", job.pk, job.status)
    return job
