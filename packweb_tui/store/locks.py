"""Writers that must take turns, whatever the engine."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Second key of the PostgreSQL advisory lock; the first is the schema's, so that deployments
# (or test runs) sharing one database in different schemas do not wait for each other.
_DECISIONS_KEY = 72_301


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
