"""The figures the console's panes show, read on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.domain.states import SyncStatus
from packweb_tui.services.database import open_database
from packweb_tui.services.errors import OperationalError, UnknownEstablishment
from packweb_tui.services.overview import accounts_overview, sync_overview
from packweb_tui.store.database import Database
from packweb_tui.store.models import Establishment, SyncRun
from tests.tui.support import COLLEGE, LYCEE, OPERATOR, fill

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def test_hosts_accounts_and_sync(db: Database) -> None:
    await fill(db, now=NOW)
    hosts = await accounts_overview(db, LYCEE[0])
    assert hosts.hosts == 5
    assert hosts.hosts_by_kind_mode[(HostKind.ELEVE, HostMode.FORFAIT)] == 2
    assert hosts.hosts_by_kind_mode[(HostKind.STAGIAIRE, HostMode.FORFAIT)] == 0
    assert (hosts.payments, hosts.payments_cents, hosts.hosts_with_login) == (0, 0, 0)

    async with db.writing() as session:
        eid = await session.scalar(select(Establishment.id).where(Establishment.uai == LYCEE[0]))
        session.add_all(
            [
                SyncRun(
                    establishment_id=eid,
                    trigger="nightly",
                    operator="packweb",
                    started_at=NOW - timedelta(hours=10),
                    finished_at=NOW - timedelta(hours=10) + timedelta(minutes=1),
                    status=SyncStatus.OK,
                    counts={"demandes": 3},
                ),
                SyncRun(
                    establishment_id=eid,
                    trigger="manual",
                    operator=OPERATOR,
                    started_at=NOW - timedelta(hours=1),
                    status=SyncStatus.FAILED,
                    error="portail injoignable",
                ),
            ]
        )
    sync = await sync_overview(db, LYCEE[0])
    assert sync.runs == 2
    assert sync.last is not None and sync.last.failed and sync.last.status == "échouée"
    assert sync.last.trigger == "à la demande" and sync.last.error == "portail injoignable"
    assert sync.last_success == NOW - timedelta(hours=10) + timedelta(minutes=1)
    assert (await sync_overview(db, COLLEGE[0])).last is None


async def test_unknown_establishment(db: Database) -> None:
    with pytest.raises(UnknownEstablishment):
        await accounts_overview(db, LYCEE[0])


async def test_open_database_failure_is_one_french_line() -> None:
    with pytest.raises(OperationalError, match=r"^base de données inaccessible : "):
        await open_database("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
