"""The handle every service works through: one engine, reading and writing sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from packweb_tui.store.engine import WRITE_OPTION, create_engine, normalize_url, sqlite_file
from packweb_tui.store.revision import HEAD_REVISION
from packweb_tui.store.schema import current_revision, ensure_schema
from packweb_tui.store.urls import shown_url


class MissingDatabase(RuntimeError):
    """No PackWeb database at the URL given: a SQLite file that does not exist, a database
    or schema without our tables. `where` is the file's path or the URL (without password)."""

    def __init__(self, where: str, *, sqlite: bool) -> None:
        super().__init__(where)
        self.where = where
        self.sqlite = sqlite


class Database:
    def __init__(self, url: str | URL) -> None:
        self.url = normalize_url(url) if isinstance(url, str) else url
        self.engine = create_engine(self.url)
        writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(writer, expire_on_commit=False)

    @classmethod
    async def open(cls, url: str | URL) -> Database:
        """Connect to an existing PackWeb database, upgrading its schema if it is older.
        MissingDatabase, and nothing created, when there is none at `url`: a mistyped path
        must not silently become a new, empty database."""
        db = cls(url)
        try:
            file = sqlite_file(db.url)
            if file is not None and not file.is_file():  # connecting would create it
                raise MissingDatabase(str(file), sqlite=True)
            revision = await current_revision(db.engine)  # the one query of a usual start
            if revision is None:
                raise MissingDatabase(db.shown_url, sqlite=file is not None)
            if revision != HEAD_REVISION:  # an older schema is brought up to date
                await ensure_schema(db.engine)
        except BaseException:
            await db.close()
            raise
        return db

    @classmethod
    async def create(cls, url: str | URL) -> Database:
        """Connect, creating the database if there is none (a SQLite file and its folder,
        a PostgreSQL schema and the tables), or upgrading its schema: for `packweb db
        upgrade`, `packweb demo` and the tests, the only ones that make a database."""
        parsed = normalize_url(url) if isinstance(url, str) else url
        if (file := sqlite_file(parsed)) is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        db = cls(parsed)
        try:
            await ensure_schema(db.engine)
        except BaseException:
            await db.close()
            raise
        return db

    @property
    def shown_url(self) -> str:
        """Where the database is, as it may be shown: a SQLite file's path, else the URL
        without its password."""
        return shown_url(self.url.render_as_string(hide_password=True))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self._read() as session:
            yield session

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends, rolled back on any error, so
        nothing is ever half-written."""
        async with self._write() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
