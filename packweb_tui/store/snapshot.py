"""A first look at a SQLite store with the standard library alone: the establishments and
the pending requests of one of them, read in a thread while the console starts.

SQLAlchemy takes about half a second to import; the first screen needs only these rows, so
they are read without it, by the same SQL (store/queries.py). Nothing here writes, creates
or migrates: a file that is missing, locked, or not at the current schema gives None, and
the console waits for the store to open the usual way."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from packweb_tui.domain.requests import RequestStatus
from packweb_tui.store.queries import (
    ESTABLISHMENTS,
    PENDING_CANDIDATES,
    PENDING_ROWS,
    PENDING_ROWS_COLUMNS,
)
from packweb_tui.store.revision import HEAD_REVISION

_SQLITE_SCHEMES = ("sqlite://", "sqlite+aiosqlite://", "sqlite+pysqlite://")


def _as_json(query: str, columns: Sequence[str]) -> str:
    """`query`'s rows as one JSON array, built inside SQLite. This reader runs beside the
    console's start-up: fetched row by row, each row would wait for the interpreter lock
    (10,000 rows took 0.7 s instead of 0.1 s); as one value, SQLite works without it."""
    return f"SELECT json_group_array(json_array({', '.join(columns)})) FROM ({query})"


def _fetch(
    connection: sqlite3.Connection, query: str, columns: Sequence[str], params: dict[str, Any]
) -> list[Any]:
    (text,) = connection.execute(_as_json(query, columns), params).fetchone()
    rows: list[Any] = json.loads(text)
    return rows


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (or bare path) that exists; None for anything else:
    PostgreSQL, in memory, URL options or escapes this reader would not interpret alike."""
    if "://" not in url:
        path = Path(url).expanduser()
    else:
        scheme, _, rest = url.partition("://")
        if f"{scheme}://" not in _SQLITE_SCHEMES or not rest.startswith("/"):
            return None
        if any(c in rest for c in "?%#"):
            return None
        path = Path(rest[1:])  # sqlite:///relative, sqlite:////absolute
    if str(path) in ("", ":memory:") or not path.is_file():
        return None
    return path


@dataclass(frozen=True, slots=True)
class Snapshot:
    establishments: list[tuple[str, str]]  # (uai, name), by UAI
    uai: str | None  # the one read: the preferred one if it exists, else the first
    rows: list[tuple[Any, ...]]  # queries.PENDING_ROWS
    candidates: list[tuple[int, str]]  # queries.PENDING_CANDIDATES


def read_snapshot(path: Path, preferred_uai: str | None) -> Snapshot | None:
    """One read transaction on `path`; None when it cannot be read as it is."""
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=1.0
        )
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")  # one snapshot of the file for all three reads
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] != HEAD_REVISION:
            return None
        found = connection.execute(ESTABLISHMENTS).fetchall()
        chosen = next((e for e in found if e[1] == preferred_uai), found[0] if found else None)
        rows: list[tuple[Any, ...]] = []
        candidates: list[tuple[int, str]] = []
        if chosen is not None:
            params = {"eid": chosen[0], "pending": RequestStatus.PENDING.value}
            rows = _fetch(connection, PENDING_ROWS, PENDING_ROWS_COLUMNS, params)
            # The aggregate keeps no promised order: the rows are sorted again here.
            rows.sort(key=lambda row: (row[1], row[0]))
            candidates = _fetch(connection, PENDING_CANDIDATES, ("request_id", "card"), params)
            candidates.sort()
        return Snapshot(
            [(uai, name) for _, uai, name in found],
            chosen[1] if chosen else None,
            rows,
            candidates,
        )
    except sqlite3.Error:
        return None  # no table yet, locked, not a database...
    finally:
        connection.close()
