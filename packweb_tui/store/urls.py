"""Which database URLs the store takes, read without SQLAlchemy: the command line checks the
URL it is given before anything is imported (the console starts without SQLAlchemy), and
the engine checks it again (store/engine.py), so no URL reaches a driver we do not have."""

from __future__ import annotations

import re
from pathlib import Path

from packweb_tui.domain.errors import InputError

# What `--db`, PACKWEB_DB_URL and [database] url may say (engine.normalize_url adds the
# async drivers): a bare path is a SQLite file.
SQLITE_SCHEMES = frozenset({"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"})
POSTGRESQL_SCHEMES = frozenset(
    {"postgresql", "postgres", "postgresql+asyncpg", "postgresql+psycopg2", "postgresql+psycopg"}
)
SUPPORTED = (
    "un fichier SQLite (/var/lib/packweb/packweb.db ou sqlite:////var/lib/packweb/packweb.db) "
    "ou une base PostgreSQL (postgresql://utilisateur@serveur/base, ?schema=NOM au besoin)"
)


def without_password(url: str) -> str:
    """The URL as it may be shown: `postgresql://packweb:***@db/packweb`."""
    return re.sub(r"^([^:/]+://[^:/@]+):[^@]*@", r"\1:***@", url)


def shown_url(url: str) -> str:
    """Where a database is, as the operator reads it: a SQLite file's path, else the URL
    without its password."""
    if "://" not in url:
        return str(Path(url).expanduser())
    scheme, _, rest = url.partition("://")
    if scheme.lower() in SQLITE_SCHEMES and rest.startswith("/") and len(rest) > 1:
        return rest[1:]  # sqlite:///relative, sqlite:////absolute
    return without_password(url)


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL when it does not exist (None when it does, or for anything
    but a plain SQLite path): the console says so before it starts. The store checks again
    when it opens (Database.open)."""
    if "?" in url or ("://" in url and url.partition("://")[0].lower() not in SQLITE_SCHEMES):
        return None
    shown = shown_url(url)
    if shown in ("", ":memory:") or "://" in shown:
        return None
    path = Path(shown)
    return None if path.exists() else path


def check_url(url: str) -> str:
    """The scheme of a URL the store takes (« sqlite » for a bare path); InputError for any
    other (MySQL, a typo in the scheme), saying which are taken."""
    if "://" not in url:
        return "sqlite"
    scheme = url.partition("://")[0].lower()
    if scheme in SQLITE_SCHEMES or scheme in POSTGRESQL_SCHEMES:
        return scheme
    raise InputError(
        f"base de données « {without_password(url)} » non prise en charge : indiquez {SUPPORTED}"
    )
