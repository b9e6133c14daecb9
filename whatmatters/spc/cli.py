"""`spc analyse FILE.csv` and `spc conformance FILE.json ...`: pure argparse, no Django.

The project's `whatmatters spc ...` management command passes its arguments to `main`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from .conformance import CONFORMANCE_DEFAULT_RULES, run_files
from .engine import analyse_many
from .model import CHART_TYPES, DIRECTIONS, Recalculation, Series, SeriesOptions, SpcInputError
from .narrative import narrate
from .numbers import shown
from .rulesets import DEFAULT_RULE_SET, RULE_SETS


class _Parser(argparse.ArgumentParser):
    """Raise instead of exiting, so `main` can return a code and callers keep control."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SpcInputError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spc", description="Statistical process control charts, Making Data Count style.")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyse", help="analyse a CSV of one value per period")
    a.add_argument("file", help="CSV file with a header row")
    a.add_argument("--date-column", default="date", help="column with ISO dates, YYYY-MM-DD (default: date)")
    a.add_argument(
        "--value-column", default="value", help="column with values or numerators (default: value)"
    )
    a.add_argument(
        "--denominator-column", help="column with denominators (p, u, p′, u′ charts; XmR of a ratio)"
    )
    a.add_argument("--series-column", help="column naming the series, to analyse several at once")
    a.add_argument("--chart", choices=CHART_TYPES, default="xmr", help="chart type (default: xmr)")
    a.add_argument(
        "--direction", choices=DIRECTIONS, default="increase", help="which way is better (default: increase)"
    )
    a.add_argument("--target", type=float, help="target value")
    a.add_argument(
        "--recalculate",
        action="append",
        default=[],
        metavar="DATE[:REASON]",
        help="recalculate limits from DATE, for REASON (repeatable)",
    )
    a.add_argument("--baseline", type=int, metavar="N", help="fix the limits after N points of each group")
    a.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="DATE",
        help="plot DATE but leave it out of limits and rules (repeatable)",
    )
    screen = a.add_mutually_exclusive_group()
    screen.add_argument(
        "--screen-outliers",
        dest="screen",
        action="store_true",
        default=None,
        help="screen large moving ranges (rule-set default)",
    )
    screen.add_argument("--no-screen-outliers", dest="screen", action="store_false")
    a.add_argument("--shift-length", type=int, choices=(6, 7))
    a.add_argument("--trend-length", type=int, choices=(6, 7))
    a.add_argument("--multiply", type=float, default=1.0, help="scale factor, e.g. 100 for a percentage")
    a.add_argument("--unit", default="", help="unit for sentences, e.g. %% or days")
    a.add_argument(
        "--rules",
        choices=sorted(RULE_SETS),
        default=DEFAULT_RULE_SET,
        help=f"rule set (default: {DEFAULT_RULE_SET})",
    )
    a.add_argument("--format", choices=("table", "json"), default="table")
    a.add_argument(
        "--reading-level",
        choices=("committee", "easy_read"),
        default="committee",
        help="wording of the sentences in the table output",
    )

    c = sub.add_parser(
        "conformance", help="run shared conformance vector files and print the results as JSON"
    )
    c.add_argument("files", nargs="+", metavar="FILE.json")
    c.add_argument(
        "--rules",
        choices=sorted(RULE_SETS),
        default=CONFORMANCE_DEFAULT_RULES,
        help=f"rule set (default: {CONFORMANCE_DEFAULT_RULES}, the conformance mode)",
    )
    return parser


