"""Demo waiting-list data: a synthetic extract for the three phase-1 teams, imported like a real one.

The extract is generated with a fixed seed and covers the year up to last Sunday, so its weekly and monthly
charts run up to the last complete period. In the same week it is the same every time, and an import of
the same files that was already saved is not repeated, so loading the demo twice changes nothing.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.flow.synthetic import generate
from whatmatters.teams.models import Team
from whatmatters.waitinglists.importing import FILE_NAMES, create_import, digest_files, run_import
from whatmatters.waitinglists.models import ExtractImport

YEARS = 1
SEED = 1
TEAM_MAP = {
    "CERT": {"team": "cert", "beds": None},
    "EIP": {"team": "eip", "beds": None},
    "OAWARD": {"team": "older-adults-ward", "beds": 20},
}


def demo_start(today: date | None = None) -> date:
    """The day a year before last Sunday, so the extract ends with the last complete week."""
    today = today or date.today()
    last_sunday = today - timedelta(days=today.isoweekday() % 7 or 7)
    return last_sunday - timedelta(days=int(round(YEARS * 365.25)) - 1)


def load_demo() -> None:
    if Team.objects.filter(slug__in=[m["team"] for m in TEAM_MAP.values()]).count() < len(TEAM_MAP):
        return
    with tempfile.TemporaryDirectory(prefix="wm-demo-extract-") as folder:
        summary = generate(folder, years=YEARS, seed=SEED, start=demo_start(), events=True)
        files = {
            name: (Path(folder) / f"{name}.csv").read_bytes()
            for name in FILE_NAMES
            if (Path(folder) / f"{name}.csv").is_file()
        }
    if ExtractImport.objects.filter(digest=digest_files(files), status=ExtractImport.Status.SAVED).exists():
        return
    job = create_import(
        files, source="demo: synthetic extract", extract_date=summary.extract_date, team_map=TEAM_MAP
    )
    with acting_as(Actor(user=None, label="command line: demo")):
        run_import(job)
