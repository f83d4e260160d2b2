"""The handle every service works through: one engine, reading and writing sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from packweb_tui.store.engine import WRITE_OPTION, create_engine, normalize_url
from packweb_tui.store.schema import ensure_schema


class Database:
    def __init__(self, url: str | URL) -> None:
        self.url = normalize_url(url) if isinstance(url, str) else url
        self.engine = create_engine(self.url)
        writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(writer, expire_on_commit=False)

    @classmethod
    async def open(cls, url: str | URL) -> Database:
        """Connect and create or upgrade the schema if needed."""
        db = cls(url)
        try:
            await ensure_schema(db.engine)
        except BaseException:
            await db.close()
            raise
        return db

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
