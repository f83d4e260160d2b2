"""Read-only figures of one establishment, as the console's panes show them at a glance.

Every function reads in one short session and returns plain values: the console never sees
a model or a query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.domain.payments import PaymentMethod
from packweb_tui.domain.states import SyncStatus
from packweb_tui.services.establishments import require_establishment
from packweb_tui.store.database import Database
from packweb_tui.store.models import AccountHost, Host, Payment, SyncRun

SYNC_TRIGGER_LABELS = {
    "nightly": "de nuit",
    "manual": "à la demande",
    "cli": "en ligne de commande",
}


@dataclass(frozen=True, slots=True)
class AccountsOverview:
    hosts_by_kind_mode: dict[tuple[HostKind, HostMode], int]  # every pair, 0 when none
    hosts_with_login: int  # hosts a portal login reaches
    payments: int
    payments_cents: int
    online_payments: int
    online_cents: int

    @property
    def hosts(self) -> int:
        return sum(self.hosts_by_kind_mode.values())


async def accounts_overview(db: Database, uai: str) -> AccountsOverview:
    """Hosts by type and mode, how many have a portal login, payments received."""
    async with db.reading() as session:
        eid = (await require_establishment(session, uai)).id
        pairs = {
            (kind, mode): int(n)
            for kind, mode, n in await session.execute(
                select(Host.kind, Host.mode, func.count())
                .where(Host.establishment_id == eid)
                .group_by(Host.kind, Host.mode)
            )
        }
        with_login = await session.scalar(
            select(func.count(func.distinct(AccountHost.host_id)))
            .join(Host, Host.id == AccountHost.host_id)
            .where(Host.establishment_id == eid)
        )
        online = Payment.method == PaymentMethod.EN_LIGNE
        count, cents, online_count, online_cents = (
            await session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(Payment.amount_cents), 0),
                    func.count().filter(online),
                    func.coalesce(func.sum(Payment.amount_cents).filter(online), 0),
                ).where(Payment.establishment_id == eid)
            )
        ).one()
    return AccountsOverview(
        {(k, m): pairs.get((k, m), 0) for k in HostKind for m in HostMode},
        int(with_login or 0),
        int(count),
        int(cents),
        int(online_count),
        int(online_cents),
    )


@dataclass(frozen=True, slots=True)
class SyncRunSummary:
    started_at: datetime
    finished_at: datetime | None
    status: str  # French label
    failed: bool
    trigger: str  # French label
    operator: str
    counts: dict[str, Any]
    error: str | None


@dataclass(frozen=True, slots=True)
class SyncOverview:
    last: SyncRunSummary | None
    last_success: datetime | None  # when the last run that succeeded finished
    runs: int


async def sync_overview(db: Database, uai: str) -> SyncOverview:
    """The last synchronisation of the establishment, and the last one that succeeded."""
    async with db.reading() as session:
        eid = (await require_establishment(session, uai)).id
        mine = SyncRun.establishment_id == eid
        last = await session.scalar(
            select(SyncRun).where(mine).order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        )
        success = await session.scalar(
            select(func.max(SyncRun.finished_at)).where(mine, SyncRun.status == SyncStatus.OK)
        )
        runs = await session.scalar(select(func.count()).select_from(SyncRun).where(mine))
    summary = None
    if last is not None:
        summary = SyncRunSummary(
            last.started_at,
            last.finished_at,
            last.status.label,
            last.status == SyncStatus.FAILED,
            SYNC_TRIGGER_LABELS.get(last.trigger, last.trigger),
            last.operator,
            dict(last.counts or {}),
            last.error,
        )
    return SyncOverview(summary, success, int(runs or 0))
