"""The outbox as `outbox list` shows it: each message, its status in French, never its body."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from packweb_tui.domain.states import OutboxKind, OutboxStatus
from packweb_tui.services.mail import AddressError, Sender, message_id_for
from packweb_tui.store.database import Database
from packweb_tui.store.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class OutboxView:
    """A message of the outbox, as `outbox list` shows it (never its body: a letter's email
    holds a password)."""

    id: int
    kind: str
    to: str
    subject: str
    status: OutboxStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    letter_id: int | None
    request_id: int | None
    message_id: str | None  # when the sender's domain is known

    @property
    def kind_label(self) -> str:
        """« lettre », « refus », « récapitulatif »."""
        return OutboxKind.label_of(self.kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "to": self.to,
            "subject": self.subject,
            "status": self.status.value,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "next_attempt_at": (
                self.next_attempt_at.isoformat() if self.status is OutboxStatus.QUEUED else None
            ),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "letter_id": self.letter_id,
            "request_id": self.request_id,
            "message_id": self.message_id,
        }


async def list_outbox(
    db: Database,
    statuses: Iterable[OutboxStatus] | None = None,
    sender: str | None = None,
) -> list[OutboxView]:
    """The outbox's messages (of these statuses), oldest first. `sender` (`[smtp] sender`)
    gives their Message-ID."""
    try:
        domain = Sender.parse(sender).domain if sender else None
    except AddressError:
        domain = None
    query = select(
        OutboxMessage.id,
        OutboxMessage.kind,
        OutboxMessage.to_addr,
        OutboxMessage.subject,
        OutboxMessage.status,
        OutboxMessage.attempts,
        OutboxMessage.last_error,
        OutboxMessage.created_at,
        OutboxMessage.next_attempt_at,
        OutboxMessage.sent_at,
        OutboxMessage.letter_id,
        OutboxMessage.request_id,
    ).order_by(OutboxMessage.id)
    if statuses is not None:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [
        OutboxView(
            row.id,
            row.kind,
            row.to_addr,
            row.subject,
            row.status,
            row.attempts,
            row.last_error,
            row.created_at,
            row.next_attempt_at,
            row.sent_at,
            row.letter_id,
            row.request_id,
            message_id_for(row.id, row.created_at, domain) if domain else None,
        )
        for row in rows
    ]
