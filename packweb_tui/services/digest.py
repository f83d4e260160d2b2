"""The digest of new account requests, emailed to the establishment's "email pour réceptionner
les demandes de création de compte" after a synchronisation brings some (docs/domain.md, portal
settings): queued in the outbox in the synchronisation's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from packweb_tui.domain.dates import format_instant
from packweb_tui.domain.names import clean_text
from packweb_tui.domain.requests import ANSWER_DELAY_HOURS
from packweb_tui.domain.states import OutboxKind, OutboxStatus
from packweb_tui.domain.wording import plural
from packweb_tui.store.models import AccountRequest, Establishment, OutboxMessage, PortalSettings
from packweb_tui.store.types import utcnow

LISTED = 50  # requests listed one by one; the rest are counted


def digest_text(establishment: str, rows: Sequence[tuple[datetime, str, str, str, str]]) -> str:
    """The digest's body: (submitted_at, last name, first name, card digits, match label)."""
    count = len(rows)
    lines = [
        "Bonjour,",
        "",
        f"{plural(count, 'nouvelle demande', 'nouvelles demandes')} de compte pour l'espace "
        f"numérique de {establishment} :",
        "",
    ]
    for submitted, last, first, digits, label in rows[:LISTED]:
        lines.append(
            f"  • {format_instant(submitted)} — {clean_text(last).upper()} "
            f"{clean_text(first)}, carte …{digits} ({label})"
        )
    if count > LISTED:
        lines.append(f"  … et {plural(count - LISTED, 'autre')}.")
    lines += [
        "",
        f"Chaque demande attend une réponse sous {ANSWER_DELAY_HOURS} heures : onglet Demandes "
        "de PackWeb Console.",
        "",
        "— PackWeb Console",
    ]
    return "\n".join(lines) + "\n"


async def queue_requests_digest(
    session: AsyncSession, establishment_id: int, request_ids: Sequence[int]
) -> OutboxMessage | None:
    """Queue the digest of `request_ids` (new requests of one establishment) to its requests
    address; None when there is nothing new or no address is set."""
    if not request_ids:
        return None
    found = (
        await session.execute(
            select(Establishment.name, PortalSettings.requests_email)
            .outerjoin(PortalSettings, PortalSettings.establishment_id == Establishment.id)
            .where(Establishment.id == establishment_id)
        )
    ).first()
    if found is None or not found[1]:
        return None
    name, address = found
    rows = (
        await session.execute(
            select(
                AccountRequest.submitted_at,
                AccountRequest.last_name,
                AccountRequest.first_name,
                AccountRequest.card_digits,
                AccountRequest.match_kind,
            )
            .where(AccountRequest.id.in_(list(request_ids)))
            .order_by(AccountRequest.submitted_at, AccountRequest.id)
        )
    ).all()
    if not rows:
        return None
    now = utcnow()
    message = OutboxMessage(
        kind=OutboxKind.DIGEST,
        to_addr=address,
        subject=f"{plural(len(rows), 'nouvelle demande', 'nouvelles demandes')} de compte – {name}",
        body=digest_text(name, [(s, ln, fn, d, k.label) for s, ln, fn, d, k in rows]),
        status=OutboxStatus.QUEUED,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    return message
