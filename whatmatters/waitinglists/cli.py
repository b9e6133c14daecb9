"""`whatmatters flow import DIR|FILES`: record the import, then run the import task with progress."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import IO

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.flow import mhsds
from whatmatters.waitinglists.importing import (
    FILE_NAMES,
    TeamMapError,
    cancel,
    create_import,
    parse_team_map,
    run_import,
)
from whatmatters.waitinglists.models import ExtractImport
from whatmatters.waitinglists.tasks import run_extract_import


def _collect(paths: list[Path]) -> tuple[dict[str, Path], Path | None]:
    """Files by table name, and the folder's extract.json if there is one."""
    files: dict[str, Path] = {}
    manifest = None
    for path in paths:
        if path.is_dir():
            for name in FILE_NAMES:
                if (path / f"{name}.csv").is_file():
                    files[name] = path / f"{name}.csv"
            if (path / "extract.json").is_file():
                manifest = path / "extract.json"
        elif path.is_file() and path.stem in FILE_NAMES:
            files[path.stem] = path
        else:
            raise FileNotFoundError(
                f"{path} is not a folder or one of {', '.join(f'{n}.csv' for n in FILE_NAMES)}."
            )
    return files, manifest


def _collect_mhsds(args: argparse.Namespace) -> tuple[dict[str, bytes], Path | None]:
    """`--mhsds DIR`: the MHSDS tables by table name, extract.json (saying whether the identifiers are
    already pseudonyms) and the SNOMED CT reference sets when given."""
    folder = args.mhsds
    if args.paths:
        raise FileNotFoundError("give either --mhsds DIR or the contract folder or files, not both.")
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder (given for --mhsds).")
    try:
        found = mhsds.find_tables(folder)
    except mhsds.MhsdsRefused as refused:
        raise FileNotFoundError(refused.message) from None
    files = {name: path.read_bytes() for name, path in found.items()}
    manifest = folder / "extract.json" if (folder / "extract.json").is_file() else None
    info = json.loads(manifest.read_text()) if manifest else {}
    if args.ids_are_pseudonyms:
        info["person_ids"] = "pseudonymised"
    if info:
        files["extract"] = json.dumps(info).encode()
    refsets = args.snomed_refsets or folder / mhsds.REFSETS_FILE
    if args.snomed_refsets is not None and not refsets.is_file():
        raise FileNotFoundError(f"{refsets} does not exist (given for --snomed-refsets).")
    if refsets.is_file():
        files["snomed_refsets"] = refsets.read_bytes()
    return files, manifest


def import_command(args: argparse.Namespace, out: IO[str]) -> int:
    try:
        if getattr(args, "mhsds", None) is not None:
            contents, manifest = _collect_mhsds(args)
            source = f"MHSDS tables in {args.mhsds}"
        else:
            files, manifest = _collect(args.paths)
            contents = {name: path.read_bytes() for name, path in files.items()}
            source = ", ".join(str(p) for p in args.paths)
        team_map = parse_team_map(args.team_map)
    except (FileNotFoundError, TeamMapError) as error:
        out.write(f"flow: {error}\n")
        return 2
    if not contents:
        out.write("flow: no extract files found (referrals.csv, contacts.csv, ..., or --mhsds DIR).\n")
        return 2
    extract_date = args.extract_date
    if manifest is not None:
        info = json.loads(manifest.read_text())
        if info.get("extract_date"):
            extract_date = extract_date or date.fromisoformat(info["extract_date"])
        for code, beds in info.get("beds", {}).items():
            if code in team_map and team_map[code].get("beds") is None:
                team_map[code]["beds"] = beds
    job = create_import(
        contents,
        source=source,
        extract_date=extract_date or date.today(),
        team_map=team_map,
        dry_run=args.dry_run,
        threshold=0.0 if getattr(args, "strict", False) else args.threshold,
        as_history=getattr(args, "as_history", False),
    )
    if args.background:
        run_extract_import.enqueue(job.pk)
        out.write(f"Import {job.pk} is queued; 'whatmatters db_worker' runs it. Its page shows progress.\n")
        return 0

    def progress(percent: int, stage: str) -> None:
        out.write(f"{percent:3d}% {stage}\n")
        out.flush()

    with acting_as(Actor(user=None, label="command line: flow import")):
        job = run_import(job, progress)
    if job.status == ExtractImport.Status.CONFIRM:  # older than the extract loaded: nothing saved
        question = job.stage
        cancel(job)
        out.write(f"flow: {question}\nNothing was saved. To import it as history, run the command again ")
        out.write("with --as-history.\n")
        return 1
    return report(job, out)


def report(job: ExtractImport, out: IO[str]) -> int:
    for name, c in job.counts.items():
        if name == "saved":
            continue
        out.write(
            f"{name}: {c['read']:,} rows read, {c['rejected']:,} rejected, {c['warnings']:,} with warnings.\n"
        )
    for item in job.rejects_by_rule:
        out.write(f"  {item['file']} {item['rule']}: {item['rows']:,}\n")
    if job.first_date:
        out.write(f"Dates from {job.first_date.isoformat()} to {job.last_date.isoformat()}.\n")
    for problem in job.problems:
        out.write(f"flow: {problem}\n")
    saved = job.counts.get("saved")
    if saved and saved.get("history"):
        out.write(
            f"Saved as history: no rows; {saved['values_created']:,} measure values added for weeks and "
            "months that had none (worked out at the extract's own date).\n"
        )
    elif saved:
        updated = saved.get("referrals_updated", 0)
        out.write(
            f"Saved: {saved['referrals']:,} new referrals"
            + (f" ({updated:,} already saved were updated)" if updated else "")
            + f", {saved['contacts']:,} new contacts, {saved['ward_stays']:,} new ward stays; "
            f"{saved['values_created']:,} measure values added, {saved['values_replaced']:,} replaced.\n"
        )
        for line in job.missing_sentences:
            out.write(line + "\n")
    out.write(f"{job.get_status_display()}.\n")
    return 0 if job.status in (ExtractImport.Status.SAVED, ExtractImport.Status.CHECKED) else 1
