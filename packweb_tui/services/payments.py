"""Payments from other sources (counter, previous system): importing and listing them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from packweb_tui.domain.hosts import HostMode
from packweb_tui.domain.money import format_euros
from packweb_tui.domain.paymentfile import parse_payments
from packweb_tui.domain.payments import PaymentMethod, PaymentRecord, PaymentTarget
from packweb_tui.domain.uai import normalize_uai
from packweb_tui.domain.wording import plural
from packweb_tui.services import audit
from packweb_tui.services.establishments import known_establishments
from packweb_tui.services.files import read_input_file
from packweb_tui.store.bulk import chunks, execute_many
from packweb_tui.store.database import Database
from packweb_tui.store.models import Establishment, Host, Payment, table_of
from packweb_tui.store.types import utcnow


@dataclass
class PaymentImportReport:
    rows: int = 0
    new: int = 0
    already_known: int = 0
    without_host: int = 0  # new payments whose card matches no host (yet)
    by_uai: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        unmatched = (
            f" (dont {self.without_host} sur une carte sans hôte)" if self.without_host else ""
        )
        return (
            f"{plural(self.rows, 'paiement lu', 'paiements lus')} : "
            f"{plural(self.new, 'nouveau', 'nouveaux')}{unmatched}, "
            f"{plural(self.already_known, 'déjà connu', 'déjà connus')}."
        )


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: int
    uai: str
    card: str
    last_name: str | None  # None when no host holds the card
    first_name: str | None
    paid_at: datetime
    amount_cents: int
    method: PaymentMethod
    target: PaymentTarget
    transaction_id: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uai": self.uai,
            "card": self.card,
            "last_name": self.last_name,
            "first_name": self.first_name,
            "paid_at": self.paid_at.isoformat(),
            "amount_cents": self.amount_cents,
            "amount": format_euros(self.amount_cents),
            "method": self.method.value,
            "target": self.target.value,
            "transaction": self.transaction_id,
            "source": self.source,
        }


def read_payments_file(path: Path) -> list[PaymentRecord]:
    """Parse a payments file; InputErrors lists every bad row with its line number."""
    data = read_input_file(path)
    return parse_payments(data, path.name)


async def import_payments(
    db: Database,
    records: list[PaymentRecord],
    operator: str,
    source: str,
    origin: str = "import",
) -> PaymentImportReport:
    """Store new payments in one transaction. Idempotent on (establishment, method,
    transaction): one already known is counted and left as it is. An unknown establishment
    refuses the whole file. Each payment is tied to the host holding its card, when there is
    one; a forfait host's payment goes to the forfait. `origin` tags the rows (import, demo)."""
    report = PaymentImportReport(rows=len(records))
    by_uai: dict[str, list[PaymentRecord]] = defaultdict(list)
    for record in records:
        by_uai[record.uai].append(record)
    report.by_uai = {uai: len(rows) for uai, rows in sorted(by_uai.items())}
    async with db.writing() as session:
        ids = await known_establishments(session, set(by_uai), source)
        now = utcnow()
        for uai, rows in by_uai.items():
            establishment_id = ids[uai]
            known: set[tuple[PaymentMethod, str]] = set()
            for part in chunks(sorted({r.transaction_id for r in rows})):
                keys = await session.execute(
                    select(Payment.method, Payment.transaction_id).where(
                        Payment.establishment_id == establishment_id,
                        Payment.transaction_id.in_(part),
                    )
                )
                known.update((method, txn) for method, txn in keys)
            new = []
            for r in rows:  # a repeat inside `records` (not from a file) counts as known too
                if (r.method, r.transaction_id) not in known:
                    known.add((r.method, r.transaction_id))
                    new.append(r)
            report.already_known += len(rows) - len(new)
            if not new:
                continue
            hosts: dict[str, tuple[int, HostMode]] = {}
            for part in chunks(sorted({r.card for r in new})):
                holders = await session.execute(
                    select(Host.card, Host.id, Host.mode).where(
                        Host.establishment_id == establishment_id, Host.card.in_(part)
                    )
                )
                hosts.update((card, (id_, mode)) for card, id_, mode in holders)
            values: list[dict[str, object]] = []
            for r in new:
                host_id, mode = hosts.get(r.card, (None, None))
                if host_id is None:
                    report.without_host += 1
                values.append(
                    {
                        "establishment_id": establishment_id,
                        "host_id": host_id,
                        "card": r.card,
                        "transaction_id": r.transaction_id,
                        "paid_at": r.paid_at,
                        "amount_cents": r.amount_cents,
                        "method": r.method,
                        "target": PaymentTarget.FORFAIT
                        if mode is HostMode.FORFAIT
                        else PaymentTarget.SELF,
                        "payer": None,
                        "source": origin,
                        "recorded_at": now,
                    }
                )
            await execute_many(session, insert(table_of(Payment)), values)
            report.new += len(new)
            audit.record(
                session,
                operator,
                "payments.import",
                "establishment",
                [establishment_id],
                establishment_id,
                source=source,
                rows=len(rows),
                new=len(new),
            )
    return report


async def list_payments(db: Database, uai: str | None = None) -> list[PaymentView]:
    """Payments oldest first, with the name of the host holding the card when known."""
    query = (
        select(Payment, Establishment.uai, Host.last_name, Host.first_name)
        .join(Establishment, Establishment.id == Payment.establishment_id)
        .outerjoin(Host, Host.id == Payment.host_id)
        .order_by(Payment.paid_at, Payment.id)
    )
    if uai is not None:
        query = query.where(Establishment.uai == normalize_uai(uai))
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [
        PaymentView(
            p.id,
            uai_,
            p.card,
            last,
            first,
            p.paid_at,
            p.amount_cents,
            p.method,
            p.target,
            p.transaction_id,
            p.source,
        )
        for p, uai_, last, first in rows
    ]
