"""Account requests: importing them (from a file or the portal) and listing them."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from packweb_tui.domain.errors import InputError, InputErrors
from packweb_tui.domain.matching import MatchKind
from packweb_tui.domain.requests import RequestRecord, RequestStatus, parse_request_items
from packweb_tui.domain.uai import normalize_uai
from packweb_tui.domain.wording import plural
from packweb_tui.services import audit
from packweb_tui.services.digest import queue_requests_digest
from packweb_tui.services.establishments import known_establishments
from packweb_tui.services.files import read_input_file
from packweb_tui.services.matching import rematch_pending
from packweb_tui.store.bulk import chunks
from packweb_tui.store.database import Database
from packweb_tui.store.models import (
    AccountRequest,
    Establishment,
    Host,
    RequestCandidate,
    table_of,
)
from packweb_tui.store.types import utcnow


@dataclass
class RequestImportReport:
    received: int = 0
    new: int = 0
    already_known: int = 0
    digests: list[str] = field(default_factory=list)  # addresses told of the new requests

    def summary(self) -> str:
        return (
            f"{plural(self.received, 'demande lue', 'demandes lues')} : "
            f"{plural(self.new, 'nouvelle')}, "
            f"{plural(self.already_known, 'déjà connue', 'déjà connues')}."
        ) + "".join(f" Récapitulatif en file d'envoi pour {to}." for to in self.digests)


@dataclass(frozen=True, slots=True)
class RequestView:
    id: int
    portal_id: str
    uai: str
    card_digits: str
    last_name: str
    first_name: str
    email: str
    submitted_at: datetime
    status: RequestStatus
    match_kind: MatchKind
    match_note: str
    cards: tuple[str, ...]
    host_card: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "portal_id": self.portal_id,
            "uai": self.uai,
            "card_digits": self.card_digits,
            "last_name": self.last_name,
            "first_name": self.first_name,
            "email": self.email,
            "submitted_at": self.submitted_at.isoformat(),
            "status": self.status.value,
            "match": {
                "kind": self.match_kind.value,
                "cards": list(self.cards),
                "explanation": self.match_note,
                "attached_card": self.host_card,
            },
        }


def read_requests_file(path: Path) -> list[RequestRecord]:
    """Parse a JSON file of requests; InputErrors names every bad item."""
    data = read_input_file(path)
    try:
        items = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputErrors([InputError(f"JSON invalide ({error})", path.name)]) from None
    return parse_request_items(items, path.name)


async def import_requests(
    db: Database, records: list[RequestRecord], operator: str, source: str
) -> RequestImportReport:
    """Store new requests (idempotent on `portal_id`: one already known is left as it is),
    then match the pending requests of the establishments concerned. All or nothing."""
    report = RequestImportReport(received=len(records))
    unique: dict[str, RequestRecord] = {}
    for record in records:
        unique.setdefault(record.portal_id, record)
    async with db.writing() as session:
        ids = await known_establishments(session, {r.uai for r in unique.values()}, source)
        known: set[str] = set()
        for part in chunks(list(unique)):
            known.update(
                (
                    await session.scalars(
                        select(AccountRequest.portal_id).where(AccountRequest.portal_id.in_(part))
                    )
                ).all()
            )
        now = utcnow()
        new = [r for pid, r in unique.items() if pid not in known]
        report.new, report.already_known = len(new), len(records) - len(new)
        if new:
            await session.execute(
                insert(table_of(AccountRequest)),
                [
                    {
                        "portal_id": r.portal_id,
                        "establishment_id": ids[r.uai],
                        "card_digits": r.card_digits,
                        "last_name": r.last_name,
                        "first_name": r.first_name,
                        "email": r.email,
                        "submitted_at": r.submitted_at,
                        "received_at": now,
                        "status": RequestStatus.PENDING,
                        "match_kind": MatchKind.NONE,
                        "match_note": "",
                        "version": 1,
                    }
                    for r in new
                ],
            )
        per_establishment: dict[int, int] = defaultdict(int)
        for r in new:
            per_establishment[ids[r.uai]] += 1
        new_ids: dict[int, list[int]] = defaultdict(list)
        for part in chunks([r.portal_id for r in new]):
            for rid, eid in await session.execute(
                select(AccountRequest.id, AccountRequest.establishment_id).where(
                    AccountRequest.portal_id.in_(part)
                )
            ):
                new_ids[eid].append(rid)
        for establishment_id, count in per_establishment.items():
            await rematch_pending(session, establishment_id)
            # The school's "email pour réceptionner les demandes" hears of them (once matched).
            digest = await queue_requests_digest(
                session, establishment_id, new_ids[establishment_id]
            )
            if digest is not None:
                report.digests.append(digest.to_addr)
            audit.record(
                session,
                operator,
                "requests.import",
                "establishment",
                [establishment_id],
                establishment_id,
                source=source,
                new=count,
            )
    return report


async def list_requests(
    db: Database, uai: str | None = None, status: RequestStatus | None = None
) -> list[RequestView]:
    """Requests with their match, oldest first (the 48-hour promise runs from submission)."""
    query = (
        select(AccountRequest, Establishment.uai, Host.card)
        .join(Establishment, Establishment.id == AccountRequest.establishment_id)
        .outerjoin(Host, Host.id == AccountRequest.host_id)
        .order_by(AccountRequest.submitted_at, AccountRequest.id)
    )
    if uai is not None:
        query = query.where(Establishment.uai == normalize_uai(uai))
    if status is not None:
        query = query.where(AccountRequest.status == status)
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
        cards: dict[int, list[str]] = defaultdict(list)
        for part in chunks([r.id for r, _, _ in rows]):
            for rid, card in await session.execute(
                select(RequestCandidate.request_id, Host.card)
                .join(Host, Host.id == RequestCandidate.host_id)
                .where(RequestCandidate.request_id.in_(part))
                .order_by(Host.card)
            ):
                cards[rid].append(card)
    return [
        RequestView(
            r.id,
            r.portal_id,
            uai_,
            r.card_digits,
            r.last_name,
            r.first_name,
            r.email,
            r.submitted_at,
            r.status,
            r.match_kind,
            r.match_note,
            tuple(cards[r.id]),
            host_card,
        )
        for r, uai_, host_card in rows
    ]
