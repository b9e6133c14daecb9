"""Demo waiting-list data: a synthetic extract for the three phase-1 teams, imported like a real one.

The extract is generated with a fixed seed and fixed dates, so it is the same every time; an import of the
same files that was already saved is not repeated, so loading the demo twice changes nothing.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.flow.synthetic import generate
from whatmatters.teams.models import Team
from whatmatters.waitinglists.importing import FILE_NAMES, create_import, digest_files, run_import
from whatmatters.waitinglists.models import ExtractImport

START = date(2024, 4, 1)
YEARS = 1
SEED = 1
TEAM_MAP = {
    "CERT": {"team": "cert", "beds": None},
    "EIP": {"team": "eip", "beds": None},
    "OAWARD": {"team": "older-adults-ward", "beds": 20},
}


def load_demo() -> None:
    if Team.objects.filter(slug__in=[m["team"] for m in TEAM_MAP.values()]).count() < len(TEAM_MAP):
        return
    with tempfile.TemporaryDirectory(prefix="wm-demo-extract-") as folder:
        summary = generate(folder, years=YEARS, seed=SEED, start=START)
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
