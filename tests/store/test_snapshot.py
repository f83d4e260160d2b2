"""The console's first read without SQLAlchemy (store/snapshot.py, services/pending.py):
the same rows as the store's own read, or None whenever it cannot be sure."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from packweb_tui.domain.requests import RequestRecord
from packweb_tui.services.pending import start_snapshot
from packweb_tui.services.queue import pending_queue
from packweb_tui.services.requests import import_requests
from packweb_tui.store.database import Database
from packweb_tui.store.snapshot import FIRST_PAGE, read_snapshot, sqlite_file
from tests.tui.support import COLLEGE, LYCEE, fill

NOW = datetime(2026, 9, 5, 8, 0, tzinfo=UTC)


def test_only_existing_sqlite_files_are_read(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    db.write_bytes(b"")
    assert sqlite_file(f"sqlite+aiosqlite:///{db}") == db
    assert sqlite_file(f"sqlite:///{db}") == db
    assert sqlite_file(str(db)) == db
    assert sqlite_file(f"sqlite+aiosqlite:///{tmp_path / 'missing.db'}") is None
    assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
    assert sqlite_file(f"sqlite:///{db}?mode=ro") is None  # options: left to SQLAlchemy
    assert sqlite_file("postgresql+asyncpg://localhost/test") is None


async def test_the_snapshot_reads_what_the_store_reads(sqlite_url: str) -> None:
    async with await Database.open(sqlite_url) as db:
        await fill(db, NOW)
        for uai in (LYCEE[0], COLLEGE[0]):
            snapshot = start_snapshot(sqlite_url, uai, NOW)
            assert snapshot is not None and snapshot.uai == uai and snapshot.complete
            queue = await pending_queue(db, uai)
            assert snapshot.queue == queue and snapshot.total == len(queue.rows)
            late = [r for r in queue.rows if NOW - r.submitted_at > timedelta(hours=48)]
            assert snapshot.late == len(late)
            assert snapshot.late == (2 if uai == LYCEE[0] else 0)
    # An unknown or forgotten establishment: the first by UAI, as the console opens.
    first = start_snapshot(sqlite_url, "9999999Z", NOW)
    assert first is not None and (first.uai, first.name) == COLLEGE


async def test_no_snapshot_of_another_schema_or_an_empty_store(sqlite_url: str) -> None:
    async with await Database.open(sqlite_url):
        pass
    assert start_snapshot(sqlite_url, None, NOW) is None  # no establishment yet
    path = sqlite_file(sqlite_url)
    assert path is not None
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0000_older'")
    assert read_snapshot(path, None, NOW) is None
    path.write_bytes(b"not a database at all" * 100)
    assert read_snapshot(path, None, NOW) is None


def test_start_snapshot_leaves_postgresql_to_the_store() -> None:
    assert start_snapshot("postgresql+asyncpg://127.0.0.1/test", None, NOW) is None


@pytest.mark.parametrize("value", ["2026-09-01 06:00:00.000000", "2026-09-01 06:00:00"])
def test_sqlite_instants_are_read_as_utc(value: str) -> None:
    from packweb_tui.services.pending import _instant

    assert _instant(value) == datetime(2026, 9, 1, 6, 0, tzinfo=UTC)


async def test_a_long_queue_is_read_ahead_by_its_first_page(sqlite_url: str) -> None:
    async with await Database.open(sqlite_url) as db:
        await fill(db, NOW)
        records = [
            RequestRecord(
                f"extra-{n}",
                LYCEE[0],
                "99999",
                f"Nom{n}",
                "Jean",
                f"x{n}@example.fr",
                NOW - timedelta(minutes=n),
            )
            for n in range(FIRST_PAGE + 20)
        ]
        await import_requests(db, records, "agent", "requests.json")
        queue = await pending_queue(db, LYCEE[0])
    snapshot = start_snapshot(sqlite_url, LYCEE[0], NOW)
    assert snapshot is not None and not snapshot.complete
    assert snapshot.total == len(queue.rows) == FIRST_PAGE + 24
    assert snapshot.queue.rows == queue.rows[:FIRST_PAGE]  # the oldest, candidates and all
    assert snapshot.late == 2  # those of 1 and 2 September (the 3rd is within 48 h)
