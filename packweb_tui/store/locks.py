"""Writers that must take turns, whatever the engine."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from packweb_tui.store.database import Database

# The second key of each PostgreSQL advisory lock; the first is the schema's, so that
# deployments (or test runs) sharing one database in different schemas do not wait for each
# other. One place for them all, so that no two locks share a key.
_DECISIONS_KEY = 72_301  # requests matched, approved, rejected or attached
_SENDER_KEY = 72_302  # the outbox's sender


async def take_decisions_lock(session: AsyncSession) -> None:
    """Hold until the end of the current writing transaction the lock under which requests
    are matched, approved, rejected or attached, one transaction at a time.

    SQLite needs nothing more: a writing transaction already holds the file's only write lock
    (BEGIN IMMEDIATE). On PostgreSQL it is a transaction-scoped advisory lock: without it two
    approvals could each pick the same free login, or each give an account to the same host,
    and a matching could rewrite a request while an approval claims it."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(current_schema()), :key)"),
            {"key": _DECISIONS_KEY},
        )


@contextlib.asynccontextmanager
async def sender_lock(db: Database) -> AsyncIterator[bool]:
    """Whether this run of the outbox's sender may send (True), holding the lock for its
    length; False when another sender holds it. A PostgreSQL advisory lock held by a
    connection of its own, a lock file beside a SQLite database. A crash releases it (the
    lock file's or the database session's end)."""
    if db.dialect == "postgresql":
        async with db.engine.connect() as connection:
            key = {"key": _SENDER_KEY}
            got = await connection.scalar(
                text("SELECT pg_try_advisory_lock(hashtext(current_schema()), :key)"), key
            )
            await connection.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    with contextlib.suppress(Exception):
                        await connection.execute(
                            text("SELECT pg_advisory_unlock(hashtext(current_schema()), :key)"),
                            key,
                        )
                        await connection.commit()
        return
    database = db.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield True  # a database of this process only
        return
    import fcntl

    path = Path(f"{database}.outbox-lock")
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:  # created by another operator: reading is enough to lock
        descriptor = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # releases the lock
