"""Creating or upgrading the schema on first use.

The common case (schema already current) must stay cheap: it reads the Alembic version row
with one query and does not import Alembic at all."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from packweb_tui.store.engine import WRITE_OPTION
from packweb_tui.store.revision import HEAD_REVISION

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x7061636B  # "pack": one migrator at a time on a shared server


async def current_revision(engine: AsyncEngine) -> str | None:
    """The schema's revision; None when the database has no tables of ours yet. Any other
    failure (a file that is no database, a server out of reach) is raised as it is."""
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT version_num FROM alembic_version"))).first()
    except DBAPIError as error:
        if _no_such_table(error.orig):
            return None  # no table yet: a new database
        raise
    return str(row[0]) if row else None


def _no_such_table(reason: BaseException | None) -> bool:
    # PostgreSQL's undefined_table (the schema of the search path may not exist either);
    # SQLite's own words.
    return getattr(reason, "sqlstate", None) == "42P01" or "no such table" in str(reason)


async def ensure_schema(engine: AsyncEngine) -> bool:
    """Bring the schema to HEAD_REVISION; True when a migration ran."""
    if await current_revision(engine) == HEAD_REVISION:
        return False
    # On SQLite the writing option makes it BEGIN IMMEDIATE: two first uses at once queue up
    # instead of failing; on PostgreSQL an advisory lock does the same.
    async with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            schema = (await conn.execute(text("SELECT current_schema()"))).scalar()
            if schema is None:  # the search_path names a schema that does not exist yet
                path = (await conn.execute(text("SHOW search_path"))).scalar_one()
                name = str(path).split(",")[0].strip().strip('"')
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
        await conn.run_sync(_upgrade)
    return True


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
