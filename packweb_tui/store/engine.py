"""Opening the database: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from packweb_tui.domain.errors import InputError
from packweb_tui.store.urls import POSTGRESQL_SCHEMES, SQLITE_SCHEMES, SUPPORTED, check_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "packweb_write"


def normalize_url(url: str) -> URL:
    """Accept the usual spellings: a bare path means a SQLite file; `sqlite:` and
    `postgresql:` get their async drivers. InputError for a database we do not support
    (store/urls.py), rather than a driver's "No module named 'MySQLdb'"."""
    if check_url(url) == "sqlite" and "://" not in url:
        return URL.create("sqlite+aiosqlite", database=str(Path(url).expanduser()))
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"adresse de base de données illisible : indiquez {SUPPORTED}") from None
    if parsed.drivername in SQLITE_SCHEMES:
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in POSTGRESQL_SCHEMES:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL or a database in memory."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def pg_schema(url: URL) -> str | None:
    """The `?schema=NAME` of a PostgreSQL URL: several deployments (or test runs) may share
    one database, each in its own schema."""
    value = url.query.get("schema")
    return value if isinstance(value, str) else None


def create_engine(url: str | URL) -> AsyncEngine:
    parsed = normalize_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    connect_args: dict[str, Any] = {}
    schema = pg_schema(parsed)
    if schema:
        parsed = parsed.difference_update_query(["schema"])
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(parsed, connect_args=connect_args, pool_pre_ping=True)


def _sqlite_engine(url: URL) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions; then set the file up for
        # several readers and one writer at a time (a console and the daemon, say).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        # A writing transaction takes the write lock up front (BEGIN IMMEDIATE), so it waits
        # for its turn under the busy timeout instead of failing half-way; readers never wait.
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
