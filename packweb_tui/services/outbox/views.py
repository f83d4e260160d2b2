"""The outbox as `outbox list` shows it, and an establishment's as the console shows it: each
message, its status in French, never its body."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from packweb_tui.domain.states import OutboxKind, OutboxStatus
from packweb_tui.services.establishments import require_establishment
from packweb_tui.services.mail import AddressError, Sender, message_id_for
from packweb_tui.services.outbox.scope import of_establishment
from packweb_tui.store.database import Database
from packweb_tui.store.models import OutboxMessage
from packweb_tui.store.types import utcnow


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
    query = _VIEWS.order_by(OutboxMessage.id)
    if statuses is not None:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return _views(rows, sender)


@dataclass(frozen=True, slots=True)
class EstablishmentOutbox:
    """An establishment's outbox as the console shows it: what waits (due now or later),
    what failed, then the latest sent or cancelled; and how many of each."""

    uai: str
    messages: list[OutboxView]
    due: int  # queued, to send now
    deferred: int  # queued, waiting for a later try
    failed: int
    sent: int
    cancelled: int
    now: datetime  # what "due" was reckoned against

    def waiting_later(self, view: OutboxView) -> bool:
        """Queued, but its next try is planned later (after a failed try)."""
        return view.status is OutboxStatus.QUEUED and view.next_attempt_at > self.now


RECENT = 200  # sent or cancelled messages listed, the latest


async def establishment_outbox(
    db: Database, uai: str, sender: str | None = None, now: datetime | None = None
) -> EstablishmentOutbox:
    """The outbox of establishment `uai` (`scope.of_establishment`): every message queued or
    failed, the oldest first, then the RECENT latest sent or cancelled; with the counts of
    each state."""
    now = now or utcnow()
    async with db.reading() as session:
        establishment = await require_establishment(session, uai)
        mine = of_establishment(establishment.id)
        open_ = (OutboxStatus.QUEUED, OutboxStatus.FAILED)
        waiting = (
            await session.execute(
                _VIEWS.where(mine, OutboxMessage.status.in_(open_)).order_by(OutboxMessage.id)
            )
        ).all()
        done = (
            await session.execute(
                _VIEWS.where(mine, OutboxMessage.status.not_in(open_))
                .order_by(
                    func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at).desc(),
                    OutboxMessage.id.desc(),
                )
                .limit(RECENT)
            )
        ).all()
        counts = dict(
            (
                await session.execute(
                    select(OutboxMessage.status, func.count())
                    .where(mine, OutboxMessage.status.not_in(open_))
                    .group_by(OutboxMessage.status)
                )
            ).all()
        )
    messages = _views([*waiting, *done], sender)
    queued = [v for v in messages if v.status is OutboxStatus.QUEUED]
    later = sum(1 for v in queued if v.next_attempt_at > now)
    return EstablishmentOutbox(
        establishment.uai,
        messages,
        due=len(queued) - later,
        deferred=later,
        failed=sum(1 for v in messages if v.status is OutboxStatus.FAILED),
        sent=counts.get(OutboxStatus.SENT, 0),
        cancelled=counts.get(OutboxStatus.CANCELLED, 0),
        now=now,
    )


_VIEWS = select(
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
)


def _views(rows: Sequence[Any], sender: str | None) -> list[OutboxView]:
    """Rows of _VIEWS as views; `sender` (`[smtp] sender`) gives their Message-ID."""
    try:
        domain = Sender.parse(sender).domain if sender else None
    except AddressError:
        domain = None
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
