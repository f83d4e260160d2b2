"""The store and the services over it, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.hostfile import parse_hosts
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestStatus, parse_request_items
from packweb_tui.services.establishments import add_establishment, list_establishments
from packweb_tui.services.hosts import import_hosts
from packweb_tui.services.requests import import_requests, list_requests
from packweb_tui.store import schema
from packweb_tui.store.database import Database
from packweb_tui.store.models import AuditEntry, Establishment, Host, SyncRun
from packweb_tui.store.revision import HEAD_REVISION

UAI = "0750655E"
OTHER = "0010001W"
HOSTS = (
    "uai;carte;nom;prenom;type;mode;classe\n"
    f"{UAI};123456;Dupont;Marie-Hélène;eleve;prepaye;2nde A\n"
    f"{UAI};777723457;Durand;Sophie;eleve;forfait;1re B\n"
    f"{UAI};555523457;Durand;Sophie;eleve;forfait;Tle C\n"
    f"{UAI};000011111;Martin;Léo;commensal;prepaye;\n"
)


def requests_json(*items: tuple[str, str, str, str]) -> list[dict[str, str]]:
    return [
        {
            "portal_id": pid,
            "uai": UAI,
            "card_digits": digits,
            "last_name": last,
            "first_name": first,
            "email": "parent@exemple.fr",
            "submitted_at": f"2026-09-0{n + 1}T08:00:00+02:00",
        }
        for n, (pid, digits, last, first) in enumerate(items)
    ]


async def setup(db: Database) -> None:
    await add_establishment(db, UAI, "Lycée Victor-Hugo", "alice")
    await import_hosts(db, parse_hosts(HOSTS.encode(), "h.csv"), "alice", "h.csv")


def test_head_revision_is_alembic_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(schema.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


async def test_schema_created_once_then_left_alone(db_url: str) -> None:
    async with await Database.open(db_url) as db:
        assert await schema.current_revision(db.engine) == HEAD_REVISION
        assert await schema.ensure_schema(db.engine) is False


async def test_instants_come_back_aware_in_utc(db: Database) -> None:
    paris = timezone(timedelta(hours=2))
    async with db.writing() as session:
        session.add(
            SyncRun(
                trigger="manual",
                operator="alice",
                started_at=datetime(2026, 9, 2, 8, 0, tzinfo=paris),
            )
        )
    async with db.reading() as session:
        started = (await session.scalars(select(SyncRun.started_at))).one()
    assert started == datetime(2026, 9, 2, 6, 0, tzinfo=UTC)
    assert started.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"):
        async with db.writing() as session:
            session.add(SyncRun(trigger="manual", operator="a", started_at=datetime(2026, 1, 1)))


async def test_sqlite_file_settings(sqlite_url: str) -> None:
    async with await Database.open(sqlite_url) as db, db.reading() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == 30000


async def test_establishments(db: Database) -> None:
    await add_establishment(db, UAI, "Lycée Victor-Hugo", "alice")
    await add_establishment(db, OTHER, "Collège Jean-Moulin", "alice")
    with pytest.raises(InputError, match="déjà enregistré"):
        await add_establishment(db, UAI.lower(), "Doublon", "alice")
    assert [v.uai for v in await list_establishments(db)] == [OTHER, UAI]


async def test_hosts_import_creates_updates_and_is_all_or_nothing(db: Database) -> None:
    await add_establishment(db, UAI, "Lycée Victor-Hugo", "alice")
    report = await import_hosts(db, parse_hosts(HOSTS.encode(), "h.csv"), "alice", "h.csv")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)

    changed = (
        HOSTS.replace("Martin;Léo", "Martin;Léon") + f"{UAI};999999;Petit;Jules;eleve;forfait;\n"
    )
    report = await import_hosts(db, parse_hosts(changed.encode(), "h.csv"), "bob", "h.csv")
    assert (report.created, report.updated, report.unchanged) == (1, 1, 3)

    # One unknown establishment refuses the whole file: nothing of it is written.
    mixed = changed.replace("Petit;Jules", "Petit;Julie") + f"{OTHER};123123;X;Y;eleve;forfait;\n"
    with pytest.raises(InputErrors, match=f"établissement {OTHER} inconnu"):
        await import_hosts(db, parse_hosts(mixed.encode(), "h.csv"), "bob", "h.csv")
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Host)) == 5
        names = set((await session.scalars(select(Host.first_name))).all())
        assert "Julie" not in names and "Léon" in names
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
        operators = (await session.scalars(select(AuditEntry.operator))).all()
    assert actions == ["establishment.add", "hosts.import", "hosts.import"]
    assert set(operators) == {"alice", "bob"}


async def test_dry_run_writes_nothing(db: Database) -> None:
    await add_establishment(db, UAI, "Lycée Victor-Hugo", "alice")
    report = await import_hosts(db, parse_hosts(HOSTS.encode(), "h.csv"), "a", "h.csv", True)
    assert report.created == 4 and report.dry_run
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Host)) == 0


async def test_requests_are_matched_and_import_is_idempotent(db: Database) -> None:
    await setup(db)
    items = requests_json(
        ("p1", "23456", "DUPONT", "marie helene"),  # exact
        ("p2", "23457", "Durand", "Sophie"),  # two cards …23457, same names
        ("p3", "11111", "Martinn", "Léo"),  # typo
        ("p4", "11111", "Bernard", "Luc"),  # card of someone else
        ("p5", "99999", "Petit", "Jules"),  # no such card
        ("p6", "23456", "Dupont", "Marie-Hélène"),  # same person again
    )
    report = await import_requests(db, parse_request_items(items, "r.json"), "alice", "r.json")
    assert (report.new, report.already_known) == (6, 0)
    again = await import_requests(db, parse_request_items(items, "r.json"), "alice", "r.json")
    assert (again.new, again.already_known) == (0, 6)

    views = {v.portal_id: v for v in await list_requests(db, UAI, RequestStatus.PENDING)}
    assert len(views) == 6
    kinds = {pid: v.match_kind for pid, v in views.items()}
    assert kinds == {
        "p1": MatchKind.EXACT,
        "p2": MatchKind.AMBIGUOUS,
        "p3": MatchKind.PROBABLE,
        "p4": MatchKind.MISMATCH,
        "p5": MatchKind.NONE,
        "p6": MatchKind.DUPLICATE,
    }
    assert views["p1"].host_card == "123456"
    assert views["p2"].cards == ("555523457", "777723457") and views["p2"].host_card is None
    assert views["p4"].host_card is None  # never attached to someone else's child
    item = views["p1"].to_json()
    assert set(item) >= {
        "id",
        "portal_id",
        "uai",
        "card_digits",
        "last_name",
        "first_name",
        "email",
        "submitted_at",
        "status",
        "match",
    }
    assert item["match"]["kind"] == "exact" and item["match"]["cards"] == ["123456"]


async def test_reimporting_hosts_matches_pending_requests_again(db: Database) -> None:
    await setup(db)
    items = requests_json(("p1", "22222", "Petit", "Jules"))
    await import_requests(db, parse_request_items(items, "r.json"), "alice", "r.json")
    [view] = await list_requests(db, UAI)
    assert view.match_kind is MatchKind.NONE
    newcomer = HOSTS + f"{UAI};4422222;Petit;Jules;eleve;forfait;6e A\n"
    await import_hosts(db, parse_hosts(newcomer.encode(), "h.csv"), "alice", "h.csv")
    [view] = await list_requests(db, UAI)
    assert view.match_kind is MatchKind.EXACT and view.host_card == "4422222"


async def test_requests_of_unknown_establishment_are_refused(db: Database) -> None:
    await setup(db)
    items = requests_json(("p1", "23456", "Dupont", "Marie"))
    items[0]["uai"] = OTHER
    with pytest.raises(InputErrors, match="inconnu"):
        await import_requests(db, parse_request_items(items, "r.json"), "alice", "r.json")
    assert await list_requests(db) == []


async def test_cascade_keeps_the_store_consistent(db: Database) -> None:
    await setup(db)
    async with db.writing() as session:
        establishment = (await session.scalars(select(Establishment))).one()
        await session.delete(establishment)
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Host)) == 0


def test_bare_path_means_sqlite(tmp_path: Path) -> None:
    from packweb_tui.store.engine import normalize_url

    url = normalize_url(str(tmp_path / "x.db"))
    assert url.drivername == "sqlite+aiosqlite" and url.database == str(tmp_path / "x.db")
    assert normalize_url("postgresql://h/db").drivername == "postgresql+asyncpg"


async def test_two_first_uses_at_once_both_succeed(new_db_url: str) -> None:
    """Two creations of a new database at once (two `packweb db upgrade`, say)."""
    first, second = await asyncio.gather(Database.create(new_db_url), Database.create(new_db_url))
    try:
        for db in (first, second):
            assert await schema.current_revision(db.engine) == HEAD_REVISION
    finally:
        await first.close()
        await second.close()
