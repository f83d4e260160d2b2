"""Shared fixtures: a fresh database on each engine (a SQLite file, a PostgreSQL schema)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from packweb_tui.store.database import Database

PG_URL = os.environ.get("PACKWEB_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the machine's configuration or writes in the user's data directory."""
    for name in ("PACKWEB_DB_URL", "PACKWEB_CONFIG", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    import asyncpg

    async def probe() -> None:
        dsn = PG_URL.replace("postgresql+asyncpg", "postgresql")
        conn = await asyncpg.connect(dsn, timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


@pytest.fixture(scope="session")
def pg_available() -> None:
    why = _pg_reachable()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must be reachable under CI ({PG_URL}): {why}")
        pytest.skip(f"PostgreSQL unreachable: {why}")


def _drop_schema(schema: str) -> None:
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(drop())


def create_database(url: str) -> str:
    """Create the database at `url` (its schema at the newest revision), as `packweb db
    upgrade` does: only that and `packweb demo` make one; every other use needs it there."""

    async def create() -> None:
        await (await Database.create(url)).close()

    asyncio.run(create())
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database's file, made once: each test's is a copy (the migration runs once)."""
    path = tmp_path_factory.mktemp("template") / "packweb.db"
    create_database(f"sqlite+aiosqlite:///{path}")
    return path


def make_db_url(engine: str, tmp_path: Path, template: Path | None) -> Iterator[str]:
    """A new, empty database (its tables, no rows); none at all without a `template`."""
    if engine == "sqlite":
        if template is None:  # in a folder that is not there either
            yield f"sqlite+aiosqlite:///{tmp_path / 'nouvelle' / 'packweb.db'}"
            return
        shutil.copyfile(template, tmp_path / "packweb.db")
        yield f"sqlite+aiosqlite:///{tmp_path / 'packweb.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = f"{PG_URL}?schema={schema}"
    yield url if template is None else create_database(url)
    _drop_schema(schema)


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A URL of a new, empty database: a SQLite file, then a PostgreSQL schema."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_available")
    yield from make_db_url(request.param, tmp_path, sqlite_template)


@pytest.fixture(params=ENGINES)
def new_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL where there is no database yet: a SQLite file, then a PostgreSQL schema."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_available")
    yield from make_db_url(request.param, tmp_path, None)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A URL of a new, empty SQLite database."""
    shutil.copyfile(sqlite_template, tmp_path / "packweb.db")
    return f"sqlite+aiosqlite:///{tmp_path / 'packweb.db'}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await Database.open(db_url)
    try:
        yield database
    finally:
        await database.close()
