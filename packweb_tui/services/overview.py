"""Read-only figures of one establishment, as the console's panes show them at a glance.

Every function reads in one short session and returns plain values: the console never sees
a model or a query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.hosts import HostKind, HostMode
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.payments import PaymentMethod
from packweb_tui.domain.requests import ANSWER_DELAY_HOURS, RequestStatus
from packweb_tui.services.errors import OperationalError, first_line
from packweb_tui.services.establishments import require_establishment
from packweb_tui.store.database import Database
from packweb_tui.store.models import (
    AccountHost,
    AccountRequest,
    Closure,
    CredentialsState,
    Host,
    Letter,
    LetterState,
    Payment,
    PortalAccount,
    PortalSettings,
    SyncRun,
    SyncStatus,
)
from packweb_tui.store.types import utcnow

CREDENTIALS_LABELS = {
    CredentialsState.TO_SEND: "À envoyer",
    CredentialsState.SENT: "Envoyés par courriel",
    CredentialsState.PRINTED: "Imprimés",
    CredentialsState.FAILED: "Échec d'envoi",
}
SYNC_STATUS_LABELS = {
    SyncStatus.RUNNING: "en cours",
    SyncStatus.OK: "réussie",
    SyncStatus.FAILED: "échouée",
}
SYNC_TRIGGER_LABELS = {
    "nightly": "de nuit",
    "manual": "à la demande",
    "cli": "en ligne de commande",
}


async def open_database(url: str | URL) -> Database:
    """Open the store (creating or upgrading its schema); OperationalError with a one-line
    French reason when it cannot be opened."""
    try:
        return await Database.open(url)
    except (SQLAlchemyError, OSError, ConnectionError, ValueError) as error:
        detail = error.orig if isinstance(error, DBAPIError) and error.orig else error
        reason = first_line(detail)
        raise OperationalError(f"base de données inaccessible : {reason}") from error


def _counts(rows: Iterable[Any]) -> dict[Any, int]:
    """(key, count) rows as a dict (a Result has .keys(), so dict() would misread it)."""
    return {key: int(count) for key, count in rows}


@dataclass(frozen=True, slots=True)
class RequestsOverview:
    pending_by_kind: dict[MatchKind, int]  # every kind, 0 when there is none
    overdue: int  # pending for longer than the 48 hours the school promises
    oldest_pending: datetime | None
    approved: int
    rejected: int

    @property
    def pending(self) -> int:
        return sum(self.pending_by_kind.values())


async def requests_overview(
    db: Database, uai: str, now: datetime | None = None
) -> RequestsOverview:
    """Pending requests by match kind, how many wait beyond 48 hours, decided ones."""
    limit = (now or utcnow()) - timedelta(hours=ANSWER_DELAY_HOURS)
    async with db.reading() as session:
        eid = (await require_establishment(session, uai)).id
        mine = AccountRequest.establishment_id == eid
        pending = AccountRequest.status == RequestStatus.PENDING
        by_kind = _counts(
            await session.execute(
                select(AccountRequest.match_kind, func.count())
                .where(mine, pending)
                .group_by(AccountRequest.match_kind)
            )
        )
        overdue, oldest = (
            await session.execute(
                select(
                    func.count().filter(AccountRequest.submitted_at < limit),
                    func.min(AccountRequest.submitted_at),
                ).where(mine, pending)
            )
        ).one()
        decided = _counts(
            await session.execute(
                select(AccountRequest.status, func.count())
                .where(mine, ~pending)
                .group_by(AccountRequest.status)
            )
        )
    return RequestsOverview(
        {kind: int(by_kind.get(kind, 0)) for kind in MatchKind},
        int(overdue or 0),
        oldest,
        int(decided.get(RequestStatus.APPROVED, 0)),
        int(decided.get(RequestStatus.REJECTED, 0)),
    )


@dataclass(frozen=True, slots=True)
class CredentialsOverview:
    by_state: tuple[tuple[str, int], ...]  # (French label, count), in the order of the flow
    accounts: int
    disabled: int
    first_login_pending: int  # initial password not changed yet
    letters_pending: int  # letters not delivered yet (they still hold a plain password)


async def credentials_overview(db: Database, uai: str) -> CredentialsOverview:
    """Portal accounts by state of their credentials, and letters still to deliver."""
    async with db.reading() as session:
        eid = (await require_establishment(session, uai)).id
        mine = PortalAccount.establishment_id == eid
        states = _counts(
            await session.execute(
                select(PortalAccount.credentials, func.count())
                .where(mine)
                .group_by(PortalAccount.credentials)
            )
        )
        disabled, first_login = (
            await session.execute(
                select(
                    func.count().filter(PortalAccount.enabled.is_(False)),
                    func.count().filter(PortalAccount.must_change_password.is_(True)),
                ).where(mine)
            )
        ).one()
        letters = await session.scalar(
            select(func.count())
            .select_from(Letter)
            .join(PortalAccount, PortalAccount.id == Letter.account_id)
            .where(mine, Letter.state == LetterState.PENDING)
        )
    return CredentialsOverview(
        tuple((label, int(states.get(state, 0))) for state, label in CREDENTIALS_LABELS.items()),
        sum(int(n) for n in states.values()),
        int(disabled or 0),
        int(first_login or 0),
        int(letters or 0),
    )


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
class ClosureSpan:
    starts_on: date
    ends_on: date
    label: str


@dataclass(frozen=True, slots=True)
class SettingsOverview:
    saved: bool  # False: the establishment has no settings row (defaults apply)
    school_email: str | None = None
    requests_email: str | None = None
    show_meal_count: bool = True
    min_meals: int = 1
    show_credit_amount: bool = True
    min_credit_amount_cents: int = 100
    min_forfait_amount_cents: int = 0
    school_website: str | None = None
    reservation_weeks: int = 8
    reservation_lead_days: int = 0
    block_online_payment: bool = False
    block_online_reservation: bool = False
    pushed_at: datetime | None = None  # when a synchronisation last sent them to the portal
    changed_since_push: bool = False
    current_closure: ClosureSpan | None = None
    upcoming_closures: tuple[ClosureSpan, ...] = field(default=())


async def settings_overview(db: Database, uai: str, today: date | None = None) -> SettingsOverview:
    """The portal settings ("Configurer mon espace numérique") and the dated closures that
    are running or to come (days in Paris)."""
    day = today or utcnow().astimezone(PARIS).date()
    async with db.reading() as session:
        eid = (await require_establishment(session, uai)).id
        row = await session.get(PortalSettings, eid)
        closures = (
            await session.scalars(
                select(Closure)
                .where(Closure.establishment_id == eid, Closure.ends_on >= day)
                .order_by(Closure.starts_on, Closure.id)
            )
        ).all()
    spans = [ClosureSpan(c.starts_on, c.ends_on, c.label) for c in closures]
    current = next((s for s in spans if s.starts_on <= day), None)
    upcoming = tuple(s for s in spans if s.starts_on > day)
    if row is None:
        return SettingsOverview(False, current_closure=current, upcoming_closures=upcoming)
    return SettingsOverview(
        True,
        row.school_email,
        row.requests_email,
        row.show_meal_count,
        row.min_meals,
        row.show_credit_amount,
        row.min_credit_amount_cents,
        row.min_forfait_amount_cents,
        row.school_website,
        row.reservation_weeks,
        row.reservation_lead_days,
        row.block_online_payment,
        row.block_online_reservation,
        row.pushed_at,
        row.pushed_at is not None and row.updated_at > row.pushed_at,
        current,
        upcoming,
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
            SYNC_STATUS_LABELS[last.status],
            last.status == SyncStatus.FAILED,
            SYNC_TRIGGER_LABELS.get(last.trigger, last.trigger),
            last.operator,
            dict(last.counts or {}),
            last.error,
        )
    return SyncOverview(summary, success, int(runs or 0))
