"""Report benchmark: the demo's six-team programme committee report, built from the demo in a fresh SQLite
database, exceptions only (the default) against everything (every measure's chart and table, as every report
was built before the summary page), in the same run, on the same data.

    .venv/bin/python -m bench.report [--repeat N] [--workdir DIR] [--keep]

Each build is timed from the results to the PDF's bytes (gathering with results_for/shown_for, the HTML, the
PDF), wall clock and CPU seconds of this process: on a shared machine the wall clock depends on what else
runs, the CPU seconds much less. With --repeat N each build runs N times, alternating, and the fastest of
each is kept. The period runs from the demo's first value to the end of last month. Pages are counted with
pdfinfo (poppler-utils).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_PAGES, TARGET_SECONDS = 20, 5.0


def setup(workdir: Path) -> None:
    os.environ["WHATMATTERS_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "whatmatters.settings")
    import django
    from django.core.management import call_command

    django.setup()
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("demo", verbosity=0, stdout=quiet)


def period() -> tuple[dt.date, dt.date]:
    from whatmatters.framework.models import Value

    first = Value.objects.order_by("period").values_list("period", flat=True).first()
    return first, dt.date.today().replace(day=1) - dt.timedelta(days=1)


def build(contents: str, start: dt.date, end: dt.date) -> tuple[float, float, bytes]:
    from whatmatters.reports import presenters, rendering

    wall, cpu = time.perf_counter(), time.process_time()
    data = presenters.build(None, start, end, "committee", contents=contents)
    pdf = rendering.render_pdf(rendering.render_document(data, inline_css=False))
    return time.perf_counter() - wall, time.process_time() - cpu, pdf


def pages(pdf: bytes, workdir: Path) -> int:
    path = workdir / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="Keep the database and the PDFs.")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wm-bench-report-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(f"Loading the demo into {workdir} (not timed)", file=sys.stderr)
        setup(workdir)
        start, end = period()
        print(f"Programme committee report, {start} to {end}, best of {args.repeat}", file=sys.stderr)
        best: dict[str, tuple[float, float, int]] = {}
        for _ in range(args.repeat):
            for contents in ("everything", "exceptions"):
                wall, cpu, pdf = build(contents, start, end)
                n = pages(pdf, workdir)
                if contents not in best or wall < best[contents][0]:
                    best[contents] = (wall, cpu, n)
                if args.keep:
                    (workdir / f"programme-{contents}.pdf").write_bytes(pdf)
        print(f"{'contents':<12}{'pages':>7}{'wall s':>9}{'CPU s':>8}")
        for contents, (wall, cpu, n) in best.items():
            print(f"{contents:<12}{n:>7}{wall:>9.2f}{cpu:>8.2f}")
        wall, cpu, n = best["exceptions"]
        ok = n <= TARGET_PAGES and wall <= TARGET_SECONDS
        print(
            f"exceptions only: {n} pages (at most {TARGET_PAGES}), {wall:.2f} s "
            f"(at most {TARGET_SECONDS:.0f} s): {'met' if ok else 'NOT met'}; "
            f"{best['everything'][0] / wall:.1f}x faster than everything"
        )
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
