"""Only `Database.create` makes a database; `Database.open` opens one that exists, and
refuses the URLs of databases we do not support before any driver is looked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from packweb_tui.domain.errors import InputError
from packweb_tui.store.database import Database, MissingDatabase
from packweb_tui.store.engine import normalize_url, sqlite_file
from packweb_tui.store.revision import HEAD_REVISION
from packweb_tui.store.schema import current_revision
from packweb_tui.store.urls import missing_sqlite_file, shown_url


async def test_opening_a_missing_database_creates_nothing(new_db_url: str) -> None:
    with pytest.raises(MissingDatabase) as caught:
        await Database.open(new_db_url)
    file = sqlite_file(normalize_url(new_db_url))
    if file is not None:
        assert caught.value.sqlite and caught.value.where == str(file)
        assert not file.exists() and not file.parent.exists()  # not even its folder
    else:
        assert not caught.value.sqlite and "schema=t_" in caught.value.where
        async with Database(new_db_url) as db, db.engine.connect() as conn:
            # The schema named in the URL still does not exist.
            assert (await conn.execute(text("SELECT current_schema()"))).scalar() is None
    async with await Database.create(new_db_url) as db:
        assert await current_revision(db.engine) == HEAD_REVISION
    async with await Database.open(new_db_url) as db:  # now it is there
        assert await current_revision(db.engine) == HEAD_REVISION


async def test_a_file_that_is_no_packweb_database_is_missing_too(tmp_path: Path) -> None:
    empty = tmp_path / "vide.db"
    empty.touch()
    with pytest.raises(MissingDatabase):
        await Database.open(str(empty))


async def test_the_password_is_not_shown() -> None:
    db = Database("postgresql://packweb:s3cret@127.0.0.1:1/packweb")
    try:
        assert "s3cret" not in db.shown_url and db.shown_url.startswith("postgresql+asyncpg://")
    finally:
        await db.close()


@pytest.mark.parametrize(
    "url",
    ["mysql://packweb:s3cret@db/packweb", "mariadb+pymysql://db/p", "sqlite3:///x.db", "foo://"],
)
def test_unsupported_databases_say_which_are(url: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_url(url)
    message = str(caught.value)
    assert "non prise en charge" in message and "s3cret" not in message
    assert "SQLite" in message and "postgresql://utilisateur@serveur/base" in message


def test_a_missing_sqlite_file_is_known_without_sqlalchemy(tmp_path: Path) -> None:
    there = tmp_path / "là.db"
    there.touch()
    absent = tmp_path / "absent.db"
    assert missing_sqlite_file(str(absent)) == absent
    assert missing_sqlite_file(f"sqlite+aiosqlite:///{absent}") == absent
    assert missing_sqlite_file(f"sqlite:///{there}") is None
    assert missing_sqlite_file("sqlite+aiosqlite:///:memory:") is None
    assert missing_sqlite_file(f"sqlite:///{absent}?mode=ro") is None  # left to the store
    assert missing_sqlite_file("postgresql://h/db") is None
    assert shown_url("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
