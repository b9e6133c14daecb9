"""Flow benchmark: synthetic extracts of 1M and 10M referrals with their contacts, validated, turned into
waits and weekly measures for every team, compared in the same run with a bare DuckDB read_csv + group-by
of the same files.

    .venv/bin/python -m bench.flow [--sizes 1000000 10000000] [--workdir DIR] [--memory-limit 1GB]
                                   [--repeat N] [--keep] [--mhsds]

With --mhsds the same extract is also written as MHSDS tables (not timed) and a second leg compares
mapping + validation + waits + measures on them with a bare DuckDB read of the same MHSDS files.

Each measurement runs in its own process so its peak memory (ru_maxrss) is its own. Files are generated
once per size (not timed) with copies of the community team profile, first appointments and care plans
only (no follow-up contacts), and removed afterwards unless --keep is given (a kept folder is reused by the
next run with the same --workdir). Quick run: --sizes 100000.

Both wall-clock and CPU seconds (all threads of the process) are reported: on a shared machine the wall
clock depends on what else runs, the CPU seconds much less. With --repeat N each measurement runs N times,
alternating, and the fastest of each is kept.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REFERRALS_PER_TEAM = 7_800  # the community profile over 3 years (about 50 a week)


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would carry over the
    parent's peak (the generator's), so it is only the fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare(folder: str, memory_limit: str) -> dict:
    """The floor: read both CSVs with DuckDB and count referrals and contacts per team and week."""
    from whatmatters.flow.database import connect

    con = connect({"memory_limit": memory_limit})
    t, cpu = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE r AS SELECT * FROM read_csv('{folder}/referrals.csv', header=true)")
    con.execute(f"CREATE TABLE c AS SELECT * FROM read_csv('{folder}/contacts.csv', header=true)")
    weekly = con.execute(
        """SELECT count(*) FROM (
             SELECT team_id, date_trunc('week', referral_date) AS w, count(*) FROM r GROUP BY ALL
             UNION ALL
             SELECT r.team_id, date_trunc('week', c.contact_date), count(*) FROM c JOIN r USING (referral_id)
             GROUP BY ALL)"""
    ).fetchone()[0]
    return {
        "seconds": time.perf_counter() - t,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "groups": weekly,
    }


def pipeline(folder: str, memory_limit: str) -> dict:
    """The product: validate, compute cmh4 waits, weekly measures for every team."""
    from whatmatters.flow.clocks import compute_waits
    from whatmatters.flow.database import connect
    from whatmatters.flow.measures import waiting_list_measures
    from whatmatters.flow.validate import validate_extract

    manifest = json.loads((Path(folder) / "extract.json").read_text())
    census = date.fromisoformat(manifest["extract_date"])
    con = connect({"memory_limit": memory_limit})
    timings = {}
    t, cpu = time.perf_counter(), time.process_time()
    result = validate_extract(folder, extract_date=census, con=con)
    timings["validate"] = time.perf_counter() - t
    t1 = time.perf_counter()
    rule = compute_waits(con, "cmh4", census)
    timings["waits"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    values = waiting_list_measures(con, census, "week", rule.standard_days)
    timings["measures"] = time.perf_counter() - t2
    return {
        "seconds": time.perf_counter() - t,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "steps": timings,
        "rejects": sum(r.rows_rejected for r in result.files.values()),
        "measure_values": len(values),
        "can_save": result.can_save,
    }


MHSDS_KEY = "bench-only pseudonym key, not a secret"


def bare_mhsds(folder: str, memory_limit: str) -> dict:
    """The floor for the MHSDS leg: read every MHSDS table with DuckDB and count referrals and contacts per
    team and week (MHS102 joined to MHS101 for the date, MHS201 joined to MHS102 for the team)."""
    from whatmatters.flow.database import connect

    con = connect({"memory_limit": memory_limit})
    t, cpu = time.perf_counter(), time.process_time()
    for path in sorted(Path(folder).glob("MHS*.csv")):
        con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM read_csv('{path}', header=true)")
    weekly = con.execute(
        """SELECT count(*) FROM (
             SELECT s.CareProfTeamLocalId, date_trunc('week', r.ReferralRequestReceivedDate), count(*)
             FROM MHS102ServiceTypeReferredTo s JOIN MHS101Referral r USING (ServiceRequestId) GROUP BY ALL
             UNION ALL
             SELECT CareProfTeamLocalId, date_trunc('week', CareContDate), count(*) FROM MHS201CareContact
             GROUP BY ALL)"""
    ).fetchone()[0]
    return {
        "seconds": time.perf_counter() - t,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "groups": weekly,
    }


def pipeline_mhsds(folder: str, memory_limit: str) -> dict:
    """The product on MHSDS tables: read, check, pseudonymise and map them, validate the contract files,
    compute cmh4 waits and weekly measures for every team."""
    from whatmatters.flow.clocks import compute_waits
    from whatmatters.flow.database import connect
    from whatmatters.flow.measures import waiting_list_measures
    from whatmatters.flow.mhsds import validate_mhsds

    manifest = json.loads((Path(folder) / "extract.json").read_text())
    census = date.fromisoformat(manifest["extract_date"])
    con = connect({"memory_limit": memory_limit})
    timings = {}
    t, cpu = time.perf_counter(), time.process_time()
    result = validate_mhsds(folder, extract_date=census, key=MHSDS_KEY.encode(), con=con)
    timings["validate"] = time.perf_counter() - t
    t1 = time.perf_counter()
    rule = compute_waits(con, "cmh4", census)
    timings["waits"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    values = waiting_list_measures(con, census, "week", rule.standard_days)
    timings["measures"] = time.perf_counter() - t2
    return {
        "seconds": time.perf_counter() - t,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "steps": timings,
        "rejects": sum(r.rows_rejected for r in result.files.values()),
        "measure_values": len(values),
        "can_save": result.can_save,
    }


KINDS = {"bare": bare, "pipeline": pipeline, "bare-mhsds": bare_mhsds, "pipeline-mhsds": pipeline_mhsds}


def _mhsds_folder(folder: Path) -> Path:
    """The MHSDS tables for the generated contract files (written once, not timed)."""
    from whatmatters.flow.mhsds_write import write_mhsds

    out = folder / "mhsds"
    if not (out / "extract.json").is_file():
        write_mhsds(folder, out)
        shutil.copy(folder / "extract.json", out / "extract.json")
    return out


def _child(kind: str, folder: str, memory_limit: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.flow", "--child", kind, folder, "--memory-limit", memory_limit],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _generate_in_parts(synthetic, folder: Path, teams: int, per_part: int = 128):
    """Generate `teams` copies of the community profile in parts of `per_part` teams and join the CSVs,
    so the generator's memory stays small at 10M referrals."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    summary = None
    for part, first in enumerate(range(0, teams, per_part)):
        piece = folder / f"part{part}"
        summary = synthetic.generate(
            piece,
            teams=["community-recovery"],
            seed=7 + part,
            years=3,
            copies=min(per_part, teams - first),
            first_copy=first,
            followups=False,
        )
        for name, count in summary.rows.items():
            rows[name] = rows.get(name, 0) + count
            with (piece / f"{name}.csv").open("rb") as src, (folder / f"{name}.csv").open("ab") as dst:
                header = src.readline()
                if part == 0:
                    dst.write(header)
                shutil.copyfileobj(src, dst, 1 << 24)
        if part == 0:
            shutil.copy(piece / "extract.json", folder / "extract.json")
        shutil.rmtree(piece)
    summary.rows = rows
    return summary


