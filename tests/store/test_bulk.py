"""store.bulk.execute_many stores exactly what session.execute(statement, rows) stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import bindparam, insert, select, update

from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.services.establishments import add_establishment
from packweb_tui.store.bulk import execute_many
from packweb_tui.store.database import Database
from packweb_tui.store.models import Host, SyncRun, table_of

HOSTS = table_of(Host)
MOMENT = datetime(2026, 9, 2, 8, 0, tzinfo=timezone(timedelta(hours=2)))


def rows(establishment_id: int) -> list[dict[str, object]]:
    return [
        {
            "establishment_id": establishment_id,
            "card": f"{n:06d}",
            "card_suffix": f"{n:05d}",
            "last_name": "Dupont",
            "first_name": f"Élise {n}",
            "last_folded": "dupont",
            "first_folded": f"elise {n}",
            "kind": HostKind.ELEVE if n % 2 else HostKind.COMMENSAL,
            "mode": HostMode.FORFAIT,
            "class_name": None if n % 3 else "2nde A",
            "email": None,
            "balance_cents": n,
            "created_at": MOMENT,
            "updated_at": MOMENT + timedelta(minutes=n % 2),
        }
        for n in range(1, 8)
    ]


async def stored(db: Database, establishment_id: int) -> list[tuple[object, ...]]:
    columns = [c for c in HOSTS.columns if c.name not in ("id", "establishment_id")]
    async with db.reading() as session:
        query = (
            select(*columns)
            .where(HOSTS.c.establishment_id == establishment_id)
            .order_by(HOSTS.c.card)
        )
        return [tuple(r) for r in (await session.execute(query)).all()]


async def test_same_rows_as_the_ordinary_path(db: Database) -> None:
    fast = (await add_establishment(db, "0750655E", "Lycée", "alice")).id
    slow = (await add_establishment(db, "0010001W", "Collège", "alice")).id
    async with db.writing() as session:
        await execute_many(session, insert(HOSTS), rows(fast))
        await session.execute(insert(HOSTS), rows(slow))
        await execute_many(session, insert(HOSTS), [])  # nothing to do
    assert await stored(db, fast) == await stored(db, slow)
    [first] = [r for r in await stored(db, fast) if r[0] == "000001"]
    assert HostKind.ELEVE in first and MOMENT.astimezone(UTC) in first

    later = datetime(2026, 9, 3, 8, 0, tzinfo=UTC)
    statement = (
        update(HOSTS)
        .where(HOSTS.c.establishment_id == bindparam("e"), HOSTS.c.card == bindparam("c"))
        .values(
            mode=bindparam("mode"),
            updated_at=bindparam("at"),
            balance_cents=HOSTS.c.balance_cents + 1000,
        )
    )
    async with db.writing() as session:
        for establishment_id, run in ((fast, execute_many), (slow, None)):
            changes = [
                {"e": establishment_id, "c": r["card"], "mode": HostMode.PREPAYE, "at": later}
                for r in rows(establishment_id)
            ]
            if run is None:
                await session.execute(statement, changes)
            else:
                await run(session, statement, changes)
    assert await stored(db, fast) == await stored(db, slow)
    async with db.reading() as session:
        query = select(Host.mode, Host.updated_at, Host.balance_cents).where(
            Host.establishment_id == fast
        )
        updated = (await session.execute(query.order_by(Host.card))).all()
    assert updated == [(HostMode.PREPAYE, later, 1000 + n) for n in range(1, 8)]


async def test_missing_keys_take_the_ordinary_path(db: Database) -> None:
    """Columns left out get their defaults, as with session.execute."""
    async with db.writing() as session:
        await execute_many(
            session, insert(table_of(SyncRun)), [{"trigger": "cli", "operator": "alice"}] * 3
        )
    async with db.reading() as session:
        runs = (await session.scalars(select(SyncRun))).all()
    assert len(runs) == 3 and all(r.started_at.tzinfo is not None and r.counts == {} for r in runs)
