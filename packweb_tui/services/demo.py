"""The demo: the bundled data set (data/demo/, made by bench/datagen.py) loaded into its own
store through the same services an operator uses, its dates moved to the present."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select

from packweb_tui.domain.dates import PARIS
from packweb_tui.domain.emails import normalize_email
from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.hosts import normalize_card
from packweb_tui.domain.money import parse_euros
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.payments import PaymentRecord
from packweb_tui.domain.requests import RequestRecord
from packweb_tui.domain.states import AvisState, CredentialsState
from packweb_tui.domain.tabular import Row, read_table
from packweb_tui.domain.uai import normalize_uai
from packweb_tui.resources import demo_dir
from packweb_tui.services import audit
from packweb_tui.services.establishments import add_establishment, establishment_ids
from packweb_tui.services.files import read_input_file
from packweb_tui.services.hosts import import_hosts, read_hosts_file
from packweb_tui.services.passwords import hash_password
from packweb_tui.services.payments import import_payments, read_payments_file
from packweb_tui.services.requests import import_requests, read_requests_file
from packweb_tui.store.database import Database
from packweb_tui.store.models import (
    AccountHost,
    Base,
    Establishment,
    Host,
    PortalAccount,
    Receivable,
    UsedLogin,
)
from packweb_tui.store.types import utcnow

# Every demo account has this password (the demo's portal login); it is hashed once.
DEMO_PASSWORD = "Demo-Cantine-2026"


def demo_db_url(data_dir: Path) -> str:
    """The demo's own SQLite file in `data_dir`, apart from the real store."""
    return f"sqlite+aiosqlite:///{data_dir / 'demo.db'}"


async def prepare_demo(db: Database, operator: str, reset: bool) -> bool:
    """Empty the store first when `reset`; then, if it holds no establishment, load the demo
    (True), else leave it as it is (False)."""
    if reset:
        await _refuse_foreign_store(db)
        await empty_store(db)
    async with db.reading() as session:
        if await session.scalar(select(func.count()).select_from(Establishment)):
            return False
    try:
        await load_demo(db, operator, demo_dir())
    except BaseException:
        # A half-loaded demo would be taken for a loaded one next time: start clean instead.
        await empty_store(db)
        raise
    return True


async def _refuse_foreign_store(db: Database) -> None:
    """--reset empties the store: refuse it on a store without any of the demo's schools (a
    real database named by mistake with --db). Schools added while playing with the demo do
    not count."""
    rows = _table(demo_dir() / "establishments.csv", ("uai", "nom"), _ESTABLISHMENT_EXTRAS)
    demo = {normalize_uai(r.get("uai")) for r in rows}
    async with db.reading() as session:
        present = set((await session.scalars(select(Establishment.uai))).all())
    if present and not present & demo:
        raise InputError(
            f"cette base ne contient pas la démonstration ({', '.join(sorted(present)[:3])}…) : "
            "--reset refusé, rien n'a été effacé"
        )


async def empty_store(db: Database) -> None:
    """Delete every row of every table (the schema stays), children before parents, in one
    transaction."""
    async with db.writing() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))


async def load_demo(db: Database, operator: str, folder: Path, now: datetime | None = None) -> None:
    """Load the demo files of `folder` through the services, requests and payments moved so
    that the newest is an hour old. Accounts come before requests so that some requests
    find their host already has one."""
    now = now or utcnow()
    await add_establishments(db, folder / "establishments.csv", operator)
    await import_hosts(db, read_hosts_file(folder / "hosts.csv"), operator, "hosts.csv")
    await add_accounts(db, _table(folder / "accounts.csv", _ACCOUNT_COLUMNS), operator)
    requests = shift_requests(read_requests_file(folder / "requests.json"), now)
    await import_requests(db, requests, operator, "requests.json")
    payments = read_payments_file(folder / "payments.csv")
    days = days_to_now([p.paid_at for p in payments], now)
    await import_payments(db, shift_payments(payments, days), operator, "payments.csv", "demo")
    receivables = _table(folder / "receivables.csv", _RECEIVABLE_COLUMNS)
    await add_receivables(db, receivables, operator, days)


_ESTABLISHMENT_EXTRAS = ("adresse", "telephone", "courriel")


async def add_establishments(db: Database, path: Path, operator: str) -> list[str]:
    """Add the establishments of a datagen file (`uai`, `nom`, optional `adresse` with its
    lines joined by ` | `, `telephone`, and `courriel`: the email de l'établissement of its
    portal settings); their UAIs, in file order. The benchmarks load theirs here too."""
    from packweb_tui.services.settings import set_settings

    uais: list[str] = []
    for row in _table(path, ("uai", "nom"), _ESTABLISHMENT_EXTRAS):
        address = row.get("adresse").split(" | ") if row.get("adresse") else ()
        view = await add_establishment(
            db, row.get("uai"), row.get("nom"), operator, address, row.get("telephone")
        )
        if email := row.get("courriel"):
            await set_settings(db, view.uai, {"school_email": email}, operator)
        uais.append(view.uai)
    return uais


