"""Large waiting-list work spills to the system's temporary folder, never to `.tmp` in the current folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from whatmatters.flow.database import connect, spill_folder


def temp_directory(con) -> str:  # type: ignore[no-untyped-def]
    return con.execute("SELECT current_setting('temp_directory')").fetchone()[0]


def test_connections_spill_to_the_systems_temporary_folder_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WHATMATTERS_DUCKDB_TEMP", raising=False)
    assert temp_directory(connect()) == str(Path(tempfile.gettempdir()) / "whatmatters-duckdb")


def test_the_spill_folder_can_be_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WHATMATTERS_DUCKDB_TEMP", str(tmp_path))
    assert spill_folder() == str(tmp_path)
    assert temp_directory(connect({"memory_limit": "256MB"})) == str(tmp_path)
