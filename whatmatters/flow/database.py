"""One way to open a DuckDB database for the flow package, so every connection spills to the same place.

An in-memory DuckDB database spills large joins to `.tmp` in the current folder unless told otherwise; on a
server that folder may be read-only or be the application's code. Spill to the system's temporary folder
instead (WHATMATTERS_DUCKDB_TEMP chooses another).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import duckdb


def spill_folder() -> str:
    chosen = os.environ.get("WHATMATTERS_DUCKDB_TEMP")
    return chosen or os.path.join(tempfile.gettempdir(), "whatmatters-duckdb")


def connect(config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that spills to `spill_folder()`; `config` adds or overrides settings."""
    return duckdb.connect(config={"temp_directory": spill_folder(), **(config or {})})


def sql_codes(values: frozenset[str] | set[str]) -> str:
    """SQL: the codes as a sorted list of string literals, for IN (...). Codes come from the contract."""
    return ", ".join(f"'{v}'" for v in sorted(values))


def object_type(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """'BASE TABLE', 'VIEW' or None: what `name` is in the main schema of `con`."""
    found = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
        [name],
    ).fetchone()
    return found[0] if found else None


def fingerprint(*columns: str) -> str:
    """SQL: a 64-bit fingerprint of the text columns, for grouping millions of keys faster than the text.

    DuckDB's hash() alone collides often on structured IDs (about one in ten of CERT-00000-C1003-like
    IDs share a hash with another), because it mixes a string eight bytes at a time; the same hash of the
    text moved along by one character collides on different pairs, so the two together almost never do.
    Equal keys always have equal fingerprints, so a caller that needs an exact answer checks the keys of
    repeated fingerprints, which are few.
    """
    shifted = ", ".join(f"'|' || {c}" for c in columns)
    return f"xor(hash({', '.join(columns)}), hash({shifted}))"
