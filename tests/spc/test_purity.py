"""whatmatters.spc is a pure core: importing all of it loads no Django (DESIGN.md)."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "whatmatters.spc",
    "whatmatters.spc.cli",
    "whatmatters.spc.svg",
    "whatmatters.spc.narrative",
    "whatmatters.spc.conformance",
]


def test_importing_the_spc_package_loads_no_django() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in MODULES)
        + "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == ""
