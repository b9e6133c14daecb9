"""`flow` command line: `flow waits`, `flow generate` and (given an importer) `flow import`. Pure: no Django.

`main(argv, stdout)` returns the exit code, so the Django management command and tests can call it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, NoReturn

from whatmatters.flow import clocks, mhsds, nhse_codes, synthetic
from whatmatters.flow.validate import ImportResult, validate_extract

WAITS_RULES = ("cmh4", "cmh4-first-help", "cyp4", "eip", "followup72", "first-contact", "hidden-wait")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that writes to our stdout and raises instead of exiting, so main() can return a code."""

    def __init__(self, *args: object, out: IO[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._out = out

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        if message:
            self._out.write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._out.write(message)
        raise SystemExit(status)

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _iso_date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


MAX_THRESHOLD = 0.5  # the upload page allows at most 50%


def _share(text: str) -> float:
    """A share of rows from 0 to MAX_THRESHOLD: 0.01 means 1%."""
    try:
        share = float(text)
    except ValueError:
        share = float("nan")
    if not 0 <= share <= MAX_THRESHOLD:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"{text[:20]!r} is not a share of rows from 0 to {MAX_THRESHOLD:g}: 0.01 means 1%, 0 refuses "
            "the extract if any row has an error"
        )
    return share


def _parser(out: IO[str]) -> _Parser:
    parser = _Parser(prog="flow", description="Waiting-list and flow tools.", out=out)
    subs = parser.add_subparsers(dest="command", metavar="{waits,generate,import}", parser_class=_Parser)

    waits = subs.add_parser(
        "waits", help="Work out each referral's wait from referrals and contacts.", out=out
    )
    waits.add_argument("--referrals", type=Path, help="referrals.csv")
    waits.add_argument("--contacts", type=Path, help="contacts.csv")
    _mhsds_arguments(waits)
    waits.add_argument("--clock-pauses", type=Path, help="clock_pauses.csv, for --paused")
    waits.add_argument("--rule", required=True, choices=WAITS_RULES, help="which clock rule to use")
    waits.add_argument(
        "--census",
        type=_iso_date,
        help="count waits as they stood on this date (default: the latest date in the files)",
    )
    waits.add_argument(
        "--extract-date", type=_iso_date, help="the date the extract was taken (default: today)"
    )
    waits.add_argument(
        "--paused", action="store_true", help="subtract clock pauses (a labelled, adjusted wait)"
    )
    waits.add_argument("--output", required=True, type=Path, help="where to write waits.csv")
    waits.add_argument("--rejects", type=Path, help="where to write rejects.csv (default: next to --output)")
    waits.add_argument(
        "--threshold", type=_share, default=0.01, help="largest share of bad rows allowed (0.01)"
    )

    _generate_parser(subs, out)

    imp = subs.add_parser(
        "import", help="Import an extract into the database and refresh each team's measures.", out=out
    )
    imp.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="DIR|FILES",
        help="a folder holding referrals.csv, contacts.csv, ward_stays.csv (clock_pauses.csv), or the files",
    )
    imp.add_argument(
        "--team-map",
        default="",
        help="extract team codes to team short names, e.g. CERT=cert,OAWARD=older-adults-ward:20 (beds)",
    )
    _mhsds_arguments(imp)
    imp.add_argument("--dry-run", action="store_true", help="check only: save nothing")
    imp.add_argument(
        "--extract-date",
        type=_iso_date,
        help="the date the extract was taken (default: extract.json, or today)",
    )
    errors = imp.add_mutually_exclusive_group()
    errors.add_argument(
        "--threshold",
        type=_share,
        default=0.01,
        help="largest share of rows with errors a file may have; the other rows are saved (0.01 = 1%%)",
    )
    errors.add_argument(
        "--strict",
        action="store_true",
        help="refuse the whole extract if any row has an error (the same as --threshold 0)",
    )
    imp.add_argument(
        "--background", action="store_true", help="queue it for the worker (whatmatters db_worker) and return"
    )
    imp.add_argument(
        "--as-history",
        action="store_true",
        help="import an extract older than the one loaded as history: measures for earlier periods only",
    )
    return parser


def _generate_parser(subs: argparse._SubParsersAction, out: IO[str]) -> None:
    gen = subs.add_parser("generate", help="Write realistic synthetic extracts for demos and tests.", out=out)
    gen.add_argument("--out", required=True, type=Path, help="folder to write the CSV files into")
    gen.add_argument("--teams", nargs="+", help="team profiles (default: all three phase-1 teams)")
    gen.add_argument("--years", type=float, default=3, help="years of data (default 3)")
    gen.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    gen.add_argument("--faults", type=float, default=0.0, help="share of extra bad rows to add, e.g. 0.01")
    gen.add_argument("--start", type=_iso_date, help="first day (default: 1 April, years before today)")
    gen.add_argument(
        "--format",
        choices=("contract", "mhsds"),
        default="contract",
        help="contract: referrals.csv, contacts.csv, ward_stays.csv (default); mhsds: MHSDS v6 tables",
    )
    gen.add_argument(
        "--events",
        action="store_true",
        help="contract format: also write events.csv (a baseline outcome measure and a meaningful assessment "
        "at each first attended contact), so NHS England's 4-week rule can stop clocks",
    )