def _compared(floor: dict, ours: dict) -> dict:
    """One size's figures: the bare read's and the pipeline's times, memory and ratios."""
    return {
        "bare_s": floor["seconds"],
        "bare_peak_mb": floor["peak_mb"],
        "pipeline_s": ours["seconds"],
        "pipeline_peak_mb": ours["peak_mb"],
        "steps": ours["steps"],
        "ratio": ours["seconds"] / floor["seconds"],
        "measure_values": ours["measure_values"],
        "bare_cpu_s": floor["cpu_seconds"],
        "pipeline_cpu_s": ours["cpu_seconds"],
        "cpu_ratio": ours["cpu_seconds"] / floor["cpu_seconds"],
    }


def _mhsds_leg(folder: Path, args: argparse.Namespace) -> dict:
    floors, ours_runs = [], []
    for _ in range(max(1, args.repeat)):
        floors.append(_child("bare-mhsds", str(folder), args.memory_limit))
        ours_runs.append(_child("pipeline-mhsds", str(folder), args.memory_limit))
    floor = min(floors, key=lambda r: r["seconds"])
    ours = min(ours_runs, key=lambda r: r["seconds"])
    return {
        "csv_mb": sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6,
        "bare_s": floor["seconds"],
        "pipeline_s": ours["seconds"],
        "ratio": ours["seconds"] / floor["seconds"],
        "cpu_ratio": ours["cpu_seconds"] / floor["cpu_seconds"],
        "bare_cpu_s": floor["cpu_seconds"],
        "pipeline_cpu_s": ours["cpu_seconds"],
        "pipeline_peak_mb": ours["peak_mb"],
        "steps": ours["steps"],
        "can_save": ours["can_save"],
        "measure_values": ours["measure_values"],
    }


