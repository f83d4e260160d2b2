"""The migrations: a store made by an earlier revision is brought to the current one with its
rows kept, and the migrated schema is the models' own; on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from packweb_tui.services.establishments import change_establishment, list_establishments
from packweb_tui.store import schema
from packweb_tui.store.database import Database
from packweb_tui.store.models import Base
from packweb_tui.store.revision import HEAD_REVISION


def _upgrade_to(connection: Connection, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(schema.MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _differences(connection: Connection) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_a_store_of_the_first_revision_gets_the_phone_column(new_db_url: str) -> None:
    db_url = new_db_url  # nothing there yet: the first revision is made by hand below
    if db_url.startswith("sqlite"):
        Path(db_url.split("///", 1)[1]).parent.mkdir(parents=True)
    db = Database(db_url)
    try:
        async with db.engine.begin() as conn:
            if db.dialect == "postgresql":
                name = db_url.rsplit("schema=", 1)[1]
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
            await conn.run_sync(_upgrade_to, "0001_initial")
            await conn.execute(
                text("INSERT INTO establishments (uai, name, address, created_at) "
                     "VALUES ('0750655E', 'Lycée Victor-Hugo', '3 rue de Sévigné', "
                     "CURRENT_TIMESTAMP)")
            )  # fmt: skip
        assert await schema.ensure_schema(db.engine) is True
        assert await schema.current_revision(db.engine) == HEAD_REVISION
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
        (lycee,) = await list_establishments(db)
        assert (lycee.name, lycee.address, lycee.phone) == (
            "Lycée Victor-Hugo", ("3 rue de Sévigné",), None,
        )  # fmt: skip
        changed = await change_establishment(db, "0750655E", "alice", phone="0144556677")
        assert changed.phone == "01 44 55 66 77"
    finally:
        await db.close()
