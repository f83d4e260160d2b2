"""The store as a whole, for the faces that must not reach into it: opening it, and which
revision its schema is at."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from packweb_tui.domain.errors import InputError
from packweb_tui.services.errors import OperationalError, failure_words, unreachable
from packweb_tui.store.database import Database, MissingDatabase
from packweb_tui.store.schema import current_revision


async def open_database(url: str | URL) -> Database:
    """Open the store, which must exist (an older schema is upgraded); OperationalError with
    a one-line French reason when it is missing or cannot be opened."""
    try:
        return await Database.open(url)
    except (MissingDatabase, InputError) as error:
        raise OperationalError(failure_words(error)) from error
    except (SQLAlchemyError, OSError, ConnectionError, ValueError) as error:
        detail = error.orig if isinstance(error, DBAPIError) and error.orig else error
        raise OperationalError(unreachable(detail)) from error


async def schema_revision(db: Database) -> str | None:
    """The revision the database's schema is at (None for a database without one); once
    `Database.open` or `create` has run, the newest."""
    return await current_revision(db.engine)