def main(argv: Sequence[str], stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = build_parser().parse_args(list(argv))
        if args.command == "conformance":
            json.dump(run_files(args.files, args.rules), out, indent=1)
            out.write("\n")
            return 0
        return _analyse(args, out)
    except SpcInputError as exc:
        err.write(f"spc: {exc}\n")
        return 2


def _parse_day(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SpcInputError(f"{where}: {text!r} is not a date. Write dates as YYYY-MM-DD.") from None


def _options(args: argparse.Namespace) -> SeriesOptions:
    recalcs = []
    for item in args.recalculate:
        day, _, reason = item.partition(":")
        recalcs.append(Recalculation(_parse_day(day, "--recalculate"), reason.strip()))
    return SeriesOptions(
        chart=args.chart,
        direction=args.direction,
        target=args.target,
        recalculations=tuple(recalcs),
        baseline_points=args.baseline,
        excluded=tuple(_parse_day(d, "--exclude") for d in args.exclude),
        screen_outliers=args.screen,
        shift_length=args.shift_length,
        trend_length=args.trend_length,
        multiply=args.multiply,
    )


def read_csv(path: str, args: argparse.Namespace) -> list[Series]:
    """Read the CSV, reporting a bad cell by file, row and column."""
    try:
        handle = Path(path).open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SpcInputError(f"{path}: cannot open the file ({exc.strerror}).") from None
    with handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        wanted = [args.date_column, args.value_column]
        wanted += [c for c in (args.denominator_column, args.series_column) if c]
        for col in wanted:
            if col not in columns:
                raise SpcInputError(
                    f"{path}: there is no column {col!r}. The columns are: {', '.join(columns)}."
                )
        table: dict[str, dict[str, list[Any]]] = {}
        seen: dict[tuple[str, dt.date], int] = {}
        for row_no, row in enumerate(reader, start=2):
            name = row[args.series_column].strip() if args.series_column else ""
            day = _cell_date(path, row_no, args.date_column, row[args.date_column])
            if (name, day) in seen:
                raise SpcInputError(
                    f"{path}, row {row_no}: {day.isoformat()} already appears in row "
                    f"{seen[(name, day)]}"
                    + (f" for {name!r}" if name else "")
                    + ". Give one value per period."
                )
            seen[(name, day)] = row_no
            t = table.setdefault(name, {"dates": [], "values": [], "den": []})
            t["dates"].append(day)
            t["values"].append(_cell_number(path, row_no, args.value_column, row[args.value_column]))
            if args.denominator_column:
                t["den"].append(
                    _cell_number(path, row_no, args.denominator_column, row[args.denominator_column])
                )
    if not table:
        raise SpcInputError(f"{path}: the file has a header but no rows.")
    opts = _options(args)
    return [
        Series(t["dates"], t["values"], t["den"] if args.denominator_column else None, opts, name, args.unit)
        for name, t in table.items()
    ]


def _cell_date(path: str, row: int, column: str, text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise SpcInputError(
            f"{path}, row {row}, column {column!r}: {text!r} is not a date. Write dates as YYYY-MM-DD."
        ) from None


def _cell_number(path: str, row: int, column: str, text: str | None) -> float | None:
    text = (text or "").strip().replace(",", "")
    if text == "" or text.upper() in ("NA", "NULL"):
        return None
    try:
        return float(text)
    except ValueError:
        raise SpcInputError(f"{path}, row {row}, column {column!r}: {text!r} is not a number.") from None


def _analyse(args: argparse.Namespace, out: IO[str]) -> int:
    series = read_csv(args.file, args)
    results = analyse_many(series, args.rules)
    if args.format == "json":
        payload = []
        for res in results:
            story = narrate(res)
            payload.append(
                {
                    **res.summary(),
                    "narrative": {"committee": story.committee, "easy_read": story.easy_read},
                    "points": res.points(),
                }
            )
        json.dump(payload, out, indent=1)
        out.write("\n")
        return 0
    for k, res in enumerate(results):
        if k:
            out.write("\n")
        _table(res, args.reading_level, out)
    return 0


def _table(res: Any, level: str, out: IO[str]) -> None:
    title = res.name or "Series"
    out.write(f"{title} — {res.chart_name}, rules {res.rule_set.name}\n")
    story = narrate(res)
    out.write(story.text(level) + "\n")
    for w in res.warnings:
        out.write(f"Note: {w.message}\n")
    header = ("date", "value", "centre", "lower", "upper", "what it shows")
    rows = []
    for p in res.points():
        shows = "excluded" if p["excluded"] else "no value" if p["missing"] else _point_words(p["point_type"])
        rows.append(
            (p["date"], shown(p["value"]), shown(p["centre"]), shown(p["lower"]), shown(p["upper"]), shows)
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


def _point_words(point_type: str) -> str:
    return {
        "common_cause": "",
        "special_cause_improvement": "Improving: a change unlikely to be chance",
        "special_cause_concern": "Concern: a change unlikely to be chance",
        "special_cause_neutral_high": "Higher than usual",
        "special_cause_neutral_low": "Lower than usual",
    }[point_type]


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
