"""A first look at a SQLite store with the standard library alone: the establishments, and
the counts and first page of pending requests of one of them, read in a thread while the
console starts.

SQLAlchemy takes about half a second to import; the first screen needs only these rows, so
they are read without it, by the same SQL (store/queries.py). Only a page: the whole queue
comes through the store once it is open, and 10,000 rows built here would slow the start
down (this thread shares the interpreter with Textual's imports). Nothing here writes,
creates or migrates: a file that is missing, locked, or not at the current schema gives
None, and the console waits for the store to open the usual way."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from packweb_tui.domain.requests import RequestStatus
from packweb_tui.store.queries import ESTABLISHMENTS, PENDING_ROWS
from packweb_tui.store.revision import HEAD_REVISION

FIRST_PAGE = 100  # more lines than a terminal shows
_SQLITE_SCHEMES = ("sqlite://", "sqlite+aiosqlite://", "sqlite+pysqlite://")

_COUNTS = """
SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.submitted_at < :late_before THEN 1 ELSE 0 END), 0)
FROM account_requests AS r
WHERE r.establishment_id = :eid AND r.status = :pending
"""
_CANDIDATES_OF = """
SELECT c.request_id, h.card
FROM request_candidates AS c
JOIN hosts AS h ON h.id = c.host_id
WHERE c.request_id IN ({ids})
ORDER BY c.request_id, h.card
"""


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


def _sqlite_instant(moment: datetime) -> str:
    """An instant as SQLAlchemy stores it in SQLite (naive UTC text), for comparisons."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@dataclass(frozen=True, slots=True)
class Snapshot:
    establishments: list[tuple[str, str]]  # (uai, name), by UAI
    uai: str | None  # the one read: the preferred one if it exists, else the first
    rows: list[tuple[Any, ...]]  # queries.PENDING_ROWS, the first FIRST_PAGE of them
    candidates: list[tuple[int, str]]  # (request id, card) for those rows
    total: int  # pending requests in all
    late: int  # of which submitted before `late_before`


def read_snapshot(path: Path, preferred_uai: str | None, late_before: datetime) -> Snapshot | None:
    """One read transaction on `path`; None when it cannot be read as it is."""
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=1.0
        )
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")  # one snapshot of the file for every read
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] != HEAD_REVISION:
            return None
        found = connection.execute(ESTABLISHMENTS).fetchall()
        chosen = next((e for e in found if e[1] == preferred_uai), found[0] if found else None)
        rows: list[tuple[Any, ...]] = []
        candidates: list[tuple[int, str]] = []
        total = late = 0
        if chosen is not None:
            params = {"eid": chosen[0], "pending": RequestStatus.PENDING.value}
            total, late = connection.execute(
                _COUNTS, {**params, "late_before": _sqlite_instant(late_before)}
            ).fetchone()
            rows = connection.execute(
                f"{PENDING_ROWS} LIMIT :limit", {**params, "limit": FIRST_PAGE}
            ).fetchall()
            if rows:
                ids = [row[0] for row in rows]
                query = _CANDIDATES_OF.format(ids=", ".join("?" * len(ids)))
                candidates = connection.execute(query, ids).fetchall()
        return Snapshot(
            [(uai, name) for _, uai, name in found],
            chosen[1] if chosen else None,
            rows,
            candidates,
            total,
            late,
        )
    except sqlite3.Error:
        return None  # no table yet, locked, not a database...
    finally:
        connection.close()