def _mhsds_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mhsds",
        type=Path,
        metavar="DIR",
        help="a folder of MHSDS v6 tables (MHS101Referral.csv, MHS102ServiceTypeReferredTo.csv, "
        "MHS201CareContact.csv, ...) instead of the contract files",
    )
    parser.add_argument(
        "--ids-are-pseudonyms",
        action="store_true",
        help="with --mhsds: LocalPatientId / Person_ID are already pseudonyms, so keep them (otherwise they "
        "are pseudonymised with the secret in WHATMATTERS_PSEUDONYM_KEY)",
    )
    parser.add_argument(
        "--snomed-refsets",
        type=Path,
        metavar="FILE",
        help="with --mhsds: the SNOMED CT UK simple reference set file (RF2) that says which procedure codes "
        "NHS England counts (see docs/flow.md)",
    )


def main(
    argv: list[str] | None = None,
    stdout: IO[str] | None = None,
    importer: Callable[[argparse.Namespace, IO[str]], int] | None = None,
) -> int:
    """`importer` runs `flow import`; the Django command passes it (this module never imports Django)."""
    out = stdout or sys.stdout
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(out)
    if argv[:1] == ["import"] and importer is None:
        out.write(
            "flow import saves to the database, so run it as 'whatmatters flow import DIR'. "
            "Use 'flow waits' to check an extract without a database.\n"
        )
        return 2
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        out.write(f"flow: {error}\n")
        return 2
    except SystemExit as done:  # --help
        return int(done.code or 0)
    if args.command == "waits":
        return _waits(args, out)
    if args.command == "generate":
        return _generate(args, out)
    if args.command == "import" and importer is not None:
        return importer(args, out)
    parser.print_help()
    return 2


def _read_mhsds(args: argparse.Namespace, out: IO[str]) -> ImportResult | None:
    """Validate the --mhsds folder; None (with the reason written) when it cannot be read at all."""
    if not args.mhsds.is_dir():
        out.write(f"flow: {args.mhsds} is not a folder (given for --mhsds).\n")
        return None
    refsets = None
    if args.snomed_refsets is not None:
        if not args.snomed_refsets.is_file():
            out.write(f"flow: {args.snomed_refsets} does not exist (given for --snomed-refsets).\n")
            return None
        refsets = nhse_codes.read_reference_sets(args.snomed_refsets)
    return mhsds.validate_mhsds(
        args.mhsds,
        extract_date=args.extract_date,
        threshold=args.threshold,
        pseudonymised=True if args.ids_are_pseudonyms else None,
        reference_sets=refsets,
    )


def _waits(args: argparse.Namespace, out: IO[str]) -> int:
    if args.mhsds is not None:
        if args.referrals or args.contacts or args.clock_pauses:
            out.write("flow: give either --mhsds DIR or --referrals and --contacts, not both.\n")
            return 2
        if args.paused:
            out.write("flow: --paused needs clock_pauses.csv, which MHSDS does not have.\n")
            return 2
        result = _read_mhsds(args, out)
        return 2 if result is None else _write_waits(args, out, result)
    if args.referrals is None or args.contacts is None:
        out.write("flow: waits needs --referrals and --contacts (or --mhsds DIR).\n")
        return 2
    files = {"referrals": args.referrals, "contacts": args.contacts}
    if args.clock_pauses:
        files["clock_pauses"] = args.clock_pauses
    elif args.paused:
        out.write("flow: --paused needs --clock-pauses clock_pauses.csv\n")
        return 2
    for name, path in files.items():
        if not path.is_file():
            out.write(f"flow: {path} does not exist (given for {name}).\n")
            return 2
    result = validate_extract(
        files, extract_date=args.extract_date, threshold=args.threshold, required_files=tuple(files)
    )
    return _write_waits(args, out, result)


def _write_waits(args: argparse.Namespace, out: IO[str], result: ImportResult) -> int:
    rejects_path = args.rejects or args.output.with_name("rejects.csv")
    n_rejects = result.write_rejects_csv(rejects_path)
    for report in result.files.values():
        out.write(
            f"{report.file}: {report.rows_read:,} rows read, {report.rows_rejected:,} rejected, "
            f"{report.rows_with_warnings:,} with warnings.\n"
        )
    if n_rejects:
        out.write(f"{n_rejects:,} problems are listed in {rejects_path}.\n")
    if not result.can_save:
        for problem in result.problems:
            out.write(f"flow: {problem}\n")
        out.write("No waits were written.\n")
        return 1
    census = args.census or _latest_date(result)
    if census is None:
        out.write("flow: there are no referrals to work out waits for.\n")
        return 1
    rule = clocks.compute_waits(result.con, args.rule, census, paused=args.paused)
    written = clocks.write_waits_csv(result.con, str(args.output))
    out.write(
        f"{clocks.rule_label(rule, args.paused)} at {census.isoformat()}: wrote {written:,} rows to "
        f"{args.output}.\n"
    )
    return 0


def _latest_date(result: object) -> date | None:
    con = result.con  # type: ignore[attr-defined]
    row = con.execute(
        "SELECT greatest((SELECT max(referral_date) FROM referrals), "
        "(SELECT max(contact_date) FROM contacts))"
    ).fetchone()
    return row[0]


def _generate(args: argparse.Namespace, out: IO[str]) -> int:
    if args.events and args.format == "mhsds":
        out.write("flow: --events is for the contract format; the MHSDS tables do not carry them yet.\n")
        return 2
    write = synthetic.generate_mhsds if args.format == "mhsds" else synthetic.generate
    extra = {"events": True} if args.events else {}
    try:
        summary = write(
            args.out,
            teams=args.teams,
            years=args.years,
            seed=args.seed,
            faults=args.faults,
            start=args.start,
            **extra,
        )
    except ValueError as error:
        out.write(f"flow: {error}\n")
        return 2
    for line in summary.lines():
        out.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
