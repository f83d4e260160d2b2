"""The figures the console's panes show, read on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.domain.matching import MatchKind
from packweb_tui.services.errors import OperationalError, UnknownEstablishment
from packweb_tui.services.overview import (
    accounts_overview,
    credentials_overview,
    open_database,
    requests_overview,
    settings_overview,
    sync_overview,
)
from packweb_tui.store.database import Database
from packweb_tui.store.models import Closure, Establishment, SyncRun, SyncStatus
from tests.tui_support import COLLEGE, LYCEE, OPERATOR, fill

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def test_requests_by_kind_and_overdue(db: Database) -> None:
    await fill(db, now=NOW)
    view = await requests_overview(db, LYCEE[0], now=NOW)
    assert view.pending == 4
    assert view.overdue == 3  # the fourth came an hour ago
    assert view.pending_by_kind[MatchKind.EXACT] >= 1
    assert view.pending_by_kind[MatchKind.NONE] == 1
    assert set(view.pending_by_kind) == set(MatchKind)
    assert view.oldest_pending == datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
    assert (view.approved, view.rejected) == (0, 0)
    later = await requests_overview(db, LYCEE[0], now=NOW + timedelta(days=3))
    assert later.overdue == 4


async def test_hosts_accounts_settings_sync(db: Database) -> None:
    await fill(db, now=NOW)
    hosts = await accounts_overview(db, LYCEE[0])
    assert hosts.hosts == 5
    assert hosts.hosts_by_kind_mode[(HostKind.ELEVE, HostMode.FORFAIT)] == 2
    assert hosts.hosts_by_kind_mode[(HostKind.STAGIAIRE, HostMode.FORFAIT)] == 0
    assert (hosts.payments, hosts.payments_cents, hosts.hosts_with_login) == (0, 0, 0)

    credentials = await credentials_overview(db, COLLEGE[0])
    assert credentials.accounts == 0
    assert credentials.by_state[0] == ("À envoyer", 0)

    async with db.writing() as session:
        eid = await session.scalar(select(Establishment.id).where(Establishment.uai == LYCEE[0]))
        session.add_all(
            [
                Closure(
                    establishment_id=eid,
                    starts_on=date(2026, 12, 19),
                    ends_on=date(2027, 1, 4),
                    label="Noël",
                    created_by=OPERATOR,
                ),
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
    settings = await settings_overview(db, LYCEE[0], today=date(2026, 11, 26))
    assert settings.saved and settings.requests_email is None and settings.pushed_at is None
    assert settings.current_closure is None
    assert [c.label for c in settings.upcoming_closures] == ["Noël"]
    during = await settings_overview(db, LYCEE[0], today=date(2026, 12, 25))
    assert during.current_closure is not None and during.current_closure.label == "Noël"

    sync = await sync_overview(db, LYCEE[0])
    assert sync.runs == 2
    assert sync.last is not None and sync.last.failed and sync.last.status == "échouée"
    assert sync.last.trigger == "à la demande" and sync.last.error == "portail injoignable"
    assert sync.last_success == NOW - timedelta(hours=10) + timedelta(minutes=1)
    assert (await sync_overview(db, COLLEGE[0])).last is None


async def test_unknown_establishment(db: Database) -> None:
    with pytest.raises(UnknownEstablishment):
        await requests_overview(db, LYCEE[0])


async def test_open_database_failure_is_one_french_line() -> None:
    with pytest.raises(OperationalError, match=r"^base de données inaccessible : "):
        await open_database("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