def shift_requests(records: Sequence[RequestRecord], now: datetime) -> list[RequestRecord]:
    """The same requests, all moved by one amount so that the newest was sent an hour before
    `now`: the queue keeps its spread (some past the 48-hour promise, some fresh)."""
    if not records:
        return []
    delta = now - timedelta(hours=1) - max(r.submitted_at for r in records)
    delta = timedelta(seconds=int(delta.total_seconds()))  # no stray microseconds
    return [dataclasses.replace(r, submitted_at=r.submitted_at + delta) for r in records]


def days_to_now(moments: Sequence[datetime], now: datetime) -> int:
    """Whole days to add so that the newest moment falls within the day before `now` minus
    an hour. Whole days keep the hours people pay at (counters open in office hours)."""
    if not moments:
        return 0
    newest = max(moments).astimezone(PARIS)
    limit = (now - timedelta(hours=1)).astimezone(PARIS)
    days = (limit.date() - newest.date()).days
    return days - 1 if _add_days(newest, days) > limit else days


def shift_payments(records: Sequence[PaymentRecord], days: int) -> list[PaymentRecord]:
    return [dataclasses.replace(p, paid_at=_add_days(p.paid_at, days)) for p in records]


def _add_days(moment: datetime, days: int) -> datetime:
    # In Paris wall-clock time, so that 12:05 stays 12:05 across a change of daylight time.
    return (moment.astimezone(PARIS) + timedelta(days=days)).astimezone(UTC)


_ACCOUNT_COLUMNS = ("login", "email", "uai", "cartes")
_RECEIVABLE_COLUMNS = ("uai", "carte", "libelle", "montant", "emis_le", "avis")


def _table(path: Path, columns: Sequence[str], optional: Sequence[str] = ()) -> list[Row]:
    data = read_input_file(path)
    try:
        return read_table(data, path.name, columns, (*columns, *optional)).rows
    except InputError as error:
        raise InputErrors([error]) from None


async def _host_ids(db: Database, rows: Sequence[Row], source: str) -> dict[tuple[str, str], int]:
    """(uai, card) → host id for every card the rows name; InputErrors for the unknown."""
    wanted: set[tuple[str, str]] = set()
    for row in rows:
        uai = normalize_uai(row.get("uai"))
        cards = row.get("cartes").split() if "cartes" in row.values else [row.get("carte")]
        wanted.update((uai, normalize_card(card)) for card in cards)
    async with db.reading() as session:
        ids = await establishment_ids(session, {uai for uai, _ in wanted})
        found = {
            (uai, card): id_
            for uai, card, id_ in await session.execute(
                select(Establishment.uai, Host.card, Host.id)
                .join(Establishment, Establishment.id == Host.establishment_id)
                .where(Host.establishment_id.in_(ids.values()))
            )
        }
    missing = sorted(wanted - set(found))
    if missing:
        raise InputErrors(
            [InputError(f"carte {card} de {uai} inconnue", source) for uai, card in missing]
        )
    return found


async def add_accounts(db: Database, rows: Sequence[Row], operator: str) -> int:
    """Portal accounts that exist already (delivered, in use): login, email, establishment
    and the cards each reaches. All share the demo password, hashed once off the event loop."""
    hosts = await _host_ids(db, rows, "accounts.csv")
    password_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)
    now = utcnow()
    async with db.writing() as session:
        ids = await establishment_ids(session, {normalize_uai(r.get("uai")) for r in rows})
        for row in rows:
            uai = normalize_uai(row.get("uai"))
            login = clean_text(row.get("login"))
            account = PortalAccount(
                establishment_id=ids[uai],
                login=login,
                password_hash=password_hash,
                email=normalize_email(row.get("email")),
                must_change_password=False,
                enabled=True,
                credentials=CredentialsState.SENT,
                created_at=now - timedelta(days=40),
                created_by=operator,
                updated_at=now - timedelta(days=40),
                pushed_at=now - timedelta(days=40),
            )
            session.add(account)
            session.add(UsedLogin(login=login, created_at=account.created_at))
            await session.flush()
            for card in row.get("cartes").split():
                session.add(AccountHost(account_id=account.id, host_id=hosts[(uai, card)]))
        audit.record(session, operator, "demo.accounts", "portal_account", (), rows=len(rows))
    return len(rows)


async def add_receivables(db: Database, rows: Sequence[Row], operator: str, days: int) -> int:
    """Créances of forfait hosts, with their avis détaillé (none, draft or validated),
    issued `days` later than written, as the payments are."""
    hosts = await _host_ids(db, rows, "receivables.csv")
    values = []
    for row in rows:
        issued = _parse_day(row.get("emis_le")) + timedelta(days=days)
        avis = AvisState(row.get("avis"))
        validated_at = (
            datetime.combine(issued + timedelta(days=3), time(10), PARIS).astimezone(UTC)
            if avis is AvisState.VALIDATED
            else None
        )
        values.append(
            Receivable(
                host_id=hosts[(normalize_uai(row.get("uai")), row.get("carte"))],
                label=clean_text(row.get("libelle"))[:100],
                amount_cents=parse_euros(row.get("montant")),
                paid_cents=0,
                issued_on=issued,
                avis_state=avis,
                avis_validated_at=validated_at,
            )
        )
    async with db.writing() as session:
        session.add_all(values)
        audit.record(session, operator, "demo.receivables", "receivable", (), rows=len(rows))
    return len(values)


def _parse_day(value: str) -> date:
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise InputError(f"date « {value} » invalide : JJ/MM/AAAA attendu") from None
