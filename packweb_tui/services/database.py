"""The store as a whole, for the faces that must not reach into it."""

from __future__ import annotations

from packweb_tui.store.database import Database
from packweb_tui.store.schema import current_revision


async def schema_revision(db: Database) -> str | None:
    """The revision the database's schema is at (None for a database without one); once
    `Database.open` or `create` has run, the newest."""
    return await current_revision(db.engine)