def _mhsds_table(rows: list[dict]) -> None:
    print()
    print(
        "| referrals (MHSDS) | CSV MB | bare read+group-by s | pipeline s | ratio | CPU s bare / pipeline "
        "| CPU ratio | peak MB | map+validate / waits / measures s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        m, s = r["mhsds"], r["mhsds"]["steps"]
        print(
            f"| {r['referrals']:,} | {m['csv_mb']:.0f} | {m['bare_s']:.2f} | {m['pipeline_s']:.2f} | "
            f"{m['ratio']:.1f}x | {m['bare_cpu_s']:.1f} / {m['pipeline_cpu_s']:.1f} | "
            f"{m['cpu_ratio']:.1f}x | {m['pipeline_peak_mb']:.0f} | "
            f"{s['validate']:.2f} / {s['waits']:.2f} / {s['measures']:.2f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.flow", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory limit in both runs")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated files")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each measurement N times; keep the fastest"
    )
    parser.add_argument(
        "--mhsds",
        action="store_true",
        help="also run the MHSDS leg: the same extract as MHSDS tables, mapped and validated",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, folder = args.child
        print(json.dumps(KINDS[kind](folder, args.memory_limit)))
        return 0

    from whatmatters.flow import synthetic

    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-flow-"))
    rows = []
    for size in args.sizes:
        folder = root / f"n{size}"
        t = time.perf_counter()
        rows_file = folder / "rows.json"
        if rows_file.is_file() and (folder / "extract.json").is_file():
            counts = json.loads(rows_file.read_text())
        else:
            summary = _generate_in_parts(synthetic, folder, max(1, math.ceil(size / REFERRALS_PER_TEAM)))
            counts = dict(summary.rows)
            rows_file.write_text(json.dumps(counts))
        made = time.perf_counter() - t
        mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
        floors, ours_runs = [], []
        for _ in range(max(1, args.repeat)):
            floors.append(_child("bare", str(folder), args.memory_limit))
            ours_runs.append(_child("pipeline", str(folder), args.memory_limit))
        floor = min(floors, key=lambda r: r["seconds"])
        ours = min(ours_runs, key=lambda r: r["seconds"])
        row = {
            "referrals": counts["referrals"],
            "contacts": counts["contacts"],
            "csv_mb": mb,
            "generate_s": made,
        }
        row.update(_compared(floor, ours))
        if args.mhsds:
            row["mhsds"] = _mhsds_leg(_mhsds_folder(folder), args)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if not args.keep:
            shutil.rmtree(folder)
    print()
    print(
        "| referrals | contacts | CSV MB | bare read+group-by s | pipeline s | ratio "
        "| CPU s bare / pipeline | CPU ratio | pipeline peak MB | validate / waits / measures s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        s = r["steps"]
        print(
            f"| {r['referrals']:,} | {r['contacts']:,} | {r['csv_mb']:.0f} | {r['bare_s']:.2f} | "
            f"{r['pipeline_s']:.2f} | {r['ratio']:.1f}x | "
            f"{r['bare_cpu_s']:.1f} / {r['pipeline_cpu_s']:.1f} | "
            f"{r['cpu_ratio']:.1f}x | {r['pipeline_peak_mb']:.0f} | "
            f"{s['validate']:.2f} / {s['waits']:.2f} / {s['measures']:.2f} |"
        )
    if args.mhsds:
        _mhsds_table(rows)
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        growth = (b["pipeline_s"] / a["pipeline_s"]) / (b["referrals"] / a["referrals"])
        print(f"\nTime per referral at the largest size / at the smallest: {growth:.2f} (1.0 = linear).")
    if not args.workdir and not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
